"""A stand-in for Engine: fixed passages and a canned Answer, so the web layer is tested without a model."""

from __future__ import annotations

import threading
import time

from askerqa.errors import BadQuestion
from askerqa.types import Answer, Hit, Passage, TableRow

SICK_LEAVE = Passage(
    "p-sick", "Sykefraværet blant de ansatte var 9,3 prosent i 2022.", "Medarbeidere › Sykefravær", 12, 40, (100, 101),
    "prose")
TABLE = Passage(
    "p-table", "Sykefraværsprosent 7,7 % 8,4 % 9,3 %", "Medarbeidere › Nøkkeltall", 13, 41, (110, 110), "table_row",
    TableRow("Nøkkeltall", "Sykefraværsprosent", (("2020", "7,7 %"), ("2021", "8,4 %"), ("2022", "9,3 %")),
             "Kilde: Asker kommune"))
CONTACT = Passage("p-contact", "Telefon: +47 66 90 90 00 E-post: post@asker.kommune.no", "Kontakt", 90, None,
                  (900, 901), "prose")


class FakeEngine:
    """ask() answers every question with the sick-leave quote; 'feil' raises, blank is refused like the real one."""

    passages = [SICK_LEAVE, TABLE, CONTACT]

    def __init__(self, delay_s: float = 0.0) -> None:
        self.delay_s = delay_s
        self.calls = 0
        self.lock = threading.Lock()

    def ask(self, question: str, top_k: int = 5) -> Answer:
        with self.lock:
            self.calls += 1
        if self.delay_s:
            time.sleep(self.delay_s)
        if not question.strip():
            raise BadQuestion("Skriv et spørsmål.")
        if question == "feil":
            raise RuntimeError("boom")
        text = SICK_LEAVE.text
        start = text.index("9,3 prosent")
        hits = (Hit(SICK_LEAVE, 0.9, 1), Hit(TABLE, 0.5, 2))
        return Answer(question, text, ("9,3 prosent",), ((start, start + 11),), True, 0.87, SICK_LEAVE.id, hits, 3.0)

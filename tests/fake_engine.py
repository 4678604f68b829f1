"""A stand-in for Engine: fixed passages and canned answers in each of the three states, so the web layer is
tested without a model.

    any question            -> found: the sick-leave sentence, with the table row as second source
    "... usikker ..."       -> uncertain: two alternatives from different passages
    "... eiendomsskatt ..." -> not found, with a note
    "Og i 2021?" + context  -> found from the table row, `interpreted` and `lead` set
    "feil"                  -> raises; blank is refused like the real engine
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Sequence

from askerqa.errors import BadQuestion
from askerqa.types import Alternative, Answer, Hit, Passage, TableRow

INTRO = Passage("p-intro", "Kommunen hadde om lag 6 000 årsverk i 2022.", "Medarbeidere", 11, None, (90, 90), "prose")
SICK_LEAVE = Passage(
    "p-sick", "Sykefraværet blant de ansatte var 9,3 prosent i 2022.", "Medarbeidere › Sykefravær", 12, 40, (100, 101),
    "prose")
SICK_MORE = Passage("p-sick-2", "Sykefraværet var høyest i helse og omsorg.", "Medarbeidere › Sykefravær", 12, 40,
                    (102, 102), "prose")
TABLE = Passage(
    "p-table", "Sykefraværsprosent 7,7 % 8,4 % 9,3 %", "Medarbeidere › Nøkkeltall", 13, None, (110, 110), "table_row",
    TableRow("Nøkkeltall", "Sykefraværsprosent", (("2020", "7,7 %"), ("2021", "8,4 %"), ("2022", "9,3 %")),
             "Kilde: Asker kommune"))
TABLE_2 = Passage(
    "p-table-2", "Turnover 10,1 % 9,8 %", "Medarbeidere › Nøkkeltall", 13, None, (111, 111), "table_row",
    TableRow("Nøkkeltall", "Turnover", (("2020", "10,1 %"), ("2022", "9,8 %")), "Kilde: Asker kommune"))
CONTACT = Passage("p-contact", "Telefon: +47 66 90 90 00 E-post: post@asker.kommune.no", "Kontakt", 90, None,
                  (900, 901), "prose")


def _spans(text: str, figure: str) -> tuple[tuple[int, int], ...]:
    start = text.index(figure)
    return ((start, start + len(figure)),)


class FakeEngine:
    passages = [INTRO, SICK_LEAVE, SICK_MORE, TABLE, TABLE_2, CONTACT]

    def __init__(self, delay_s: float = 0.0) -> None:
        self.delay_s = delay_s
        self.calls = 0
        self.contexts: list[list[str] | None] = []  # the context of each call, as the engine got it
        self.lock = threading.Lock()

    def ask(self, question: str, top_k: int = 5, context: Sequence[str] | None = None) -> Answer:
        with self.lock:
            self.calls += 1
            self.contexts.append(list(context) if context is not None else None)
        if self.delay_s:
            time.sleep(self.delay_s)
        if not question.strip():
            raise BadQuestion("Skriv et spørsmål.")
        if question == "feil":
            raise RuntimeError("boom")
        hits = (Hit(SICK_LEAVE, 0.9, 1), Hit(SICK_MORE, 0.6, 2), Hit(TABLE, 0.5, 3))
        if "eiendomsskatt" in question.lower():
            return Answer(question, "", (), (), False, 0.1, None, hits, 3.0, status="not_found",
                          note="Rapporten har ikke tall for eiendomsskatt.")
        if "usikker" in question.lower():
            alternatives = (
                Alternative(SICK_LEAVE.text, SICK_LEAVE.id, ("9,3 prosent",), _spans(SICK_LEAVE.text, "9,3 prosent")),
                Alternative(TABLE_2.text, TABLE_2.id, ("9,8 %",), _spans(TABLE_2.text, "9,8 %")),
            )
            return Answer(question, SICK_LEAVE.text, (), (), False, 0.4, SICK_LEAVE.id, hits, 3.0, status="uncertain",
                          alternatives=alternatives)
        year = re.search(r"\b(20\d\d)\b", question)
        if context and year and question.lower().startswith("og"):
            interpreted = re.sub(r"\b20\d\d\b", year.group(1), context[-1])
            cell = dict(TABLE.table.cells).get(year.group(1), "")  # type: ignore[union-attr]
            return Answer(question, TABLE.text, (cell,), _spans(TABLE.text, cell), True, 0.8, TABLE.id,
                          (Hit(TABLE, 0.8, 1), Hit(SICK_LEAVE, 0.5, 2)), 3.0, status="found",
                          interpreted=interpreted, lead=f"{year.group(1)}: {cell}")
        text = SICK_LEAVE.text
        return Answer(question, text, ("9,3 prosent",), _spans(text, "9,3 prosent"), True, 0.87, SICK_LEAVE.id, hits,
                      3.0, status="found")

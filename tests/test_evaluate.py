"""askerqa.evaluate on hand-made answers: the judge's rule through the cache, the three-state figures and the
found-threshold curve, as `askerqa eval` prints them."""

from __future__ import annotations

import pytest

from askerqa.evaluate import Result, found_curve, summarise
from askerqa.gold import Question
from askerqa.matching import match_normalise, satisfies
from askerqa.types import Answer, Passage

PASSAGE = Passage("p1", "Sykefraværet var 9,3 prosent i 2022.", "Medarbeidere", 1, None, (1, 1), "prose")


def _result(qid: str, status: str, text: str, confidence: float, answerable: bool = True, note: str = "",
            kind: str = "figure") -> Result:
    q = Question(qid, kind, "?", [["sykefravær", "9,3"]] if answerable else [], [], answerable)
    a = Answer("?", text, (), (), status == "found", confidence, "p1", status=status, note=note)  # type: ignore[arg-type]
    return Result(q, a, [PASSAGE], [1] if answerable else [])


RIGHT, WRONG = "Sykefraværet var 9,3 prosent i 2022.", "Kommunen har seks bibliotek."
RESULTS = [
    _result("a", "found", RIGHT, 0.95),
    _result("b", "uncertain", RIGHT, 0.6),
    _result("c", "found", WRONG, 0.9),
    _result("d", "not_found", WRONG, 0.1, answerable=False, kind="unanswerable"),
    _result("e", "uncertain", WRONG, 0.5, answerable=False, kind="unanswerable"),
    _result("f", "not_found", RIGHT, 0.95, note="Rapporten oppgir ikke tallet for 2022 ennå (Tall kommer)."),
]


@pytest.mark.parametrize("text", [RIGHT, WRONG, "sykefravær 9.3", "SYKEFRAVÆR 9,3 %", ""])
def test_the_cached_rule_is_the_judges_rule(text):
    def uncached(text: str, limit: int) -> bool:
        norm = match_normalise(text[:limit])
        return all(match_normalise(s) in norm for s in ["sykefravær", "9,3"])

    for limit in (400, 10):
        for _ in range(2):  # the second time from the cache
            assert satisfies(text, [["sykefravær", "9,3"]], limit) == uncached(text, limit)


@pytest.mark.slow  # summarise's IR metrics go through ranx, whose numba compilation costs ~7 s the first time
def test_found_and_right_counts_only_answers_shown_as_found():
    row = summarise(RESULTS, [PASSAGE])["all"]
    assert row["FoundRight"] == pytest.approx(1 / 4)  # a: found and right; b uncertain, f withheld, c wrong
    assert row["Answer"] == pytest.approx(3 / 4)  # the quote is right in a, b and f, whatever its state
    assert row["FoundWrong"] == pytest.approx(1 / 6)  # c, over all questions
    assert row["PlainNotFound"] == pytest.approx(1 / 2)  # d said plainly; e shown as possible answers
    assert row["Uncertain"] == pytest.approx(2 / 6)


def test_the_curve_trades_right_answers_for_wrong_ones_and_never_shows_a_withheld_answer():
    curve = {p.threshold: p for p in found_curve(RESULTS, (0.0, 0.55, 0.92, 0.99))}
    assert (curve[0.0].found_right, curve[0.0].found_wrong) == (pytest.approx(2 / 4), pytest.approx(3 / 6))
    assert (curve[0.55].found_right, curve[0.55].found_wrong) == (pytest.approx(2 / 4), pytest.approx(1 / 6))
    assert (curve[0.92].found_right, curve[0.92].found_wrong) == (pytest.approx(1 / 4), 0.0)
    assert (curve[0.99].found_right, curve[0.99].found_wrong) == (0.0, 0.0)  # f (0.95, with a note) never counts

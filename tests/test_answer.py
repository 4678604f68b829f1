"""The answer stage on a toy report: constraints, the three states, verbatim quotes, anaphora."""

from __future__ import annotations

import numpy as np
import pytest

from askerqa.answer import LinearModel, Models, decide
from askerqa.constraints import Names, constraints_of
from askerqa.query import parse_question
from askerqa.signals import CANDIDATE_FEATURES, QUESTION_FEATURES, Signals, analyse
from askerqa.types import Passage
from askerqa.units import Report

TEXTS = [
    "Sykefraværet var 8,4 prosent i 2021. Dette er høyere enn før.",
    "Sykefraværet var 9,3 prosent i 2022.",
    "Kommunen har seks bibliotek. Biblioteket på Sætre er nytt.",
    "I Bærum var turnoveren 18,0 prosent.",
    "I perioden 2019 til 2022 var sykefraværet i snitt 8,0 prosent.",
    "SYKEFRAVÆR OG TURNOVER I KOMMUNEN.",
    "Netto driftsresultat var i snitt 3,1 prosent i perioden 2019-2022. Driftsbudsjettet er styrket med 760 "
    "millioner kroner fra 2020 til 2023.",
    "ANDEL AV DRIFTSBUDSJETTET TIL VELFERD: 34 %.",
    "Velferd har et driftsbudsjett på 2,2 milliarder kroner.",
    "Tjenesteområde Oppvekst har 2500 årsverk. Oppvekst er det største tjenesteområdet.",
    "Gode tjenester gir barn en trygg oppvekst.",
    "Sentrum har plasser for korttidsopphold og 12 nye leiligheter.",
    "Åpningen av senteret ga 23 plasser.",
]


def _sentences(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for i, ch in enumerate(text):
        if ch == "." and (i + 1 == len(text) or text[i + 1] == " "):
            spans.append((start, i + 1))
            start = i + 2
    return spans


@pytest.fixture(scope="module")
def report() -> Report:
    passages = [Passage(f"p{i}", t, "Kapittel", i + 1, None, (i + 1, i + 1), "prose") for i, t in enumerate(TEXTS)]
    refs = [(i, s, e) for i, t in enumerate(TEXTS) for s, e in _sentences(t)]
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(len(refs), 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return Report(passages, np.asarray(refs, dtype=np.int64), vectors, Names.from_texts(TEXTS))


def _models(found_at: float = 0.5, uncertain_at: float = 0.2, bias: float = 0.0, **weights: float) -> Models:
    """Quote score = word coverage (plus any named signal's weight); confidence = a fixed bias (so the tests
    choose the state)."""
    n, m = len(CANDIDATE_FEATURES), len(QUESTION_FEATURES)
    assert set(weights) <= set(CANDIDATE_FEATURES), weights
    coef = [weights.get(name, 1.0 if name == "cover" else 0.0) for name in CANDIDATE_FEATURES]
    quote = LinearModel(CANDIDATE_FEATURES, tuple(coef), 0.0, (0.0,) * n, (1.0,) * n)
    conf = LinearModel(QUESTION_FEATURES, (0.0,) * m, bias, (0.0,) * m, (1.0,) * m)
    return Models(quote, conf, found_at, uncertain_at)


def _ask(report: Report, question: str, models: Models):
    query = parse_question(question)
    qvec = np.zeros(report.vectors.shape[1], dtype=np.float32)
    n = len(report.passages)
    order = list(range(n))
    signals = Signals(0.9, 0.9, 1.0, 0, False)
    a = analyse(report, query, constraints_of(question, report.names), qvec, order, [1.0] * n,
                np.zeros(n, dtype=np.float32), np.zeros(n, dtype=np.float32), signals, list(enumerate(order)))
    return decide(report, a, models)


def test_the_quote_carries_the_asked_year_when_one_does(report):
    answer = _ask(report, "Hvor høyt var sykefraværet i 2022?", _models(bias=5.0))
    assert "2022" in answer.text and "9,3 prosent" in answer.figures
    answer = _ask(report, "Hvor høyt var sykefraværet i 2021?", _models(bias=5.0))
    assert "2021" in answer.text and "8,4 prosent" in answer.figures


def test_a_year_asked_alone_is_not_answered_with_a_period_ending_in_it(report):
    answer = _ask(report, "Hvor høyt var sykefraværet i snitt i 2022?", _models(bias=5.0))
    assert "9,3 prosent" in answer.figures and "perioden" not in answer.text
    answer = _ask(report, "Hvor høyt var sykefraværet i snitt i perioden 2019-2022?", _models(bias=5.0))
    assert "8,0 prosent" in answer.figures  # asked for the period, the period's figure


def test_a_year_in_the_next_sentence_about_something_else_is_not_the_asked_year(report):
    answer = _ask(report, "Hva ble netto driftsresultat i 2023?", _models(bias=5.0))
    assert "3,1 prosent" not in answer.figures  # the result is given for 2019-2022; 2023 dates the budget
    answer = _ask(report, "Hva var netto driftsresultat i perioden 2019-2022?", _models(bias=5.0))
    assert "3,1 prosent" in answer.figures


def test_a_period_asked_is_not_answered_with_a_period_that_only_shares_one_end(report):
    answer = _ask(report, "Hvor høyt var sykefraværet i perioden 2022-2023?", _models(bias=5.0))
    assert answer.status == "not_found" and "2023" in answer.note


def test_a_budget_is_answered_with_its_amount_and_a_share_with_the_share(report):
    answer = _ask(report, "Hvor stort er driftsbudsjettet til Velferd?", _models(bias=5.0))
    assert answer.text == "Velferd har et driftsbudsjett på 2,2 milliarder kroner."
    answer = _ask(report, "Hvor stor andel av driftsbudsjettet går til Velferd?", _models(bias=5.0))
    assert "34 %" in answer.figures


def test_a_count_is_answered_with_the_figure_that_counts_the_asked_thing(report):
    question = "Hvor mange plasser har sentrum?"
    by_cover = _ask(report, question, _models(bias=5.0))
    assert "12" in by_cover.figures  # more of the question's words, but its figure counts flats
    answer = _ask(report, question, _models(bias=5.0, counted=1.0))
    assert answer.text == "Åpningen av senteret ga 23 plasser." and answer.figures == ("23",)


def test_what_a_figure_counts_is_read_from_the_words_after_it_or_the_rows_label():
    from askerqa.units import counted_terms, mark_figures

    def counted(text: str) -> frozenset[str]:
        return counted_terms(text, mark_figures(text)[1])

    assert "plass" in counted("Åpningen ga 23 plasser.") and "leilig" not in counted("Åpningen ga 23 plasser.")
    row = "Økonomi – Nøkkeltall: Andel av inntektene (over 10 %) til renter: 2020 5 %, 2021 6 %"
    assert {"andel", "rent"} <= counted(row)  # the label holds a figure of its own; the label still counts


def test_a_heading_alone_is_never_the_quote(report):
    answer = _ask(report, "Sykefravær og turnover i kommunen", _models(bias=5.0))
    assert answer.text and answer.text != "SYKEFRAVÆR OG TURNOVER I KOMMUNEN."


def test_a_year_the_report_lacks_is_not_answered_with_another_year(report):
    answer = _ask(report, "Hvor høyt var sykefraværet i 2024?", _models(bias=5.0))
    assert answer.status == "not_found" and not answer.found
    assert "2024" in answer.note


def test_a_place_the_report_lacks_is_not_answered_with_askers_figure(report):
    answer = _ask(report, "Hvor høyt var sykefraværet i Lillehammer?", _models(bias=5.0))
    assert answer.status == "not_found" and not answer.found


def test_a_place_the_report_has_picks_its_sentence(report):
    answer = _ask(report, "Hvor stor var turnoveren i Bærum?", _models(bias=5.0))
    assert answer.found and "Bærum" in answer.text


def test_a_service_area_asked_is_not_answered_with_the_whole_municipality(report):
    answer = _ask(report, "Hvor høyt var sykefraværet i tjenesteområdet Oppvekst i 2022?", _models(bias=5.0))
    assert answer.status == "not_found" and not answer.found  # the report gives 2022 for the whole municipality
    answer = _ask(report, "Hvor mange årsverk har Oppvekst?", _models(bias=5.0))
    assert answer.found and "2500" in answer.figures and "Oppvekst" in answer.text


def test_a_service_area_is_a_name_only_where_written_as_one(report):
    names = report.names
    assert names.areas == {"oppvekst"}  # the report introduces it as "Tjenesteområde Oppvekst"
    assert names.in_question("Hvor mange årsverk har tjenesteområdet oppvekst?") == {"oppvekst"}
    assert names.in_question("Hva gjør kommunen for en trygg oppvekst?") == frozenset()
    assert names.in_text("Oppvekst er det største tjenesteområdet.") == {"oppvekst"}
    assert names.in_text("barn og unges oppvekst") == frozenset()


def test_three_states_follow_the_confidence(report):
    found = _ask(report, "Hvor mange bibliotek har kommunen?", _models(bias=5.0))
    unsure = _ask(report, "Hvor mange bibliotek har kommunen?", _models(bias=-0.5))
    missing = _ask(report, "Hvor mange bibliotek har kommunen?", _models(bias=-5.0))
    assert (found.status, found.found) == ("found", True) and not found.alternatives
    assert (unsure.status, unsure.found) == ("uncertain", False)
    assert 2 <= len(unsure.alternatives) <= 3
    assert len({a.passage_id for a in unsure.alternatives}) == len(unsure.alternatives)
    assert (missing.status, missing.found) == ("not_found", False)


def test_quotes_and_alternatives_are_verbatim_and_figures_point_into_them(report):
    answer = _ask(report, "Hvor mange bibliotek har kommunen?", _models(bias=-0.5))
    for quote in (answer, *answer.alternatives):
        assert any(quote.text in t for t in TEXTS)
        for figure, (start, end) in zip(quote.figures, quote.spans, strict=True):
            assert quote.text[start:end] == figure


def test_a_sentence_that_points_back_takes_the_one_before(report):
    answer = _ask(report, "Er dette høyere enn før?", _models(bias=5.0))
    assert answer.text.startswith("Sykefraværet var 8,4 prosent")


def test_models_fitted_on_other_features_are_refused():
    d = _models().to_dict()
    d["quote"]["names"] = d["quote"]["names"][:-1]
    with pytest.raises(ValueError, match="tune.py"):
        Models.from_dict(d)


def test_a_record_the_program_cannot_use_is_one_norwegian_line(tmp_path):
    import json

    from askerqa.errors import ModelError

    d = _models().to_dict()
    d["quote"]["names"] = d["quote"]["names"][:-1]
    stale = tmp_path / "tuned.json"
    stale.write_text(json.dumps({"models": d}), encoding="utf-8")
    for path in (stale, tmp_path / "missing.json"):
        with pytest.raises(ModelError, match="kjør `python scripts/tune.py`"):
            Models.load(path)


def test_a_table_row_leads_with_the_asked_years_cell():
    from askerqa.answer import lead_cell
    from askerqa.types import TableRow

    row = TableRow("Nøkkeltall", "Sykefraværsprosent", (("2019", "Ikke målt"), ("2020", "7,7 %"), ("2021", "8,4 %")))
    passage = Passage("t", "Nøkkeltall: Sykefraværsprosent: 2019 Ikke målt, 2020 7,7 %, 2021 8,4 %.", "Medarbeidere",
                      1, None, (1, 1), "table_row", row)
    assert lead_cell(passage, frozenset({"2021"})) == "2021: 8,4 %"
    assert lead_cell(passage, frozenset({"2024"})) == ""
    assert lead_cell(passage, frozenset()) == ""

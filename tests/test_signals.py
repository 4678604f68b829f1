"""The answer stage's signals by name, on a toy report: each column reads what its name says; a row's source line
is not its content; a «Tall kommer» cell is no figure for its year; a resident's word inside a report compound."""

from __future__ import annotations

import numpy as np
import pytest

from askerqa.answer import LinearModel, Models, decide
from askerqa.constraints import Names, constraints_of
from askerqa.query import parse_question
from askerqa.signals import CANDIDATE_FEATURES, QUESTION_FEATURES, SIGNALS, Signals, analyse
from askerqa.types import Passage
from askerqa.units import Report, compound_parts, pending_years, unit_features

TEXTS = [
    "Gjeldsgraden var 97,4 prosent i 2022.",
    "Kommunen har seks bibliotek.",
    "Netto forbruk av elektrisitet i husholdningene, GWh: 2021 762 GWh, 2022 Tall kommer. Kilde: Asker kommune.",
    "Sykefraværsprosent: 2020 7,7 %, 2021 8,4 %. Kilde: Asker kommune.",
]


@pytest.fixture(scope="module")
def report() -> Report:
    passages = [Passage(f"p{i}", t, "Kapittel", i + 1, None, (i + 1, i + 1), "prose") for i, t in enumerate(TEXTS)]
    refs = [(i, 0, len(t)) for i, t in enumerate(TEXTS)]  # one unit a passage
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(len(refs), 8)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return Report(passages, np.asarray(refs, dtype=np.int64), vectors, Names.from_texts(TEXTS))


def _analyse(report: Report, question: str):
    query = parse_question(question)
    n = len(report.passages)
    order = list(range(n))
    a = analyse(report, query, constraints_of(question, report.names), report.vectors[0], order, [1.0] * n,
                np.linspace(0.9, 0.6, n).astype(np.float32), np.zeros(n, dtype=np.float32),
                Signals(0.9, 0.9, 1.0, 0, False, sentence_mean=0.5, sentence_spread=0.1), list(enumerate(order)))
    return a


def _row(a, passage_index: int) -> dict[str, float]:
    i = next(k for k, c in enumerate(a.candidates) if c.passage_index == passage_index)
    return dict(zip(CANDIDATE_FEATURES, a.features[i], strict=True))


def test_each_signal_reads_what_its_name_says(report):
    a = _analyse(report, "Hvor stor var gjelden i 2022?")
    debt, library = _row(a, 0), _row(a, 1)
    assert debt["cover_part"] > 0 and library["cover_part"] == 0  # «gjeld» inside «gjeldsgraden»
    assert debt["rare_miss"] == 0 and library["rare_miss"] == 1  # the library sentence lacks the topic
    assert (debt["year_hit"], debt["year_miss"]) == (1, 0) and (library["year_hit"], library["year_miss"]) == (0, 1)
    assert (debt["number"], debt["no_number"]) == (1, 0) and (library["number"], library["no_number"]) == (0, 1)
    assert debt["passage_cos"] == pytest.approx(0.9) and debt["passage_cos_gap"] == pytest.approx(0.0)
    assert library["passage_cos_gap"] == pytest.approx(0.8 - 0.9)
    cos = float(report.vectors[0] @ report.vectors[0])
    assert debt["cos"] == pytest.approx(cos, abs=1e-5) and debt["cos_z"] == pytest.approx((cos - 0.5) / 0.1, abs=1e-4)
    assert debt["cos_gap"] == pytest.approx(0.0) and library["cos_gap"] < 0  # the best candidate's gap is zero
    assert SIGNALS == CANDIDATE_FEATURES[: len(SIGNALS)] and len(set(CANDIDATE_FEATURES)) == len(CANDIDATE_FEATURES)


def test_a_resident_word_inside_a_report_compound_is_found():
    parts = compound_parts({"gjeldsgrad", "sykkelvei", "elsykkel", "bok"})
    assert "gjeldsgrad" in parts["gjeld"] and {"sykkelvei", "elsykkel"} <= parts["sykkel"]
    assert "bok" not in parts  # too short to be a part of anything, and no part of itself


def test_a_rows_source_line_is_not_what_it_is_about():
    names = Names.from_texts([*TEXTS, "Bærum og Asker samarbeider."])
    row = unit_features("Sykefraværsprosent: 2020 7,7 %. Kilde: Lokaldemokratiundersøkelsen i Asker og Bærum.", names)
    assert not any(t.startswith("lokaldemokrati") or t.startswith("kild") for t in row.terms)
    assert not row.names & {"asker", "baerum"}  # the source names no place the figure is about
    assert any(t.startswith("sykefrav") for t in row.terms)
    source_figure = unit_features("Andel: 2022 5 %. Kilde: SSB 08917.", names)
    assert source_figure.has_figure and not source_figure.counted & {"ssb"}


def test_a_tall_kommer_cell_is_no_figure_for_its_year(report):
    assert pending_years(TEXTS[2]) == {"2022": "Tall kommer"}
    assert "2022" not in unit_features(TEXTS[2], Names.from_texts(TEXTS)).years
    models = _confident()
    answer = decide(report, _analyse(report, "Hvor mye strøm brukte husholdningene i 2022?"), models)
    assert answer.status == "not_found" and not answer.found
    assert answer.note == "Rapporten oppgir ikke tallet for 2022 ennå (Tall kommer)."
    answer = decide(report, _analyse(report, "Hvor mye elektrisitet brukte husholdningene i 2021?"), models)
    assert answer.found and "762" in answer.figures and answer.lead == ""  # a prose passage has no cells


def _confident() -> Models:
    n, m = len(CANDIDATE_FEATURES), len(QUESTION_FEATURES)
    coef = tuple(1.0 if name == "cover" else 0.0 for name in CANDIDATE_FEATURES)
    quote = LinearModel(CANDIDATE_FEATURES, coef, 0.0, (0.0,) * n, (1.0,) * n)
    return Models(quote, LinearModel(QUESTION_FEATURES, (0.0,) * m, 5.0, (0.0,) * m, (1.0,) * m), 0.5, 0.2)

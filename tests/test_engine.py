"""Engine.ask end to end on the real report and index."""

import threading

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from askerqa.errors import AskerQAError
from askerqa.types import Answer

pytestmark = pytest.mark.slow


def _passage_text(engine, pid):
    return next(p.text for p in engine.passages if p.id == pid)


def test_figure_question_gets_the_sentence_with_its_figure(engine):
    a = engine.ask("Hvor høyt var sykefraværet blant de ansatte i 2022?")
    assert a.found
    assert "9,3" in a.text and "sykefravær" in a.text.lower()
    assert any(f.startswith("9,3") for f in a.figures)
    for (start, end), figure in zip(a.spans, a.figures, strict=True):
        assert a.text[start:end] == figure


def test_quote_is_verbatim_from_its_passage(engine):
    for q in ["Hvor mange flyktninger har kommunen sagt ja til å ta imot i 2023?", "Hva er Velferdslab?",
              "barnehagedekning asker nord", "Hvor lang er kyststien i Asker?"]:
        a = engine.ask(q)
        assert a.text and a.text in _passage_text(engine, a.passage_id)
        assert len(a.text) <= 400


def test_staff_keyword_search_finds_the_table_row(engine):
    a = engine.ask("sykefravær 2022", top_k=5)
    assert any(h.passage.kind == "table_row" and "9,3 %" in h.passage.text for h in a.hits)


def test_unanswerable_question_is_not_found(engine):
    a = engine.ask("Hva er eiendomsskatten i Asker?")
    assert not a.found
    assert 0.0 <= a.confidence < 0.5
    assert a.hits  # the closest passages are still offered


def test_english_question_gets_the_norwegian_quote(engine):
    """What an English-speaking user checks: an answer is found, its quote is the report's own Norwegian text
    about sick leave with the 2022 figure (9,3 %) marked, and they are told the quote is in Norwegian."""
    a = engine.ask("What was the sick leave rate among municipal employees in 2022?")
    assert a.found and a.english
    assert "sykefravær" in a.text.lower() and a.text in _passage_text(engine, a.passage_id)
    assert "9,3 %" in [a.text[start:end] for start, end in a.spans]


def test_question_without_aeoeaa_and_with_typos(engine):
    a = engine.ask("hvor mange larlinger har kommunen ansatt")
    assert any("lærling" in h.passage.text.lower() for h in a.hits[:3])
    a = engine.ask("okonomi gjeldsgrad 2022")
    assert any("97,4" in h.passage.text for h in a.hits[:3])


def test_top_k_and_ranks(engine):
    a = engine.ask("Hvor mange bibliotek har kommunen?", top_k=3)
    assert [h.rank for h in a.hits] == [1, 2, 3]
    assert a.latency_ms > 0


def test_concurrent_asks_agree(engine):
    questions = ["Hvor mange bibliotek har kommunen?", "Hva er klimamålet til kommunen fram mot 2030?"] * 4
    expected = {q: engine.ask(q).text for q in set(questions)}
    results: list[tuple[str, str]] = []

    def worker(q):
        results.append((q, engine.ask(q).text))

    threads = [threading.Thread(target=worker, args=(q,)) for q in questions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(results) == len(questions)
    assert all(text == expected[q] for q, text in results)


def test_long_question_is_answered_with_a_notice(engine):
    a = engine.ask("Hvor høyt var sykefraværet i 2022? " * 100)
    assert a.notice and "kortet ned" in a.notice


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(max_size=300))
def test_any_string_gives_an_answer_or_our_error(engine, text):
    try:
        result = engine.ask(text)
    except AskerQAError as err:
        assert str(err)
    else:
        assert isinstance(result, Answer)


def test_why_question_gets_the_reason(engine):
    a = engine.ask("Hvorfor økte sykefraværet i 2022?")
    assert "skyldes" in a.text or "fordi" in a.text


def test_question_typed_without_aeoeaa_finds_the_same_passage(engine):
    plain = engine.ask("Hvor mange møter hadde fellesnemnda?")
    folded = engine.ask("hvor mange moter hadde fellesnemnda")
    assert plain.hits[0].passage.id in [h.passage.id for h in folded.hits[:3]]
    assert "36 møter" in folded.text


def test_which_question_gets_the_whole_list(engine):
    a = engine.ask("Hvilke lovpålagte råd har kommunen?")
    assert a.text.startswith("Asker kommune har tre lovpålagte råd:")
    assert all(name in a.text for name in ("Eldrerådet", "Ungdomsrådet", "Råd for personer med funksjonsnedsettelser"))


@pytest.mark.parametrize("question", [
    "Hvor høyt var sykefraværet i 2031?",
    "Hvor mange innbyggere hadde kommunen i 1995?",
    "Hva var netto driftsresultat i 2045?",
])
def test_a_year_the_report_does_not_cover_is_not_answered_with_another_year(engine, question):
    a = engine.ask(question)
    year = question.rstrip("?").split()[-1]
    assert not a.found and a.status == "not_found"
    assert year in a.note  # the citizen is told the year is what is missing


@pytest.mark.parametrize("question", [
    "How much is a ticket to the swimming pool at Røykenbadet?",
    "Hvor mye koster en billett til Røykenbadet?",
])
def test_a_price_the_report_never_prints_is_not_found_with_a_line_that_holds_no_sum(engine, question):
    a = engine.ask(question)
    assert a.status == "not_found"
    assert a.note == "Rapporten ser ikke ut til å oppgi noe beløp for dette."


def test_a_count_of_tickets_or_projects_is_no_question_about_money(engine):
    a = engine.ask("Hvor mange investeringsprosjekter ble vedtatt eller ferdigstilt?")
    assert a.note != "Rapporten ser ikke ut til å oppgi noe beløp for dette."


@pytest.mark.parametrize("question", [
    "Hvor høyt var sykefraværet i Lillehammer kommune?",
    "Hvor mange innbyggere har Tromsø?",
])
def test_a_municipality_the_report_lacks_is_not_answered_with_askers_figure(engine, question):
    a = engine.ask(question)
    assert not a.found and a.status == "not_found"


@pytest.mark.parametrize("question", [
    "sykefravær 2021", "Hvor høy var gjeldsgraden i 2020?", "Hvor mange flyktninger ble bosatt i 2021?",
    "Hvor stor var befolkningsveksten i 2021?", "andel barnehagelærere 2022",
])
def test_an_answer_shown_as_found_holds_the_asked_year(engine, question):
    a = engine.ask(question)
    year = next(w for w in question.rstrip("?").split() if w.isdigit())
    if a.found:
        assert year in a.text


def test_an_uncertain_answer_offers_possible_answers_from_different_passages(engine, dev_questions):
    """Whichever questions the shipped thresholds leave uncertain (about half of the dev set), each shows
    up to 3 possible answers, each from its own passage and verbatim from it (fewer than 2 only when fewer
    passages carry the asked year or name: «Maud» is in one passage)."""
    seen = several = 0
    for q in [d["question"] for d in dev_questions] + ["Hvor fornøyde er folk?", "Hva skjer med skolene?"]:
        a = engine.ask(q)
        assert a.status in ("found", "uncertain", "not_found") and a.found == (a.status == "found")
        if a.status == "uncertain":
            seen += 1
            assert 1 <= len(a.alternatives) <= 3
            assert len({alt.passage_id for alt in a.alternatives}) == len(a.alternatives)
            several += len(a.alternatives) >= 2
            for alt in a.alternatives:
                assert alt.text in _passage_text(engine, alt.passage_id)
        else:
            assert not a.alternatives
    assert seen >= 5, "the uncertain state is (almost) never used"
    assert several >= seen // 2  # mostly a real choice between passages


def test_cli_python_api_and_chat_give_the_same_answer_to_the_same_conversation(engine, capsys, monkeypatch):
    """One conversation through every front: the same interpretation and the same quote."""
    import io
    import json as json_

    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from askerqa import cli
    from askerqa.web import api, chat

    first, follow = "Hvor mange flyktninger bosatte kommunen i 2021?", "Og i 2020?"
    expected = engine.ask(follow, top_k=5, context=[first])
    assert expected.interpreted and "2020" in expected.interpreted and "2021" not in expected.interpreted

    monkeypatch.setattr("askerqa.search.Engine.load", staticmethod(lambda: engine))
    line = json_.dumps({"question": follow, "context": [first]}, ensure_ascii=False) + "\n"
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(line.encode("utf-8")), encoding="utf-8"))
    assert cli.main(["ask", "--stdin", "--json"]) == 0
    from_cli = json_.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (from_cli["interpreted"], from_cli["answer"]["text"]) == (expected.interpreted, expected.text)

    app = FastAPI()
    app.include_router(api.api_router(engine))
    reply = TestClient(app).post("/api/ask", json={"question": follow, "context": [first]}).json()
    assert (reply["interpreted"], reply["answer"]["text"]) == (expected.interpreted, expected.text)

    history, _, asked = chat.respond(engine, first, [], [])
    history, _, asked = chat.respond(engine, follow, history, asked)
    shown = history[-1]["content"]
    assert f"Tolket som: {expected.interpreted}" in shown.replace("\\", "")
    assert all(figure in shown.replace("\\", "") for figure in expected.figures)

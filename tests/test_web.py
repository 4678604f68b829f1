"""The web callbacks as plain functions, with a fake engine: no browser, no server, no model."""

from __future__ import annotations

import logging
import time

import pytest
from fake_engine import FakeEngine

from askerqa.figures import FigureFinder
from askerqa.web import chat, finder, logs, reader
from askerqa.web.middleware import is_closed, localise_page


class Store:
    def __init__(self, fail: bool = False) -> None:
        self.votes: list[tuple] = []
        self.fail = fail

    def add(self, question, passage_id, liked):
        if self.fail:
            raise OSError("disk full")
        self.votes.append((question, passage_id, liked))


def test_a_chat_turn_shows_the_quote_in_bold_with_its_source():
    history, box, asked = chat.respond(FakeEngine(), "Hvor høyt var sykefraværet?", [], [])
    assert box == ""
    assert [m["role"] for m in history] == ["user", "assistant"]
    assert "**9,3 prosent**" in history[1]["content"] and "Kilder" in history[1]["content"]
    assert asked == [{"index": 1, "question": "Hvor høyt var sykefraværet?", "passage_id": "p-sick", "answered": True}]


def test_a_question_is_shown_escaped_never_as_html():
    history, _, _ = chat.respond(FakeEngine(), "<img src=x onerror=alert(1)>", [], [])
    assert "<img" not in history[0]["content"] and "&lt;img" in history[0]["content"]


def test_refused_and_failing_questions_become_norwegian_chat_messages():
    history, _, asked = chat.respond(FakeEngine(), "   ", [], [])
    assert history[1]["content"].startswith("Beklager, det kan jeg ikke søke på: Skriv et spørsmål.")
    assert asked[0]["passage_id"] is None
    history, _, _ = chat.respond(FakeEngine(), "feil", [], [])
    assert history[1]["content"] == chat.FAILED


def test_a_huge_question_is_cut_to_the_cli_limit_before_it_is_stored():
    history, _, asked = chat.respond(FakeEngine(), "sykefravær " * 100_000, [], [])
    assert len(asked[0]["question"]) == 2000
    assert len(history[0]["content"]) < 3000


def test_the_session_keeps_only_the_last_twenty_turns_and_votes_still_match():
    engine, history, asked = FakeEngine(), [], []
    for n in range(30):
        history, _, asked = chat.respond(engine, f"spørsmål {n}", history, asked)
    assert len(history) == 2 * chat.MAX_TURNS and len(asked) == chat.MAX_TURNS
    assert history[0]["content"] == "spørsmål 10"
    last = asked[-1]
    assert history[last["index"] - 1]["content"] == "spørsmål 29"
    store = Store()
    assert chat.vote(store, asked, [last["index"], None], True) == chat.THANKS
    assert store.votes == [("spørsmål 29", "p-sick", True)]


def test_a_vote_that_cannot_be_stored_is_reported_not_lost_silently():
    _, _, asked = chat.respond(FakeEngine(), "sykefravær", [], [])
    assert chat.vote(Store(fail=True), asked, 1, False) == chat.VOTE_LOST
    assert chat.vote(Store(), asked, 7, True) is None  # no such answer: nothing stored, nothing said


def test_figure_finder_callbacks_give_rows_a_csv_and_a_chart():
    figure_finder = FigureFinder(FakeEngine.passages)
    frame, path, rows, note, pick_box, chart = finder.find(figure_finder, "sykefravær", finder.ALL)
    assert note.endswith("treff.") and rows and pick_box == "" and "<svg" not in chart
    assert any("2022: 9,3 %" in str(v) for v in frame.to_numpy().ravel())
    assert open(path, encoding="utf-8").read().startswith("\ufeff")
    index = next(i for i, r in enumerate(rows) if r.years)
    text, chart = finder.pick(rows, [index, 0])
    assert "2022: 9,3 %" in text and "Kilde: Asker kommune" in text
    assert "<svg" in chart and "Enhet: %" in chart and ">9,3 %<" in chart
    assert '<th scope="col">2021</th>' in chart  # each column header its own column
    assert finder.pick(rows, 999)[0] == ""
    assert finder.find(figure_finder, "zzzqqq", finder.ALL)[3] == finder.NO_HITS


def test_each_answer_state_is_visible_in_the_chat():
    engine = FakeEngine()
    history, _, _ = chat.respond(engine, "Hvor høyt var sykefraværet?", [], [], contact="telefon 66 90 90 00")
    found = history[-1]["content"]
    assert "«Sykefraværet blant de ansatte var **9,3 prosent** i 2022.»" in found and "Usikkert" not in found
    by_id = {p.id: p for p in engine.passages}
    history, _, asked = chat.respond(engine, "Er du usikker?", [], [], passages=by_id)
    uncertain = history[-1]["content"]
    assert "Usikkert svar – sjekk kildene" in uncertain and "Mulige svar" in uncertain
    assert "«Turnover 10,1 % **9,8 %**» \\[4\\]" in uncertain  # its own source, found outside the hits
    assert asked[0]["passage_id"] is None  # a doubtful answer is not voted on as the answer
    history, _, _ = chat.respond(engine, "Hva er eiendomsskatten?", [], [], contact="telefon 66 90 90 00")
    missing = history[-1]["content"]
    assert missing.startswith("Jeg finner ikke") and "Rapporten har ikke tall for eiendomsskatt." in missing
    assert "telefon 66 90 90 00" in missing and "ikke et svar" in missing


def test_a_follow_up_is_asked_with_the_earlier_questions_and_shows_its_interpretation():
    engine = FakeEngine()
    history, _, asked = chat.respond(engine, "Hvor høyt var sykefraværet i 2022?", [], [])
    history, _, asked = chat.respond(engine, "Og i 2021?", history, asked)
    assert engine.contexts == [None, ["Hvor høyt var sykefraværet i 2022?"]]
    reply = history[-1]["content"]
    assert reply.startswith("*Tolket som: Hvor høyt var sykefraværet i 2021?*")
    assert reply.index("**2021: 8,4 %**") < reply.index("«Sykefraværsprosent")
    chat.respond(engine, "feil", history, asked)  # a failed turn is no topic for the next one
    history, _, asked = chat.respond(engine, "feil", history, asked)
    chat.respond(engine, "Og i 2020?", history, asked)
    assert engine.contexts[-1] == ["Hvor høyt var sykefraværet i 2022?", "Og i 2021?"]


def test_new_conversation_clears_the_chat_and_the_context():
    engine = FakeEngine()
    history, _, asked = chat.respond(engine, "Hvor høyt var sykefraværet i 2022?", [], [])
    history, box, asked = chat.new_conversation()
    assert (history, box, asked) == ([], "", [])
    history, _, _ = chat.respond(engine, "Og i 2021?", history, asked)
    assert engine.contexts[-1] is None and "Tolket som" not in history[-1]["content"]


def test_a_source_opens_the_reader_at_the_passage_highlighted_between_its_neighbours():
    report = reader.Report.of(list(reversed(FakeEngine.passages)))  # report order comes from the lines
    page = reader.render(report, "p-sick-2")
    assert page.count('id="reader-hit"') == 1
    assert '<p id="reader-hit" class="reader-hit" tabindex="-1"><mark>Sykefraværet var høyest' in page
    assert page.index("Sykefraværet blant de ansatte") < page.index("reader-hit") < page.index("Turnover")
    assert "<h2>Medarbeidere</h2>" in page and "<h3>Sykefravær</h3>" in page
    table_page = reader.render(report, "p-table")
    assert '<tr id="reader-hit"' in table_page and '<th scope="col">2021</th>' in table_page
    assert "<caption>Nøkkeltall</caption>" in table_page and "<td>8,4 %</td>" in table_page
    assert reader.render(report, "no-such-id") == reader.UNKNOWN and reader.render(report, "") == reader.EMPTY
    assert report.neighbour("p-sick", 1) == "p-sick-2" and report.neighbour("p-contact", 1) is None
    paged = reader.render(report, "p-sick", center="p-contact")  # paged away: the source stays highlighted if shown
    assert "Telefon" in paged


def test_report_text_in_the_reader_is_escaped():
    from askerqa.types import Passage

    evil = Passage("x", "<script>alert(1)</script>", "A › <b>B</b>", 1, None, (1, 1), "prose")
    page = reader.render(reader.Report.of([evil]), "x")
    assert "<script>" not in page and "&lt;script&gt;" in page and "<b>B</b>" not in page


def test_contact_line_reads_the_reports_contact_block():
    assert finder.contact_line(FakeEngine.passages) == "telefon 66 90 90 00, e-post post@asker.kommune.no"


@pytest.mark.parametrize("path", [
    "/gradio_api/upload", "/gradio_api/runs", "/gradio_api/file=http://example.com/x",
    "/gradio_api/file=HTTPS://example.com", "/gradio_api/file=%68ttp://example.com", "/gradio_api/proxy=https://x",
    "/gradio_api/run-history/records",
])
def test_routes_that_keep_or_fetch_things_are_closed(path):
    assert is_closed(path)


@pytest.mark.parametrize("path", ["/", "/gradio_api/queue/join", "/gradio_api/info", "/api/ask", "/gradio_api/config"])
def test_routes_the_page_needs_stay_open(path):
    assert not is_closed(path)


def test_the_page_is_marked_bokmal():
    page = localise_page(b'<html lang="en"><head><title>x</title></head></html>')
    assert page.startswith(b'<html lang="nb"><head><script>') and b"nb-NO" in page


def test_question_text_stays_out_of_the_log_unless_asked_and_then_redacted(monkeypatch):
    started = time.perf_counter()
    line = logs.question_line("api", "svar", started, 0.5, "ring meg på 912 34 567")
    assert line.startswith("spørsmål front=api status=svar ms=") and "sikkerhet=0.50" in line and "912" not in line
    monkeypatch.setenv("ASKERQA_LOG_QUESTIONS", "1")
    line = logs.question_line("api", "svar", started, None, "ring meg på 912 34 567")
    assert "[telefon]" in line and "912" not in line


def test_a_full_log_queue_drops_lines_instead_of_waiting():
    import queue

    handler = logs.DroppingQueueHandler(queue.Queue(1))
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "m", None, None)
    started = time.perf_counter()
    for _ in range(100):
        handler.emit(record)
    assert handler.dropped == 99 and time.perf_counter() - started < 1


def test_a_lone_surrogate_is_replaced_not_passed_on():
    assert chat.clean_question("Hvor\ud800 mange?", 2000) == "Hvor\ufffd mange?"
    history, _, asked = chat.respond(FakeEngine(), "sykefravær \udfff", [], [])
    assert asked[0]["question"] == "sykefravær \ufffd" and "9,3 prosent" in history[1]["content"]

"""The web callbacks as plain functions, with a fake engine: no browser, no server, no model."""

from __future__ import annotations

import logging
import time

import pytest
from fake_engine import FakeEngine

from askerqa.figures import FigureFinder
from askerqa.web import chat, finder, logs
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
    assert asked == [{"index": 1, "question": "Hvor høyt var sykefraværet?", "passage_id": "p-sick"}]


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
    assert note.endswith("treff.") and rows and pick_box == "" and chart is None
    assert any("9,3 %" in str(v) for v in frame.to_numpy().ravel())
    assert open(path, encoding="utf-8").read().startswith("\ufeff")
    index = next(i for i, r in enumerate(rows) if r.years)
    text, chart = finder.pick(rows, [index, 0])
    assert "2022: 9,3 %" in text and "Kilde: Asker kommune" in text
    assert list(chart["Verdi"]) == [7.7, 8.4, 9.3]
    assert finder.pick(rows, 999) == ("", None)
    assert finder.find(figure_finder, "zzzqqq", finder.ALL)[3] == finder.NO_HITS


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

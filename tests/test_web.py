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
    assert '<caption class="reader-sr">Nøkkeltall</caption>' in table_page and "<td>8,4 %</td>" in table_page
    assert reader.render(report, "no-such-id") == reader.UNKNOWN and reader.render(report, "") == reader.EMPTY
    assert report.neighbour("p-sick", 1) == "p-sick-2" and report.neighbour("p-contact", 1) is None
    paged = reader.render(report, "p-sick", center="p-contact")  # paged away: the source stays highlighted if shown
    assert "Telefon" in paged


def test_report_text_in_the_reader_is_escaped():
    from askerqa.types import Passage

    evil = Passage("x", "<script>alert(1)</script>", "A › <b>B</b>", 1, None, (1, 1), "prose")
    page = reader.render(reader.Report.of([evil]), "x")
    assert "<script>" not in page and "&lt;script&gt;" in page and "<b>B</b>" not in page


def _key_figures(rows: int = 14) -> reader.Report:
    """A prose paragraph, a key-figures table of `rows` rows (years 2019–2022) and a closing paragraph."""
    from askerqa.types import Passage, TableRow

    table = [Passage(f"r{n}", f"Rad {n}", "Kapittel", 2, None, (10 + n, 10 + n), "table_row",
                     TableRow("Nøkkeltall", f"Rad {n}", (("2019", "Ikke målt"), ("2020", f"{n},1 %"),
                                                        ("2021", f"{n},2 %"), ("2022", f"{n},3 %"))))
             for n in range(rows)]
    first = Passage("before", "Før tabellen.", "Kapittel", 2, None, (1, 1), "prose")
    last = Passage("after", "Etter tabellen.", "Kapittel", 2, None, (99, 99), "prose")
    return reader.Report.of([first, *table, last])


def test_the_reader_marks_the_asked_column_by_year_or_by_the_answers_figure():
    report = _key_figures()
    row = report.passages[report.position["r7"]]
    assert reader.asked_columns(row, "Hva var sykefraværet i 2022?") == ["2022"]
    assert reader.asked_columns(row, "Fra 2020 til 2022?") == ["2020", "2022"]
    assert reader.asked_columns(row, "Hva er sykefraværet? | 7,2 %") == ["2021"]  # the figure the answer printed
    assert reader.asked_columns(row, "i 20222 og 17,3 %") == []  # neither inside a longer number
    page = reader.render(report, "r7", asked="Hva var sykefraværet i 2022?")
    assert '<th scope="col" class="reader-asked">2022</th>' in page
    assert '<td class="reader-asked"><strong>7,3 %</strong></td>' in page and page.count("reader-asked") == 2
    assert "reader-asked" not in reader.render(report, "r7")  # nothing asked (a link opened on its own)
    assert '<div class="reader-table" role="region" aria-label="Nøkkeltall: Rad 2" tabindex="0"' in page
    assert "<script>" not in reader.render(report, "r7", asked="<script>2022</script>")  # matched, never shown


def test_each_table_region_in_the_reader_has_a_name_of_its_own():
    import re

    from askerqa.types import Passage, TableRow

    def row(n: int, section: str, label: str) -> Passage:
        return Passage(f"t{n}", label, section, 1, None, (n, n), "table_row", TableRow("Nøkkeltall", label, (("2022", "1"),)))

    rows = [row(1, "A", "Sykefravær"), row(2, "B", "Sykefravær"), row(3, "C", "Turnover i alle tjenesteområdene "
                                                                             "i kommunen samlet over alle år")]
    names = re.findall(r'role="region" aria-label="([^"]*)"', reader.render(reader.Report.of(rows), "t1"))
    assert names == ["Nøkkeltall: Sykefravær", "Nøkkeltall: Sykefravær (2)",
                     "Nøkkeltall: Turnover i alle tjenesteområdene i kommunen samlet over …"]


def test_a_table_cut_by_the_readers_window_says_so_above_and_below():
    report = _key_figures()
    page = reader.render(report, "r7")  # rows 2–12 shown: 2 above, 1 below
    assert ('<p class="reader-cut" id="reader-cut-above">Tabellen fortsetter ovenfor (2 rader til). '
            "Velg «Forrige avsnitt» for å se flere rader.</p>") in page
    assert "Tabellen fortsetter nedenfor (1 rad til). Velg «Neste avsnitt» for å se flere rader." in page
    assert 'aria-describedby="reader-cut-above reader-cut-below"' in page
    assert page.index("reader-cut-above") < page.index("<table") < page.index('id="reader-cut-below"')
    whole = reader.render(_key_figures(rows=4), "r2")  # the whole table in the window: no note
    assert "Tabellen fortsetter" not in whole and "aria-describedby" not in whole
    assert whole.startswith('<div class="reader">') and reader.REPORT_START in whole and reader.REPORT_END in whole
    assert reader.REPORT_START not in page and reader.REPORT_END not in page


def test_paging_marks_the_passage_that_came_into_view():
    report = _key_figures()
    assert report.arrived("r7", "r8", 1) == "r13"  # the window's new last passage
    assert report.arrived("r8", "r7", -1) == "r2"  # and its new first one going back
    assert report.arrived("after", "after", 1) == "after"  # the report's end: its last passage
    page = reader.render(report, "r7", center="r8", fresh="r13")
    assert page.count(reader.NEW_ATTR) == 1 and f'<tr tabindex="-1" {reader.NEW_ATTR}><th scope="row">Rad 13' in page
    assert "Tabellen fortsetter nedenfor" not in page and "Tabellen fortsetter ovenfor (3 rader til)" in page
    prose = reader.render(report, "r7", center="r13", fresh="after")
    assert f'<p tabindex="-1" {reader.NEW_ATTR}>Etter tabellen.</p>' in prose
    hit = reader.render(report, "r7", center="r8", fresh="r7")  # paging back onto the source: still the hit
    assert f'<tr id="reader-hit" class="reader-hit" tabindex="-1" {reader.NEW_ATTR}>' in hit


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

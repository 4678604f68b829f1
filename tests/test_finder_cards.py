"""The figure finder's HTML, without a browser: the hits as cards with a button each, the chosen row's text and
why it has no chart, and the chart's narrow drawing that fits a phone (tests/test_app_finder.py checks them laid
out in Chromium)."""

import html
import re

from askerqa.figures import FigureFinder, FigureRow, chart_series
from askerqa.web import finder
from askerqa.web.chart import NARROW, svg


def test_each_hit_is_a_card_with_a_button_its_values_one_a_line_where_and_source(passages):
    rows = FigureFinder(passages).search("sykefravær")
    out = finder.results_html(rows)
    assert re.findall(r'data-row="(\d+)"', out) == [str(i) for i in range(len(rows))]  # a button per row, in order
    sick = out.split('<li class="fig-card">')[1]
    assert re.search(r'<button type="button" class="fig-pick" data-row="0" data-key="[^"]+">Sykefraværsprosent</button>',
                     sick)
    assert ('<li><span class="fig-h">2019:</span> <span class="fig-v">Ikke målt</span></li>'
            '<li><span class="fig-h">2020:</span> <span class="fig-v">7,7 %</span></li>') in sick
    assert '<span class="fig-tag">Del av rapporten: </span>Medarbeidere' in sick
    turnover = next(c for c in out.split('<li class="fig-card">') if "TURNOVER" in c)
    assert '<div class="fig-source">Kilde: KS/PAI</div>' in turnover  # the source line as printed
    assert finder.results_html([]) == "" and finder.results_html(None) == ""


def test_a_card_escapes_the_report_text_and_keeps_its_figures_whole():
    row = FigureRow("Økonomi", "Andel <b> med ca. 97 800 innbyggere", (), "97 800", "", "id", "side 3")
    out = finder.results_html([row])
    assert "<b>" not in out and "Andel &lt;b&gt; med ca. " in out
    assert '<span class="fig-n">97 800</span> innbyggere' in out  # the page keeps a marked figure on one line
    assert '<span class="fig-v">97 800</span>' in out and "Økonomi, side 3" in out


def test_choosing_a_sentence_gives_its_text_and_says_why_there_is_no_chart(passages):
    rows = FigureFinder(passages).search("innbyggere")
    text, chart = finder.pick(rows, 0)
    assert text == "Asker er nå Norges 8. største kommune og har i dag ca. 97 800 innbyggere.: 97 800 [Forord]"
    assert "<svg" not in chart and "setning" in chart
    pending = next(i for i, r in enumerate(rows) if r.label.startswith("Innbyggere over 75 år innlagt på sykehus"))
    text, chart = finder.pick(rows, pending)
    assert "2022: Tall kommer" in text and "ingen tall" in chart and "<svg" not in chart
    assert '<th scope="col">2022</th>' in chart  # the row's own columns are still shown


def test_the_chart_is_one_picture_whose_narrow_drawing_fits_a_phone(passages):
    finder_ = FigureFinder(passages)
    for label in ("Sykefraværsprosent", "Andelen vekst i arbeidsplasser av befolkningsveksten",
                  "ENERGIBRUK I KOMMUNALE BYGG: Energiforbruk (kWh)",
                  "TURNOVER – ANDEL ANSATTE I SOM HAR SLUTTET I KOMMUNAL SEKTOR I LØPET AV ÅRET: Asker kommune"):
        chart = chart_series(next(r for r in finder_.rows if r.label == label))
        assert chart is not None, label
        out = svg(chart)
        # one image, one description, never scaled (no viewBox): its text is the size the page's CSS gives it
        assert out.count("<svg") == 1 and out.count('role="img"') == 1 and "viewBox" not in out
        narrow = out.split('<g class="chart-narrow">')[1]
        assert re.search(r"--narrow-height: \d+px", out)
        for x, width in re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)"', narrow):
            assert float(x) >= 0 and float(x) + float(width) <= NARROW, label
        for x, printed in re.findall(r'<text x="([\d.]+)" y="[\d.]+" class="value">([^<]+)<', narrow):
            assert float(x) + len(printed) * 8 <= NARROW, (label, printed)  # 14 px text: under 8 px a character
        for _, number, printed in chart.points:
            assert number is None or f">{printed}<" in narrow  # each bar carries its value as printed
    negative = svg(chart_series(next(r for r in finder_.rows if r.label.startswith("Andelen vekst i arbeidsplasser"))))
    assert ">-101 %<" in negative.split('<g class="chart-narrow">')[1]


def test_a_click_on_a_card_of_the_previous_search_never_picks_another_row(passages):
    """The page sends the chosen card's index and its key (the row's copyable text); a click that reaches the
    server after a new search has replaced the list gives the row the user chose, or nothing, never the new
    list's row at that index, also where two rows share a label."""
    finder_ = FigureFinder(passages)
    old, new = finder_.search("innbyggere"), finder_.search("sykefravær")
    chosen = old[0]
    assert chosen not in new
    assert finder.pick(old, 0, chosen.as_text())[0] == chosen.as_text()
    assert finder.pick(new, 0, chosen.as_text()) == ("", finder.pick([], None)[1])  # gone from the new list
    moved = [new[0], chosen]  # in the new list at another place: still the chosen row
    assert finder.pick(moved, 0, chosen.as_text().replace(" ", "\n", 1))[0] == chosen.as_text()
    twins = {}
    for row in finder_.rows:
        twins.setdefault(row.label, []).append(row)
    a, b = next(rows for rows in twins.values() if len(rows) > 1 and rows[0].as_text() != rows[1].as_text())[:2]
    assert finder.pick([b, a], 0, a.as_text())[0] == a.as_text()  # same label, other row: found by its key
    assert finder.pick([b], 0, a.as_text())[0] == ""
    html_ = finder.results_html([a])
    assert 'data-key="' in html_ and html.escape(a.as_text(), quote=True) in html_

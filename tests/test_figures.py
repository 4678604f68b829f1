import re

from askerqa.figures import (
    FigureFinder,
    FigureRow,
    chart_of,
    chart_series,
    figure_rows,
    label_unit,
    sentence_figures,
    series,
    table,
    to_csv,
)
from askerqa.web.chart import norwegian, svg, ticks


def test_finder_finds_the_table_row_with_its_years(passages):
    finder = FigureFinder(passages)
    rows = finder.search("sykefravær")
    row = next(r for r in rows if r.label.endswith("Sykefraværsprosent"))
    assert dict(row.years) == {"2019": "Ikke målt", "2020": "7,7 %", "2021": "8,4 %", "2022": "9,3 %"}
    assert row.section.startswith("Medarbeidere")
    assert series(row) == [("2020", 7.7), ("2021", 8.4), ("2022", 9.3)]
    assert "sidesegment" not in row.as_text()


def test_section_filter_and_sentences_with_numbers(passages):
    finder = FigureFinder(passages)
    assert "Økonomi" in finder.sections
    rows = finder.search("driftsresultat", section="Økonomi")
    assert rows and all(r.section.startswith("Økonomi") for r in rows)
    assert any("3,1 prosent" in r.label and "3,1 prosent" in r.value for r in rows)


def test_screen_table_has_four_columns_and_keeps_group_headers_apart(passages):
    rows = FigureFinder(passages).search("elkjøretøy personbiler")
    headers, body = table(rows)
    assert headers == ["Hva", "Verdier (som i rapporten)", "Del av rapporten", "Kilde"]
    row = next(b for b in body if "Andel elkjøretøy av kjøretøy totalt" in b[0])
    assert row[1].startswith("Personbiler 2019: 16 %; Personbiler 2022: 29 %; Varebiler 2019: 2 %")


def test_csv_has_each_column_header_as_its_own_column_values_as_printed(passages):
    rows = FigureFinder(passages).search("Asker Nord barnehagedekning")[:3]
    text = to_csv(rows)
    assert "-95" in text and "Kilde: Asker kommune" in text
    assert text.splitlines()[0].startswith("Del av rapporten;Hva")
    cars = to_csv(FigureFinder(passages).search("elkjøretøy personbiler"))
    assert "Personbiler 2019;Personbiler 2022;Varebiler 2019" in cars.splitlines()[0]


def test_a_series_of_years_is_charted_with_gaps_and_groups_are_never_charted(passages):
    rows = FigureFinder(passages).search("sykefravær")
    sick = chart_series(next(r for r in rows if r.label.endswith("Sykefraværsprosent")))
    assert sick is not None and sick.unit == "%"
    assert sick.points[0] == ("2019", None, "Ikke målt") and sick.points[-1] == ("2022", 9.3, "9,3 %")
    cars = next(r for r in FigureFinder(passages).search("elkjøretøy personbiler") if r.cells)
    assert chart_series(cars) is None


def test_missing_years_become_gaps_and_mixed_units_are_not_one_series():
    row = FigureRow("s", "Arbeidsplasser", (("2019", "37 200"), ("2022", "38 500")), "", "", "id", "side 1")
    chart = chart_series(row)
    assert chart is not None and [p[0] for p in chart.points] == ["2019", "2020", "2021", "2022"]
    assert chart.points[1] == ("2020", None, "") and chart.points[0][1] == 37200.0
    assert row.as_text() == "Arbeidsplasser: 2019: 37 200; 2022: 38 500 [s, side 1]"
    mixed = FigureRow("s", "x", (("2020", "5 %"), ("2021", "7 kr")), "", "", "id", "")
    assert chart_series(mixed) is None


def test_chart_speaks_norwegian_numbers_from_zero_with_the_unit():
    assert norwegian(178000) == "178\u00a0000" and norwegian(8.4) == "8,4"
    assert ticks(0, 9.3)[0] == 0 and ticks(0, 9.3)[-1] >= 9.3
    row = FigureRow("s", "Innbyggere", (("2020", "95 000"), ("2022", "178 000")), "", "", "id", "")
    out = svg(chart_series(row))
    assert "150\u00a0000" in out and ">178 000<" in out and "178,000" not in out and ">0<" in out
    assert "Enhet:" in out and "mangler" in out  # 2021 is a visible gap
    assert "ikke én tallrekke" in svg(None)


# --- values are figures of the row (issue 20) ---------------------------------------------------------------------

_MONTHS = "januar|februar|mars|april|mai|juni|juli|august|september|oktober|november|desember"


def _not_a_figure(text: str, start: int, end: int) -> str | None:
    """Why the number printed at text[start:end] is no figure of the sentence, read from what stands around it."""
    before, after = text[max(0, start - 14) : start], text[end : end + 14]
    if re.match(r"\.\d", after) or re.search(r"\d\.$", before):
        return "en del av en dato (15.06.21) eller et versjonsnummer"
    if re.match(rf"\.\s?(?:{_MONTHS})\b", after):
        return "dagen i en dato (15. juni 2021)"
    if re.match(r"\.\s?[a-zæøå(–-]", after):
        return "et ordenstall (8. største)"
    if re.match(r"[.)]\s", after) and not text[:start].strip() or (after.startswith(")") and "(" not in text[:start]):
        return "et listenummer (1. eller 2))"
    if re.search(r"(?:Mål|[Nn]r\.|[Nn]ummer|nivå|gruppe)\s$", before):
        return "et nummer i et navn (Mål 3)"
    if re.match(r"[A-Za-zÆØÅæøå]", after):
        return "en del av et ord (5G)"
    value = text[start:end]
    if (re.search(r"\d$", before) or re.match(r"\d|[ \u00a0]\d{3}(?!\d)", after)
            or (re.search(r"(?<!\d)\d{1,3}[ \u00a0]$", before) and re.fullmatch(r"\d{3}", value))):
        return "en bit av et større tall (97 av 97 800)"
    return None


def test_no_value_in_any_row_is_a_date_a_list_number_or_an_ordinal(passages):
    """Over every row built from the report: each value of a sentence stands in it as printed, at a place where
    it is a figure; no table cell is a date or an ordinal."""
    rows = figure_rows(passages)
    problems = []
    for r in rows:
        if r.cells or r.years:
            problems += [f"{r.label}: {v}" for _, v in r.cells or r.years if re.fullmatch(r"\d{1,2}\.(?:\d{1,2}\.\d{2,4})?", v)]
            continue
        for value in r.value.split("; "):
            places = [m.start() for m in re.finditer(rf"(?<![\d,]){re.escape(value)}", r.label)]
            reasons = [_not_a_figure(r.label, s, s + len(value)) for s in places]
            if not places or all(reasons):
                problems.append(f"«{value}» i «{r.label[:90]}»: {reasons[0] if reasons else 'ikke trykt slik'}")
    assert len(rows) > 400 and problems == []


def test_dates_ordinals_and_list_numbers_give_no_values_but_real_figures_stay(passages):
    rows = figure_rows(passages)
    by_label = {r.label: r for r in rows}
    assert not any("kommunestyret 15.06.21" in r.label for r in rows)  # a plan's date only: no row at all
    assert not any(r.label.startswith("Arbeidsgiverpolitikk Vedtatt 08.09.20") for r in rows)  # a list of dates
    assert not any(r.label.startswith("Mål 3: God helse") for r in rows)  # goal numbers
    assert not any("Telefon:" in r.label for r in rows)  # a phone number and a post code are no figures
    assert by_label["Asker er nå Norges 8. største kommune og har i dag ca. 97 800 innbyggere."].value == "97 800"
    assert any(r.value == "1,5" and "1,5 grader" in r.label for r in rows)  # a real figure
    assert any(r.value == "4000-5000" and "4000-5000 besøkende" in r.label for r in rows)  # a range is one value
    assert next(r for r in rows if "Menn 24 % 25-39 år 1900" in r.label).value == "24 %; 1900"  # an age group is none
    assert [f for f, _ in sentence_figures("Vedtatt 09.05.2023 og 15. juni 2021, FutureBuilt 2.0 og 5G.")] == []
    assert [f for f, _ in sentence_figures("1. Innledning 2) 340 flyktninger i 2022.")] == ["340"]


def test_values_are_joined_so_a_decimal_comma_cannot_be_misread(passages):
    rows = FigureFinder(passages).search("barnehage")
    sentence = next(r for r in rows if r.label.startswith("Andelen barnehageansatte med dispensasjon"))
    assert sentence.value == "7,4; 14,5 prosent; 15; 32" and sentence.values() == "7,4; 14,5 prosent; 15; 32"
    _, body = table(rows)
    assert "7,4; 14,5 prosent; 15; 32" in [b[1] for b in body]
    assert "7,4; 14,5 prosent; 15; 32" in to_csv(rows)


# --- ranking --------------------------------------------------------------------------------------------------------

def test_a_row_that_gives_figures_for_the_words_ranks_first(passages):
    finder = FigureFinder(passages)
    people = finder.search("innbyggere")
    assert "97 800" in people[0].values()  # «… har i dag ca. 97 800 innbyggere.»
    sick = finder.search("sykefravær")
    assert sick[0].label == "Sykefraværsprosent"
    kindergarten = [r.label for r in finder.search("barnehage")]
    assert "BARNEHAGEDEKNING: Sammenslått" in kindergarten[:5]
    # the whole kommune's row before its districts
    assert kindergarten.index("BARNEHAGEDEKNING: Sammenslått") < kindergarten.index("BARNEHAGEDEKNING: Asker Sør")
    for rows in (people, sick, finder.search("barnehage"), finder.search("klimagassutslipp")):
        gives = [r.has_figures() for r in rows]
        assert gives == sorted(gives, reverse=True)  # no row without figures above one with figures
    pending = next(i for i, r in enumerate(people) if r.label.startswith("Innbyggere over 75 år innlagt på sykehus"))
    assert not people[pending].has_figures() and all(r.has_figures() for r in people[:pending])


def test_csv_columns_are_grouped_years_then_periods_then_the_rest(passages):
    finder = FigureFinder(passages)
    sick = to_csv(finder.search("sykefravær")).splitlines()[0].split(";")
    assert sick[2:10] == ["2019", "2020", "2021", "2022", "2018-2019", "2019-2020", "2020-2021", "2021-2022"]
    columns = to_csv(finder.rows).splitlines()[0].split(";")[2:-3]
    kinds = [0 if re.fullmatch(r"\d{4}", c) else 1 if re.fullmatch(r"\d{4}-\d{4}", c) else 2 for c in columns]
    assert kinds == sorted(kinds) and kinds.count(0) > 3 and kinds.count(1) > 3  # years, then periods, then others
    years, periods = columns[: kinds.count(0)], columns[kinds.count(0) : kinds.count(0) + kinds.count(1)]
    assert years == sorted(years) and periods == sorted(periods)


# --- chart notes and units --------------------------------------------------------------------------------------------

def test_a_chart_note_says_the_real_reason(passages):
    finder = FigureFinder(passages)
    pending = next(r for r in finder.rows if r.label.startswith("Innbyggere over 75 år innlagt på sykehus"))
    reason = chart_of(pending)
    assert isinstance(reason, str) and "ingen tall" in reason and "«Tall kommer»" in reason
    assert "ikke én tallrekke" not in reason
    one = next(r for r in finder.rows if r.label.endswith("INNBYGGERTORGENE I ASKER KOMMUNE: Hurum"))
    assert chart_of(one) == "Raden har tall for bare ett år (2022: 48 %), så det er ingen utvikling å vise som graf."
    cars = next(r for r in finder.search("elkjøretøy personbiler") if r.cells)
    assert "flere grupper" in str(chart_of(cars)) and "Personbiler 2019" in str(chart_of(cars))
    assert "setning" in str(chart_of(finder.search("innbyggere")[0]))
    assert f">{reason}<" in svg(None, reason)


def test_the_unit_is_read_from_the_label_when_the_values_carry_none(passages):
    finder = FigureFinder(passages)
    co2 = next(r for r in finder.rows if r.label == "Mengde direkte klimagassutslipp i askersamfunnet, tonn CO2e")
    chart = chart_series(co2)
    assert chart is not None and chart.unit == "tonn CO2e"
    assert "Enhet: tonn CO2e." in svg(chart) and "tall som i rapporten" not in svg(chart)
    assert label_unit("ENERGIBRUK I KOMMUNALE BYGG: Energiforbruk (kWh)") == "kWh"
    assert label_unit("Tildelte midler til Askersamfunnet fra Innovasjon Norge, EU eller Forskningsrådet, mill. kr") == "mill. kr"
    assert label_unit("Elevenes trivsel på skolen (7. og 10. trinn), skala 1-5 hvor 5 er best") == "skala 1-5 hvor 5 er best"
    assert label_unit("LÆRLINGER: Antall lærlinger som har blitt ansatt av Asker kommune") == "antall"
    assert label_unit("Antall hjemmeboende personer på institusjon (langtidsopphold)") == "antall"
    assert label_unit("Andelen heltidsansatte") == "" and label_unit("Egendekning (0-74 år)") == ""
    sick = chart_series(next(r for r in finder.search("sykefravær") if r.label == "Sykefraværsprosent"))
    assert sick is not None and sick.unit == "%"  # the values' own unit comes first


def test_a_total_row_without_figures_stays_below_the_rows_that_give_figures():
    from askerqa.types import Passage, TableRow

    def row(i: int, label: str, value: str) -> Passage:
        cells = (("2022", value),)
        return Passage(f"t{i}", f"Oppvekst – BARNEHAGEDEKNING: {label}: 2022 {value}.", "Oppvekst", 1, None, (i, i),
                       "table_row", TableRow("BARNEHAGEDEKNING", label, cells))

    found = FigureFinder([row(0, "Sammenslått", "Tall kommer"), row(1, "Asker Nord", "-95"),
                          row(2, "Asker Sør", "120")]).search("barnehagedekning")
    assert [r.label for r in found][-1] == "BARNEHAGEDEKNING: Sammenslått"

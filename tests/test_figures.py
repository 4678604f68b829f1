from askerqa.figures import FigureFinder, FigureRow, chart_series, series, table, to_csv
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

from askerqa.figures import FigureFinder, series, table, to_csv


def test_finder_finds_the_table_row_with_its_years(passages):
    finder = FigureFinder(passages)
    rows = finder.search("sykefravær")
    row = next(r for r in rows if r.label.endswith("Sykefraværsprosent"))
    assert dict(row.years) == {"2019": "Ikke målt", "2020": "7,7 %", "2021": "8,4 %", "2022": "9,3 %"}
    assert row.section.startswith("Medarbeidere")
    assert series(row) == [("2020", 7.7), ("2021", 8.4), ("2022", 9.3)]


def test_section_filter_and_sentences_with_numbers(passages):
    finder = FigureFinder(passages)
    assert "Økonomi" in finder.sections
    rows = finder.search("driftsresultat", section="Økonomi")
    assert rows and all(r.section.startswith("Økonomi") for r in rows)
    assert any("3,1 prosent" in r.label and "3,1 prosent" in r.value for r in rows)


def test_table_and_csv_keep_values_as_printed(passages):
    finder = FigureFinder(passages)
    rows = finder.search("Asker Nord barnehagedekning")[:3]
    headers, body = table(rows)
    assert headers[:2] == ["Del av rapporten", "Hva"] and headers[-3:] == ["Verdi", "Kilde", "Side"]
    text = to_csv(rows)
    assert "-95" in text and "Kilde: Asker kommune" in text
    assert text.splitlines()[0].startswith("Del av rapporten;Hva")


def test_thousands_in_series():
    from askerqa.figures import FigureRow

    row = FigureRow("s", "Arbeidsplasser", (("2019", "37 200"), ("2022", "38 500")), "", "", "id", "side 1")
    assert series(row) == [("2019", 37200.0), ("2022", 38500.0)]
    assert row.as_text() == "Arbeidsplasser: 2019: 37 200; 2022: 38 500 [s, side 1]"

"""Comparisons across a table (askerqa.compare): the rows involved, verbatim, and a line that reads their printed
cells without computing anything."""

from __future__ import annotations

import re

import pytest

from askerqa.compare import Siblings, cell_value, compare, comparison_of
from askerqa.text import fold
from askerqa.types import Passage, TableRow

TITLE = "TURNOVER – ANDEL ANSATTE SOM HAR SLUTTET"
HEADERS = ("2019-2020", "2020-2021", "2021-2022")


def _row(i: int, label: str, values: tuple[str, ...], title: str = TITLE) -> Passage:
    cells = tuple(zip(HEADERS, values, strict=True))
    text = f"Medarbeidere – {title}: {label}: " + ", ".join(f"{h} {v}" for h, v in cells) + ". Kilde: KS/PAI."
    return Passage(f"r{i}", text, "Medarbeidere", 10, None, (i, i), "table_row", TableRow(title, label, cells))


PASSAGES = [
    _row(0, "Asker kommune", ("12,8 %", "12,5 %", "13,2 %")),
    _row(1, "Bærum kommune", ("16,0 %", "16,8 %", "18,0 %")),
    _row(2, "Lier kommune", ("12,1 %", "10,6 %", "Tall kommer")),
    _row(3, "Andelen ansatte som har sluttet i løpet av året i kommunen", ("9 %", "8 %", "7 %"), "Nøkkeltall"),
    _row(4, "Andelen ansatte med høyere utdanning blant alle ansatte", ("40 %", "41 %", "43 %"), "Nøkkeltall"),
]


def _words(question: str) -> frozenset[str]:
    return frozenset(re.findall(r"\w+", fold(question)))


@pytest.mark.parametrize(("question", "kind", "along"), [
    ("Hvilken kommune hadde lavest turnover?", "low", False),
    ("Hvilket år var sykefraværet høyest?", "high", True),
    ("Hvilken kommune hadde færrest som sluttet?", "low", False),
    ("Har turnoveren gått opp fra 2020 til 2022?", "change", True),
    ("Blir det mer eller mindre avfall?", "change", True),
    ("Slutter flere i Bærum enn i Asker?", "versus", False),
])
def test_the_kind_of_comparison_is_read_from_the_question(question, kind, along):
    asked = comparison_of(question)
    assert asked is not None and (asked.kind, asked.along_years) == (kind, along)


def test_a_plain_question_is_no_comparison():
    assert comparison_of("Hvor høy var turnoveren i Asker i 2022?") is None
    assert comparison_of("Hvor mange innbyggere har Asker?") is None


def test_cells_are_read_as_printed_and_a_cell_without_a_figure_takes_no_part():
    assert cell_value("13,2 %") == 13.2 and cell_value("97 800") == 97800 and cell_value("-0,7 %") == -0.7
    assert cell_value("Tall kommer") is None and cell_value("Ikke målt") is None


def test_the_lowest_row_is_the_answer_and_the_line_quotes_its_cell():
    question = "Hvilken kommune hadde lavest turnover i 2020-2021?"
    got = compare(PASSAGES, Siblings(PASSAGES), 0, comparison_of(question), frozenset({"2020", "2021"}),
                  _words(question))
    assert got is not None and got.rows[0] == 2 and set(got.rows) == {0, 1, 2}
    assert got.line == "Lavest: Lier kommune 10,6 % (2020-2021)"
    assert "10,6 %" in PASSAGES[got.rows[0]].text  # the line's cell is printed in the quoted row
    assert not got.versus  # the lowest row alone answers «which one»


def test_a_column_with_a_missing_figure_compares_only_the_rows_that_print_one():
    question = "Hvilken kommune hadde høyest turnover i 2021-2022?"
    got = compare(PASSAGES, Siblings(PASSAGES), 2, comparison_of(question), frozenset({"2021", "2022"}),
                  _words(question))
    assert got is not None and got.line == "Høyest: Bærum kommune 18,0 % (2021-2022)" and 2 not in got.rows


def test_versus_quotes_the_rows_the_question_names():
    question = "Slutter flere i Bærum enn i Asker?"
    got = compare(PASSAGES, Siblings(PASSAGES), 1, comparison_of(question), frozenset(), _words(question))
    assert got is not None and set(got.rows) == {0, 1}
    assert got.line == "Bærum kommune: 18,0 %; Asker kommune: 13,2 % (2021-2022)"
    assert got.versus


def test_along_one_row_the_asked_years_are_read():
    question = "Har turnoveren gått opp fra 2020 til 2022?"
    got = compare(PASSAGES, Siblings(PASSAGES), 0, comparison_of(question), frozenset({"2020", "2022"}),
                  _words(question))
    assert got is not None and got.rows == (0,)
    assert got.line == "2019-2020: 12,8 %; 2020-2021: 12,5 %; 2021-2022: 13,2 %"
    got = compare(PASSAGES, Siblings(PASSAGES), 0, comparison_of("Hvilket år var turnoveren høyest?"), frozenset(),
                  frozenset())
    assert got is not None and got.line == "Høyest: 2021-2022: 13,2 %"


def test_rows_of_different_measures_under_one_title_are_never_compared_across():
    question = "Hvilken andel var høyest?"
    assert compare(PASSAGES, Siblings(PASSAGES), 3, comparison_of(question), frozenset(), _words(question)) is None
    # short labels, but a count beside a share: not one kind of figure
    mixed = [_row(0, "Arbeidsplasser", ("50 000", "51 000", "52 000"), "JOBBER"),
             _row(1, "Egendekning", ("75 %", "76 %", "76 %"), "JOBBER")]
    assert compare(mixed, Siblings(mixed), 0, comparison_of("Hvilken var høyest?"), frozenset(), frozenset()) is None


def test_a_row_that_adds_the_others_up_never_wins_and_ties_are_said():
    rows = [_row(0, "Hurum", ("10 %", "12 %", "14 %"), "ANDEL"), _row(1, "Røyken", ("11 %", "12 %", "14 %"), "ANDEL"),
            _row(2, "Sammenslått", ("30 %", "36 %", "42 %"), "ANDEL")]
    got = compare(rows, Siblings(rows), 0, comparison_of("Hvor var andelen høyest?"), frozenset(), frozenset())
    assert got is not None and got.line == "Høyest: Hurum 14 % og Røyken 14 % (2021-2022)"


def test_along_a_row_only_year_columns_count():
    cells = (("2020", "1772"), ("2023", "1974"), ("Endring % fra 2020", "11 %"))
    row = Passage("v", "Velferd – ÅRSVERK: Antall årsverk: 2020 1772, 2023 1974, Endring % fra 2020 11 %.", "Velferd",
                  1, None, (1, 1), "table_row", TableRow("ÅRSVERK", "Antall årsverk", cells))
    got = compare([row], Siblings([row]), 0, comparison_of("Hvilket år var det færrest årsverk?"), frozenset(),
                  frozenset())
    assert got is not None and got.line == "Lavest: 2020: 1772"
    asked = comparison_of("Hvilken kommune hadde høyest turnover i 2017?")
    assert compare(PASSAGES, Siblings(PASSAGES), 0, asked, frozenset({"2017"}), frozenset()) is None  # no such column


def test_a_comparison_word_without_two_named_rows_is_no_comparison():
    question = "Hva gjør kommunen mot turnover i Lier?"  # «mot», but one row named
    assert compare(PASSAGES, Siblings(PASSAGES), 2, comparison_of(question), frozenset(), _words(question)) is None
    assert comparison_of("Hvilket år var plasseringen best?") is None  # best may be the lowest number


def test_no_table_row_no_comparison():
    prose = [Passage("p", "Turnoveren var 13,2 prosent.", "Medarbeidere", 1, None, (1, 1), "prose")]
    assert compare(prose, Siblings(prose), 0, comparison_of("Hvilken kommune var høyest?"), frozenset(),
                   frozenset()) is None


def test_more_or_fewer_than_a_named_place_in_a_one_year_table_compares_the_rows():
    one_year = [Passage(f"b{i}", f"ANDEL: {label}: 2022 {value}.", "Oppvekst", 1, None, (i, i), "table_row",
                        TableRow("ANDEL", label, (("2022", value),))) for i, (label, value) in
                enumerate([("Asker", "39,1 %"), ("Bærum", "36,8 %"), ("Norge", "43,1 %")])]
    question = "Har Asker flere eller færre barnehagelærere enn Bærum?"
    got = compare(one_year, Siblings(one_year), 1, comparison_of(question), frozenset(), _words(question))
    assert got is not None and got.line == "Bærum: 36,8 %; Asker: 39,1 % (2022)"
    assert got.versus  # both rows are the answer's quote, as for «Slutter flere i Bærum enn i Asker?»


def _measures(label: str, places: str, jobs: str, share: str) -> tuple[str, TableRow]:
    cells = (("Ledige plasser januar 2023", places), ("Andel vekst 2019-2022", share),
             ("Antall vekst 2019-2022", jobs), ("Total kapasitet januar 2023", "1000"))
    return label, TableRow("MÅL", label, cells)


def test_a_measure_column_with_its_year_is_the_one_the_question_names():
    rows = [Passage(f"m{i}", f"MÅL: {label}: " + ", ".join(f"{h} {v}" for h, v in row.cells) + ".", "Oppvekst", 1,
                    None, (i, i), "table_row", row)
            for i, (label, row) in enumerate([_measures("Lier", "40", "1 200", "8,1 %"),
                                              _measures("Bærum", "181", "1 400", "1,8 %"),
                                              _measures("Drammen", "12", "500", "1,1 %")])]
    siblings = Siblings(rows)

    def line(question: str, years: set[str]) -> str | None:
        got = compare(rows, siblings, 0, comparison_of(question), frozenset(years), _words(question))
        return got.line if got else None

    assert line("Hvor var det flest ledige plasser i januar 2023?", {"2023"}) == \
        "Høyest: Bærum 181 (Ledige plasser januar 2023)"
    assert line("Hvilken kommune fikk størst prosentvis vekst fra 2019 til 2022?", {"2019", "2022"}) == \
        "Høyest: Lier 8,1 % (Andel vekst 2019-2022)"  # a share is asked: the column in per cent
    assert line("Hvilken kommune fikk minst vekst i antall jobber fra 2019 til 2022?", {"2019", "2022"}) == \
        "Lavest: Drammen 500 (Antall vekst 2019-2022)"
    assert line("Hvilken kommune var størst i 2023?", {"2023"}) is None  # two columns of 2023, neither named
    assert line("Hvor var det minst ledig kapasitet i januar 2023?", {"2023"}) is None  # both named alike
    # a share of something no column holds: not the one column in per cent
    assert line("Hvor var andelen sysselsatte høyest fra 2019 til 2022?", {"2019", "2022"}) is None

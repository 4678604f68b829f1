"""Tables: every parsed table pinned to a fixture, key tables to expectations typed from the report's
lines, and the parser's layouts on small synthetic inputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from askerqa.ingest import ingest
from askerqa.matching import match_normalise
from askerqa.tables import parse_table, side_titles

FIXTURE = Path(__file__).parent / "fixtures" / "tables.json"


@pytest.fixture(scope="module")
def report(corpus_path):
    return ingest(corpus_path)[1]


@pytest.fixture(scope="module")
def raw(corpus_path) -> list[str]:
    return corpus_path.read_text(encoding="utf-8").split("\n")


def _by_title(report, start: str):
    return next(reg.table for reg in report.tables if reg.table.title.startswith(start) and reg.table.rows)


def _rows(table) -> dict[str, list[tuple[str, str]]]:
    return {row.label: list(row.cells) for row in table.rows}


def _as_fixture(reg) -> dict:
    t = reg.table
    return {"line": reg.lines[0], "title": t.title,
            "rows": [{"label": r.label, "cells": [list(c) for c in r.cells]} for r in t.rows],
            "text_lines": sorted({ln for p in t.text_paragraphs for ln, x in p if any(ch.isdigit() for ch in x)}),
            "source": t.source}


def test_every_table_equals_its_fixture(report):
    expected = json.loads(FIXTURE.read_text(encoding="utf-8"))["tables"]
    assert [e["line"] for e in expected] == [reg.lines[0] for reg in report.tables]
    for exp, reg in zip(expected, report.tables, strict=True):
        assert exp["checked"].startswith("typed by hand from lines") and "(blind)" in exp["checked"], exp["line"]
        assert _as_fixture(reg) == {k: exp[k] for k in ("line", "title", "rows", "text_lines", "source")}, exp["n"]


def test_verbatim_tables_stay_text_line_for_line(report, raw):
    """A table the parser cannot rebuild reliably has no rows; each of its number lines is kept as printed
    (beside two tables, the source line's row of the right-hand table: the line less the source)."""
    expected = [e for e in json.loads(FIXTURE.read_text(encoding="utf-8"))["tables"] if e.get("verbatim")]
    assert expected
    regions = {reg.lines[0]: reg for reg in report.tables}
    for exp in expected:
        table = regions[exp["line"]].table
        assert table.rows == [], exp["n"]
        kept = {ln: x for p in table.text_paragraphs for ln, x in p}
        for ln in exp["text_lines"]:
            printed = raw[ln - 1].strip()
            assert kept[ln].strip() in (printed, printed.removeprefix(table.source).strip()), ln


def test_every_value_is_printed_in_its_own_rows_lines(report, raw):
    for reg in report.tables:
        for row in reg.table.rows:
            span = match_normalise(" ".join(raw[row.lines[0] - 1 : row.lines[1]]))
            for _, value in row.cells:
                assert _printed_in(match_normalise(value), span), (reg.table.title, row.label, value)


def _printed_in(value: str, span: str) -> bool:
    """Verbatim in the row's lines; a `Tall` / `kommer` cell may wrap around the label's second line."""
    if value in span:
        return True
    if value != "tall kommer":
        return False
    at = span.find("tall ")
    return at >= 0 and " kommer" in span[at:]


# --- typed from the report's lines ------------------------------------------------------------

def test_grouped_headers_name_each_cell(report):
    rows = _rows(_by_title(report, "ELEKTRISKE KJØRETØY I ASKER"))
    assert rows["Andel elkjøretøy av kjøretøy totalt"] == [
        ("Personbiler 2019", "16 %"), ("Personbiler 2022", "29 %"), ("Varebiler 2019", "2 %"),
        ("Varebiler 2022", "4 %"), ("Lastebiler 2019", "0 %"), ("Lastebiler 2022", "0 %")]
    assert rows["Andel elkjøretøy av nyregistrerte kjøretøy"] == [
        ("Personbiler 2019", "64 %"), ("Personbiler 2022", "91 %"), ("Varebiler 2019", "8 %"),
        ("Varebiler 2022", "25 %"), ("Lastebiler 2019", "0 %"), ("Lastebiler 2022", "11 %")]


def test_a_title_over_two_lines_keeps_its_own_rows(report):
    rows = _rows(_by_title(report, "ANDELEN UNGDOMSSKOLEELEVER SOM BRUKER SMERTESTILLENDE MINST UKENTLIG"))
    assert rows == {"Hurum": [("2019", "17 %"), ("2022", "19 %")], "Røyken": [("2019", "17 %"), ("2022", "21 %")],
                    "Gamle Asker": [("2019", "15 %"), ("2022", "19 %")],
                    "Sammenslått": [("2019", "15 %"), ("2022", "20 %")]}
    plager = _rows(_by_title(report, "ANDELEN UNGDOMSSKOLEELEVER SOM OPPLEVER HØY TOTALBELASTNING AV PSYKISKE PLAGER"))
    assert plager["Hurum"] == [("2019", "18 %"), ("2022", "15 %")]


def test_political_meetings_have_row_and_column_labels(report):
    rows = _rows(_by_title(report, "ANTALL POLITISKE MØTER OG SAKER"))
    assert rows["Formannskap"] == [
        ("2020 Gjennomførte møter", "25"), ("2020 Saker behandlet", "278"), ("2021 Gjennomførte møter", "30"),
        ("2021 Saker behandlet", "243"), ("2022 Gjennomførte møter", "21"), ("2022 Saker behandlet", "251")]
    assert rows["Heltidsutvalget"][-1] == ("2022 Saker behandlet", "Avsluttet")
    assert "Interkommunalt politisk råd Asker og Bærum" in rows
    assert "Oppgaveutvalg Skogsborg" not in rows  # two values under six columns: kept as text, not guessed


def test_a_unit_on_the_label_line_is_not_a_value(report):
    labels = [row.label for reg in report.tables for row in reg.table.rows]
    assert "Antall registrerte patenter i Askersamfunnet, per 100 000 innbyggere" in labels
    assert "innbyggere" not in labels


def test_axis_maximum_is_no_row(report):
    table = next(reg.table for reg in report.tables if reg.table.title.startswith("DIREKTE KLIMAGASSUTSLIPP"))
    assert table.rows == [] and table.axis_lines


# --- the parser on synthetic inputs (one layout each) -----------------------------------------

def _paras(*paras: list[str], start: int = 1) -> list[list[tuple[int, str]]]:
    out, ln = [], start
    for p in paras:
        out.append([(ln + k, t) for k, t in enumerate(p)])
        ln += len(p) + 1
    return out


def test_label_and_values_on_one_line_under_a_year_header():
    t = parse_table(_paras(["Nøkkeltall 2019 2020"], ["Sykefravær 7,7 % 8,4 %"]), "")
    assert t.title == "Nøkkeltall"
    assert [(r.label, r.cells) for r in t.rows] == [("Sykefravær", [("2019", "7,7 %"), ("2020", "8,4 %")])]


def test_label_lines_above_a_values_only_line():
    t = parse_table(_paras(["2019 2022"], ["Andel av kjøretøy", "totalt"], ["16 % 29 %"]), "T")
    assert [(r.label, r.cells) for r in t.rows] == [("Andel av kjøretøy totalt", [("2019", "16 %"), ("2022", "29 %")])]


def test_column_major_layout():
    t = parse_table(_paras(["2019 2022"], ["Hurum"], ["Røyken"], ["1 %"], ["2 %"], ["3 %"], ["4 %"]), "T")
    assert _rows(t) == {"Hurum": [("2019", "1 %"), ("2022", "3 %")], "Røyken": [("2019", "2 %"), ("2022", "4 %")]}


def test_group_names_over_repeated_years():
    t = parse_table(_paras(["A B"], ["2019 2022 2019 2022"], ["Rad 1 % 2 % 3 % 4 %"]), "T")
    assert _rows(t) == {"Rad": [("A 2019", "1 %"), ("A 2022", "2 %"), ("B 2019", "3 %"), ("B 2022", "4 %")]}


def test_group_names_that_do_not_divide_the_columns_are_not_used():
    t = parse_table(_paras(["A B C"], ["2019 2022 2019 2022"], ["Rad 1 % 2 % 3 % 4 %"]), "T")
    assert [h for h, _ in t.rows[0].cells] == ["2019", "2022", "2019", "2022"]


def test_single_ticks_before_a_run_of_years_are_an_axis():
    t = parse_table(_paras(["Tonn"], ["350 000"], ["2009 2011 2013 2015"]), "T")
    assert t.rows == [] and t.axis_lines


def test_ambiguous_thousands_stay_text():
    t = parse_table(_paras(["Kommune 2022"], ["Asker 1 300 38 500"]), "T")
    assert t.rows == [] and t.text_paragraphs


def test_label_holding_another_tables_cells_is_no_row():
    t = parse_table(_paras(["Kjønn 2023 Alder 2023"], ["Kvinner 76 % Under 25 år 221"]), "T")
    assert t.rows == [] and t.text_paragraphs


def test_beside_a_text_column_only_a_recurring_label_is_a_row():
    t = parse_table(_paras(["bidratt til utviklingen. Kommune 2019 2022"], ["Hurum 30 % 31 %"]), "T")
    assert t.rows == [] and [ln for p in t.text_paragraphs for ln, _ in p] == [3]
    assert [x for _, x in t.text_column] == ["bidratt til utviklingen."]  # the header's sentence is kept


def test_a_text_column_through_a_table_reads_on_and_rows_beside_it_are_rows():
    labels = frozenset({"Hurum", "Røyken", "Gamle Asker", "Sammenslått"})
    t = parse_table(_paras(["med rett kompetanse, kan ha", "bidratt til utviklingen. Kommune 2019 2022"],
                           ["Hurum 30 % 31 % Nøkkeltallene viser en økning",
                            "på skolen. Nasjonalt var det i Røyken 27 % 38 %", "2022 en stor økning i 12 %"],
                           ["Gamle Asker 32 % 39 %", "mobbet. Sammenlignet med Kommu- Sammenslått 31 % 38 %"]),
                    "T", row_labels=labels)
    assert _rows(t) == {"Hurum": [("2019", "30 %"), ("2022", "31 %")], "Røyken": [("2019", "27 %"), ("2022", "38 %")],
                        "Gamle Asker": [("2019", "32 %"), ("2022", "39 %")],
                        "Sammenslått": [("2019", "31 %"), ("2022", "38 %")]}
    assert [x for _, x in t.text_column] == [
        "med rett kompetanse, kan ha", "bidratt til utviklingen.", "Nøkkeltallene viser en økning",
        "på skolen. Nasjonalt var det i", "mobbet. Sammenlignet med Kommu-"]
    # a line of the text that ends in numbers is no row and no part of the column: kept as printed
    assert t.text_paragraphs == [[(6, "2022 en stor økning i 12 %")]]


def test_a_row_at_the_start_of_a_line_needs_its_values_to_fill_the_columns():
    labels = frozenset({"Hurum"})
    t = parse_table(_paras(["2019 2022"], ["Hurum 30 % Nøkkeltallene viser"]), "T", row_labels=labels)
    assert t.rows == []
    t = parse_table(_paras(["2019 2022"], ["Hurum 30 % 31 % Røyken 27 % 38 %"]), "T", row_labels=labels)
    assert "Hurum" not in _rows(t)  # two rows side by side: not a row before text


def test_a_title_beside_a_text_column_is_split_from_it():
    from askerqa.ingest import paragraphs
    paras = paragraphs(["ANDELEN ELEVER SOM OPP-", "lærere, og arbeidet med", "", "LEVER PRESS", "med rett kompetanse",
                        "", "TITTEL", "(2021)"])
    assert [(p.role, [t for _, t in p.lines]) for p in paras] == [
        ("caption", ["ANDELEN ELEVER SOM OPP-"]), ("text", ["lærere, og arbeidet med"]),
        ("caption", ["LEVER PRESS"]), ("text", ["med rett kompetanse"]), ("caption", ["TITTEL", "(2021)"])]


def test_a_table_printed_through_body_text_has_its_title_rows_and_source(report):
    table = _by_title(report, "ANDELEN UNGDOMSSKOLEELEVER SOM OPPLEVER PRESS OM Å GJØRE DET BRA PÅ SKOLEN")
    assert _rows(table) == {"Hurum": [("2019", "30 %"), ("2022", "31 %")], "Røyken": [("2019", "27 %"), ("2022", "38 %")],
                            "Gamle Asker": [("2019", "32 %"), ("2022", "39 %")],
                            "Sammenslått": [("2019", "31 %"), ("2022", "38 %")]}
    assert table.source == "Kilde: Ungdata"


def test_column_header_in_pieces_with_thousands_groups():
    t = parse_table(_paras(["Kommune", "Andel vekst", "2019-2022"], ["Antall vekst", "2019-2022"],
                           ["Arbeidsplasser", "2022"], ["Asker 3,6 % 1 300 38 500"]), "T")
    assert _rows(t) == {"Asker": [("Andel vekst 2019-2022", "3,6 %"), ("Antall vekst 2019-2022", "1 300"),
                                  ("Arbeidsplasser 2022", "38 500")]}


def test_two_line_header_with_one_head_per_column():
    t = parse_table(_paras(["Antall søknader Andel søknader som", "2021-2022 er innvilget 2021-2022"],
                           ["Byggesøknader i strandsonen 266 85 %"]), "T")
    assert _rows(t) == {"Byggesøknader i strandsonen": [("Antall søknader 2021-2022", "266"),
                                                         ("Andel søknader som er innvilget 2021-2022", "85 %")]}


def test_transposed_table_has_the_years_as_rows():
    t = parse_table(_paras(["2015"], ["Asker"], ["27 %"], ["Bærum"], ["28 %"], ["2016 28 % 30 %"]), "T")
    assert _rows(t) == {"2015": [("Asker", "27 %"), ("Bærum", "28 %")], "2016": [("Asker", "28 %"), ("Bærum", "30 %")]}


def test_value_axis_beside_a_chart_title_is_no_data():
    t = parse_table(_paras(["80 %", "REST AV TITTELEN 60 %"], ["Gjennomsnitt for kommunen 40 %"],
                           ["Kilde: Undersøkelsen 20 %"]), "ANDELEN SOM 100 %")
    assert t.rows == [] and t.title == "ANDELEN SOM REST AV TITTELEN" and t.source == "Kilde: Undersøkelsen"
    assert {1, 4} <= t.axis_lines  # the lone `80 %` and the legend line


def test_a_pie_charts_one_share_is_labelled_by_its_title():
    t = parse_table(_paras(["43 %"], ["Kilde: Asker kommune"]), "ANDEL AV DRIFTSBUDSJETT – OPPVEKST")
    assert _rows(t) == {"ANDEL AV DRIFTSBUDSJETT – OPPVEKST": [("", "43 %")]} and t.source == "Kilde: Asker kommune"


def test_a_source_broken_mid_word_goes_on():
    t = parse_table(_paras(["2018 2022"], ["Andel 66 % 71 %"], ["Kilde: Sentio innbyggerunder-", "søkelse (2022)."]), "T")
    assert t.source == "Kilde: Sentio innbyggerundersøkelse (2022)." and t.text_paragraphs == []


def test_an_upper_case_word_broken_over_lines_is_joined_only_when_the_report_knows_it():
    known = {"sykkelveier"}.__contains__
    t = parse_table(_paras(["2019 2022"], ["GANG- OG SYKKEL-", "VEIER 1 % 2 %"], ["KOMMUNE-", "NM 3 % 4 %"]), "T", known)
    assert list(_rows(t)) == ["GANG- OG SYKKELVEIER", "KOMMUNE-NM"]


def test_a_rows_last_values_after_a_break_complete_it():
    t = parse_table(_paras(["Nøkkeltall 2019 2020 2021"], ["Andel 11 %  Tall", "kommer"], ["Tall", "kommer"]), "")
    assert _rows(t) == {"Andel": [("2019", "11 %"), ("2020", "Tall kommer"), ("2021", "Tall kommer")]}


def test_a_known_row_label_at_the_end_of_body_text_is_a_row_and_the_text_stays_text():
    t = parse_table(_paras(["2017 2021"], ["årene. Kommunestyret Gamle Asker  84 % 82 %", "har i denne perioden"],
                           ["og gebyrer. Kilde: Undersøkelsen"]), "T", row_labels=frozenset({"Gamle Asker"}))
    assert _rows(t) == {"Gamle Asker": [("2017", "84 %"), ("2021", "82 %")]} and t.source == "Kilde: Undersøkelsen"
    assert sorted(x for p in t.text_paragraphs for _, x in p) == ["har i denne perioden", "og gebyrer.", "årene. Kommunestyret"]
    unknown = parse_table(_paras(["2017 2021"], ["årene. Kommunestyret Gamle Asker  84 % 82 %"]), "T")
    assert unknown.rows == []


def test_two_tables_side_by_side_give_no_rows_and_no_mixed_source():
    t = parse_table(_paras(["Kjønn 2023 Alder 2023"], ["Kvinner 76 % Under 25 år 221"],
                           ["Kilde: Asker kommune 40-54 år 2760"]), "T")
    assert t.side_by_side and t.rows == [] and t.source == "Kilde: Asker kommune"
    assert ["40-54 år 2760"] in [[x for _, x in p] for p in t.text_paragraphs]
    title, right = side_titles(["ANDELEN ANSATTE FORDELT ANTALL ANSATTE FORDELT", "PÅ KJØNN PÅ ALDER"])
    assert title == "ANDELEN ANSATTE FORDELT PÅ KJØNN"
    assert right == "ANTALL ANSATTE FORDELT PÅ ALDER"
    assert side_titles(["TO TITLER SOM IKKE SPEILES"]) == ("", "")


# --- typed from the report's lines (tables fixed by the rules above) ----------------------------

def test_transposed_survival_table_from_the_report(report):
    rows = _rows(_by_title(report, "ANDELEN FORETAK SOM HAR OVERLEVD"))
    assert rows["2015"] == [("Asker", "27 %"), ("Bærum", "28 %"), ("Drammen", "26 %"), ("Lier", "31 %"), ("Oslo", "23 %")]
    assert rows["2019"] == [("Asker", "47 %"), ("Bærum", "46 %"), ("Drammen", "46 %"), ("Lier", "47 %"), ("Oslo", "41 %")]


def test_job_growth_table_from_the_report(report):
    rows = _rows(_by_title(report, "VEKST I ARBEIDSPLASSER"))
    assert rows["Oslo"] == [("Andel vekst 2019-2022", "6,8 %"), ("Antall vekst 2019-2022", "31 400"),
                            ("Arbeidsplasser 2022", "523 700")]


def test_budget_pie_charts_keep_share_and_source(report):
    pies = [reg.table for reg in report.tables if reg.table.title.startswith("ANDEL AV KOMMUNENS TOTALE")]
    assert [p.rows[0].cells[0][1] for p in pies] == ["43 %", "34 %", "11 %", "1 %", "5 %", "6 %"]
    assert all(p.source == "Kilde: Asker kommune" for p in pies)


def test_titles_and_rows_the_hand_typing_found_wrong_in_the_old_parse(report):
    titles = [reg.table.title for reg in report.tables]
    assert "ANDELEN INNBYGGERE SOM OPPLEVER AT GANG- OG SYKKELVEIER ER GODT UTBYGGET I SITT NÆROMRÅDE (2021)" in titles
    assert "ANDEL AV KOMMUNENS TOTALE DRIFTSBUDSJETT 2023 – MEDBORGERSKAP" in titles
    assert not any("DRIFTS BUDSJETT" in t for t in titles)
    side = next(reg.table for reg in report.tables if reg.table.side_by_side)
    assert side.title == ("ANDELEN ANSATTE I ASKER KOMMUNE FORDELT PÅ KJØNN / ANTALL ANSATTE I ASKER KOMMUNE FORDELT "
                          "PÅ ALDER") and side.source == "Kilde: Asker kommune"
    rows = {k: v for reg in report.tables for k, v in _rows(reg.table).items()}
    assert rows["Andelen innbyggere (16-25 år) som verken er i arbeid eller utdanning"] == [
        ("2019", "11 %"), ("2020", "Tall kommer"), ("2021", "Tall kommer"), ("2022", "Tall kommer")]
    assert rows["Sysselsatte med bestått fagprøve, plassering i Kommune-NM hvor 1 er best"] == [
        ("2019", "348"), ("2020", "350"), ("2021", "349"), ("2022", "Tall kommer")]

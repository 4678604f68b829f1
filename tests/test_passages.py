import re

import pytest

from askerqa.matching import PASSAGE_LIMIT, match_normalise, satisfies
from askerqa.passages import load_passages, split_sentences

CLEAN_LINES = 5898


def test_clean_rendering_is_found_and_second_is_dropped(ingest_report):
    assert ingest_report.clean_lines == CLEAN_LINES
    assert ingest_report.dropped_second_rendering > 3000


def test_no_passage_comes_from_the_second_rendering(passages):
    assert all(p.lines[1] <= CLEAN_LINES for p in passages)


@pytest.mark.parametrize("damaged", ["fste", "Ryken", "onomi ", "Bel p", "f rste", "stste", "Nkeltall", "KONOMISK"])
def test_no_damaged_words(passages, damaged):
    bad = [p.text for p in passages if re.search(rf"(?<![\wø]){re.escape(damaged)}", p.text)]
    assert bad == []


def test_no_duplicate_passages(passages):
    keys = [re.sub(r"\s+", " ", p.text).strip().lower() for p in passages]
    assert len(keys) == len(set(keys))


def test_passages_are_short_enough_to_quote(passages):
    assert max(len(p.text) for p in passages) <= 1000
    assert max(len(p.text.split()) for p in passages if p.kind == "prose") <= 120


def _is_axis_line(line: str) -> bool:
    """Chart axis ticks: a run of years, a round tick (`350 000`) or a bare percentage tick."""
    s = line.strip()
    return bool(
        re.fullmatch(r"(?:\d{4} ){4,}\d{4}", s)
        or re.fullmatch(r"\d{1,3}(?: 000)+", s)
        or re.fullmatch(r"\d{1,3} ?%", s)
    )


def test_every_number_of_the_report_is_kept(corpus_path, passages):
    lines = corpus_path.read_text(encoding="utf-8").split("\n")[:CLEAN_LINES]
    everything = "\n".join(match_normalise(p.text) for p in passages)
    missing = []
    for n, line in enumerate(lines, start=1):
        if _is_axis_line(line):
            continue
        for num in re.findall(r"\d[\d,.]*\d|\d", line):
            num = num.rstrip(".,")
            if len(num) >= 3 and match_normalise(num) not in everything:
                missing.append((n, num))
    assert missing == []


def test_every_answerable_dev_question_has_a_passage_with_its_evidence(passages, dev_questions):
    unmet = [q["id"] for q in dev_questions if q["answerable"]
             if not any(satisfies(p.text, q["evidence"], limit=PASSAGE_LIMIT) for p in passages)]
    assert unmet == []


def _row(passages, label_start: str, title_has: str = ""):
    rows = [p for p in passages if p.kind == "table_row" and p.table.label.startswith(label_start)
            and title_has.lower() in (p.table.title + " " + p.section).lower()]
    assert rows, f"no table row {label_start!r}"
    return rows[0]


def test_table_row_sick_leave(passages):
    row = _row(passages, "Sykefraværsprosent")
    assert dict(row.table.cells) == {"2019": "Ikke målt", "2020": "7,7 %", "2021": "8,4 %", "2022": "9,3 %"}
    assert row.section.startswith("Medarbeidere")
    assert "Sykefraværsprosent" in row.text and "2022 9,3 %" in row.text


def test_table_row_new_dwellings(passages):
    row = _row(passages, "Antall nye boliger per år")
    assert dict(row.table.cells)["2022"] == "833"
    assert dict(row.table.cells)["2019"] == "445"


def test_table_row_kindergarten_capacity(passages):
    row = _row(passages, "Asker Nord", "barnehage")
    values = [v for _, v in row.table.cells]
    assert values == ["1284", "-95"]
    assert any("Ledige plasser" in h for h, _ in row.table.cells)


def test_column_major_table_is_read_column_by_column(passages):
    # Økonomi's key figures are printed label by label, then one column (year) at a time
    row = _row(passages, "Netto lånegjeld som andel av brutto driftsinntekter")
    assert dict(row.table.cells) == {"2019": "99,1 %", "2020": "102,8 %", "2021": "99,0 %", "2022": "97,4 %"}


def test_two_line_column_header_names_every_column(passages):
    # `Endring Endring %` over `2020 2023 fra 2020 fra 2020`: the upper line tops the last two columns
    row = _row(passages, "Antall årsverk", "VELFERD")
    assert [tuple(c) for c in row.table.cells] == [
        ("2020", "1772"), ("2023", "1974"), ("Endring fra 2020", "203"), ("Endring % fra 2020", "11 %")]
    assert row.section == "Velferd"


def test_thousands_groups_stay_one_value(passages):
    row = _row(passages, "Antall innbyggere som er medlem i Den norske kirke")
    assert [v for _, v in row.table.cells] == ["56 693"]
    row = _row(passages, "Arbeidsplasser i kommunen")
    assert dict(row.table.cells) == {"2019": "37 200", "2022": "38 500"}


def test_table_values_are_printed_verbatim(corpus_path, passages):
    """What a reader checks against the printed report: each figure a table-row passage gives is the whole
    figure (`56 693`, `99,1 %`) printed on that row's own lines, and the passage names its column with it."""
    raw = corpus_path.read_text(encoding="utf-8").splitlines()
    rows = [p for p in passages if p.kind == "table_row"]
    assert len(rows) > 200
    for p in rows:
        printed = " ".join(" ".join(raw[p.lines[0] - 1 : p.lines[1]]).split())
        for header, value in p.table.cells:
            # `Tall kommer` (figures to come) is printed around the label's wrapped second line
            wrapped = value == "Tall kommer" and re.search(r"\bTall\b.*\bkommer\b", printed)
            assert value in printed or wrapped, (p.id, p.lines, value, printed)
            assert f"{header} {value}" in p.text, (p.id, header, value)


def test_ids_are_stable_across_runs(corpus_path, passages):
    again, _ = load_passages(corpus_path)
    assert [p.id for p in again] == [p.id for p in passages]
    assert len({p.id for p in passages}) == len(passages)


def _section_of(passages, words: str) -> str:
    return next(p.section for p in passages if words in p.text)


def test_sections_and_pages(passages):
    assert any(p.section == "Medarbeidere › Heltidskultur" for p in passages)
    # boxes of an organisation chart and a table's column header are labels, not sections
    assert _section_of(passages, "Kommunestyret har 55 medlemmer") == "Organisering og styring › Politisk organisering"
    assert _section_of(passages, "Det registrerte sykefraværet har økt") == "Medarbeidere › Årsverk, turnover og sykefravær"
    # a title page repeated at the top of its content page opens a part: not under another chapter
    assert _section_of(passages, "Tjenesteområde Velferd har 2000 årsverk") == "Velferd"
    assert all(p.page >= 1 for p in passages)
    printed = {p.printed_page for p in passages if p.printed_page is not None}
    assert printed and printed <= {76, 82, 97}


def test_short_bullets_form_one_list_with_their_lead_in(passages):
    lists = [p for p in passages if p.kind == "list" and "fem hovedutvalg:" in p.text]
    assert len(lists) == 1
    assert lists[0].text == ("Kommunestyret har opprettet fem hovedutvalg: → Utvalg for oppvekst → Utvalg for velferd"
                             " → Utvalg for samfunnstjenester → Utvalg for medborgerskap → Utvalg for plan og byggesak")
    # the lead-in sentence moved to its list: no other passage ends with it
    assert not any(p.text.endswith("fem hovedutvalg:") for p in passages if p.kind != "list")
    # bullets that are statements stay passages of their own
    assert any(p.kind == "bullet" and p.text.startswith("Heltidsutvalget ble opprettet") for p in passages)


def test_body_text_printed_through_a_table_reads_on(passages):
    """The text column beside the pressure-at-school table: its sentences whole, without the table's cells."""
    for sentence in ("Satsningen på videreutdanning av lærere, og arbeidet med rekruttering av lærere med rett "
                     "kompetanse, er faktorer som kan ha bidratt til den positive utviklingen.",
                     "Nasjonalt var det i 2022 en stor økning i elever som rapporterte å bli mobbet.",
                     "Kommunens ambisjon er at ingen barn og unge skal oppleve mobbing, og innsatsen for et godt og "
                     "trygt læringsmiljø må derfor videreføres."):
        assert any(sentence in p.text for p in passages if p.kind == "prose"), sentence
    assert not any("Kilde: Ungdata" in p.text or "31 %" in p.text for p in passages
                   if p.kind == "prose" and "Kommunens ambisjon" in p.text)


def test_kinds(passages):
    kinds = {p.kind for p in passages}
    assert {"prose", "bullet", "list", "table_row", "quote"} <= kinds
    quote = next(p for p in passages if p.kind == "quote")
    assert quote.text.startswith("«") and "Intensjonsavtalen" in quote.text


@pytest.mark.parametrize(
    "text",
    [
        "Asker er nå Norges 8. største kommune og har i dag ca. 97 800 innbyggere.",
        "Driftsbudsjettet er styrket med over 760 mill. kroner i perioden.",
        "Kommunestyret vedtok 09.06.20 bl.a. en ny visjon, jf. planen.",
        "Det gjelder f.eks. skoler, dvs. alle nr. 3 og 1,5 mrd. kr. til sammen.",
    ],
)
def test_abbreviations_do_not_end_sentences(text):
    assert split_sentences(text) == [text]


def test_sentences_are_split():
    assert split_sentences("Første setning. Andre setning.") == ["Første setning.", "Andre setning."]


# --- nothing dropped silently -------------------------------------------------------------------

EXPECTED_DROP_REASONS = {
    "empty", "footer", "credit", "chapter_heading", "section_heading", "boilerplate", "chart_label",
    "chart_caption", "axis", "source_line", "table_title", "column_header", "table_source", "table_fragment",
}  # no `split_cell`: the report's one `Tall` / `kommer` split left over (4373) now ends a row read across segments


def test_every_clean_line_is_in_a_passage_or_dropped_with_a_known_reason(passages, ingest_report):
    from askerqa.passages import dropped_lines

    dropped = dropped_lines(passages, ingest_report)
    assert set(dropped.values()) == EXPECTED_DROP_REASONS
    covered = {ln for p in passages for ln in range(p.lines[0], p.lines[1] + 1)}
    assert all(ln in covered or ln in dropped for ln in range(1, CLEAN_LINES + 1))


def test_dropped_lines_name_what_they_were(passages, ingest_report, corpus_path):
    from askerqa.passages import dropped_lines

    raw = corpus_path.read_text(encoding="utf-8").split("\n")
    dropped = dropped_lines(passages, ingest_report)
    by_text = {raw[ln - 1].strip(): why for ln, why in dropped.items()}
    assert by_text["76 Asker kommune"] == "footer"
    assert by_text["4-årsrapport 2020–2023 97"] == "footer"
    assert all(why == "empty" for ln, why in dropped.items() if not raw[ln - 1].strip())
    assert all(raw[ln - 1].strip().startswith("Foto") for ln, why in dropped.items() if why == "credit")


def test_the_forewords_signature_is_quoted_with_the_foreword(passages):
    signed = [p for p in passages if "Lars Bjerke kommunedirektør" in p.text]
    assert len(signed) == 1 and "God lesning!" in signed[0].text


def test_axis_ticks_are_not_table_rows(passages):
    assert not any(p.table and p.table.cells == (("", "350 000"),) for p in passages)

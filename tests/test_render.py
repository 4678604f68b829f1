from askerqa.render import ENGLISH, NEAREST, NOT_FOUND, POSSIBLE, UNCERTAIN, escape, mark, render_answer, source_labels
from askerqa.types import Alternative, Answer, Hit, Passage

P1 = Passage("L1", "Sykefraværet var 9,3 prosent i 2022. <b>x</b>", "Medarbeidere › Heltidskultur", 54, None, (1, 2),
             "prose")
P2 = Passage("L2", "Turnover var 9,8 prosent.", "Medarbeidere › Heltidskultur", 54, None, (3, 3), "prose")
P3 = Passage("L3", "Gjelden var 5 milliarder.", "Økonomi", 60, 71, (9, 9), "prose")


def _answer(status="found", text="Sykefraværet var 9,3 prosent i 2022.", spans=((17, 28),), **kw):
    hits = (Hit(P1, 1.0, 1), Hit(P2, 0.5, 2))
    return Answer("q", text, ("9,3 prosent",), spans, status == "found", 0.9, "L1", hits, status=status, **kw)


def test_html_and_markdown_in_text_are_shown_not_run():
    assert escape("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert\\(1\\)&gt;"
    assert escape("**fet** [lenke](x)") == "\\*\\*fet\\*\\* \\[lenke\\]\\(x\\)"


def test_figures_are_marked_in_the_quote():
    assert mark("Sykefraværet var 9,3 prosent i 2022.", ((17, 28),)) == "Sykefraværet var **9,3 prosent** i 2022."


def test_found_answer_has_one_quote_and_sources_that_open_the_reader():
    out = render_answer(_answer())
    assert out.startswith("«Sykefraværet var **9,3 prosent** i 2022.» \\[1\\]")
    assert "](?les=L1)" in out and "](?les=L2)" in out
    assert "sidesegment" not in out and "side 54" not in out  # no made-up page
    assert UNCERTAIN not in out and NOT_FOUND not in out


def test_two_sources_in_one_section_never_look_the_same():
    labels = source_labels([P1, P2, P3])
    assert len(set(labels)) == 3
    assert labels[0].startswith("Medarbeidere › Heltidskultur – «Sykefraværet var")
    assert labels[2] == "Økonomi, side 71"  # the printed page, where the report prints one
    twin = Passage("L9", P1.text, P1.section, 1, None, (7, 8), "prose")
    labels = source_labels([P1, twin])
    assert labels[0] != labels[1] and "linje 7–8" in labels[1]


def test_lead_is_shown_above_the_quote():
    out = render_answer(_answer(lead="2021: 8,4 %"))
    assert out.index("**2021: 8,4 %**") < out.index("«Sykefraværet")


def test_uncertain_answer_is_labelled_and_lists_alternatives_with_their_own_sources():
    alternatives = (Alternative(P2.text, "L2", (), ()), Alternative(P3.text, "L3", (), ()))
    out = render_answer(_answer(status="uncertain", alternatives=alternatives), passages={"L3": P3})
    assert UNCERTAIN in out and f"**{POSSIBLE}**" in out
    assert "1. «Turnover var 9,8 prosent.» \\[2\\]" in out
    assert "2. «Gjelden var 5 milliarder.» \\[3\\]" in out  # a passage outside the hits gets its own number
    assert "](?les=L3)" in out


def test_not_found_says_so_with_the_note_the_contact_and_the_nearest_passages_as_no_answer():
    out = render_answer(_answer(status="not_found", note="Rapporten har ikke tall for 2019."),
                        contact="telefon 66 90 90 00")
    assert out.startswith(NOT_FOUND)
    assert "Rapporten har ikke tall for 2019." in out and "telefon 66 90 90 00" in out
    assert NEAREST in out and "> Turnover var 9,8 prosent." in out
    assert "«" not in out.split(NEAREST)[0]  # nothing is quoted as the answer


def test_interpretation_of_a_follow_up_is_shown_first():
    out = render_answer(_answer(interpreted="Hvor høyt var sykefraværet i 2020?"))
    assert out.startswith("*Tolket som: Hvor høyt var sykefraværet i 2020?*")
    assert "Tolket som" not in render_answer(_answer(interpreted="q"))  # a question that stood alone


def test_english_label():
    assert ENGLISH in render_answer(_answer(english=True))
    assert ENGLISH not in render_answer(_answer())


def test_a_comparison_shows_its_line_and_the_rows_as_a_table():
    from askerqa.types import TableRow

    cells_a, cells_b = (("2021", "12,5 %"), ("2022", "13,2 %")), (("2021", "16,8 %"), ("2022", "18,0 %"))
    ra = Passage("R1", "TURNOVER: Asker kommune: 2021 12,5 %, 2022 13,2 %.", "Medarbeidere", 57, None, (1, 1),
                 "table_row", TableRow("TURNOVER", "Asker kommune", cells_a))
    rb = Passage("R2", "TURNOVER: Bærum kommune: 2021 16,8 %, 2022 18,0 %.", "Medarbeidere", 57, None, (2, 2),
                 "table_row", TableRow("TURNOVER", "Bærum kommune", cells_b))
    rows = tuple(Alternative(p.text, p.id, (), ()) for p in (rb, ra))
    answer = _answer(text=rb.text, spans=(), rows=rows, comparison="Høyest: Bærum kommune 18,0 % (2022)")
    out = render_answer(answer, {"R1": ra, "R2": rb})
    assert "**Høyest: Bærum kommune 18,0 % \\(2022\\)**" in out
    assert "| | 2021 | 2022 |" in out and "| Bærum kommune | 16,8 % | 18,0 % |" in out
    assert out.index("Bærum kommune | 16,8") < out.index("Asker kommune | 12,5")  # the answering row first
    plain = render_answer(answer)  # no cells at hand: each row quoted whole
    assert f"- «{escape(rb.text)}»" in plain


def test_an_uncertain_answer_leads_with_the_asked_cell():
    alts = (Alternative("Sykefraværet var 9,3 prosent i 2022.", "L1", (), ()),)
    out = render_answer(_answer(status="uncertain", alternatives=alts, lead="2022: 9,3 %"))
    assert UNCERTAIN in out and "**2022: 9,3 %**" in out

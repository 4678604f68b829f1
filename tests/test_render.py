from askerqa.render import NOT_FOUND, escape, mark, render_answer
from askerqa.types import Answer, Hit, Passage


def _answer(found=True, text="Sykefraværet var 9,3 prosent i 2022.", spans=((17, 28),), english=False):
    p = Passage("L1", "Sykefraværet var 9,3 prosent i 2022. <b>x</b>", "Medarbeidere › Heltidskultur", 54, None,
                (1, 2), "prose")
    return Answer("q", text, ("9,3 prosent",), spans, found, 0.9, "L1", (Hit(p, 1.0, 1),), english=english)


def test_html_and_markdown_in_text_are_shown_not_run():
    assert escape("<img src=x onerror=alert(1)>") == "&lt;img src=x onerror=alert\\(1\\)&gt;"
    assert escape("**fet** [lenke](x)") == "\\*\\*fet\\*\\* \\[lenke\\]\\(x\\)"


def test_figures_are_marked_in_the_quote():
    assert mark("Sykefraværet var 9,3 prosent i 2022.", ((17, 28),)) == "Sykefraværet var **9,3 prosent** i 2022."


def test_found_answer_has_quote_and_numbered_sources():
    out = render_answer(_answer())
    assert out.startswith("«Sykefraværet var **9,3 prosent** i 2022.»")
    assert "[1] Medarbeidere › Heltidskultur, sidesegment 54" in out
    assert "<details>" in out and "&lt;b&gt;x&lt;/b&gt;" in out


def test_not_found_says_so_and_labels_the_closest_passages():
    out = render_answer(_answer(found=False))
    assert out.startswith(NOT_FOUND)
    assert "ikke et sikkert svar" in out


def test_english_label():
    assert "in Norwegian" in render_answer(_answer(english=True))
    assert "in Norwegian" not in render_answer(_answer())

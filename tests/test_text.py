from askerqa.matching import match_normalise, satisfies
from askerqa.text import GlyphRepairer, fold, join_lines


def test_line_break_hyphenation_is_joined():
    assert join_lines(["og har i dag ca. 97 800 innbyg-", "gere."]) == "og har i dag ca. 97 800 innbyggere."
    assert join_lines(["bedre kapasitet til å ivareta og videreutvikle lov-", "pålagte oppgaver"]) == (
        "bedre kapasitet til å ivareta og videreutvikle lovpålagte oppgaver"
    )


def test_real_hyphens_are_kept():
    assert join_lines(["plassering i NHOs Kommune-", "NM, som er"]) == "plassering i NHOs Kommune-NM, som er"
    assert join_lines(["i perioden 2020-", "2023 styrket"]) == "i perioden 2020-2023 styrket"
    assert join_lines(["Sykehjem og omsorgsboliger (Hurum", "bo- og omsorgssenter"]) == (
        "Sykehjem og omsorgsboliger (Hurum bo- og omsorgssenter"
    )
    assert join_lines(["grunn for samfunns-", "og tjenesteutviklingen"]) == "grunn for samfunns- og tjenesteutviklingen"


VOCAB = (
    "Beløp beløp første første økonomisk økonomisk økonomisk økonomi miljøet miljøet miljøvennlig "
    "miljø miljø avløp avløpet avløpsnett utfører utført og i en er for Asker Hurum"
)


def test_glyph_lost_as_space_is_restored():
    r = GlyphRepairer(VOCAB)
    assert r.repair("Bel p (mill. kr)")[0] == "Beløp (mill. kr)"
    assert r.repair("har i den f rste perioden")[0] == "har i den første perioden"
    assert r.repair("det ytre milj et.")[0] == "det ytre miljøet."


def test_glyph_dropped_inside_word_is_restored():
    r = GlyphRepairer(VOCAB)
    assert r.repair("OG  KONOMISK")[0] == "OG  ØKONOMISK"
    assert r.repair("en god konomisk bærekraft")[0] == "en god økonomisk bærekraft"


def test_rare_compound_restored_from_attested_prefix():
    r = GlyphRepairer(VOCAB)
    assert r.repair("et tilfredsstillende avl pssystem,")[0] == "et tilfredsstillende avløpssystem,"


def test_real_words_are_left_alone():
    r = GlyphRepairer(VOCAB)
    text = "Asker og Hurum er i en for"
    fixed, repairs = r.repair(text)
    assert fixed == text and repairs == []


def test_repairs_are_logged_with_their_line():
    r = GlyphRepairer(VOCAB)
    _, repairs = r.repair("Bel p", line=1511)
    assert [(x.line, x.before, x.after) for x in repairs] == [(1511, "Bel p", "Beløp")]


def test_matching_rule():
    assert match_normalise("ca. 97 800 innbyg-\ngere") == "ca. 97800 innbyggere"
    assert match_normalise("80 086 934 kWh") == "80086934 kwh"
    assert match_normalise("9,3 %") == "9.3 %"
    assert match_normalise("2020–2023") == "2020-2023"
    assert satisfies("Sykefraværet var 9,3 prosent", [["9.3", "sykefravær"]])
    assert not satisfies("x" * 1300 + "9,3 sykefravær", [["9.3", "sykefravær"]], limit=1200)


def test_fold():
    assert fold("Økonomi Røyken Lærlinger") == "okonomi royken larlinger"


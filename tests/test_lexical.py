from askerqa.lexical import Lexical, tokenize


def test_folding_and_stemming_meet_in_the_middle():
    assert tokenize("Royken") == tokenize("Røyken")
    assert tokenize("larlinger") == tokenize("lærlinger")
    assert tokenize("okonomi") == tokenize("økonomi")


def test_words_typed_without_aeoeaa_find_the_report_words():
    docs = ["Det registrerte sykefraværet økte", "Lærlinger i Røyken", "God økonomistyring", "Andre saker"]
    lex = Lexical.build(docs)
    for query, expected in [("sykefravar", 0), ("sykefravaret", 0), ("larlinger royken", 1), ("okonomistyring", 2)]:
        assert lex.scores(query).argmax() == expected, query


def test_numbers_are_tokens_as_printed():
    assert "97800" in tokenize("ca. 97 800 innbyggere")
    assert "9,3" in tokenize("9.3 prosent")
    assert "9,3" in tokenize("9,3 %")


def test_bm25_finds_folded_and_compound_words():
    lex = Lexical.build(["Sykefraværsprosent 2022 9,3 %", "Lærlinger i Røyken", "Økonomi og gjeld", "Telefon: 66 70 00 00"])
    assert lex.scores("sykefravar 2022").argmax() == 0
    assert lex.scores("larlinger Royken").argmax() == 1
    assert lex.scores("okonomi").argmax() == 2
    assert lex.scores("telefonnummeret").argmax() == 3
    assert not lex.scores("zzzz").any()

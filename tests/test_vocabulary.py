import pytest

from askerqa.lexical import tokenize
from askerqa.vocabulary import Vocabulary


def _vocab(texts: list[str]) -> Vocabulary:
    return Vocabulary(texts, {t for text in texts for t in tokenize(text, prefixes=True)})


def test_accent_restoration_uses_the_reports_spelling():
    v = _vocab(["Fellesnemnda hadde 36 møter.", "Bærum og Asker", "for å få", "Sykefraværet økte"])
    assert v.restore("hvor mange moter hadde fellesnemnda") == "hvor mange møter hadde fellesnemnda"
    assert v.restore("Barum og sykefravaret okte") == "Bærum og sykefraværet økte"
    assert v.restore("for fa") == "for få"  # `for` is a word of the report as typed: left alone


def test_known_words_allow_inflection_and_compound_tails():
    v = _vocab(["Kommunen har 79 lærlinger.", "Roald Amundsens polarskute Maud"])
    assert v.is_known(tokenize("lærlingene")[0])
    assert v.is_known(tokenize("skute")[0])  # the tail of `polarskute`
    assert not v.is_known(tokenize("eiendomsskatt")[0])


def test_unknown_counts_question_words_the_report_never_uses():
    v = _vocab(["Kommunen har 79 lærlinger."])
    assert v.unknown(set(tokenize("lærlinger eiendomsskatt")), [], english=False) == 1
    assert v.unknown(set(), ["lærlinger", "eiendomsskatt"], english=True) == 1


REPORT = [
    "Kommunen har 79 lærlinger, og klimagassutslippene er redusert.",
    "Forbruket av elektrisitet gikk ned. Barnehage og dekning i alle bydeler.",
    "Ventetid for sykehjemsplasser. Lærerne og skolene. Sykehuset ligger i Bærum.",
]


def test_a_typo_is_corrected_to_the_reports_word():
    v = _vocab(REPORT)
    assert v.expand("klimagassutslipene redusert", english=False).startswith("klimagassutslippene redusert")
    assert v.expand("larlingr", english=False) == "lærlinger"
    assert v.expand("ventetid eiendomsskatt", english=False) == "ventetid eiendomsskatt"  # nothing near: left alone


def test_old_aa_spelling_and_words_of_the_report_are_left_or_read_right():
    v = _vocab(["Befolkningsveksten var 1,2 prosent årlig."])
    assert v.expand("befolkningsvekst aarlig", english=False) == "befolkningsvekst årlig"
    assert v.expand("årlig vekst", english=False) == "årlig vekst"


def test_a_word_the_report_lacks_reaches_its_synonym_through_the_dictionary():
    v = _vocab(REPORT)
    assert "elektrisitet" in v.expand("strom forbruk", english=False)


def test_compounds_are_split_and_joined_against_the_reports_words():
    v = _vocab(REPORT)
    assert v.split("barnehagedekning") == ["barnehage", "dekning"]
    assert "barnehage dekning" in v.expand("barnehagedekning bydeler", english=False)
    assert v.join("sykehjems", "plasser") == "sykehjemsplasser"
    assert v.expand("sykehjem plasser", english=False).endswith("sykehjemsplasser")


def test_english_gets_only_the_translations_the_report_uses():
    v = _vocab(REPORT)
    out = v.expand("Which hospital do the teachers use?", english=True)
    assert out.startswith("Which hospital do the teachers use?")
    assert "sykehus" in out and "lærer" in out  # from the FreeDict dictionary
    assert "hospital" not in out.split("?")[1]  # the dictionary's other translation: the report never uses it
    assert v.expand("How tall is the tree?", english=True) == "How tall is the tree?"  # `tre`: not this report's
    assert "lærlinger" in v.expand("How many apprentices?", english=True)  # the hand lexicon still supplements


def test_dictionary_file_names_its_source_and_licence():
    from askerqa.vocabulary import DICTIONARY

    head = DICTIONARY.read_text(encoding="utf-8").splitlines()[:4]
    assert any("FreeDict" in line for line in head) and any("CC-BY-SA-3.0" in line for line in head)


@pytest.mark.slow
def test_an_english_question_reaches_the_passage_with_its_norwegian_words(engine):
    answer = engine.ask("Which hospital serves the residents?", top_k=5)
    assert any("sykehus" in h.passage.text.lower() for h in answer.hits)

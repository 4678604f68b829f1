from askerqa.glossary import expand


def test_english_words_get_their_norwegian_counterparts():
    out = expand("How many apprentices does the municipality employ?")
    assert out.startswith("How many apprentices does the municipality employ?")
    assert "lærlinger" in out and "ansatte" in out


def test_longest_phrase_wins_and_plurals_are_read():
    out = expand("What was the sick leave rate among municipal employees in 2022?")
    assert "sykefravær" in out and "fravær " not in out.replace("sykefravær", "")
    assert "medarbeidere" in out  # employees -> employee
    assert "elbil" in expand("How many electric cars are there?")


def test_question_without_lexicon_words_is_unchanged():
    assert expand("Hva er Velferdslab?") == "Hva er Velferdslab?"

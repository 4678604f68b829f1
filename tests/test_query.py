import pytest

from askerqa.errors import AskerQAError, BadQuestion
from askerqa.query import MAX_CHARS, parse_question
from askerqa.units import content_terms


@pytest.mark.parametrize(
    "bad, words",
    [
        ("", "tomt"),
        ("   \n\t ", "tomt"),
        ("hva\x00er", "NUL"),
        ("sykefravær\x07", "kontrolltegn"),
        ("<script>alert(1)</script>", "HTML"),
        ("<img src=x onerror=alert(1)>", "HTML"),
        ("?!?!...", "ingen ord"),
        ("😀🎉👍", "ingen ord"),
        ("sykefrav\ufffdr", "UTF-8"),
        (None, "tekst"),
    ],
)
def test_bad_questions_get_a_plain_norwegian_message(bad, words):
    with pytest.raises(BadQuestion) as err:
        parse_question(bad)
    assert words in str(err.value)
    assert isinstance(err.value, AskerQAError)
    assert "\n" not in str(err.value)


def test_long_question_is_cut_with_a_notice():
    q = parse_question("sykefravær " * 400)
    assert len(q.text) <= MAX_CHARS
    assert "kortet ned" in q.notice


def test_markup_around_words_is_removed_not_refused():
    q = parse_question("<b>sykefravær</b> 2022")
    assert q.text == "sykefravær 2022"
    assert q.years == ("2022",)


def test_question_reading():
    assert parse_question("Hvor mange flyktninger tok kommunen imot i 2022?").wants_number
    assert parse_question("How many apprentices does the municipality employ?").english
    assert not parse_question("Hvor mange lærlinger har kommunen?").english
    assert not parse_question("Hva er Velferdslab?").wants_number
    assert parse_question("Hvilke verdier har kommunen?").wants_list
    assert parse_question("Which schools were built?").wants_list
    assert not parse_question("Hvilken plassering har Asker i Kommune-NM?").wants_list
    assert not parse_question("Hvor mange bibliotek har kommunen?").wants_list


def test_a_count_question_names_what_it_counts():
    def counted(question: str) -> set[str]:
        return content_terms(parse_question(question).counted)

    assert "plass" in counted("Hvor mange plasser ga Hurum bo- og omsorgssenter?")
    assert "ansatt" in counted("Hvor mange av de ansatte jobber heltid?")
    assert parse_question("Hvor mange av dem kom fra Ukraina?").counted == "kom fra"  # `av dem` skipped whole
    assert "deltidsansatt" in counted("Hvor mange av deltidsansatte …")  # not `ltidsansatt`
    assert counted("antall nye boliger i 2022") == {"nye", "bol"}
    assert counted("Hvor høyt var sykefraværet?") == set()


def test_a_question_about_cost_or_budget_wants_an_amount_of_money_unless_it_asks_for_a_share():
    for question in ("Hva koster drift av bibliotekene?", "Hvor stort budsjett har Medborgerskap i 2023?",
                     "What was the operating budget for culture?", "hvor mye penger fikk kommunen i tilskudd"):
        assert parse_question(question).wants_money, question
    for question in ("Hvor stor andel av driftsbudsjettet går til Medborgerskap?", "Hvor mange bibliotek har kommunen?",
                     "What share of the budget goes to culture?"):
        assert not parse_question(question).wants_money, question


@pytest.mark.parametrize(("question", "money"), [
    ("Hva tjener ordføreren?", True),
    ("How much is a ticket to the swimming pool?", True),
    ("Hvor mye er lønna til kommunedirektøren?", True),
    ("Hvilke priser har kommunen vunnet?", False),  # «pris» is a prize too
    ("Hvor stor andel av budsjettet går til skole?", False),  # a share, not a sum
])
def test_a_salary_or_a_ticket_asks_for_a_sum_of_money(question, money):
    assert parse_question(question, 500).wants_money is money

"""Follow-up questions: what a user would read after "Tolket som: …" for each kind of turn."""

from __future__ import annotations

import math
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from askerqa.conversation import MAX_TURNS, Interpretation, interpret
from askerqa.errors import BadQuestion


def said(question: str, *context: str, known=None) -> str:
    return interpret(question, list(context), known).interpreted


# --- a year replaces the year ----------------------------------------------------------------------

def test_new_year_replaces_the_old_one():
    assert said("Og i 2020?", "Hvor mange barnehager hadde kommunen i 2022?") == "Hvor mange barnehager hadde kommunen i 2020?"


def test_a_year_is_added_when_the_topic_has_none():
    assert said("Hva var tallet i 2019?", "Hvor stor andel av barna går i barnehage?") == \
        "Hvor stor andel av barna går i barnehage i 2019?"


@pytest.mark.parametrize(("turn", "year"), [("Og året før?", "2020"), ("Og i fjor?", "2020"), ("Og året etter?", "2022"),
                                            ("And the year before?", "2020")])
def test_relative_years_count_from_the_topics_year(turn, year):
    out = said(turn, "Hva var netto driftsresultat i 2021?")
    assert year in out and "2021" not in out and "netto driftsresultat" in out


def test_a_period_is_replaced_as_a_whole():
    out = said("Og i 2020?", "Hvor mye ble klimagassutslippene redusert fra 2009 til 2021?")
    assert "2020" in out and "2009" not in out and "2021" not in out and "klimagassutslippene" in out


# --- a place or a group replaces the place or group ------------------------------------------------

def test_a_place_replaces_the_place():
    assert said("Hva med Bærum?", "Hvor høy var gjeldsgraden i Asker i 2022?") == "Hvor høy var gjeldsgraden i Bærum i 2022?"


def test_a_pronoun_turn_with_a_place_replaces_the_place():
    assert said("Hvordan er det i Drammen?", "Hvor mange innbyggere fikk Asker i 2021?") == \
        "Hvor mange innbyggere fikk Drammen i 2021?"


def test_a_place_is_added_when_the_topic_names_none():
    assert said("Og Oslo?", "Hvor stor var befolkningsveksten i 2022?") == "Hvor stor var befolkningsveksten i 2022 i Oslo?"


def test_a_group_replaces_the_group():
    assert said("Hva med barnehagene?", "Hvor høyt var sykefraværet i skolene i 2022?") == \
        "Hvor høyt var sykefraværet i barnehagene i 2022?"


def test_year_and_place_together():
    out = said("Og Bærum i 2019?", "Hvor stor var turnoveren i Asker kommune i 2022?")
    assert out == "Hvor stor var turnoveren i Bærum kommune i 2019?"


# --- why, pronouns, own frames ----------------------------------------------------------------------

def test_why_asks_about_the_topic():
    assert said("Hvorfor?", "Hvor høye var klimagassutslippene i 2021?") == "Hvorfor var klimagassutslippene i 2021 så høye?"
    out = said("Hvorfor det?", "Hvor mange flyktninger bosatte kommunen i 2022?")
    assert out.startswith("Hvorfor") and "flyktninger" in out and "2022" in out


def test_them_becomes_what_the_topic_counted():
    out = said("Hvor mange av dem går i kommunale barnehager?", "Hvor mange barn gikk i barnehage i 2022?")
    assert out == "Hvor mange av barna går i kommunale barnehager i 2022?"


def test_it_becomes_the_topics_subject():
    assert said("Er det høyere enn i Bærum?", "Hva var driftsresultatet i 2022?") == \
        "Er driftsresultatet i 2022 høyere enn i Bærum?"


def test_a_pronouns_year_is_the_turns_own():
    assert said("Var det høyere i 2020?", "Hva var gjeldsgraden i 2022?") == "Var gjeldsgraden høyere i 2020?"


def test_a_count_without_noun_takes_the_topics_noun():
    out = said("Og hvor mange skal få plass i 2024?", "Hvor mange barn fikk barnehageplass i 2022?")
    assert out == "Hvor mange barn skal få plass i 2024?"


def test_a_pronoun_turn_without_a_subject_to_put_in_carries_the_topic_along():
    out = said("Hvilket år ble det målt?", "Hvor mye avfall leverte hver innbygger?")
    assert out.startswith("Hvilket år ble det målt") and "avfall" in out and out.endswith("?")


def test_context_is_resolved_turn_by_turn():
    """The second turn's own interpretation is the third turn's topic."""
    ctx = ["Hvor høyt var sykefraværet i skolene i 2022?", "Og i barnehagene?"]
    assert said("Og i 2020?", *ctx) == "Hvor høyt var sykefraværet i barnehagene i 2020?"


def test_only_the_last_turns_are_used():
    ctx = ["Hvor mange barnehager har kommunen?"] + ["Hvor høy var gjeldsgraden i 2022?"] * 49
    assert said("Og i 2020?", *ctx) == "Hvor høy var gjeldsgraden i 2020?"
    # a topic further back than MAX_TURNS is gone: an elliptic turn then has nothing to lean on
    old = ["Hvor høy var gjeldsgraden i 2022?"] + [""] * MAX_TURNS
    assert said("Og i 2020?", *old) == "Og i 2020?"


# --- English ---------------------------------------------------------------------------------------

def test_english_followups():
    assert said("And in 2020?", "How high was the sick leave in 2022?") == "How high was the sick leave in 2020?"
    assert said("What about Bærum?", "What was the debt ratio in Asker in 2022?") == "What was the debt ratio in Bærum in 2022?"
    assert said("Why?", "How high was the sick leave in 2022?") == "Why was the sick leave in 2022 so high?"


# --- standalone turns start a new topic --------------------------------------------------------------

@pytest.mark.parametrize("question", [
    "Hvor mange bibliotek har kommunen?",
    "Hvor mange ansatte har kommunen?",
    "Hvor mange bibliotek er det i kommunen?",
    "Er det mange barnehager i Asker?",
    "Hva er klimagassutslippene per innbygger?",
    "Hvor høy var investeringsgraden i 2021?",
])
def test_a_question_that_stands_alone_is_not_steered(question):
    got = interpret(question, ["Hvor høyt var sykefraværet i 2022?"])
    assert got == Interpretation(question, question, False)


def test_no_context_means_no_followup():
    assert interpret("Og i 2020?", []) == Interpretation("Og i 2020?", "Og i 2020?", False)


def test_weak_words_lean_on_the_topic_only_with_known():
    """`Hvor stor var økningen?`: a word the report uses everywhere does not name a topic of its own."""
    def known(word: str) -> float:
        return {"økningen": 1.2}.get(word.lower(), 5.0)

    assert not interpret("Hvor stor var økningen?", ["Hvor høy var gjeldsgraden i 2022?"]).followup
    got = interpret("Hvor stor var økningen?", ["Hvor høy var gjeldsgraden i 2022?"], known)
    assert got.followup and "gjeldsgraden" in got.interpreted
    # a word the report never uses is a new topic, not a weak one
    assert not interpret("Hvor mange romskip?", ["Hvor høy var gjeldsgraden i 2022?"], lambda w: 0.0).followup


def test_a_broken_known_is_only_a_missing_hint():
    def broken(word: str) -> float:
        raise RuntimeError("index gone")

    assert said("Og i 2020?", "Hvor høy var gjeldsgraden i 2022?", known=broken) == "Hvor høy var gjeldsgraden i 2020?"
    assert said("Og i 2020?", "Hvor høy var gjeldsgraden i 2022?", known=lambda w: math.nan) == \
        "Hvor høy var gjeldsgraden i 2020?"


# --- untrusted input ---------------------------------------------------------------------------------

@pytest.mark.parametrize("context", [["ok?", 3], [None], "Hvor høy var gjeldsgraden?", 5, [b"bytes"]])
def test_bad_context_gives_a_norwegian_error(context):
    with pytest.raises(BadQuestion, match="Samtalen"):
        interpret("Og i 2020?", context)


def test_bad_question_type_gives_a_norwegian_error():
    with pytest.raises(BadQuestion, match="tekst"):
        interpret(None, [])  # type: ignore[arg-type]


def test_unreadable_turns_are_passed_through_for_the_engine_to_refuse():
    assert said("", "Hvor høy var gjeldsgraden i 2022?") == ""
    assert said("Og i 2020?", "\x00", "Hvor høy var gjeldsgraden i 2022?") == "Hvor høy var gjeldsgraden i 2020?"


# --- properties ----------------------------------------------------------------------------------------

_TOPICS = ["sykefraværet", "gjeldsgraden", "klimagassutslippene", "netto driftsresultat", "andelen barnehagelærere",
           "turnoveren", "befolkningsveksten", "disposisjonsfondet"]
_NOUNS = ["bibliotek", "sykehjemsplasser", "barnehager", "lærlinger", "innbyggere", "skoler", "ladepunkter"]
_years = st.integers(min_value=1990, max_value=2040)


@settings(max_examples=150, deadline=None)
@given(noun=st.sampled_from(_NOUNS), verb=st.sampled_from(["har", "hadde", "driver", "eier"]),
       topic=st.sampled_from(_TOPICS), year=_years, place=st.sampled_from(["", " i Asker", " i Bærum"]))
def test_property_standalone_comes_back_unchanged(noun, verb, topic, year, place):
    question = f"Hvor mange {noun} {verb} kommunen{place}?"
    got = interpret(question, [f"Hvor høy var {topic} i {year}?"])
    assert got.interpreted == question and not got.followup


@settings(max_examples=200, deadline=None)
@given(topic=st.sampled_from(_TOPICS), old=_years, new=_years, period=st.booleans(),
       turn=st.sampled_from(["Og i {y}?", "Hva med {y}?", "Hva var tallet i {y}?", "And in {y}?", "Og {y}?",
                             "Hvordan var det i {y}?", "Men i {y}?", "Var det høyere i {y}?",
                             "Hvorfor var det slik i {y}?", "Hvor mange av dem i {y}?", "Og året etter, {y}?"]))
def test_property_a_new_year_removes_the_old(topic, old, new, period, turn):
    if old == new or period and new in (old - 1, old):
        return
    asked = f"{old - 1}-{old}" if period else str(old)
    got = interpret(turn.format(y=new), [f"Hvor høy var {topic} i {asked}?"])
    years = re.findall(r"\d{4}", got.interpreted)
    assert got.followup and years == [str(new)] and topic in got.interpreted


@settings(max_examples=300, deadline=None)
@given(question=st.text(max_size=300), context=st.lists(st.text(max_size=200), max_size=8))
def test_property_any_text_never_raises(question, context):
    got = interpret(question, context)
    assert got.question == question and isinstance(got.interpreted, str)
    got = interpret(question, context, known=lambda w: float(len(w)))
    assert isinstance(got.interpreted, str)


@settings(max_examples=200, deadline=None)
@given(words=st.lists(st.sampled_from(["Og", "i", "2020", "det", "dem", "Hva", "med", "Bærum", "hvor", "mange", "av",
                                      "Hvorfor", "året", "før", "?", "barnehagene", "What", "about", "it", "de",
                                      "fra", "til", "2009", "-", "–", "Asker", "kommune"]), max_size=12),
       context=st.lists(st.sampled_from(["Hvor høyt var sykefraværet i 2022?", "Hvor mange av dem?", "Og i 2020?",
                                         "Hvorfor?", "Hva med Bærum?", "Hva var gjeldsgraden fra 2009 til 2021?"]),
                        max_size=6))
def test_property_followup_fragments_never_raise_and_read_as_questions(words, context):
    got = interpret(" ".join(words), context)
    if got.followup:
        assert got.interpreted.endswith("?") and not got.interpreted[:1].islower()
        assert len(got.interpreted) < 2000


def test_a_whole_question_about_another_place_starts_a_new_topic():
    """Common words (`innbyggere`, `kommune`) plus a place of its own make a question, not a follow-up."""
    known = lambda w: 1.0  # every word weak: only the question's own shape can tell  # noqa: E731
    it = interpret("Hvor mange innbyggere har Tromsø kommune?", ["Hvor høyt var sykefraværet i 2022?"], known)
    assert not it.followup and it.interpreted == "Hvor mange innbyggere har Tromsø kommune?"


# --- a bare phrase, a service area, a name of two words -------------------------------------------

def test_a_bare_phrase_after_og_is_put_to_the_topic_not_asked_alone():
    out = said("Og for varebilene?", "Hvor stor del av bilene i Asker er elbiler nå?")
    assert "varebilene" in out and "elbiler" in out  # before: «For varebilene?», the topic lost
    out = said("Og blant de voksne?", "Hvor mange ungdomsskoleelever sliter med psykiske plager?")
    assert "voksne" in out and "psykiske plager" in out


def test_a_service_area_replaces_the_service_area():
    assert said("Og i Velferd?", "Hvor mange årsverk er det i Oppvekst?") == "Hvor mange årsverk er det i Velferd?"


def test_a_place_of_two_words_stays_one_place():
    out = said("Enn i Asker Midt?", "Hvor mange ledige barnehageplasser var det i Asker Sør i januar 2023?")
    assert out == "Hvor mange ledige barnehageplasser var det i Asker Midt i januar 2023?"


def test_the_same_figure_asked_for_another_year_keeps_every_word_of_the_topic():
    topic = "Hvor mange årsverk jobber med skole, barnehage og barnevern i kommunen?"
    assert said("Og hvor mange var det i 2020?", topic) == (
        "Hvor mange årsverk jobber med skole, barnehage og barnevern i kommunen i 2020?")
    assert said("Hva var det i Bærum?", "Hva var sykefraværet i Asker i 2022?") == "Hva var sykefraværet i Bærum i 2022?"
    assert said("Og hvor stort var det i 2020?", topic) == said("Og hvor mange var det i 2020?", topic)
    # a pronoun for the topic's people is still read as them, and a comparison keeps its own words
    assert said("Hvor mange av dem kom fra Ukraina?", "Hvor mange flyktninger ble bosatt i 2022?").startswith(
        "Hvor mange av flyktningene kom fra Ukraina")
    assert said("Var det høyere i 2020?", "Hva var sykefraværet i 2022?") == "Var sykefraværet høyere i 2020?"

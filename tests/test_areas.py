"""Service areas named by what the report says they cover: a resident's «skole og barnehage» is Oppvekst."""

import pytest

from askerqa.areas import ServiceAreas


@pytest.fixture(scope="module")
def areas(passages):
    return ServiceAreas.of(passages)


def test_every_service_area_the_report_introduces_is_read(areas):
    assert set(areas.covers) == {"Oppvekst", "Velferd", "Samfunnstjenester", "Samfunnsutvikling", "Medborgerskap",
                                 "Administrasjon og ledelse"}


@pytest.mark.parametrize("question, area", [
    ("Hvor mye penger går til skole og barnehage i budsjettet for 2023?", "Oppvekst"),
    ("Hvor mye får bibliotek, kultur og idrett?", "Medborgerskap"),
    ("Og vei, vann og avløp?", "Samfunnstjenester"),
    ("Hvor mye penger får helse og NAV?", "Velferd"),
    ("Hvor mye bruker kommunen på helse og omsorg?", "Velferd"),  # «omsorg» ends the listed «heldøgnsomsorg»
])
def test_a_question_naming_two_things_an_area_covers_is_searched_with_its_name(areas, question, area):
    assert areas.named_by(question)[0] == area
    assert areas.expand(question) == f"{question} Tjenesteområde {area}"


@pytest.mark.parametrize("question", [
    "Hvor mange elever på skolen blir mobbet?",  # one covered word: a question about schools, not the area
    "Hvilke andre aktører og organisasjoner samarbeider kommunen med?",  # words of a description, not of its lists
    "Hvor mange personer over 80 år og innbyggere bor hjemme?",
    "Hva var sykefraværet i 2022?",
    "Hvor mye har tjenesteområde Oppvekst i budsjett for skole og barnehage?",  # the area is named already
])
def test_otherwise_the_question_is_searched_as_asked(areas, question):
    assert areas.expand(question) == question


@pytest.mark.parametrize("question", [
    "Hvor stor andel av barnehageplassene er i private barnehager?",
    "Hvilke interkommunale selskaper leverer tekniske tjenester for kommunen?",
])
def test_covered_words_that_are_not_listed_together_name_no_area(areas, question):
    assert areas.named_by(question) == []

"""What a question pins down that its answer must carry: years and names (places, bodies, groups).

"Sykefraværet i 2021" wants a sentence or row that holds 2021; "turnover i Bærum" wants one about Bærum.
A quote that carries another year or place but not the asked one answers a different question, however
similar it reads. Names are the report's own proper nouns (words it writes capitalised inside sentences),
so any place or body the report mentions is recognised, typed with or without capitals and æøå.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .text import YEAR_PATTERN, fold

YEAR = re.compile(rf"(?<![\d,.]){YEAR_PATTERN}(?![\d,])")
# "i perioden 2019 til 2022", "2020-2023", "fra 2020", "since 2019": a year as the end of a span, not that
# year's own figure
SPAN = re.compile(rf"{YEAR_PATTERN}\s*(?:-|–|til|to)\s*{YEAR_PATTERN}"
                  rf"|\b(?:fra|siden|etter|from|since|after)\s+{YEAR_PATTERN}", re.I)
# a word starts after a non-word character, so `5G-dekningen` is not the word `G-dekningen`
_WORD = re.compile(r"(?<![\w])[A-Za-zÆØÅæøåÉéÜüÖöÄä][\wÆØÅæøå-]*")
# The report is about Asker kommune: naming it constrains nothing.
_DEFAULT_NAMES = {"asker", "askers"}
# The report's service areas are named where it introduces them ("Tjenesteområde Velferd omfatter …"). Their
# names are also common nouns ("helse og velferd"), so they count only written with a capital in the report,
# and in a question only with a capital or after "tjenesteområdet".
_AREA = re.compile(r"\bTjenesteområde\s+([A-ZÆØÅ][a-zæøå]+)")
_AREA_ASKED = re.compile(r"\btjenesteområde(?:t|ne)?\s+([A-Za-zÆØÅæøå]+)", re.I)


def years_in(text: str) -> frozenset[str]:
    """Four-digit years 1980–2049 printed in a text (`2020-2023` gives both ends)."""
    return frozenset(YEAR.findall(text))


def single_years_in(text: str) -> frozenset[str]:
    """The years a text prints on their own, not as the end of a span (`i 2022`, not `2019 til 2022`)."""
    return years_in(SPAN.sub(" ", text))


@dataclass(frozen=True)
class Names:
    """The report's proper nouns, folded (`baerum` matches `Bærum`), and every word it uses (folded)."""

    folded: frozenset[str]
    words: frozenset[str] = frozenset()
    common: frozenset[str] = frozenset()  # names the report capitalises at least 3 times (Hurum, Bærum)
    areas: frozenset[str] = frozenset()  # service areas (velferd, oppvekst …), folded

    @classmethod
    def from_texts(cls, texts: list[str]) -> Names:
        capital: Counter[str] = Counter()
        lower: Counter[str] = Counter()
        words_seen: set[str] = set()
        areas: set[str] = set()
        for text in texts:
            words_seen.update(fold(w) for w in _WORD.findall(text))
            areas.update(fold(a) for a in _AREA.findall(text))
            for sentence in re.split(r"(?<=[.!?:])\s+|\n|→|:", text):
                words = _WORD.findall(sentence)
                for i, w in enumerate(words):
                    if i == 0 or w.isupper():  # a sentence start or a heading in capitals says nothing
                        continue
                    (capital if w[0].isupper() else lower)[fold(w)] += 1
        names = {w for w, n in capital.items() if lower[w] == 0 and len(w) >= 3} - _DEFAULT_NAMES
        return cls(frozenset(names), frozenset(words_seen), frozenset(w for w in names if capital[w] >= 3),
                   frozenset(areas))

    def in_text(self, text: str) -> frozenset[str]:
        """The names a text carries: the report's proper nouns, and a service area written with a capital."""
        return frozenset(f for w in _WORD.findall(text) if (f := fold(w)) in self.folded
                         or (f in self.areas and w[0].isupper()))

    def in_question(self, question: str, english: bool = False) -> frozenset[str]:
        """The report's names a question asks about: one it writes with a capital, or, typed in lower case
        (`hvor mange bor i hurum`), one the report capitalises often. An English question's lower-case
        words are English (`climate`, `energy`), never taken for names."""
        out = set()
        for i, w in enumerate(_WORD.findall(question)):
            f = fold(w)
            if f in self.folded and ((i > 0 and w[0].isupper()) or (not english and f in self.common)):
                out.add(f)
            elif f in self.areas and i > 0 and w[0].isupper():
                out.add(f)
        out.update(f for a in _AREA_ASKED.findall(question) if (f := fold(a)) in self.areas)
        return frozenset(out)

    def unknown_in_question(self, question: str) -> frozenset[str]:
        """Capitalised words inside a question that the report never uses (`Lillehammer`): a name the
        report cannot answer for, so no quote may stand in for it."""
        words = _WORD.findall(question)
        return frozenset(fold(w) for w in words[1:] if w[0].isupper() and not w.isupper() and len(w) >= 3
                         and fold(w) not in self.words and fold(w) not in _DEFAULT_NAMES)


@dataclass(frozen=True)
class Constraints:
    years: frozenset[str]
    names: frozenset[str]
    # years the question asks on their own (`i 2022`): that year's figure, not a period ending in it
    single_years: frozenset[str] = frozenset()

    def __bool__(self) -> bool:
        return bool(self.years or self.names)


def constraints_of(question: str, names: Names, english: bool = False) -> Constraints:
    """Years and names the question asks for. An English question's capitalised words are often English
    words (`Norway`), not names the report lacks, so only the report's own names constrain it."""
    unknown = frozenset() if english else names.unknown_in_question(question)
    years = years_in(question)
    return Constraints(years, names.in_question(question, english) | unknown, single_years_in(question) & years)

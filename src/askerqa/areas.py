"""The report's service areas, named by what they cover: «skole og barnehage» is Oppvekst.

A resident asks what «skole og barnehage» costs; the report gives it per service area
(«Tjenesteområde Oppvekst har i 2023 et driftsbudsjett på 2,8 mrd. kroner»). The report says itself what
each area covers, in the paragraphs that introduce it («Tjenesteområde Oppvekst omfatter de tre
programområdene barnehage, grunnskole og …»; «Tjenesteområdet har også ansvar for …»). Those words are read
here, from the report, so a question that lists two things one area covers («skole og barnehage»,
«bibliotek, kultur og idrett») is searched with the area's name too. One covered word is not enough, nor two
apart («andelen private barnehager» of «barnehageplassene»): «skole» alone is asked about far more often
than the area's budget or staff, and the area's name then pulled a right answer's confidence down. Only what
the report's paragraphs list counts («samarbeid med andre aktører» describes the work, it lists nothing). An
English question's translations come as bare words, no list: it is not read here.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .lexical import tokenize
from .types import Passage

# two words side by side in a list: «skole og barnehage», «vei, vann og avløp»
_LISTED = re.compile(r"(?=\b([\wæøå-]+)(?:\s*,\s*|\s+(?:og|eller|samt)\s+)([\wæøå-]+)\b)", re.I)
# «Tjenesteområde Velferd omfatter …», «… har ansvaret for …», «… har det overordnede ansvaret for …»
_INTRO = re.compile(r"^\s*Tjenesteområde ([A-ZÆØÅ][\wæøå]+(?: og [\wæøå]+)?) (?:omfatter|har (?:det \w+ )?ansvar(?:et)? for)\b")
_MORE = re.compile(r"^\s*(?:Tjenesteområdet har (?:også )?ansvar|Dette inkluderer)\b")
MIN_SHARED = 2  # covered words a question must name before the area's name is searched too
COMMON_IDF = 2.5  # a word in more than about a tenth of the passages names no area
SHARED_BY = 2  # a word two areas list («tjenester», «funksjonsnedsettelser») names neither
_LINKS = {"samt", "hvorav", "blant", "annet"}  # words that join a list, not things in it


def listed_words(text: str) -> set[str]:
    """The stemmed words of a text that stand in a list, next to «,», «og», «eller» or «samt»."""
    out: set[str] = set()
    for m in _LISTED.finditer(text):
        first, second = set(tokenize(m.group(1))), set(tokenize(m.group(2)))
        if first and second:
            out |= first | second
    return out - _LINKS


@dataclass(frozen=True)
class ServiceAreas:
    covers: dict[str, frozenset[str]]  # area name as printed -> stemmed words of what the report says it covers

    @classmethod
    def of(cls, passages: Iterable[Passage], idf: Callable[[str], float] | None = None) -> ServiceAreas:
        """Read each area's introducing paragraph and the «also responsible for» paragraphs after it."""
        covers: dict[str, set[str]] = {}
        current: str | None = None
        section = None
        for p in passages:
            if p.section != section:
                current, section = None, p.section
            intro = _INTRO.match(p.text)
            if intro:
                current = intro.group(1)
                words = covers.setdefault(current, set())
            elif current is not None and _MORE.match(p.text):
                words = covers[current]
            else:
                continue
            name = set(tokenize(current))
            # only what the paragraph lists («barnehage, grunnskole og …»): its other words («samarbeid med andre
            # aktører») describe how the area works, not what it covers
            words.update(t for t in listed_words(p.text) if t not in name and (idf is None or idf(t) >= COMMON_IDF))
        seen = Counter(w for words in covers.values() for w in words)
        return cls({name: frozenset(w for w in words if seen[w] < SHARED_BY and not w.isdigit())
                    for name, words in covers.items() if words})

    def named_by(self, text: str) -> list[str]:
        """The areas a text names by listing things each covers (at least MIN_SHARED), most listed first."""
        listed = listed_words(text)
        # a listed word counts when the area lists it or a compound ending in it («skole»: «grunnskole»)
        shared = {name: sum(1 for w in listed if w in words or len(w) >= 4 and any(c.endswith(w) for c in words))
                  for name, words in self.covers.items()}
        return sorted((n for n, k in shared.items() if k >= MIN_SHARED), key=lambda n: -shared[n])

    def expand(self, text: str) -> str:
        """The text with «Tjenesteområde <name>» added for each area it names by what the area covers."""
        named = [n for n in self.named_by(text) if n.lower() not in text.lower()]
        return f"{text} {' '.join('Tjenesteområde ' + n for n in named)}" if named else text

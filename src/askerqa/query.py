"""Question text -> Query: validated, cleaned, and read for what kind of answer it wants."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .errors import BadQuestion
from .text import YEAR_PATTERN, fold

MAX_CHARS = 2000
_TAG = re.compile(r"<\s*(script|style)\b.*?(<\s*/\s*\1\s*>|$)|<\s*/?\s*[a-zA-Z][^>]*>|<!--.*?-->", re.S | re.I)
_YEAR = re.compile(rf"\b({YEAR_PATTERN})\b")
_QUANTITY = re.compile(
    r"\b(hvor (mange|mye|stor|store|hoy|hoyt|lang|langt|hoye|mange prosent)|andel(en)?|prosent|antall|"
    r"hvilken plassering|how (many|much|high|large|big|long)|what (share|percentage|proportion|rate)|"
    r"rate|percent(age)?|number of)\b"
)
# a figure and nothing else answers: how many, how much, how old, what it pays or costs
_FIGURE_ASKED = re.compile(r"\b(hvor (mange|mye|gammel|gamle)|antall|hva (tjener|koster|betaler)|(lonn|lonna|lonnen) til|"
                           r"how (many|much|old)|what does \w+ (earn|cost)|salary)\b")
# "which schools", "name the values": the answer is a list of names
_LIST = re.compile(r"^(hvilke|which|nevn|list|name the)\b|\bwhat are the\b")
_NOT_A_NUMBER = re.compile(r"\b(hvorfor|why|hvem|who|hvilke|which|hvordan|how do|how does)\b")
_WHO = re.compile(r"^(hvem|who)\b|\b(hva heter|what is the name)\b")
_WHEN = re.compile(r"^(nar|when)\b|\b(hvilket ar|what year|which year)\b")
# what something costs, its budget or grant: the answer is an amount of money (`402 mill. kroner`); unless a share
# of it is asked (`hvor stor andel av driftsbudsjettet`)
_COST = re.compile(r"budsjett|budget|\bkost(e|er|et|nad|nader)?\b|\bcosts?\b|\bkroner\b|\bpenger\b|\bmoney\b|"
                    r"\bspen[dt]|\binvest|\bbevilg|"
                    # what a person earns or a ticket costs is a sum of money too («pris» is also a prize: not here)
                    r"\btjen(er|te)\b|\blonn(a|en|inger)?\b|\bearns?\b|\bsalary\b|\bbillett\w*|\btickets?\b")
# what a count question counts: the two words after `hvor mange` / `antall` (`plasser ga`, `nye boliger`), past
# `av de`/`av dem` (`Hvor mange av de ansatte …`); one word alone lost the noun after an adjective (README)
_COUNTED = re.compile(r"\b(?:hvor mange|antall|how many|number of)\s+(?:(?:av|of)\s+(?:(?:dem|de|the|these|those)\s+)?)?"
                      r"([a-z]+(?:\s+[a-z]+)?)")
_SHARE = re.compile(r"\b(andel\w*|prosent\w*|share|percent\w*|proportion|hvor stor del)\b")
_ENGLISH = {"what", "how", "is", "the", "many", "much", "does", "do", "where", "which", "who", "of", "are",
            "was", "were", "in", "municipality", "why", "when", "has", "have", "kept", "rate"}


def readable(text: str) -> str:
    """Lone surrogates (a broken client, JSON's `"\\ud800"`) replaced by U+FFFD: every front stores, logs and
    prints the text safely, and `parse_question` then refuses it with its usual message."""
    return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


@dataclass(frozen=True)
class Query:
    raw: str
    text: str  # what is searched: tags removed, whitespace collapsed, cut to MAX_CHARS
    notice: str  # shown to the user, e.g. that a long question was cut
    years: tuple[str, ...]
    wants_number: bool
    english: bool
    wants_list: bool = False
    wants_name: bool = False  # who / what is the name of: the answer names a person or a body
    wants_time: bool = False  # when / which year: the answer holds a year or a date
    wants_money: bool = False  # a cost, budget or grant: the answer holds an amount of money
    counted: str = ""  # the (folded) words a count question counts: `plasser ga` in «Hvor mange plasser ga …»
    asks_figure: bool = False  # only a figure answers (hvor mange, hvor mye, hvor gammel, hva tjener …)


def parse_question(raw: object, max_chars: int = MAX_CHARS) -> Query:
    """Validate a question; raise BadQuestion with a plain Norwegian message when it cannot be searched."""
    if not isinstance(raw, str):
        raise BadQuestion("Spørsmålet må være tekst.")
    if "\x00" in raw:
        raise BadQuestion("Spørsmålet inneholder binære data (NUL-tegn). Skriv spørsmålet som vanlig tekst.")
    if any(unicodedata.category(c) == "Cc" and c not in "\t\n\r" for c in raw):
        raise BadQuestion("Spørsmålet inneholder kontrolltegn. Skriv spørsmålet som vanlig tekst.")
    if any(unicodedata.category(c) == "Cs" for c in raw):  # a lone surrogate: not text any encoder can take
        raise BadQuestion("Spørsmålet inneholder tegn som ikke kunne leses (ugyldig Unicode). Skriv det på nytt.")
    if "\ufffd" in raw:
        raise BadQuestion("Spørsmålet inneholder tegn som ikke kunne leses (ugyldig UTF-8). Skriv det på nytt.")
    if not raw.strip():
        raise BadQuestion("Spørsmålet er tomt. Skriv et spørsmål om rapporten.")
    text = _TAG.sub(" ", raw)
    had_markup = text != raw
    text = re.sub(r"\s+", " ", text).strip()
    if not any(c.isalnum() for c in text):
        if had_markup:
            raise BadQuestion("Spørsmålet ser ut som HTML eller kode. Skriv spørsmålet som vanlig tekst.")
        raise BadQuestion(
            "Spørsmålet inneholder ingen ord. Skriv et spørsmål med ord, for eksempel «Hvor høyt var sykefraværet i 2022?»."
        )
    notice = ""
    if len(text) > max_chars:
        cut = text.rfind(" ", 0, max_chars)
        text = text[: cut if cut > max_chars // 2 else max_chars]
        notice = f"Spørsmålet var lengre enn {max_chars} tegn og ble kortet ned før søket."
    folded = fold(text)
    words = re.findall(r"[a-z]+", folded)
    english = bool(words) and sum(w in _ENGLISH for w in words) >= max(1, len(words) // 4) and not any(
        w in {"hva", "hvor", "hvem", "hvilke", "hvordan", "hvorfor", "og", "er", "har", "kommunen"} for w in words
    )
    years = tuple(dict.fromkeys(_YEAR.findall(text)))
    # a year asks for that year's figure ("sykefravær 2021"), except in a question that asks why, who or which
    other_kind = bool(_NOT_A_NUMBER.search(folded))
    return Query(raw, text, notice, years, bool(_QUANTITY.search(folded)) or (bool(years) and not other_kind), english,
                 wants_list=bool(_LIST.search(folded)), wants_name=bool(_WHO.search(folded)),
                 wants_time=bool(_WHEN.search(folded)), wants_money=bool(_COST.search(folded)) and not _SHARE.search(folded),
                 counted=m.group(1) if (m := _COUNTED.search(folded)) else "",
                 asks_figure=bool(_FIGURE_ASKED.search(folded)))

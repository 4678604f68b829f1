"""Follow-up questions: a turn of a conversation -> the standalone question to search.

No language model is available offline, so this is rule-based topic propagation (Mele et al. 2020) with the
weak-turn test of Historical Query Expansion (Lin et al. 2020):

- A turn is *elliptic* when it leans on the conversation: it starts with Og/Hva med/Men/And/What about,
  it refers back (dem, disse, det at the start, it, they), it names nothing but a year, place or group, or
  its few content words are weak in the report (`known`). Any other turn starts a new topic, unchanged.
- An elliptic turn takes the previous turn's interpretation as its topic and replaces what it names there:
  a year (also `året før`, `i fjor`), a place, a group; `Hvorfor?` asks why about the topic. A turn with a
  frame of its own (`Hvor mange av dem kom fra Ukraina?`) gets the topic's subject put in for the pronoun.
- The context is resolved oldest first, so each turn's topic is its predecessor's own interpretation.

The result must read as a Norwegian (or English) question: users see it as "Tolket som: …".
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .errors import BadQuestion
from .lexical import STOPWORDS
from .query import parse_question
from .text import YEAR_PATTERN, fold

MAX_TURNS = 4  # earlier turns used; an older topic has been replaced or repeated by then
MAX_TURN_CHARS = 500  # a context turn longer than this is cut before it is read
WEAK = 2.5  # BM25 idf below this (a word in more than ~1/10 of the passages) does not name a topic
BARE_WORDS = 5  # a turn led by Og/Hva med/Enn of at most this many words, asking nothing, is a phrase for the topic

_WORD = re.compile(r"[A-Za-zÆØÅæøåÉéÜüÖöÄä]+(?:-[A-Za-zÆØÅæøå]+)*|\d+(?:[.,]\d+)?")
_YEAR_SPAN = re.compile(rf"\b{YEAR_PATTERN}(?:\s*[-–/]\s*{YEAR_PATTERN})?\b")
_YEAR = re.compile(rf"\b{YEAR_PATTERN}\b")
_PREP_YEAR = re.compile(r"\s*\b(?:i|fra|til|og|in|from|to|and|for|per|mellom|between)?\s*" + _YEAR_SPAN.pattern)
_RELATIVE = (
    (re.compile(r"\b(?:året|år) (?:før|tidligere)\b|\bforrige år\b|\bi fjor\b|\bthe (?:previous )?year before\b|"
                r"\bthe previous year\b|\ba year earlier\b|\blast year\b", re.I), -1),
    (re.compile(r"\b(?:året|år) etter\b|\bneste år\b|\bthe year after\b|\bthe (?:following|next) year\b", re.I), 1),
)
_MARKER = re.compile(r"^\s*(?:og så|og hva med|og hvordan med|hva med|hva så med|hvordan med|og|men|enn|samt|"
                     r"and what about|and how about|what about|how about|and|but)\b[\s,]*", re.I)
_WHY = re.compile(r"^\s*(?:og |men |and |but )?(?:hvorfor|why)\b", re.I)
_ASKS_YEAR = re.compile(r"\b(?:hvilket år|hvilke år|når|which year|what year|when)\b", re.I)
# pronouns that point back wherever they stand, and those that do so only near the start of the turn
_ANAPHORA = {"dem", "disse", "dette", "denne", "samme", "they", "them", "those", "these"}
_WEAK_ANAPHORA = {"det", "den", "de", "it", "that", "this", "der", "there"}
_EXISTENTIAL = {"finnes", "fins", "noen", "mange", "flere", "en", "et", "ei", "any", "many", "some", "a", "an"}
# words that ask for a figure without naming what it is of
_GENERIC = {fold(w) for w in (
    "tallet tall tallene antall antallet andel andelen år året årene prosent prosenten nivå nivået verdi verdien "
    "utvikling høy høyt høye høyere lav lavt lave lavere stort store størst hvilket hvilke hvilken når slik så "
    "gjelder ellers da nå totalt samlet sammenlignet hele ca omtrent ligger lå "
    "number numbers figure figures rate value share percentage year years high low level about there that this "
    "then now compared total overall so"
).split()}
_STOP = STOPWORDS | _GENERIC | {fold(w) for w in _ANAPHORA | _WEAK_ANAPHORA}
_PLACES = {fold(w) for w in (
    "asker bærum drammen oslo hurum røyken lier lillestrøm sandnes stavanger bergen trondheim fredrikstad "
    "kristiansand tromsø norge landet landsgjennomsnittet viken akershus buskerud kostra-gruppe kostragruppe "
    "norway country"
).split()}
# groups of people and service areas: one replaces the other (`Og barnehagene?` after a question on schools)
_GROUP_STEMS = tuple(fold(w) for w in (
    "barnehage skole grunnskole ungdomsskole barneskole elev lærer ansatt medarbeider leder sykepleier "
    "helsefagarbeider lærling innbygger flyktning innvandrer barn unge ungdom eldre pensjonist kvinne menn mann "
    "gutt jente pasient bruker hjemmetjeneste sykehjem helse omsorg oppvekst kultur teknisk nav "
    "school kindergarten pupil student teacher employee nurse refugee child youth elderly women men"
).split())
# a turn asking for the figure again with nothing of its own but a slot (`hvor mange var det i 2020`)
_SAME_FIGURE = re.compile(r"^(?:hvor (?:mange|mye|høy[te]?|lav[te]?|stor[te]?)|hva|how (?:many|much|high|low)|what)\s+"
                          r"(?:var|er|blir|ble|was|is|were|are)\s+(?:det|den|de|it|there|they)\b", re.I)
_VERB = {"er", "var", "blir", "ble", "is", "was", "are", "were"}


@dataclass(frozen=True)
class Interpretation:
    question: str  # the turn as asked
    interpreted: str  # the standalone question to search (== question when it stands alone)
    followup: bool  # True when the earlier turns were used


@dataclass(frozen=True)
class _Topic:
    text: str  # the topic question, standalone
    noun: str  # what `hvor mange …` counts (`flyktninger`), carried through pronoun turns; "" if none


Known = Callable[[str], float]


def interpret(question: str, context: Sequence[str], known: Known | None = None) -> Interpretation:
    """Resolve `question` against the earlier questions `context` (oldest first).

    Raises BadQuestion (plain Norwegian) when the question or the context is not text. A question the
    engine would refuse (empty, control characters) comes back unchanged, for the engine to refuse.
    """
    if not isinstance(question, str):
        raise BadQuestion("Spørsmålet må være tekst.")
    if isinstance(context, (str, bytes)) or not isinstance(context, Sequence):
        raise BadQuestion("Samtalen må være en liste med de tidligere spørsmålene (tekst).")
    turns = list(context)[-MAX_TURNS:]
    for i, turn in enumerate(turns):
        if not isinstance(turn, str):
            raise BadQuestion(f"Samtalen må bare inneholde tekst; element {len(context) - len(turns) + i + 1} er ikke tekst.")
    unchanged = Interpretation(question, question, False)
    text = _clean(question)
    if text is None:
        return unchanged
    topic: _Topic | None = None
    for turn in turns:
        turn_text = _clean(turn[:MAX_TURN_CHARS])
        if turn_text is not None:
            topic = _resolve(turn_text, topic, known)
    if topic is None:
        return unchanged
    resolved = _resolve(text, topic, known)
    if resolved.text == text:
        return unchanged
    return Interpretation(question, resolved.text, True)


def _clean(text: str) -> str | None:
    """The question as the engine would search it, or None when the engine would refuse it."""
    try:
        return parse_question(text).text
    except BadQuestion:
        return None


# --- reading a turn ---------------------------------------------------------------------------------

def _words(text: str) -> list[str]:
    return _WORD.findall(text)


def _is_place(word: str, index: int) -> bool:
    return fold(word) in _PLACES or (index > 0 and word[:1].isupper() and not word.isupper() and fold(word) not in _STOP)


def _runs(words: list[str], marked: list[bool]) -> list[str]:
    """Neighbouring marked words as one name: `Asker Midt`, `Gamle Asker` (not `Asker og Midt`)."""
    out: list[str] = []
    for k, (w, m) in enumerate(zip(words, marked, strict=True)):
        if m and k and marked[k - 1] and out:
            out[-1] += " " + w
        elif m:
            out.append(w)
    return out


def _named(word: str) -> bool:
    return word[:1].isupper() and not word.isupper()


def _is_group(word: str) -> bool:
    w = fold(word)
    return len(w) > 2 and any(w.startswith(s) for s in _GROUP_STEMS)


def _content(words: list[str], groups: bool = False) -> list[str]:
    """Words that name a topic: not a stopword, year, number or place (nor a group unless `groups`)."""
    first = 1 if len(words) == 1 else 0  # a lone capitalised word (`Ukraina?`) is a name
    return [w for i, w in enumerate(words)
            if not w[0].isdigit() and fold(w) not in _STOP and len(w) > 1 and not _is_place(w, i or first)
            and (groups or not _is_group(w))]


def _refers_back(words: list[str]) -> bool:
    low = [fold(w) for w in words]
    if any(w in _ANAPHORA for w in low):
        return True
    for i, w in enumerate(low[:4]):
        if w in _WEAK_ANAPHORA:
            nxt = low[i + 1] if i + 1 < len(low) else ""
            prev = low[i - 1] if i else ""
            # `Er det mange …`, `Finnes det …`: an existential `det`, not a pronoun
            if nxt not in _EXISTENTIAL and prev not in {"finnes", "fins"}:
                # `Hvor mange av de ansatte`: `de` as an article before a noun
                if w == "de" and nxt and nxt not in _STOP:
                    continue
                return True
    return False


# nouns that name "the figure we were talking about" rather than a topic: `Hva var tallet i Bærum?`
_POINTING_NOUNS = {"tallet", "tall", "andelen", "antallet", "nivaet", "prosenten", "situasjonen", "utviklingen",
                   "number", "figure", "share", "rate"}


def _is_elliptic(text: str, known: Known | None) -> bool:
    words = _words(_strip_relative(text))
    if _MARKER.match(text) or _WHY.match(text) and not _content(words):
        return True
    if _refers_back(words):
        return True
    content = _content(words, groups=True)  # `Hvor mange ansatte har kommunen?` stands on its own
    if not content:
        return True
    names_place = any(_is_place(w, i) for i, w in enumerate(words))
    if names_place and any(fold(w) not in _POINTING_NOUNS for w in content):
        return False  # `Hvor mange innbyggere har Tromsø kommune?`: its own topic and place, a whole new question
    if known is not None and len(content) <= 2:
        strengths = [_strength(known, w) for w in content]
        # a word the report never uses (0.0) is not weak: it is a new topic the report may lack
        return all(0.0 < s < WEAK for s in strengths)
    return False


def _strength(known: Known, word: str) -> float:
    try:
        value = float(known(word))
    except Exception:  # noqa: BLE001 - a faulty `known` must not break the question; it is only a hint
        return 0.0
    return value if value == value else 0.0  # NaN -> unknown


def _strip_relative(text: str) -> str:
    for pattern, _ in _RELATIVE:
        text = pattern.sub(" ", text)
    return text


def _english(text: str) -> bool:
    return parse_question(text).english


def _finish(text: str) -> str:
    text = re.sub(r"\s+", " ", text).strip(" ,.;:?!")
    text = re.sub(r"\s+([,?])", r"\1", text)
    return (text[:1].upper() + text[1:] + "?") if text else text


# --- the topic's parts --------------------------------------------------------------------------------

_COUNT = re.compile(r"\b(?:hvor (?:mange|mye)|how (?:many|much))\s+(?:(?:av|of)\s+(?:de|the)\s+)?([^\W\d_]+)", re.I)
_SUBJECT = re.compile(
    r"^(?:(?:hva|hvem|what|who)|(?:hvor|how)\s+(?!mange\b|mye\b|many\b|much\b)[^\W\d_]+)\s+(er|var|blir|ble|is|was|are|were)\s+(.+?)\s*\??$",
    re.I)


def _noun(text: str) -> str:
    """What `hvor mange …` counts in the topic: `Hvor mange flyktninger bosatte …` -> `flyktninger`."""
    m = _COUNT.search(text)
    if m and fold(m.group(1)) not in _STOP:
        return m.group(1)
    return ""


def _definite_plural(noun: str) -> str:
    """`flyktninger` -> `flyktningene`, `innbyggere` -> `innbyggerne`; other forms get `de` before them."""
    if noun.endswith("ere") and len(noun) > 5:
        return noun[:-1] + "ne"
    if noun.endswith("er") and len(noun) > 4:
        return noun[:-1] + "ne"
    if fold(noun) == "barn":
        return "barna"
    return "de " + noun


def _last_year(text: str) -> int | None:
    years = _YEAR.findall(text)
    return int(years[-1]) if years else None


def _replace_years(topic: str, new: str) -> str | None:
    """Put `new` where the topic's last year (or period) stands: that is the year it is about
    (`redusert fra 2009 til 2021`); the other years go, with their preposition. None when it names none."""
    spans = list(_YEAR_SPAN.finditer(topic))
    if not spans:
        return None
    last = spans[-1]
    head, tail = topic[: last.start()], topic[last.end():]
    return _PREP_YEAR.sub("", head) + (" " if head.endswith(" ") else "") + new + tail


def _append(topic: str, phrase: str) -> str:
    return topic.rstrip(" ?.!") + " " + phrase.strip() + "?"


# --- resolving one turn -------------------------------------------------------------------------------

def _resolve(text: str, topic: _Topic | None, known: Known | None) -> _Topic:
    own = _Topic(text, _noun(text))
    if topic is None or not _is_elliptic(text, known):
        return own
    english = _english(topic.text)
    rest = _MARKER.sub("", text, count=1).strip()
    words = _words(_strip_relative(rest))
    if _WHY.match(text) and not _content(words):
        # `Hvorfor var det slik i 2020?`: the year (place, group) the turn names holds first
        return _Topic(_why(_fill_slots(rest, topic.text, english), english), topic.noun)
    asks = bool(re.match(r"^(?:hv|what|how|which|who|when|where|is|are|was|were|er|var|har|finnes)", rest, re.I))
    bare = rest != text.strip() and not asks and not _refers_back(words) and len(words) <= BARE_WORDS
    if bare:  # `Og for varebilene?`, `Og vei, vann og avløp?`: a phrase put to the topic, not a question of its own
        return _Topic(_fill_slots(rest, topic.text, english), topic.noun)
    if _SAME_FIGURE.match(rest) and not _content(words, groups=True) and not set(map(fold, words)) & _ANAPHORA:
        # `Og hvor mange var det i 2020?`: the topic's own question for another year (place), its words kept
        return _Topic(_fill_slots(rest, topic.text, english), topic.noun)
    if _content(words) or asks and _content(words, groups=True) or _refers_back(words) and _has_frame(rest):
        return _with_frame(rest, topic, known)
    return _Topic(_fill_slots(rest, topic.text, english), topic.noun)


def _has_frame(rest: str) -> bool:
    """A turn that asks its own question around a pronoun (`Hvilket år ble det målt?`), not a bare slot."""
    words = _words(rest)
    return len(words) >= 3 and not re.match(r"^(?:hvordan|how)\s+(?:er|var|is|was)\s+(?:det|it)\b", rest, re.I)


def _fill_slots(rest: str, topic: str, english: bool) -> str:
    """`i 2020`, `året før`, `Bærum`, `barnehagene`: the topic with what the turn names put in its place."""
    out = topic
    changed = False
    new_year = _YEAR_SPAN.search(rest)
    relative = next((step for pattern, step in _RELATIVE if pattern.search(rest)), 0)
    if new_year is None and relative and (last := _last_year(topic)) is not None:
        year = str(last + relative)
    else:
        year = new_year.group(0) if new_year else ""
    if year:
        replaced = _replace_years(out, year)
        out = replaced if replaced is not None else _append(out, ("in " if english else "i ") + year)
        changed = True
    words = _words(rest)
    # a capitalised group word is a name (the service area Oppvekst), replaced like a place (`Og i Velferd?`)
    places = _runs(words, [_is_place(w, i if i else 1) and (not _is_group(w) or _named(w)) for i, w in enumerate(words)])
    if places:
        place = " og ".join(dict.fromkeys(places)) if not english else " and ".join(dict.fromkeys(places))
        topic_words = _words(out)
        old = _runs(topic_words, [_is_place(w, i) and (not _is_group(w) or i > 0 and _named(w))
                                  for i, w in enumerate(topic_words)])
        if old:
            out = re.sub(rf"\b{re.escape(old[0])}\b", place, out, count=1)
            for extra in old[1:]:
                out = re.sub(rf"\s*\b(?:og|and|i|in)?\s*\b{re.escape(extra)}\b", "", out, count=1)
        else:
            out = _append(out, ("in " if english else "i ") + place)
        changed = True
    groups = [w for w in words if _is_group(w)]
    if groups:
        old = [w for w in _words(out) if _is_group(w)]
        if old:
            out = re.sub(rf"\b{re.escape(old[0])}\b", groups[0], out, count=1)
        else:
            out = _append(out, "for " + groups[0])
        changed = True
    if not changed and _content(words):
        out = _append(out, rest)
    return _finish(out)


def _why(topic: str, english: bool) -> str:
    """`Hvorfor?` after `Hvor høyt var sykefraværet i 2022?` -> `Hvorfor var sykefraværet i 2022 så høyt?`."""
    m = re.match(r"^(hvor|how)\s+(?!mange\b|mye\b|many\b|much\b)([^\W\d_]+)\s+(er|var|blir|ble|is|was|are|were)\s+(.+?)\s*\??$",
                 topic, re.I)
    if m:
        so = "so" if english else "så"
        return _finish(f"{'Why' if english else 'Hvorfor'} {m.group(3)} {m.group(4)} {so} {m.group(2)}")
    m = _SUBJECT.match(topic)
    if m and re.match(r"^(hva|what)\b", topic, re.I):
        return _finish(f"{'Why' if english else 'Hvorfor'} {m.group(1)} {m.group(2)} {'like that' if english else 'slik'}")
    return _finish(f"{'Why' if english else 'Hvorfor'}: {topic[:1].lower() + topic[1:]}")


def _with_frame(rest: str, topic: _Topic, known: Known | None) -> _Topic:
    """A turn with its own words: the topic's subject goes in for the pronoun or the missing noun."""
    out = rest
    noun = topic.noun
    substituted = False
    if noun:
        plural = "the " + noun if _english(topic.text) else _definite_plural(noun)
        out, n = re.subn(r"(?<=\bav )dem\b|(?<=\bblant )dem\b|(?<=\bof )them\b|(?<=\bamong )them\b|"
                         r"\b(?:dem|disse|de|them|those|these|they)\b(?=\s*(?:[?.!,]|$|\s+(?:kom|er|var|har|hadde|"
                         r"bor|fikk|ble|came|are|were|have|had)\b))", plural, out, count=1, flags=re.I)
        substituted = bool(n)
        if not substituted:
            # `Og hvor mange skal bosettes?`: the count has no noun of its own -> the topic's
            m = re.search(r"\b(hvor mange|hvor mye|how many|how much)\s+([^\W\d_]+)", out, re.I)
            if m and fold(m.group(2)) in _STOP:
                out = out[: m.end(1)] + " " + noun + out[m.end(1):]
                substituted = True
    if not substituted:
        m = _SUBJECT.match(topic.text)
        if m:
            subject = m.group(2)
            if _YEAR_SPAN.search(rest):  # `Var det høyere i 2020?`: the turn's year, not the topic's
                subject = _PREP_YEAR.sub("", subject).strip() or subject
            out, n = re.subn(r"\b(?:det|dette|den|it|this|that)\b", lambda _: subject, out, count=1, flags=re.I)
            substituted = bool(n)
    if substituted:
        out = _carry(out, topic.text)
    elif _leans(rest, known):
        about = topic.text
        if _YEAR_SPAN.search(rest):  # the turn's own year holds, not the topic's
            about = _PREP_YEAR.sub("", about)
        out = _finish(rest)[:-1] + " – " + about[:1].lower() + about[1:]
        return _Topic(_finish(out), noun)
    else:
        out = _carry(out, topic.text)
    own = _noun(rest)
    return _Topic(_finish(out), own if own and fold(own) not in _STOP else noun)


def _leans(rest: str, known: Known | None) -> bool:
    """Whether the turn needs the topic's words to be searched: it points back, or its own words are weak."""
    words = _words(rest)
    if _refers_back(words):
        return True
    content = _content(words, groups=True)
    if known is None or not content:
        return not content
    return all(_strength(known, w) < WEAK for w in content)


def _carry(text: str, topic: str) -> str:
    """The topic's year (and place) still hold for a turn that names none and does not ask for one."""
    out = text
    if not _YEAR_SPAN.search(out) and not _ASKS_YEAR.search(out):
        year = _YEAR_SPAN.search(topic)
        if year:
            out = _append(out, ("in " if _english(topic) else "i ") + year.group(0))
    return out

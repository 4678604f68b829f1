"""What the answer stage knows of each quotable unit (a sentence, a table row, or two neighbouring sentences),
worked out once when the engine loads: its words, figures, years, names, source line and cells without a figure.

- `mark_figures`, `content_terms`: a text's figures (with their spans) and its stemmed words;
- `unit_features` -> `UnitFeatures`: one unit; `Report`: the passages with every unit and candidate quote;
- `compound_parts`: which of the report's compounds a resident's shorter word is part of.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np

from .compare import Siblings
from .constraints import Names, single_years_in, years_in
from .lexical import tokenize
from .text import YEAR_PATTERN
from .types import Passage

MAX_QUOTE = 400  # a quote's length: a candidate pair of sentences fits in it, a longer sentence is cut to it

# a unit is a whole word: `2500 årsverk` is 2500, not `2500 år` (years)
_FIGURE = re.compile(
    r"(?<![\w,.])-?\d{1,3}(?: \d{3})+(?:,\d+)?(?:\s?(?:%|prosent(?:poeng)?|mill\.|mrd\.|kroner|kr\.?|kWh|år)(?!\w))?"
    r"|(?<![\w,.])-?\d+(?:,\d+)?(?:\s?(?:%|prosent(?:poeng)?|mill\.|mrd\.|kroner|kr/ ?m2|kr\.?|µg/m3|kg/m2|kWh|år)(?!\w))?"
)
_CAUSE = re.compile(r"\b(skyldes|fordi|på grunn av|årsak(en|er)?|som følge av|sammenheng med|grunnet|derfor|"
                    r"bakgrunn(en)? for|på bakgrunn av|medført|førte til|henger sammen med|ettersom)\b", re.I)
# a list of names: `raus, nær, modig og skapende`, `(Sætre, Sydskogen, Torvbråten, Risenga, Hvalstad)`
_ITEM = r"[^\W\d_][\w-]*(?: [^\W\d_][\w-]*){0,2}"
_ENUMERATION = re.compile(rf"{_ITEM}, {_ITEM},? (?:og|eller|samt) {_ITEM}|(?:{_ITEM}, ){{3,}}{_ITEM}|(?:→[^→]+){{2,}}")
# an amount of money: a figure and a currency word in one unit (a table row puts it in its label: `…, mill. kr:`)
_MONEY = re.compile(r"\b(?:kroner|kr|NOK|mill\.|mrd\.|milliard\w*|million\w*)(?!\w)", re.I)
_INNER_NAME = re.compile(r"(?<=[a-zæøå,] )[A-ZÆØÅ][a-zæøå]+")
_DATE = re.compile(r"\b\d{1,2}\.\s?(?:\d{1,2}\.|januar|februar|mars|april|mai|juni|juli|august|september|oktober|"
                   r"november|desember)")
_YEARLIKE = re.compile(rf"{YEAR_PATTERN}(?:-{YEAR_PATTERN})?")
# A sentence that opens by pointing back ("Dette er i tråd med …") does not stand alone.
_ANAPHOR = re.compile(r"^(dette|det|disse|denne|den|de|dem|her|der|dermed|samtidig|også|i tillegg|videre|"
                      r"slik|sistnevnte|førstnevnte|tallet|andelen|økningen|nedgangen)\b", re.I)
# A row's source line (`… 2022 90,9 %. Kilde: SSB 08917.`) says where a figure comes from, not what it is about:
# «i Asker kommune» in a question must not pull in every row whose source is «Kilde: Asker kommune».
_SOURCE = re.compile(r"(?:(?<=[.)])|^)\s*Kilder?\s*:.*$", re.S | re.I)
# A cell printed as «Tall kommer» (figures not yet available) or «Ikke målt»: the report gives no figure that year.
_PENDING = re.compile(rf"({YEAR_PATTERN})(?:\s*:)?\s+(Tall kommer|Ikke målt)", re.I)
# a count written in words: «seks bibliotek», «syv medlemmer» (the report writes small counts so)
_NUMBER_WORD = re.compile(r"\b(?:to|tre|fire|fem|seks|sju|syv|åtte|ni|ti|elleve|tolv|tretten|fjorten|femten|seksten|"
                          r"sytten|atten|nitten|tjue|tretti|førti|femti|hundre|tusen|dobbelt|halvparten)\b", re.I)
MIN_PART = 4  # a question word counts as part of a report compound (`gjeld` in `gjeldsgrad`) from this length



def without_source(text: str) -> str:
    """A unit's text without its source line: what its words, names and figures are read from."""
    return _SOURCE.sub("", text)


def pending_years(text: str) -> dict[str, str]:
    """Year -> «Tall kommer» / «Ikke målt» for each cell of a row that gives no figure."""
    return {m.group(1): m.group(2) for m in _PENDING.finditer(text)}


def mark_figures(text: str) -> tuple[list[str], list[tuple[int, int]]]:
    """The numbers in a quote (with their unit), as printed, and their character spans.

    Bare years (`2022`, `2020-2023`) are context, not figures, and are not marked.
    """
    figures: list[str] = []
    spans: list[tuple[int, int]] = []
    for m in _FIGURE.finditer(text):
        value = m.group(0).rstrip()
        if _YEARLIKE.fullmatch(value):
            continue
        end = text.find("-", m.end(), m.end() + 1)
        if end == m.end() and _YEARLIKE.fullmatch(text[m.start() : m.end() + 5]):
            continue
        figures.append(value)
        spans.append((m.start(), m.start() + len(value)))
    return figures, spans


def content_terms(text: str) -> set[str]:
    """The stemmed words of a text, numbers left out."""
    return {t for t in tokenize(text) if not t[0].isdigit()}


@dataclass(frozen=True)
class UnitFeatures:
    """What quote scoring needs of one sentence/row, worked out once when the engine loads."""

    terms: frozenset[str]
    has_figure: bool  # a number that is not a bare year
    gives_reason: bool
    enumerates: bool
    years: frozenset[str]
    names: frozenset[str]
    anaphor: bool
    words: int
    has_name: bool = False  # a capitalised word inside the sentence: a person, a place, a body
    has_time: bool = False  # a year or a date
    single_years: frozenset[str] = frozenset()  # years that stand alone, not as the end of a span
    heading: bool = False  # a title in capitals left in the text (`KOMMUNES INNBYGGERPANEL`): no quote
    has_money: bool = False  # an amount of money (`2,8 mrd. kroner`, `402 mill. kr`)
    parts: tuple[UnitFeatures, ...] = ()  # a pair of sentences: each one's own features
    counted: frozenset[str] = frozenset()  # what its figures count: the words after one (`23 plasser`), a row's label
    pending: tuple[tuple[str, str], ...] = ()  # (year, «Tall kommer» / «Ikke målt») of cells with no figure
    counts: bool = False  # a figure, or a count written in words («seks bibliotek»): what a «hvor mange» needs

    def years_on(self, terms: frozenset[str]) -> tuple[frozenset[str], frozenset[str]]:
        """(years, single years) of the sentences that speak of a question word: in a pair, a year in the
        neighbouring sentence about something else dates that, not the answer (`… netto driftsresultat på 3,1
        prosent i perioden 2019-2022. Driftsbudsjettet er styrket … fra 2020 til 2023.` holds no 2023 figure
        for the result)."""
        on_topic = [p for p in self.parts if p.terms & terms]
        if not on_topic:
            return self.years, self.single_years
        return (frozenset().union(*(p.years for p in on_topic)),
                frozenset().union(*(p.single_years for p in on_topic)))


def in_capitals(text: str) -> bool:
    """Letters nearly all capitals: a heading or a chart's title (with no figure, it answers nothing on its
    own; on the shared sets no such line was ever a right quote: 0 of 18 candidates)."""
    letters = [c for c in text if c.isalpha()]
    return bool(letters) and sum(c.isupper() for c in letters) > 0.9 * len(letters)


# where a row's figures start: `…: 2020 83`, `…: -95` (a figure inside the label, `(> 10 %):`, is not the start)
_DATA_START = re.compile(r":\s(?=-?\d)")


def counted_terms(text: str, spans: list[tuple[int, int]]) -> frozenset[str]:
    """The stemmed words that say what a unit's figures count: the two words after each figure (`23 plasser`,
    `12 nye boliger`), and everything before a row's figures (section, title and label: `Medarbeidere –
    LÆRLINGER: Antall lærlinger …: 2020 83`)."""
    out: set[str] = set()
    for _, end in spans:
        out |= content_terms(" ".join(text[end:].split(maxsplit=2)[:2]))
    start = _DATA_START.search(text)
    if spans and start:
        out |= content_terms(text[:start.start()])
    return frozenset(out)


def unit_features(text: str, names: Names) -> UnitFeatures:
    """What one sentence or row holds, its source line left out; a year whose cell gives no figure («Tall
    kommer») is not a year it holds (a question about that year is not answered by it: see `_note`)."""
    body = without_source(text)
    figures, spans = mark_figures(body)
    has_figure = bool(figures)
    pending = pending_years(body)
    years = years_in(body) - pending.keys()
    return UnitFeatures(
        terms=frozenset(content_terms(body)), has_figure=has_figure, gives_reason=bool(_CAUSE.search(body)),
        enumerates=bool(_ENUMERATION.search(body)), years=years, names=names.in_text(body),
        anaphor=bool(_ANAPHOR.match(body)), words=len(body.split()), has_name=bool(_INNER_NAME.search(body)),
        has_time=bool(years) or bool(_DATE.search(body)), single_years=single_years_in(body) - pending.keys(),
        heading=not has_figure and in_capitals(body), has_money=has_figure and bool(_MONEY.search(body)),
        counted=counted_terms(body, spans), pending=tuple(sorted(pending.items())),
        counts=has_figure or bool(_NUMBER_WORD.search(body)))


@dataclass(frozen=True)
class TermWeights:
    """Inverse sentence frequency of each word: `fellesnemnda` says more about a sentence than `møter`."""

    idf: dict[str, float]
    unseen: float  # a word the report never uses weighs as much as its rarest word

    def of(self, terms: set[str]) -> dict[str, float]:
        return {t: self.idf.get(t, self.unseen) for t in terms}

    @classmethod
    def from_units(cls, units: list[UnitFeatures]) -> TermWeights:
        df: dict[str, int] = {}
        for u in units:
            for t in u.terms:
                df[t] = df.get(t, 0) + 1
        n = len(units)
        idf = {t: math.log((n + 1) / (c + 0.5)) for t, c in df.items()}
        return cls(idf, max(idf.values(), default=1.0))


@dataclass
class Report:
    """The report as the answer stage reads it: passages, their quotable units and what those hold."""

    passages: list[Passage]
    refs: np.ndarray  # (n_units, 3): passage index, start, end
    vectors: np.ndarray  # (n_units, dim), normalised
    names: Names
    units: list[UnitFeatures] = field(init=False)
    idf: TermWeights = field(init=False)
    candidates: dict[int, PassageCandidates] = field(init=False)  # by passage index, built once at load
    passage_terms: list[frozenset[str]] = field(init=False)
    section_names: list[frozenset[str]] = field(init=False)
    compounds: dict[str, frozenset[str]] = field(init=False)  # a word -> the report's longer words it begins or ends
    siblings: Siblings = field(init=False)  # the table rows that can be compared with each other

    def __post_init__(self) -> None:
        texts = [p.text for p in self.passages]
        self.units = [unit_features(texts[p][s:e], self.names) for p, s, e in self.refs]
        self.idf = TermWeights.from_units(self.units)
        self.compounds = compound_parts({t for u in self.units for t in u.terms})
        self.siblings = Siblings(self.passages)
        self.candidates = {int(pidx): _passage_candidates(self, np.nonzero(self.refs[:, 0] == pidx)[0])
                           for pidx in np.unique(self.refs[:, 0])}
        self.passage_terms = [frozenset(content_terms(f"{p.section} {p.text}")) for p in self.passages]
        self.section_names = [self.names.in_text(p.section) for p in self.passages]


def compound_parts(words: set[str]) -> dict[str, frozenset[str]]:
    """Each beginning and end (of MIN_PART letters or more) of the report's words -> the longer words it is part of:
    Norwegian glues its compounds, so a resident's «gjeld» is the report's «gjeldsgrad» and «sykkel» its
    «sykkelveier» (the stemmer leaves compounds whole)."""
    out: dict[str, set[str]] = {}
    for w in words:
        for k in range(MIN_PART, len(w) - 1):  # a part leaves at least two letters of the compound
            out.setdefault(w[:k], set()).add(w)
            out.setdefault(w[-k:], set()).add(w)
    return {part: frozenset(ws) for part, ws in out.items()}


@dataclass(frozen=True)
class PassageCandidates:
    """A passage's candidate quotes, the same for every question: (start, end, unit, is a pair) each, and
    their vectors stacked (one product with the question vector gives every similarity)."""

    spans: list[tuple[int, int, UnitFeatures, bool]]
    vectors: np.ndarray  # (len(spans), dim)
    units: list[tuple[int, int]]  # every unit's (start, end), headings too: what an anaphor points back to


def _passage_candidates(report: Report, rows: np.ndarray) -> PassageCandidates:
    """Each sentence/row of a passage, and each pair of neighbouring sentences that fits in a quote; a
    heading alone is none (a quote must stand alone; the passage itself still ranks)."""
    spans: list[tuple[int, int, UnitFeatures, bool]] = []
    vectors: list[np.ndarray] = []
    for k, row in enumerate(rows):
        _, start, end = report.refs[row]
        unit = report.units[row]
        if unit.heading:
            continue
        spans.append((int(start), int(end), unit, False))
        vectors.append(report.vectors[row])
        if k + 1 < len(rows) and not report.units[rows[k + 1]].heading:
            nxt = rows[k + 1]
            end2 = int(report.refs[nxt][2])
            if end2 - start <= MAX_QUOTE:
                v = report.vectors[row] + report.vectors[nxt]
                b = report.units[nxt]
                pair = UnitFeatures(
                    terms=unit.terms | b.terms, has_figure=unit.has_figure or b.has_figure,
                    gives_reason=unit.gives_reason or b.gives_reason, enumerates=unit.enumerates or b.enumerates,
                    years=unit.years | b.years, names=unit.names | b.names, anaphor=unit.anaphor,
                    words=unit.words + b.words, has_name=unit.has_name or b.has_name,
                    has_time=unit.has_time or b.has_time, single_years=unit.single_years | b.single_years,
                    has_money=unit.has_money or b.has_money, parts=(unit, b), counted=unit.counted | b.counted,
                    pending=unit.pending + b.pending, counts=unit.counts or b.counts)
                spans.append((int(start), end2, pair, True))
                vectors.append(v / np.linalg.norm(v))
    dim = report.vectors.shape[1]
    stacked = np.vstack(vectors) if vectors else np.empty((0, dim), dtype=report.vectors.dtype)
    return PassageCandidates(spans, stacked, [(int(report.refs[r][1]), int(report.refs[r][2])) for r in rows])

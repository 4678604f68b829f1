"""Hits -> Answer: pick the sentence or table row that answers, mark its figures, and say how sure.

Two stages, so that evaluation can refit the second on other questions (`askerqa eval --cv`):
- `analyse` reads the top passages of a ranking and describes every quotable unit (a sentence, a table
  row, a list, or two neighbouring sentences) by honest signals: similarity to the question, share of
  the question's words it holds (weighted by rarity), whether it holds the asked year and names, a
  figure when a quantity is asked, a reason when "why" is asked, an anaphor at its start …
- `decide` scores the units with a learned linear model (`QuoteModel`), quotes the best one verbatim,
  reorders the passages by their best unit, and turns a learned confidence into one of three states:
  found (one quote), uncertain (the two or three best quotes, to check) or not found.
The models' weights come from `scripts/tune.py` (cross-validated on the shared question sets) and are
stored with their provenance in `askerqa/data/tuned.json`.

Quotes are always verbatim slices of a passage; figures are marked by character spans, never rewritten.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from .constraints import Constraints, Names, single_years_in, years_in
from .lexical import tokenize
from .query import Query
from .text import YEAR_PATTERN
from .types import Alternative, Answer, Hit, Passage, Status

MAX_QUOTE = 400
TUNED_PATH = Path(__file__).parent / "data" / "tuned.json"

# a unit is a whole word: `2500 årsverk` is 2500, not `2500 år` (years)
_FIGURE = re.compile(
    r"(?<![\w,.])-?\d{1,3}(?: \d{3})+(?:,\d+)?(?:\s?(?:%|prosent(?:poeng)?|mill\.|mrd\.|kroner|kr\.?|kWh|år)(?!\w))?"
    r"|(?<![\w,.])-?\d+(?:,\d+)?(?:\s?(?:%|prosent(?:poeng)?|mill\.|mrd\.|kroner|kr/ ?m2|kr\.?|µg/m3|kg/m2|kWh|år)(?!\w))?"
)
_WHY = re.compile(r"\b(hvorfor|why|årsak(en)?|grunnen)\b", re.I)
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
    figures, spans = mark_figures(text)
    has_figure = bool(figures)
    years = years_in(text)
    return UnitFeatures(frozenset(content_terms(text)), has_figure, bool(_CAUSE.search(text)),
                        bool(_ENUMERATION.search(text)), years, names.in_text(text),
                        bool(_ANAPHOR.match(text)), len(text.split()), bool(_INNER_NAME.search(text)),
                        bool(years) or bool(_DATE.search(text)), single_years_in(text),
                        not has_figure and in_capitals(text), has_figure and bool(_MONEY.search(text)),
                        counted=counted_terms(text, spans))


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

    def __post_init__(self) -> None:
        texts = [p.text for p in self.passages]
        self.units = [unit_features(texts[p][s:e], self.names) for p, s, e in self.refs]
        self.idf = TermWeights.from_units(self.units)
        self.candidates = {int(pidx): _passage_candidates(self, np.nonzero(self.refs[:, 0] == pidx)[0])
                           for pidx in np.unique(self.refs[:, 0])}
        self.passage_terms = [frozenset(content_terms(f"{p.section} {p.text}")) for p in self.passages]
        self.section_names = [self.names.in_text(p.section) for p in self.passages]


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
                pair = UnitFeatures(unit.terms | b.terms, unit.has_figure or b.has_figure,
                                    unit.gives_reason or b.gives_reason, unit.enumerates or b.enumerates,
                                    unit.years | b.years, unit.names | b.names, unit.anaphor, unit.words + b.words,
                                    unit.has_name or b.has_name, unit.has_time or b.has_time,
                                    unit.single_years | b.single_years, has_money=unit.has_money or b.has_money,
                                    parts=(unit, b), counted=unit.counted | b.counted)
                spans.append((int(start), end2, pair, True))
                vectors.append(v / np.linalg.norm(v))
    dim = report.vectors.shape[1]
    stacked = np.vstack(vectors) if vectors else np.empty((0, dim), dtype=report.vectors.dtype)
    return PassageCandidates(spans, stacked, [(int(report.refs[r][1]), int(report.refs[r][2])) for r in rows])


# --- analysis: every candidate quote described by signals ------------------------------------------

CANDIDATE_FEATURES = (
    "cos", "passage_cos", "rank", "lexical", "cover", "passage_cover", "number", "no_number",
    "year_hit", "year_miss", "year_other", "name_hit", "name_miss", "name_extra", "cause", "enumeration",
    "pair", "anaphor", "short", "row", "list", "english_cos", "english_cover", "no_name", "no_time",
    "year_in_span_only", "no_money", "counted", "cos_gap", "cover_gap",
)
_GAPPED = [0, 4]  # cos, cover: appended as gaps to the question's best
QUESTION_FEATURES = (
    "best", "margin", "top_cosine", "sentence_best", "coverage", "unknown", "english",
    "best_no_number", "best_cos", "best_cover", "best_passage_cover", "best_rank", "best_lexical", "missing_rare",
    "best_no_name", "best_no_time", "figure_agrees", "constraint_cost",
)
# A candidate that lacks the asked year or name answers another question: it is only chosen when no
# candidate carries them (then the answer cannot be "found"). On the shared sets the right quote carried
# the asked year in 47 of 47 questions and the asked name in 20 of 21 (tuned.json "constraints", from tune.py).
INELIGIBLE = 20.0


@dataclass(frozen=True)
class Candidate:
    passage_index: int
    start: int
    end: int
    unit: UnitFeatures
    unit_text: str = ""  # the candidate's text, as in the passage


@dataclass(frozen=True)
class Signals:
    """Question-level signals that do not depend on the chosen quote."""

    top_cosine: float  # dense similarity of the best-ranked passage
    sentence_best: float  # best similarity of any sentence in the report
    coverage: float  # share of the question's content words found in the top 3 passages
    unknown: int  # content words of the question the report never uses
    english: bool


@dataclass(frozen=True)
class Analysis:
    query: Query
    constraints: Constraints
    terms: frozenset[str]
    order: list[int]  # passage indices by fused rank, best first (at least as deep as the hits shown)
    fused: list[float]  # their fused scores
    candidates: list[Candidate]
    features: np.ndarray  # (len(candidates), len(CANDIDATE_FEATURES))
    signals: Signals
    missing_rare: np.ndarray  # per candidate: the largest rarity (idf share) of a question word its passage lacks
    interpreted: str = ""  # a follow-up's standalone reading ("" when the question stood alone)
    # per candidate: whether it carries every asked year (both ends of a period asked)
    all_years: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=bool))

    @cached_property  # read by `constrained` and again by `alternative_indices` for an uncertain answer
    def eligible(self) -> np.ndarray:
        """Candidates that carry the asked years and names (all, when the question asks for none). A year
        asked on its own (`i 2022`) is carried on its own when any candidate does so: a period that ends in
        it (`2019 til 2022`) answers another question (on the shared sets the right quote printed a year
        asked alone on its own in every question: tuned.json "constraints"). A question about a cost or a
        budget is answered with an amount of money when any candidate holds one (not with its share of the
        total: the right quote held an amount in every such question, tuned.json "constraints")."""
        f = self.features
        ok = np.ones(len(self.candidates), dtype=bool)
        if self.constraints.years:
            ok &= f[:, CANDIDATE_FEATURES.index("year_hit")] > 0
            if len(self.constraints.years) > 1:  # a period (`2022-2023`, `fra 2020 til 2023`): both ends
                ok &= self.all_years
            if self.constraints.single_years:
                alone = ok & (f[:, CANDIDATE_FEATURES.index("year_in_span_only")] == 0)
                ok = alone if alone.any() else ok
        if self.constraints.names:
            ok &= f[:, CANDIDATE_FEATURES.index("name_hit")] > 0
        if self.query.wants_money:
            money = ok & (f[:, CANDIDATE_FEATURES.index("no_money")] == 0)
            ok = money if money.any() else ok
        return ok

    def constrained(self, scores: np.ndarray) -> tuple[np.ndarray, bool]:
        """Scores with ineligible candidates pushed below every eligible one, and whether any is eligible."""
        ok = self.eligible
        if not len(ok):
            return scores, False
        return np.where(ok, scores, scores - INELIGIBLE), bool(ok.any())


def analyse(report: Report, query: Query, constraints: Constraints, qvec: np.ndarray, order: list[int],
            fused: list[float], cosine: np.ndarray, lexical: np.ndarray, signals: Signals,
            pool: Sequence[tuple[int, int]], interpreted: str = "") -> Analysis:
    """Describe every candidate quote of the passages in `pool` ((fused rank, passage index) each, see
    askerqa.ranking.quote_pool) by the signals in CANDIDATE_FEATURES."""
    terms = frozenset(content_terms(query.text))
    counted = frozenset(content_terms(query.counted))
    weighted = report.idf.of(set(terms))
    total = sum(weighted.values()) or 1.0
    why = bool(_WHY.search(query.text))
    lex_max = float(lexical.max()) if lexical.size and lexical.max() > 0 else 1.0
    en = float(query.english)
    top_weight = max(weighted.values(), default=1.0)
    cands: list[Candidate] = []
    rows: list[list[float]] = []
    missing: list[float] = []
    all_years: list[bool] = []
    for rank, pidx in pool:
        passage = report.passages[pidx]
        pcover = sum(w for t, w in weighted.items() if t in report.passage_terms[pidx]) / total
        lacks = max((w for t, w in weighted.items() if t not in report.passage_terms[pidx]), default=0.0) / top_weight
        section_names = report.section_names[pidx]
        found = report.candidates.get(pidx)
        if found is None:
            continue
        similarities = found.vectors @ qvec
        for (start, end, unit, pair), cos in zip(found.spans, similarities.tolist(), strict=True):
            cover = sum(w for t, w in weighted.items() if t in unit.terms) / total
            years, names = constraints.years, constraints.names
            has_names = unit.names | section_names
            unit_years, unit_single_years = unit.years_on(terms)
            year_hit = bool(years & unit_years)
            rows.append([
                cos, float(cosine[pidx]), 1.0 / (1 + rank), float(lexical[pidx]) / lex_max, cover, pcover,
                float(query.wants_number and unit.has_figure), float(query.wants_number and not unit.has_figure),
                float(year_hit), float(bool(years) and not year_hit), float(bool(years) and not year_hit and bool(unit_years)),
                float(bool(names & has_names)), float(bool(names) and not names & has_names),
                float(bool(unit.names - names)), float(why and unit.gives_reason),
                float(query.wants_list and unit.enumerates), float(pair), float(unit.anaphor),
                float(unit.words < 6 and passage.kind != "table_row"), float(passage.kind == "table_row"),
                float(passage.kind == "list"), en * cos, en * cover,
                float(query.wants_name and not unit.has_name), float(query.wants_time and not unit.has_time),
                float(year_hit and not years & unit_single_years), float(query.wants_money and not unit.has_money),
                float(bool(unit.counted & counted)),
            ])
            cands.append(Candidate(pidx, start, end, unit, passage.text[start:end]))
            missing.append(lacks)
            all_years.append(years <= unit_years)
    features = np.asarray(rows, dtype=np.float64).reshape(len(rows), len(CANDIDATE_FEATURES) - len(_GAPPED))
    # how far each candidate falls below this question's best: similarity scales differ between questions
    # (an English question's best cosine is lower), a gap does not
    gaps = features[:, _GAPPED] - features[:, _GAPPED].max(axis=0) if len(rows) else np.empty((0, len(_GAPPED)))
    features = np.hstack([features, gaps])
    return Analysis(query, constraints, terms, list(order), list(fused), cands, features, signals,
                    np.asarray(missing, dtype=np.float64), interpreted, np.asarray(all_years, dtype=bool))


# --- the learned models -----------------------------------------------------------------------------


@dataclass(frozen=True)
class LinearModel:
    """A standardised linear score: ((x' - mean) / scale) · coef + intercept (logistic regression's logit),
    where x' is x followed by the products x_i·x_j for each pair in `pairs` (none for a plain linear model):
    pairs let one signal count differently depending on another (a figure matters when a number is asked)."""

    names: tuple[str, ...]
    coef: tuple[float, ...]
    intercept: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    pairs: tuple[tuple[int, int], ...] = ()

    def expand(self, x: np.ndarray) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        if not self.pairs:
            return x
        i, j = np.asarray(self.pairs).T
        return np.concatenate([x, x[..., i] * x[..., j]], axis=-1)

    def logit(self, x: np.ndarray) -> np.ndarray:
        z = (self.expand(x) - np.asarray(self.mean)) / np.asarray(self.scale)
        return z @ np.asarray(self.coef) + self.intercept

    def to_dict(self) -> dict:
        return {"names": list(self.names), "coef": list(self.coef), "intercept": self.intercept,
                "mean": list(self.mean), "scale": list(self.scale), "pairs": [list(p) for p in self.pairs]}

    @classmethod
    def from_dict(cls, d: dict) -> LinearModel:
        pairs = tuple((int(i), int(j)) for i, j in d.get("pairs", []))
        return cls(tuple(d["names"]), tuple(d["coef"]), float(d["intercept"]), tuple(d["mean"]), tuple(d["scale"]), pairs)


@dataclass(frozen=True)
class Models:
    """Quote scorer, confidence and the two thresholds between the three states."""

    quote: LinearModel
    confidence: LinearModel
    found_at: float  # confidence at or above which one quote is shown as the answer
    uncertain_at: float  # below found_at and at or above this: the best quotes are shown, to check

    def to_dict(self) -> dict:
        return {"quote": self.quote.to_dict(), "confidence": self.confidence.to_dict(),
                "found_at": self.found_at, "uncertain_at": self.uncertain_at}

    @classmethod
    def from_dict(cls, d: dict) -> Models:
        quote, conf = LinearModel.from_dict(d["quote"]), LinearModel.from_dict(d["confidence"])
        if quote.names != CANDIDATE_FEATURES or conf.names != QUESTION_FEATURES:
            raise ValueError("the tuned models were fitted on other features: run scripts/tune.py")
        return cls(quote, conf, float(d["found_at"]), float(d["uncertain_at"]))

    @classmethod
    def load(cls, path: Path = TUNED_PATH) -> Models:
        return cls.from_dict(json.loads(path.read_text(encoding="utf-8"))["models"])


# --- decision ---------------------------------------------------------------------------------------


def _window(text: str, terms: frozenset[str], limit: int = MAX_QUOTE,
            years: frozenset[str] = frozenset()) -> tuple[int, int]:
    """For a sentence over the limit: the word-aligned window of `limit` chars with the most query terms
    (and the asked years, so a cut never drops the year the answer was chosen for)."""
    starts = [0] + [m.end() for m in re.finditer(r"[,;:]\s|\s–\s", text)]
    best, best_score = (0, limit), -1.0
    for s in starts:
        e = min(len(text), s + limit)
        if e < len(text):
            cut = text.rfind(" ", s, e)
            e = cut if cut > s else e
        piece = text[s:e]
        score = len(content_terms(piece) & terms) + 0.5 * bool(re.search(r"\d", piece)) + 2 * len(years_in(piece) & years)
        if score > best_score:
            best, best_score = (s, e), score
    return best


def quote_text(report: Report, cand: Candidate, terms: frozenset[str], years: frozenset[str] = frozenset()) -> str:
    """The verbatim quote for a candidate: cut to a window when too long; an opening anaphor takes the
    sentence it points back to when both fit."""
    text = report.passages[cand.passage_index].text
    start, end = cand.start, cand.end
    if cand.unit.anaphor:
        found = report.candidates.get(cand.passage_index)
        before = [s for s, e in (found.units if found else []) if e <= start]
        if before and end - before[-1] <= MAX_QUOTE:
            start = before[-1]
    quote = text[start:end]
    if len(quote) > MAX_QUOTE:
        s, e = _window(quote, terms, years=years)
        quote = quote[s:e]
    return quote.strip()


def question_features(a: Analysis, scores: np.ndarray, raw: np.ndarray | None = None) -> np.ndarray:
    """QUESTION_FEATURES for the confidence model, given the (constrained) candidate scores and the raw ones:
    how far the best quote that carries the asked year/name falls below the best quote of all (`constraint_cost`)
    tells an on-topic answer for that year from a stray sentence that merely holds the number 2024."""
    s = a.signals
    base = [s.top_cosine, s.sentence_best, s.coverage, min(s.unknown, 3), float(s.english)]
    if not a.candidates:
        return np.array([-10.0, 0.0, *base, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 5.0])
    b = int(np.argmax(scores))
    best_passage = a.candidates[b].passage_index
    others = [sc for c, sc in zip(a.candidates, scores, strict=True) if c.passage_index != best_passage]
    margin = min(float(scores[b] - max(others)), 5.0) if others else 5.0
    f = dict(zip(CANDIDATE_FEATURES, a.features[b], strict=True))
    return np.array([float(scores[b]), margin, *base, f["no_number"], f["cos"], f["cover"], f["passage_cover"],
                     f["rank"], f["lexical"], float(a.missing_rare[b]), f["no_name"], f["no_time"],
                     float(_figure_agrees(a, scores, b)),
                     min(float(raw.max() - raw[b]), 5.0) if raw is not None else 0.0])


def _figure_key(figure: str) -> str:
    """A figure as a value, however the unit is spelled: a sentence's `9,3 prosent` is a row's `9,3 %`."""
    return re.sub(r"\s", "", figure.replace("prosent", "%").replace("kroner", "kr").replace("kr.", "kr"))


def _figure_agrees(a: Analysis, scores: np.ndarray, b: int, runners_up: int = 3) -> bool:
    """Whether another passage's strong candidate gives the same figure: two places in the report agreeing
    on a number is evidence that the number answers."""
    best = a.candidates[b]
    figures = {_figure_key(f) for f in mark_figures(best.unit_text)[0]} if best.unit_text else set()
    if not figures:
        return False
    seen = {best.passage_index}
    for i in np.argsort(-scores, kind="stable"):
        c = a.candidates[int(i)]
        if c.passage_index in seen:
            continue
        seen.add(c.passage_index)
        if figures & {_figure_key(f) for f in mark_figures(c.unit_text)[0]}:
            return True
        if len(seen) > runners_up:
            break
    return False


def status_of(confidence: float, models: Models) -> Status:
    if confidence >= models.found_at:
        return "found"
    return "uncertain" if confidence >= models.uncertain_at else "not_found"


def _note(a: Analysis, best_index: int | None, satisfied: bool) -> str:
    """When no quote holds the asked year or name, say so plainly (the nearest quote is shown as what it has)."""
    if best_index is None or satisfied or not a.constraints:
        return ""
    best = a.candidates[best_index]
    f = dict(zip(CANDIDATE_FEATURES, a.features[best_index], strict=True))
    held_years = best.unit.years_on(a.terms)[0]
    if a.constraints.years and not (f["year_hit"] and a.constraints.years <= held_years):
        asked = " og ".join(sorted(a.constraints.years))  # one year, or both ends of a period
        held = sorted(held_years)
        have = f" Det nærmeste den har, gjelder {', '.join(held)}." if held else ""
        return f"Rapporten ser ikke ut til å oppgi dette for {asked}.{have}"
    return "Rapporten ser ikke ut til å oppgi dette for det stedet eller den gruppen spørsmålet nevner."


def lead_cell(passage: Passage, years: frozenset[str]) -> str:
    """For a table row and a question that asks for years: the asked cells, verbatim (`2021: 8,4 %`)."""
    if passage.table is None or not years:
        return ""
    # `Andel vekst 2019-2022` is the growth over a span, not the 2022 figure
    cells = [f"{header}: {value}" for header, value in passage.table.cells
             if header and years & single_years_in(header)]
    return "; ".join(cells)


def alternative_indices(a: Analysis, scores: np.ndarray, n: int = 3) -> list[int]:
    """The candidates an uncertain answer shows: the best of each of the `n` best passages, never one for
    another year or place (evaluate's Utility values the uncertain state by what these show)."""
    eligible, seen, out = a.eligible, set(), []
    for i in np.argsort(-scores, kind="stable"):
        c = a.candidates[int(i)]
        if c.passage_index in seen or not eligible[int(i)]:
            continue
        seen.add(c.passage_index)
        out.append(int(i))
        if len(out) == n:
            break
    return out


def decide(report: Report, a: Analysis, models: Models, top_k: int = 5, alternatives: int = 3) -> Answer:
    """Choose the quote, order the passages by their best quote, and set status, found and confidence."""
    raw = models.quote.logit(a.features) if a.candidates else np.empty(0)
    scores, satisfied = a.constrained(raw)
    best_in: dict[int, float] = {}
    for c, sc in zip(a.candidates, scores, strict=True):
        best_in[c.passage_index] = max(best_in.get(c.passage_index, -math.inf), float(sc))
    reranked = sorted(best_in, key=lambda p: -best_in[p])
    order = reranked + [p for p in a.order if p not in best_in]
    fused = dict(zip(a.order, a.fused, strict=False))
    top_k = max(1, min(int(top_k), len(order)))
    hits = tuple(Hit(report.passages[p], best_in.get(p, fused.get(p, 0.0)), r + 1) for r, p in enumerate(order[:top_k]))

    qx = question_features(a, scores, raw)
    conf = float(1.0 / (1.0 + math.exp(-float(models.confidence.logit(qx[None, :])[0]))))
    best_index = int(np.argmax(scores)) if a.candidates else None
    best = a.candidates[best_index] if best_index is not None else None
    # no quote carries the asked year or name: the report has the topic, not the answer
    status: Status = status_of(conf, models) if best is not None and satisfied else "not_found"
    text, passage_id = "", None
    alts: list[Alternative] = []
    if best is not None:
        text = quote_text(report, best, a.terms, a.constraints.years)
        passage_id = report.passages[best.passage_index].id
        if status == "uncertain":
            for i in alternative_indices(a, scores, alternatives):
                c = a.candidates[i]
                alt = quote_text(report, c, a.terms, a.constraints.years)
                figures, spans = mark_figures(alt)
                alts.append(Alternative(alt, report.passages[c.passage_index].id, tuple(figures), tuple(spans)))
    figures, spans = mark_figures(text)
    return Answer(question=a.query.raw, text=text, figures=tuple(figures), spans=tuple(spans),
                  found=status == "found", confidence=round(conf, 4), passage_id=passage_id, hits=hits,
                  notice=a.query.notice, english=a.query.english, status=status, alternatives=tuple(alts),
                  note=_note(a, best_index, satisfied), interpreted=a.interpreted,
                  lead=lead_cell(report.passages[best.passage_index], a.constraints.years) if best and satisfied else "")

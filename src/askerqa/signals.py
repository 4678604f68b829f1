"""Every candidate quote of a question described by named signals (`analyse` -> `Analysis`), and the question-level
signals the confidence model reads (`question_features`).

A signal is one entry of the {name: value} mapping `_signals` returns; `SIGNALS` is the order of the models'
columns. To add one: name it in SIGNALS, give its value in `_signals`, retune (scripts/tune.py).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from .constraints import Constraints
from .query import Query
from .units import Report, UnitFeatures, content_terms, mark_figures

_WHY = re.compile(r"\b(hvorfor|why|årsak(en)?|grunnen)\b", re.I)


# Each candidate's signals, by name (analyse builds a {name: value} mapping per candidate; this order is the
# models' column order). To add a signal: add its name here and its value in `_signals`, then retune.
SIGNALS = (
    "cos", "passage_cos", "rank", "lexical", "cover", "passage_cover", "number", "no_number",
    "year_hit", "year_miss", "year_other", "name_hit", "name_miss", "name_extra", "cause", "enumeration",
    "pair", "anaphor", "short", "row", "list", "english_cos", "english_cover", "no_name", "no_time",
    "year_in_span_only", "no_money", "counted", "cover_part", "rare_miss", "passage_cos_gap", "cos_z",
)
# signals also given as the gap to the question's best candidate: similarity scales differ between questions
# (an English question's best cosine is lower), a gap does not
_GAPPED = {"cos_gap": "cos", "cover_gap": "cover"}
CANDIDATE_FEATURES = SIGNALS + tuple(_GAPPED)
QUESTION_FEATURES = (
    "best", "margin", "top_cosine", "sentence_best", "coverage", "unknown", "english",
    "best_no_number", "best_cos", "best_cover", "best_passage_cover", "best_rank", "best_lexical", "missing_rare",
    "best_no_name", "best_no_time", "figure_agrees", "constraint_cost", "best_cos_z", "best_cover_part",
    "best_rare_miss",
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
    sentence_mean: float = 0.0  # mean cosine of the question to every sentence/row of the report
    sentence_spread: float = 1.0  # and their standard deviation (askerqa.ranking.Ranking)


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


@dataclass(frozen=True)
class _Question:
    """What every candidate of one question is measured against, worked out once per question."""

    query: Query
    constraints: Constraints
    terms: frozenset[str]
    counted: frozenset[str]  # the words a count question counts
    weighted: dict[str, float]  # the question's words by rarity
    total: float
    why: bool
    parts: dict[str, frozenset[str]]  # each question word -> the report's compounds it is part of
    known: dict[str, float]  # the question's words the report uses (whole or inside a compound), by rarity
    top_known: float
    best_passage_cos: float  # over the quote pool
    cos_mean: float  # the question's cosines to every sentence/row: mean and spread (Signals)
    cos_spread: float


def _signals(q: _Question, unit: UnitFeatures, cos: float, passage_cos: float, rank: int, lexical: float,
             pcover: float, kind: str, section_names: frozenset[str], section_terms: frozenset[str]) -> dict[str, float]:
    """One candidate's SIGNALS, each by its name."""
    query, years, names, weighted, parts = q.query, q.constraints.years, q.constraints.names, q.weighted, q.parts
    cover = sum(w for t, w in weighted.items() if t in unit.terms) / q.total
    has_names = unit.names | section_names
    unit_years, unit_single_years = unit.years_on(q.terms)
    year_hit = bool(years & unit_years)
    # question words the unit holds only inside a longer word (`gjeld` in `gjeldsgrad`)
    as_part = [t for t in weighted if t not in unit.terms and parts[t] & unit.terms]
    # the rarest question word the report uses that neither the unit nor its section holds, even inside a compound:
    # the topic (`sykefravær`) outweighs the year and the generic words a wrong row shares with the question
    held = unit.terms | section_terms
    rare_miss = max((w for t, w in q.known.items() if t not in held and not parts[t] & held), default=0.0) / q.top_known
    en = float(query.english)
    return {
        "cos": cos, "passage_cos": passage_cos, "rank": 1.0 / (1 + rank), "lexical": lexical, "cover": cover,
        "passage_cover": pcover,
        "number": float(query.wants_number and unit.has_figure),
        "no_number": float(query.wants_number and not unit.has_figure),
        "year_hit": float(year_hit), "year_miss": float(bool(years) and not year_hit),
        "year_other": float(bool(years) and not year_hit and bool(unit_years)),
        "name_hit": float(bool(names & has_names)), "name_miss": float(bool(names) and not names & has_names),
        "name_extra": float(bool(unit.names - names)), "cause": float(q.why and unit.gives_reason),
        "enumeration": float(query.wants_list and unit.enumerates), "pair": float(bool(unit.parts)),
        "anaphor": float(unit.anaphor), "short": float(unit.words < 6 and kind != "table_row"),
        "row": float(kind == "table_row"), "list": float(kind == "list"), "english_cos": en * cos,
        "english_cover": en * cover, "no_name": float(query.wants_name and not unit.has_name),
        "no_time": float(query.wants_time and not unit.has_time),
        "year_in_span_only": float(year_hit and not years & unit_single_years),
        "no_money": float(query.wants_money and not unit.has_money), "counted": float(bool(unit.counted & q.counted)),
        "cover_part": sum(weighted[t] for t in as_part) / q.total, "rare_miss": rare_miss,
        "passage_cos_gap": passage_cos - q.best_passage_cos, "cos_z": (cos - q.cos_mean) / q.cos_spread,
    }


def analyse(report: Report, query: Query, constraints: Constraints, qvec: np.ndarray, order: list[int],
            fused: list[float], cosine: np.ndarray, lexical: np.ndarray, signals: Signals,
            pool: Sequence[tuple[int, int]], interpreted: str = "") -> Analysis:
    """Describe every candidate quote of the passages in `pool` ((fused rank, passage index) each, see
    askerqa.ranking.quote_pool) by the signals in CANDIDATE_FEATURES."""
    terms = frozenset(content_terms(query.text))
    weighted = report.idf.of(set(terms))
    total = sum(weighted.values()) or 1.0
    parts = {t: report.compounds.get(t, frozenset()) for t in terms}
    known = {t: w for t, w in weighted.items() if t in report.idf.idf or parts[t]}
    q = _Question(query, constraints, terms, frozenset(content_terms(query.counted)), weighted, total,
                  bool(_WHY.search(query.text)), parts, known, max(known.values(), default=1.0),
                  max((float(cosine[pidx]) for _, pidx in pool), default=0.0), signals.sentence_mean,
                  signals.sentence_spread)
    lex_max = float(lexical.max()) if lexical.size and lexical.max() > 0 else 1.0
    top_weight = max(weighted.values(), default=1.0)
    cands: list[Candidate] = []
    rows: list[list[float]] = []
    missing: list[float] = []
    all_years: list[bool] = []
    for rank, pidx in pool:
        passage = report.passages[pidx]
        pcover = sum(w for t, w in weighted.items() if t in report.passage_terms[pidx]) / total
        lacks = max((w for t, w in weighted.items() if t not in report.passage_terms[pidx]), default=0.0) / top_weight
        found = report.candidates.get(pidx)
        if found is None:
            continue
        similarities = found.vectors @ qvec
        for (start, end, unit, _pair), cos in zip(found.spans, similarities.tolist(), strict=True):
            signal = _signals(q, unit, cos, float(cosine[pidx]), rank, float(lexical[pidx]) / lex_max, pcover,
                              passage.kind, report.section_names[pidx], report.passage_terms[pidx])
            rows.append([signal[name] for name in SIGNALS])
            cands.append(Candidate(pidx, start, end, unit, passage.text[start:end]))
            missing.append(lacks)
            all_years.append(constraints.years <= unit.years_on(terms)[0])
    features = np.asarray(rows, dtype=np.float64).reshape(len(rows), len(SIGNALS))
    base = [SIGNALS.index(name) for name in _GAPPED.values()]
    gaps = features[:, base] - features[:, base].max(axis=0) if len(rows) else np.empty((0, len(_GAPPED)))
    features = np.hstack([features, gaps])
    return Analysis(query, constraints, terms, list(order), list(fused), cands, features, signals,
                    np.asarray(missing, dtype=np.float64), interpreted, np.asarray(all_years, dtype=bool))


def question_features(a: Analysis, scores: np.ndarray, raw: np.ndarray | None = None) -> np.ndarray:
    """QUESTION_FEATURES for the confidence model, given the (constrained) candidate scores and the raw ones:
    how far the best quote that carries the asked year/name falls below the best quote of all (`constraint_cost`)
    tells an on-topic answer for that year from a stray sentence that merely holds the number 2024."""
    s = a.signals
    base = [s.top_cosine, s.sentence_best, s.coverage, min(s.unknown, 3), float(s.english)]
    if not a.candidates:
        none = {"best": -10.0, "margin": 0.0, "best_no_number": 1.0, "missing_rare": 1.0, "best_no_name": 1.0,
                "best_no_time": 1.0, "constraint_cost": 5.0, "best_rare_miss": 1.0}
        row = dict(zip(("top_cosine", "sentence_best", "coverage", "unknown", "english"), base, strict=True))
        return np.array([row.get(n, none.get(n, 0.0)) for n in QUESTION_FEATURES])
    b = int(np.argmax(scores))
    best_passage = a.candidates[b].passage_index
    others = [sc for c, sc in zip(a.candidates, scores, strict=True) if c.passage_index != best_passage]
    margin = min(float(scores[b] - max(others)), 5.0) if others else 5.0
    f = dict(zip(CANDIDATE_FEATURES, a.features[b], strict=True))
    q = {
        "best": float(scores[b]), "margin": margin, "top_cosine": s.top_cosine, "sentence_best": s.sentence_best,
        "coverage": s.coverage, "unknown": min(s.unknown, 3), "english": float(s.english),
        "best_no_number": f["no_number"], "best_cos": f["cos"], "best_cover": f["cover"],
        "best_passage_cover": f["passage_cover"], "best_rank": f["rank"], "best_lexical": f["lexical"],
        "missing_rare": float(a.missing_rare[b]), "best_no_name": f["no_name"], "best_no_time": f["no_time"],
        "figure_agrees": float(_figure_agrees(a, scores, b)),
        "constraint_cost": min(float(raw.max() - raw[b]), 5.0) if raw is not None else 0.0,
        "best_cos_z": f["cos_z"], "best_cover_part": f["cover_part"], "best_rare_miss": f["rare_miss"],
    }
    return np.array([q[n] for n in QUESTION_FEATURES])


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

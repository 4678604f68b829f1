"""Hits -> Answer: pick the sentence or table row that answers, mark its figures, and say how sure.

Two stages, so that evaluation can refit the second on other questions (`askerqa eval --cv`):
- `analyse` (signals.py) reads the top passages of a ranking and describes every quotable unit (a sentence, a table
  row, a list, or two neighbouring sentences) by honest signals: similarity to the question, share of
  the question's words it holds (weighted by rarity), whether it holds the asked year and names, a
  figure when a quantity is asked, a reason when "why" is asked, an anaphor at its start …
- `decide` (here) scores the units with a learned linear model (`QuoteModel`), quotes the best one verbatim,
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
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .compare import compare, comparison_of
from .constraints import single_years_in, years_in
from .contract import DEFAULT_TOP_K
from .errors import ModelError
from .signals import CANDIDATE_FEATURES, QUESTION_FEATURES, Analysis, Candidate, question_features
from .text import fold
from .types import Alternative, Answer, Hit, Passage, Status
from .units import MAX_QUOTE, Report, content_terms, mark_figures

TUNED_PATH = Path(__file__).parent / "data" / "tuned.json"


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
        """The shipped models; ModelError (one Norwegian line) when the record is missing, damaged or was fitted
        on other signals than this version computes."""
        try:
            return cls.from_dict(json.loads(path.read_text(encoding="utf-8"))["models"])
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ModelError(f"De lærte svarmodellene ({path.name}) kan ikke brukes med denne versjonen av "
                             f"programmet ({exc.__class__.__name__}); kjør `python scripts/tune.py`.") from None


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


def pending_note(a: Analysis, raw: np.ndarray) -> tuple[int, str] | None:
    """When the best quote of all, asked years aside, is a row (about the asked place or group, if any) whose cells
    for every asked year print «Tall kommer» or «Ikke målt», the report says it has no figure for that year: (that
    row, the note saying so, year by year). Another passage's sentence that merely holds the year is about
    something else."""
    if not a.constraints.years or not len(raw):
        return None
    b = int(np.argmax(raw))
    pending = dict(a.candidates[b].unit.pending)
    if not a.constraints.years <= pending.keys() or a.features[b, CANDIDATE_FEATURES.index("name_miss")]:
        return None
    years = sorted(a.constraints.years)
    said = {pending[y].lower() for y in years}
    asked = " og ".join(years)
    if said == {"tall kommer"}:
        return b, f"Rapporten oppgir ikke tallet for {asked} ennå (Tall kommer)."
    if said == {"ikke målt"}:
        return b, f"Rapporten oppgir ikke tallet for {asked}: det ble ikke målt (Ikke målt)."
    return b, "Rapporten oppgir ikke tallet for " + " og ".join(f"{y} ({pending[y]})" for y in years) + "."


def _quoted(passage: Passage) -> Alternative:
    """A whole passage (a table row) as a quote with its figures marked."""
    figures, spans = mark_figures(passage.text)
    return Alternative(passage.text, passage.id, tuple(figures), tuple(spans))


NO_FIGURE = "Rapporten ser ikke ut til å oppgi noe tall for dette."
NO_MONEY = "Rapporten ser ikke ut til å oppgi noe beløp for dette."
COMPARE_DEPTH = 3  # a comparison's rows come from the table row among the best quotes of this many passages


def _compared_row(report: Report, a: Analysis, scores: np.ndarray) -> int | None:
    """The table row a comparison reads: the best quote's passage when it is a row, else the best row among the
    best quotes of the first COMPARE_DEPTH passages (a sentence about the topic may outscore the table that
    holds every year); None when there is none."""
    seen: list[int] = []
    for i in np.argsort(-scores, kind="stable"):
        p = a.candidates[int(i)].passage_index
        if p in seen:
            continue
        if report.passages[p].table is not None:
            return p
        seen.append(p)
        if len(seen) == COMPARE_DEPTH:
            return None
    return None


def lead_cell(passage: Passage, years: frozenset[str]) -> str:
    """For a table row and a question that asks for years: the asked cells, verbatim (`2021: 8,4 %`)."""
    if passage.table is None or not years:
        return ""
    # `Andel vekst 2019-2022` is the growth over a span, not the 2022 figure
    cells = [f"{header}: {value}" for header, value in passage.table.cells
             if header and years & single_years_in(header)]
    return "; ".join(cells)


# An uncertain answer shows another quote only when the quote model finds it at least this likely relative to the
# best (the listwise model is a conditional logit: a score difference is a log odds ratio): a plausible answer to
# the same question, never filler from whatever passage ranks next.
ALTERNATIVE_ODDS = 0.1


def alternative_indices(a: Analysis, scores: np.ndarray, n: int = 3) -> list[int]:
    """The candidates an uncertain answer shows: the best of each of the `n` best passages, never one for
    another year or place, nor one far less likely than the best (ALTERNATIVE_ODDS); evaluate's Utility values
    the uncertain state by what these show."""
    eligible = a.eligible
    seen: set[int] = set()
    out: list[int] = []
    floor = float(scores.max()) + math.log(ALTERNATIVE_ODDS) if len(scores) else 0.0
    for i in np.argsort(-scores, kind="stable"):
        c = a.candidates[int(i)]
        if c.passage_index in seen or not eligible[int(i)]:
            continue
        if out and scores[int(i)] < floor:
            break
        seen.add(c.passage_index)
        out.append(int(i))
        if len(out) == n:
            break
    return out


def decide(report: Report, a: Analysis, models: Models, top_k: int = DEFAULT_TOP_K, alternatives: int = 3) -> Answer:
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
    pending = pending_note(a, raw)
    if pending is not None:  # the report prints that it has no figure for the asked year: show that row
        best_index, satisfied = pending[0], False
    best = a.candidates[best_index] if best_index is not None else None
    # a figure asked («hvor mange», «hvor mye», «hvor gammel») and the best quote holds none, not even in words:
    # the report names the thing, not the figure (a person's age or salary is answered by the line naming them)
    no_figure = best is not None and pending is None and a.query.asks_figure and not best.unit.counts
    # a sum of money asked («hva tjener», «hvor mye koster», «how much is a ticket») and the best quote holds none:
    # counts of leaders or years are no salary or price
    # («Hvor mange billetter ble solgt?» counts tickets: a count, not a sum, answers it)
    no_money = best is not None and pending is None and a.query.asks_figure and a.query.wants_money \
        and not a.query.counted and not best.unit.has_money
    # no quote carries the asked year or name: the report has the topic, not the answer
    status: Status = status_of(conf, models) if best is not None and satisfied and not (no_figure or no_money) \
        else "not_found"
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
    rows: tuple[Alternative, ...] = ()
    line = ""
    lead = lead_cell(report.passages[best.passage_index], a.constraints.years) if best and satisfied else ""
    asked = comparison_of(a.query.text)
    source = _compared_row(report, a, scores) if best is not None and asked is not None else None
    if source is not None and asked is not None and status != "not_found":
        words = frozenset(fold(w) for w in re.findall(r"\w+", a.query.text))
        compared = compare(report.passages, report.siblings, source, asked, a.constraints.years, words)
        if compared is not None:
            rows = tuple(_quoted(report.passages[i]) for i in compared.rows)
            line = compared.line
            if compared.rows != (source,):  # across rows: the answering row, or the two rows compared, is the quote
                both = "\n".join(r.text for r in rows[:2])
                text = both if compared.versus and len(both) <= MAX_QUOTE else rows[0].text
                passage_id, lead = rows[0].passage_id, ""
    figures, spans = mark_figures(text)
    return Answer(question=a.query.raw, text=text, figures=tuple(figures), spans=tuple(spans),
                  found=status == "found", confidence=round(conf, 4), passage_id=passage_id, hits=hits,
                  notice=a.query.notice, english=a.query.english, status=status, alternatives=tuple(alts),
                  note=pending[1] if pending else NO_FIGURE if no_figure else NO_MONEY if no_money
                  else _note(a, best_index, satisfied),
                  interpreted=a.interpreted,
                  lead=lead, rows=rows, comparison=line)

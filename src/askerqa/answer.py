"""Hits -> Answer: pick the one sentence or table row that answers, mark its figures, decide found.

The quote is always a verbatim slice of a passage (never reworded); figures are marked by character
spans, never rewritten.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from .lexical import tokenize
from .query import Query
from .types import Hit

MAX_QUOTE = 400

_FIGURE = re.compile(
    r"(?<![\w,.])-?\d{1,3}(?: \d{3})+(?:,\d+)?(?:\s?(?:%|prosent(?:poeng)?|mill\.|mrd\.|kroner|kr\.?|kWh|år))?"
    r"|(?<![\w,.])-?\d+(?:,\d+)?(?:\s?(?:%|prosent(?:poeng)?|mill\.|mrd\.|kroner|kr/ ?m2|kr\.?|µg/m3|kg/m2|kWh|år))?"
)
_YEARLIKE = re.compile(r"(?:19[89]\d|20[0-4]\d)(?:-(?:19[89]\d|20[0-4]\d))?")


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


@dataclass(frozen=True)
class Weights:
    """Answer-selection weights, tuned on the dev set as a whole (see `askerqa eval`)."""

    lexical: float = 0.08
    rank: float = 0.03
    number: float = 0.03
    year: float = 0.03


@dataclass(frozen=True)
class Quote:
    text: str
    passage_index: int
    hit_rank: int
    score: float
    semantic: float
    coverage: float


def _content_terms(text: str) -> set[str]:
    return {t for t in tokenize(text) if not t[0].isdigit()}


def _window(text: str, terms: set[str], limit: int = MAX_QUOTE) -> tuple[int, int]:
    """For a sentence over the limit: the word-aligned window of `limit` chars with the most query terms."""
    starts = [0] + [m.end() for m in re.finditer(r"[,;:]\s|\s–\s", text)]
    best, best_score = (0, limit), -1.0
    for s in starts:
        e = min(len(text), s + limit)
        if e < len(text):
            cut = text.rfind(" ", s, e)
            e = cut if cut > s else e
        piece = text[s:e]
        score = len(_content_terms(piece) & terms) + 0.5 * bool(re.search(r"\d", piece))
        if score > best_score:
            best, best_score = (s, e), score
    return best


def pick_quote(query: Query, qvec: np.ndarray, hits: list[Hit], hit_indices: list[int],
               sentence_refs: np.ndarray, sentence_vectors: np.ndarray, passages_text: list[str],
               by_passage: dict[int, np.ndarray], weights: Weights = Weights(), depth: int = 5) -> Quote | None:
    """Score every sentence/table row of the top hits and return the best as a verbatim quote."""
    terms = _content_terms(query.text)
    best: Quote | None = None
    best_score = -math.inf
    for rank, pidx in enumerate(hit_indices[:depth]):
        rows = by_passage.get(pidx)
        if rows is None:
            continue
        sims = sentence_vectors[rows] @ qvec
        text = passages_text[pidx]
        for row, sim in zip(rows, sims, strict=True):
            _, start, end = sentence_refs[row]
            sentence = text[start:end]
            sent_terms = _content_terms(sentence)
            coverage = len(terms & sent_terms) / len(terms) if terms else 0.0
            score = float(sim) + weights.lexical * coverage - weights.rank * rank
            has_number = bool(re.search(r"\d", sentence))
            if query.wants_number and has_number:
                score += weights.number
            if query.years and any(y in sentence for y in query.years):
                score += weights.year
            if score > best_score:
                if len(sentence) > MAX_QUOTE:
                    s, e = _window(sentence, terms)
                    sentence = sentence[s:e].strip()
                best_score = score
                best = Quote(sentence, pidx, rank, score, float(sim), coverage)
    return best


def confidence(dense_top: float, coverage: float, quote_sim: float) -> float:
    """Probability-like confidence that the report answers the question.

    A logistic function of the best passage's cosine similarity, the share of the question's content
    words found in the best passages and the quote's similarity; its centre and slopes were set on the
    dev set as a whole.
    """
    z = 28.0 * (dense_top - 0.835) + 3.0 * (coverage - 0.5) + 10.0 * (quote_sim - 0.82)
    return 1.0 / (1.0 + math.exp(-z))


FOUND_THRESHOLD = 0.5

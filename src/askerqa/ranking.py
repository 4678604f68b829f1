"""Reciprocal-rank fusion as a pure function over score arrays: no model, no index, testable on toy data.

Three rankings of the same passages are fused: by passage cosine, by each passage's best sentence cosine,
and by BM25. Each contributes weight / (k + rank) for the passages it ranks within `depth`; BM25 only for
passages it scores above zero.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

FUSION_PATH = Path(__file__).parent / "data" / "fusion.json"


@dataclass(frozen=True)
class FusionWeights:
    """The shipped weights are `tuned()`: scripts/tune_fusion.py checks them in cross-validation on the shared
    gold sets (data/fusion.json). The defaults are where that search started, hand-set on the first dev set.
    The learned answer stage reads each passage's fused rank, cosine and BM25 score as separate signals,
    which makes these matter less."""

    k: float = 10.0
    dense: float = 1.0
    lexical: float = 0.5
    sentence: float = 1.0  # ranking by each passage's best-matching sentence
    depth: int = 100  # how deep each ranking is read
    pool: int = 8  # quotes are drawn from the fused ranking's best `pool` passages …
    lexical_pool: int = 0  # … and from BM25's best `lexical_pool` passages (see quote_pool)

    @classmethod
    def tuned(cls, path: Path = FUSION_PATH) -> FusionWeights:
        """The weights scripts/tune_fusion.py chose (data/fusion.json)."""
        c = json.loads(path.read_text(encoding="utf-8"))["chosen"]
        # a record written before the quote pool was tuned was made with the defaults
        return cls(float(c["k"]), float(c["dense"]), float(c["lexical"]), float(c["sentence"]), int(c["depth"]),
                   int(c.get("pool", cls.pool)), int(c.get("lexical_pool", cls.lexical_pool)))


@dataclass(frozen=True)
class Ranking:
    order: np.ndarray  # passage indices, best first
    fused: np.ndarray  # fused score per passage
    cosine: np.ndarray  # dense cosine per passage
    sentence_best: float  # best cosine of any single sentence/row
    lexical: np.ndarray  # BM25 score per passage
    # how the question's cosines to every sentence/row spread: e5's cosines crowd into 0.75–0.9 and sit lower
    # for a question in other words than the report's, so a quote's standing is its distance from the mean
    sentence_mean: float = 0.0
    sentence_spread: float = 1.0


def _contribution(order: np.ndarray, weight: float, k: float) -> tuple[np.ndarray, np.ndarray]:
    return order, weight / (k + np.arange(1, len(order) + 1))


def _best_per_passage(n: int, passage: np.ndarray, score: np.ndarray) -> np.ndarray:
    """Each passage's best sentence score (-1 for a passage without sentences). The index lists sentences
    passage by passage, so a segmented max (reduceat) does it; ufunc.at, which allows any order, cost ~2 ms
    per question here."""
    best = np.full(n, -1.0, dtype=np.float32)
    if len(passage) and bool(np.all(passage[1:] >= passage[:-1])):
        starts = np.flatnonzero(np.r_[True, passage[1:] != passage[:-1]])
        best[passage[starts]] = np.maximum.reduceat(score, starts)
    else:
        np.maximum.at(best, passage, score)
    return best


def fuse(cosine: np.ndarray, sentence_cosine: np.ndarray, sentence_passage: np.ndarray, lexical: np.ndarray,
         weights: FusionWeights = FusionWeights()) -> Ranking:
    """Fused ranking of n passages.

    cosine: (n,) passage cosine; sentence_cosine: (m,) cosine of each sentence/row, sentence_passage: (m,)
    the passage it belongs to; lexical: (n,) BM25 scores.

    >>> r = fuse(np.array([0.9, 0.1, 0.5]), np.array([0.2, 0.8]), np.array([0, 2]), np.array([0.0, 0.0, 3.0]))
    >>> r.order.tolist()
    [2, 0, 1]
    """
    n = len(cosine)
    depth = min(weights.depth, n)
    fused = np.zeros(n, dtype=np.float64)
    rankings = [_contribution(np.argsort(-cosine, kind="stable")[:depth], weights.dense, weights.k)]
    if weights.sentence and len(sentence_cosine):
        best = _best_per_passage(n, sentence_passage, sentence_cosine)
        rankings.append(_contribution(np.argsort(-best, kind="stable")[:depth], weights.sentence, weights.k))
    if lexical.any():
        lex_order = np.argsort(-lexical, kind="stable")[:depth]
        rankings.append(_contribution(lex_order[lexical[lex_order] > 0], weights.lexical, weights.k))
    for order, gain in rankings:
        fused[order] += gain
    best_sentence = float(sentence_cosine.max()) if len(sentence_cosine) else 0.0
    mean = float(sentence_cosine.mean()) if len(sentence_cosine) else 0.0
    spread = float(sentence_cosine.std()) if len(sentence_cosine) > 1 else 1.0
    return Ranking(np.argsort(-fused, kind="stable"), fused, cosine, best_sentence, lexical, mean, max(spread, 1e-6))


def quote_pool(ranking: Ranking, weights: FusionWeights) -> list[tuple[int, int]]:
    """(fused rank, passage index) of the passages quotes are drawn from: the fused ranking's best `pool`,
    then BM25's best `lexical_pool` that are not among them. A table row that holds every word of the question
    can rank far down the fused ranking when the dense model reads rows poorly (rank 40 for a row that BM25
    ranks second); the answer stage judges it by its own sentences instead of by that rank.

    >>> r = Ranking(np.array([2, 0, 1, 3]), np.zeros(4), np.zeros(4), 0.0, np.array([0.0, 5.0, 1.0, 0.0]))
    >>> quote_pool(r, FusionWeights(pool=2, lexical_pool=2))
    [(0, 2), (1, 0), (2, 1)]
    """
    pool = [(rank, int(p)) for rank, p in enumerate(ranking.order[:weights.pool])]
    if weights.lexical_pool:
        seen = {p for _, p in pool}
        position = np.empty(len(ranking.order), dtype=np.int64)
        position[ranking.order] = np.arange(len(ranking.order))
        best = np.argsort(-ranking.lexical, kind="stable")[:weights.lexical_pool]
        pool += [(int(position[p]), int(p)) for p in best if ranking.lexical[p] > 0 and int(p) not in seen]
    return pool

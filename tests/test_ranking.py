"""Reciprocal-rank fusion on toy arrays: no model, no index."""

import doctest

import numpy as np

from askerqa import ranking
from askerqa.ranking import FusionWeights, Ranking, fuse, quote_pool


def test_the_docstring_example_holds():
    assert doctest.testmod(ranking).failed == 0


def test_a_passage_first_in_every_ranking_comes_first():
    r = fuse(np.array([0.2, 0.9, 0.1]), np.array([0.1, 0.95, 0.3]), np.array([0, 1, 2]), np.array([0.0, 4.0, 1.0]))
    assert r.order[0] == 1
    assert r.fused[1] > r.fused[0] and r.fused[1] > r.fused[2]


def test_reciprocal_rank_gains_follow_the_weights():
    w = FusionWeights(k=10.0, dense=1.0, sentence=0.0, lexical=0.5)
    r = fuse(np.array([0.9, 0.1]), np.array([]), np.array([], dtype=int), np.array([0.0, 2.0]), w)
    assert np.isclose(r.fused[0], 1.0 / 11)  # first by cosine; no BM25 score
    assert np.isclose(r.fused[1], 1.0 / 12 + 0.5 / 11)  # second by cosine, first by BM25
    assert r.order.tolist() == [1, 0]


def test_bm25_adds_nothing_for_passages_it_does_not_score_and_depth_cuts_the_tail():
    w = FusionWeights(depth=1, sentence=0.0)
    r = fuse(np.array([0.9, 0.5, 0.1]), np.array([]), np.array([], dtype=int), np.zeros(3), w)
    assert r.fused.tolist()[1:] == [0.0, 0.0] and r.fused[0] > 0


def test_best_sentence_per_passage_in_either_order():
    from askerqa.ranking import _best_per_passage

    scores = np.array([0.1, 0.7, 0.3, 0.9, 0.2], dtype=np.float32)
    sorted_refs = np.array([0, 0, 2, 2, 3])
    assert _best_per_passage(5, sorted_refs, scores).tolist() == [np.float32(0.7), -1.0, np.float32(0.9),
                                                                  np.float32(0.2), -1.0]
    shuffled = np.array([2, 0, 3, 0, 2])
    assert _best_per_passage(5, shuffled, scores).tolist() == [np.float32(0.9), -1.0, np.float32(0.2),
                                                               np.float32(0.3), -1.0]


def test_quotes_are_drawn_from_the_fused_best_and_bm25s_best_once_each_with_their_fused_rank():
    lexical = np.array([0.0, 0.0, 0.0, 9.0, 8.0, 0.0])
    r = Ranking(np.array([0, 1, 2, 3, 4, 5]), np.zeros(6), np.zeros(6), 0.0, lexical)
    assert quote_pool(r, FusionWeights(pool=2, lexical_pool=0)) == [(0, 0), (1, 1)]
    assert quote_pool(r, FusionWeights(pool=2, lexical_pool=2)) == [(0, 0), (1, 1), (3, 3), (4, 4)]
    assert quote_pool(r, FusionWeights(pool=4, lexical_pool=2)) == [(0, 0), (1, 1), (2, 2), (3, 3), (4, 4)]
    # a passage BM25 does not score at all is never added for it
    assert quote_pool(r, FusionWeights(pool=1, lexical_pool=4)) == [(0, 0), (3, 3), (4, 4)]

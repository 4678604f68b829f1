"""The tuned answer models are current: fitted on today's gold sets, over an index of today's pipeline."""

import hashlib
import json
from pathlib import Path

import pytest

from askerqa.answer import CANDIDATE_FEATURES, QUESTION_FEATURES, TUNED_PATH, Models
from askerqa.config import settings
from askerqa.embedding import sha256_of
from askerqa.index import pipeline_sha256

ROOT = Path(__file__).resolve().parents[1]
RETUNE = "run `python scripts/tune.py` (it rewrites src/askerqa/data/tuned.json)"
REFUSE = "run `python scripts/tune_fusion.py`, then `python scripts/tune.py`"


def test_the_models_load_and_read_todays_features():
    models = Models.load()
    assert models.quote.names == CANDIDATE_FEATURES and models.confidence.names == QUESTION_FEATURES
    assert 0.0 <= models.uncertain_at <= models.found_at <= 1.0 + 1e-6


def test_the_models_were_fitted_on_the_current_gold_sets_and_pipeline():
    record = json.loads(TUNED_PATH.read_text(encoding="utf-8"))
    for data in record["data"]:
        assert hashlib.sha256((ROOT / data["file"]).read_bytes()).hexdigest() == data["sha256"], RETUNE
    assert record["index"]["pipeline_sha256"] == pipeline_sha256(), RETUNE
    assert record["index"]["corpus_sha256"] == sha256_of(settings().corpus), RETUNE
    assert record["chosen"] in record["tried"] and record["folds"]["k"] >= 2  # where the numbers came from


def test_the_shipped_thresholds_are_the_ones_the_outcome_values_give():
    from askerqa.outcomes import thresholds

    models = Models.load()
    assert (models.found_at, models.uncertain_at) == pytest.approx(thresholds()), RETUNE


def test_a_setting_ahead_by_a_coin_toss_gives_way_to_the_more_regularised_one():
    import numpy as np

    from askerqa.learn import Hyper, choose, within_one_se

    rng = np.random.default_rng(0)
    base = rng.choice([1.0, 0.25, -0.5, -6.0], size=200, p=[0.6, 0.25, 0.12, 0.03])
    grid = [Hyper(0.1, 0.1, True), Hyper(1.0, 0.1, True), Hyper(0.1, 0.1, False)]
    tie = base.copy()
    tie[:6] += 0.75  # six questions better and four worse: a lead of one question, within the noise
    tie[6:10] -= 0.75
    worse = base - 0.5  # clearly worse everywhere
    assert choose(grid, np.vstack([base, tie, worse])) == 0  # the weaker-regularised one's lead is noise
    assert within_one_se(grid, np.vstack([base, tie, worse])) == [True, True, True]
    clear = base + 0.5
    assert choose(grid, np.vstack([base, clear, worse])) == 1  # a lead on every question is not
    assert within_one_se(grid, np.vstack([base, clear, worse])) == [False, True, True]
    # between forms the better utility wins, whatever the regularisation
    assert choose(grid, np.vstack([worse, worse, base])) == 2


def test_the_fusion_weights_were_checked_on_the_current_gold_sets_and_the_models_tuned_with_them():
    from dataclasses import asdict

    from askerqa.ranking import FUSION_PATH, FusionWeights

    record = json.loads(FUSION_PATH.read_text(encoding="utf-8"))
    for data in record["data"]:
        assert hashlib.sha256((ROOT / data["file"]).read_bytes()).hexdigest() == data["sha256"], REFUSE
    assert record["index"]["pipeline_sha256"] == pipeline_sha256(), REFUSE
    chosen = asdict(FusionWeights.tuned())
    tried = record["tried"] + record["pools_tried"]
    assert any({k: t[k] for k in chosen} == chosen for t in tried) and record["folds"]["k"] >= 2
    # the answer models learnt from analyses made with the shipped weights
    assert json.loads(TUNED_PATH.read_text(encoding="utf-8"))["fusion"] == chosen, RETUNE


def test_new_fusion_weights_must_beat_the_current_ones_by_more_than_the_noise():
    import numpy as np

    from askerqa.learn import beats

    rng = np.random.default_rng(1)
    current = rng.choice([1.0, 0.25, -0.5, -6.0], size=200, p=[0.6, 0.25, 0.12, 0.03])
    one_question = current.copy()
    one_question[:3] += 1.25  # three questions a little better, one a little worse: about one question ahead
    one_question[3] -= 1.25
    assert not beats(one_question, current)
    assert beats(current + 0.25, current)  # better on every question
    assert not beats(current, current)

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

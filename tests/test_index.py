"""The index manifest: what it records, stale detection, and cached rebuilds."""

import json
import shutil
from dataclasses import replace

import numpy as np
import pytest

from askerqa.config import settings
from askerqa.errors import IndexNotReady
from askerqa.index import EmbeddingCache, build, load, stale_reason

pytestmark = pytest.mark.slow


def test_manifest_says_what_the_index_was_built_from(engine):
    m = json.loads((settings().index_dir / "manifest.json").read_text())
    for key in ("corpus_sha256", "model_id", "weights_sha256", "pipeline_sha256", "passage_count", "dimension",
                "built_at", "build_seconds", "package_version"):
        assert key in m
    assert m["passage_count"] == len(engine.passages)
    assert m["dimension"] == 384


def test_changed_corpus_makes_the_index_stale_and_it_is_refused(tmp_path, engine):
    s = settings()
    corpus = tmp_path / "report.txt"
    shutil.copy(s.corpus, corpus)
    index_dir = tmp_path / "index"
    shutil.copytree(s.index_dir, index_dir)
    changed = replace(s, corpus=corpus, index_dir=index_dir)
    assert stale_reason(changed) is None
    corpus.write_text(corpus.read_text(encoding="utf-8") + "\nEn ny linje.\n", encoding="utf-8")
    assert "rapporten" in stale_reason(changed)
    with pytest.raises(IndexNotReady):
        load(changed)


class CountingModel:
    def __init__(self, model):
        self.model, self.texts = model, 0

    def encode(self, texts, **kw):
        self.texts += len(texts)
        return self.model.encode(texts, **kw)


def test_rebuild_with_nothing_changed_encodes_nothing(tmp_path, engine):
    s = settings()
    index_dir = tmp_path / "index"
    shutil.copytree(s.index_dir, index_dir)
    counting = CountingModel(engine.model)
    same = replace(s, index_dir=index_dir)
    build(same, model=counting, progress=False)  # current: returns at once
    build(same, model=counting, progress=False, force=True)  # rebuilt from the embedding cache
    assert counting.texts == 0
    assert stale_reason(same) is None


def test_embedding_cache_only_encodes_new_texts(tmp_path, engine):
    cache = EmbeddingCache(tmp_path / "e.npz")
    counting = CountingModel(engine.model)
    a = cache.encode(counting, "m", ["én", "to"], "passage", progress=False)
    b = cache.encode(counting, "m", ["to", "tre"], "passage", progress=False)
    assert counting.texts == 3
    assert np.allclose(a[1], b[0])

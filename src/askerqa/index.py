"""Build, save, load and validate the search index in `index/`.

Contents: passages.jsonl, dense.faiss (exact inner product over normalised passage vectors),
sentences.json + sentences.npy (quotable units and their vectors, for picking the answer), bm25/ (BM25),
cache/embeddings.npz (vectors by text hash, so a rebuild re-encodes only what changed) and
manifest.json, which says what the index was built from and the size and sha256 of every index file.
An index whose manifest does not match the corpus, the model, the pipeline code or the files on disk
is stale and is never answered from. Each file is written atomically (temp file, fsync, rename) and
the manifest last, so a build killed midway leaves an index that is either the old one or detectably
stale; its temp files are removed by the next build or load. A build holds the folder's lock file
(`.lock`) exclusively and a load holds it shared, so concurrent builds take turns and a load never reads
files another process is replacing. A file-system fault (no access, a read-only or full disk, a folder
where a file belongs) is one Norwegian line (IndexNotReady), never a traceback.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from . import __version__
from .config import Settings
from .embedding import load_model, model_identity, sha256_of
from .errors import IndexNotReady
from .lexical import Lexical
from .storage import FILE_MODE, LockBusy, locked, os_problem
from .types import Passage

if TYPE_CHECKING:
    import faiss
    from sentence_transformers import SentenceTransformer

MANIFEST = "manifest.json"
# Files the manifest checksums, besides every file under bm25/.
CONTENT_FILES = ("passages.jsonl", "dense.faiss", "sentences.npy", "sentences.json")
BM25_DIR = "bm25"
CACHE_FILE = "cache/embeddings.npz"
LOCK_FILE = ".lock"  # never removed: a lock file deleted while held would let a second build in
LOCK_WAIT_S = 900.0  # how long a build or load waits for another build (a full re-encode takes minutes)
# Source files whose change changes the passages or the index: part of the manifest.
PIPELINE_FILES = ("ingest.py", "tables.py", "text.py", "passages.py", "lexical.py", "index.py")


def pipeline_sha256() -> str:
    h = hashlib.sha256()
    here = Path(__file__).parent
    for name in PIPELINE_FILES:
        h.update((here / name).read_bytes())
    return h.hexdigest()


def embed_text(p: Passage) -> str:
    """What is embedded and BM25-indexed for a passage: a contextual header plus the text."""
    if p.kind == "table_row" or not p.section:
        return p.text
    return f"{p.section}: {p.text}"


def sentence_spans(p: Passage) -> list[tuple[int, int]]:
    """Quotable units of a passage as character spans of its text (a table row or a list is one unit)."""
    if p.kind in ("table_row", "list"):
        return [(0, len(p.text))]
    spans: list[tuple[int, int]] = []
    pos = 0
    from .passages import split_sentences  # nltk (+128 MB of imports): only when building

    for s in split_sentences(p.text):
        start = p.text.find(s, pos)
        if start < 0:  # a sentence the splitter re-joined across a space: fall back to its first part
            start = pos
        spans.append((start, start + len(s)))
        pos = start + len(s)
    return spans


@dataclass
class IndexData:
    passages: list[Passage]
    dense: faiss.Index
    lexical: Lexical
    sentence_refs: np.ndarray  # (n, 3) int: passage index, start, end
    sentence_vectors: np.ndarray  # (n, dim) float32, normalised
    manifest: dict


def expected_identity(settings: Settings) -> dict[str, str]:
    ident = model_identity(settings.model)
    return {
        "corpus_sha256": sha256_of(settings.corpus),
        "model_id": ident["model_id"],
        "weights_sha256": ident["weights_sha256"],
        "pipeline_sha256": pipeline_sha256(),
        "package_version": __version__,
    }


def _corpus_check(corpus: Path) -> tuple[str, str] | None:
    """Why the report cannot be read and what to do (in Norwegian), or None."""
    if corpus.is_dir():
        return f"rapportfilen {corpus} er en mappe, ikke en fil", "Sett ASKERQA_CORPUS til selve rapportfilen"
    if not corpus.exists():
        return f"rapportfilen mangler ({corpus})", "Legg rapporten der, eller sett ASKERQA_CORPUS til filen"
    try:
        with corpus.open("rb"):
            pass
    except OSError as exc:
        return (f"rapportfilen kan ikke leses ({os_problem(exc)})",
                "Gi brukeren som kjører askerqa lesetilgang til rapporten, eller sett ASKERQA_CORPUS til en kopi")
    return None


def corpus_problem(corpus: Path) -> str | None:
    """Why the report cannot be read (in Norwegian), or None."""
    found = _corpus_check(corpus)
    return found[0] if found else None


def stale_reason(settings: Settings) -> str | None:
    """None when the index matches corpus, model and code; otherwise why it does not (in Norwegian).
    A model folder that cannot be read raises ModelError (one Norwegian line)."""
    folder = settings.index_dir
    if folder.exists() and not folder.is_dir():
        return f"indeksmappen {folder} er en fil, ikke en mappe"
    if not (folder / MANIFEST).exists():
        return "indeksen er ikke bygget ennå"
    try:
        manifest = _read_manifest(folder)
    except OSError as exc:
        return f"indeksens manifest kan ikke leses ({os_problem(exc)})"
    except ValueError:
        return "indeksens manifest kan ikke leses"
    problem = corpus_problem(settings.corpus)
    if problem is not None:
        return problem
    try:
        expected = expected_identity(settings)
    except OSError as exc:  # the report changed under us since corpus_problem looked
        return f"rapportfilen kan ikke leses ({os_problem(exc)})"
    labels = {"corpus_sha256": "rapporten", "model_id": "modellen", "weights_sha256": "modellvektene",
              "pipeline_sha256": "koden som lager passasjene", "package_version": "programversjonen"}
    for key, label in labels.items():
        if manifest.get(key) != expected[key]:
            return f"{label} er endret siden indeksen ble bygget"
    return damaged_file(settings.index_dir, manifest)


def _allowed(name: object) -> bool:
    """Only the index's own file names: a tampered manifest must not point the check elsewhere."""
    if not isinstance(name, str):
        return False
    if name in CONTENT_FILES:
        return True
    folder, _, rest = name.partition("/")
    return folder == BM25_DIR and rest not in ("", ".", "..") and "/" not in rest and "\\" not in rest


def damaged_file(folder: Path, manifest: dict) -> str | None:
    """Why the files on disk are not the ones the manifest recorded (in Norwegian), or None."""
    files = manifest.get("files")
    if not isinstance(files, dict) or not all(n in files for n in CONTENT_FILES) or not any(
        str(n).startswith(BM25_DIR + "/") for n in files
    ):
        return "manifestet mangler sjekksummer for indeksfilene"
    for name, expected in files.items():
        if not _allowed(name) or not isinstance(expected, dict):
            return "manifestet er ugyldig"
        path = folder / name
        if path.is_dir():
            return f"{name} er en mappe, ikke en fil"
        if not path.is_file():
            return f"{name} mangler i indeksen"
        try:
            if path.stat().st_size != expected.get("size"):
                return f"{name} har feil størrelse (skadet eller ufullstendig)"
            if sha256_of(path) != expected.get("sha256"):  # ~6 ms for the whole index, once per load
                return f"{name} er endret eller skadet (feil sjekksum)"
        except OSError as exc:
            return f"{name} kan ikke leses ({os_problem(exc)})"
    return None


class EmbeddingCache:
    """Vectors by (model, prompt, text) hash, so unchanged texts are never re-encoded."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.vectors: dict[str, np.ndarray] = {}
        self.dropped = 0  # entries (or a whole unreadable file, counted as 1) thrown away
        if not path.exists():
            return
        try:
            data = np.load(path, allow_pickle=False)
        except Exception:  # noqa: BLE001 - a truncated or foreign file is only a cache: start empty
            self.dropped = 1
            return
        if not isinstance(data, np.lib.npyio.NpzFile):  # a plain .npy array: not ours, replaced on save
            self.dropped = 1
            return
        with data:
            for key in data.files:
                try:
                    vec = data[key]
                except Exception:  # noqa: BLE001 - one damaged member (bad CRC, cut short) costs one re-encode
                    self.dropped += 1
                    continue
                if _sane(vec):
                    self.vectors[key] = vec.astype(np.float32)
                else:
                    self.dropped += 1

    @staticmethod
    def key(model_id: str, prompt: str, text: str) -> str:
        return hashlib.sha1(f"{model_id}\x00{prompt}\x00{text}".encode()).hexdigest()

    def encode(self, model: SentenceTransformer | _LazyModel, model_id: str, texts: list[str], prompt: str,
               progress: bool) -> np.ndarray:
        keys = [self.key(model_id, prompt, t) for t in texts]
        dim = _dimension(model, self.vectors)
        if dim is not None:  # a vector of another length (another model under the same id) is re-encoded
            for k in [k for k in keys if k in self.vectors and self.vectors[k].shape[0] != dim]:
                del self.vectors[k]
                self.dropped += 1
        todo = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in self.vectors}.items())
        if todo:
            vecs = model.encode([t for _, t in todo], prompt_name=prompt, batch_size=16,
                                normalize_embeddings=True, show_progress_bar=progress, convert_to_numpy=True)
            for (k, _), v in zip(todo, vecs, strict=True):
                self.vectors[k] = v.astype(np.float32)
        return np.stack([self.vectors[k] for k in keys]).astype(np.float32)

    def save(self, keep: set[str] | None = None) -> None:
        items: dict[str, Any] = {k: v for k, v in self.vectors.items() if keep is None or k in keep}
        buf = io.BytesIO()
        np.savez(buf, **items)
        try:
            if self.path.is_dir() and not self.path.is_symlink():
                self.path.rmdir()  # an empty folder where the file goes; a full one is not ours to delete
            write_atomic(self.path, buf.getvalue())
        except OSError as exc:  # only a cache: the index itself is still written
            print(f"askerqa: hurtiglageret ble ikke lagret ({os_problem(exc)}); indeksen bygges likevel.",
                  file=sys.stderr)


def _sane(vec: np.ndarray) -> bool:
    """A cached vector as encode wrote it: 1-D floats, finite, unit length."""
    return (vec.ndim == 1 and vec.size > 0 and vec.dtype.kind == "f" and bool(np.isfinite(vec).all())
            and abs(float(np.linalg.norm(vec)) - 1.0) < 1e-3)


def _dimension(model: object, vectors: dict[str, np.ndarray]) -> int | None:
    """The model's vector length, or the most common length in the cache when the model does not say."""
    get = getattr(model, "get_embedding_dimension", None) or getattr(model, "get_sentence_embedding_dimension", None)
    dim = get() if callable(get) else None  # sentence-transformers 6 renamed the method
    if isinstance(dim, int):
        return dim
    if not vectors:
        return None
    lengths = np.array([v.shape[0] for v in vectors.values()])
    values, counts = np.unique(lengths, return_counts=True)
    return int(values[np.argmax(counts)])


def write_atomic(path: Path, data: bytes) -> None:
    """Write to a temp file in the same folder, fsync, rename: readers see the old file or the new one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, FILE_MODE)  # mkstemp's 0600 would hide the index from a service user
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _bm25_blobs(lexical: Lexical, out: Path) -> dict[str, bytes]:
    """bm25s saves to a folder: save to a scratch folder beside the index and take the bytes."""
    scratch = Path(tempfile.mkdtemp(dir=out, prefix=".bm25."))
    try:
        lexical.save(scratch)
        return {f"{BM25_DIR}/{p.name}": p.read_bytes() for p in sorted(scratch.iterdir()) if p.is_file()}
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _remove_leftovers(out: Path) -> None:
    """Temp files and scratch folders of a build that was killed. Only with the lock held: a running build's
    own temp files look the same."""
    for folder in (out, out / BM25_DIR, out / "cache"):
        if folder.is_dir():
            for p in folder.glob(".*.tmp"):
                p.unlink(missing_ok=True)
    for p in out.glob(".bm25.*"):
        shutil.rmtree(p, ignore_errors=True)


def _refuse_write(path: Path, what: str) -> IndexNotReady:
    return IndexNotReady(f"Indeksen kan ikke skrives: {path} er {what}. Flytt eller slett den, og kjør `askerqa build` "
                         "igjen.")


def _clear_way(out: Path) -> None:
    """An empty folder where an index file goes (a container mount of a missing file makes one) is removed;
    anything else of the wrong kind is refused: it is not ours to delete."""
    folders = (out / BM25_DIR, out / "cache")
    for folder in folders:
        if folder.exists() and not folder.is_dir():
            raise _refuse_write(folder, "en fil der indeksen skal ha en mappe")
    files = [out / n for n in (*CONTENT_FILES, MANIFEST, CACHE_FILE)]
    if folders[0].is_dir():
        files += [p for p in folders[0].iterdir() if not p.name.startswith(".")]
    for path in files:
        if path.is_dir() and not path.is_symlink():
            try:
                path.rmdir()
            except OSError as exc:
                if exc.errno in (errno.ENOTEMPTY, errno.EEXIST):
                    raise _refuse_write(path, "en mappe med innhold der indeksen skal ha en fil") from exc
                raise


def write_problem(folder: Path, exc: OSError) -> str:
    """The one line for an index that cannot be written: what went wrong and what to do."""
    code = exc.errno
    if code == errno.EROFS:
        advice = "Kjør `askerqa build` der indeksen kan skrives, eller velg en skrivbar mappe med ASKERQA_INDEX"
    elif code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)):
        advice = "Frigjør plass på disken, og kjør `askerqa build` igjen"
    elif code in (errno.EACCES, errno.EPERM):
        advice = f"Kjør `askerqa build` som brukeren som eier {folder}, eller velg en annen mappe med ASKERQA_INDEX"
    else:
        advice = "Rett feilen, og kjør `askerqa build` igjen"
    return f"Indeksen kan ikke skrives: {os_problem(exc)}. {advice}."


def _tell_waiting() -> None:
    print("askerqa: en annen prosess bygger eller leser indeksen; venter til den er ferdig …", file=sys.stderr,
          flush=True)


def build(settings: Settings, model: SentenceTransformer | None = None, progress: bool = True,
          force: bool = False) -> dict:
    """Build the index (or return the current manifest when nothing changed). Returns the manifest.

    Builds take turns (the folder's lock); one that waited finds the index its predecessor built and, unless
    `force`, returns that. A report, folder or disk that cannot be used is IndexNotReady (one Norwegian line).
    """
    out = settings.index_dir
    try:
        if not force and stale_reason(settings) is None:
            return _read_manifest(out)
        problem = _corpus_check(settings.corpus)
        if problem is not None:
            raise IndexNotReady(f"Indeksen kan ikke bygges: {problem[0]}. {problem[1]}.")
        if out.exists() and not out.is_dir():
            raise _refuse_write(out, "en fil, ikke en mappe")
        out.mkdir(parents=True, exist_ok=True)
        with locked(out / LOCK_FILE, exclusive=True, wait_s=LOCK_WAIT_S, waiting=_tell_waiting):
            if not force and stale_reason(settings) is None:  # built by the process we waited for
                return _read_manifest(out)
            probe = out / ".probe.tmp"  # a read-only or full disk fails here, before minutes of encoding
            os.close(os.open(probe, os.O_WRONLY | os.O_CREAT, FILE_MODE))
            probe.unlink()
            _remove_leftovers(out)
            _clear_way(out)
            return _build(settings, model, progress)
    except LockBusy:
        raise IndexNotReady(f"En annen prosess bygger fortsatt indeksen i {out}. Vent til den er ferdig, og prøv "
                            "igjen.") from None
    except OSError as exc:
        raise IndexNotReady(write_problem(out, exc)) from exc


def _build(settings: Settings, model: SentenceTransformer | None, progress: bool) -> dict:
    """The build itself, with the folder's lock held and its way cleared."""
    import faiss

    started = time.perf_counter()
    out = settings.index_dir
    from .passages import load_passages  # ingest and nltk: only when building

    passages, _ = load_passages(settings.corpus)
    encoder: SentenceTransformer | _LazyModel = model or _LazyModel(settings.model)  # a full cache loads no model
    ident = expected_identity(settings)
    cache = EmbeddingCache(out / "cache" / "embeddings.npz")

    if progress:
        print(f"Koder {len(passages)} passasjer …", file=sys.stderr)
    texts = [embed_text(p) for p in passages]
    vectors = cache.encode(encoder, ident["model_id"], texts, "passage", progress)

    refs: list[tuple[int, int, int]] = []
    sentences: list[str] = []
    for i, p in enumerate(passages):
        for start, end in sentence_spans(p):
            refs.append((i, start, end))
            sentences.append(p.text[start:end])
    if progress:
        print(f"Koder {len(sentences)} setninger og tabellrader …", file=sys.stderr)
    sentence_vectors = cache.encode(encoder, ident["model_id"], sentences, "passage", progress)
    cache.save({cache.key(ident["model_id"], "passage", t) for t in texts + sentences})

    dense = faiss.IndexFlatIP(vectors.shape[1])
    dense.add(vectors)
    npy = io.BytesIO()
    np.save(npy, sentence_vectors)
    blobs = {
        "passages.jsonl": "".join(json.dumps(p.to_dict(), ensure_ascii=False) + "\n" for p in passages).encode(),
        "dense.faiss": faiss.serialize_index(dense).tobytes(),
        "sentences.npy": npy.getvalue(),
        "sentences.json": json.dumps(refs).encode(),
        **_bm25_blobs(Lexical.build(texts), out),
    }
    for name, data in blobs.items():
        write_atomic(out / name, data)
    for old in (out / BM25_DIR).iterdir():  # files of another bm25s version would confuse its loader
        if old.is_file() and f"{BM25_DIR}/{old.name}" not in blobs:
            old.unlink()
    _fsync_dir(out / BM25_DIR)
    _fsync_dir(out)

    manifest = {
        **ident,
        "passage_count": len(passages),
        "sentence_count": len(sentences),
        "dimension": int(vectors.shape[1]),
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "build_seconds": round(time.perf_counter() - started, 2),
        "files": {name: {"size": len(data), "sha256": hashlib.sha256(data).hexdigest()} for name, data in blobs.items()},
    }
    write_atomic(out / MANIFEST, json.dumps(manifest, indent=2, ensure_ascii=False).encode())  # last: it vouches for the rest
    _fsync_dir(out)
    return manifest


class _LazyModel:
    """Loads the model on the first encode: a rebuild whose texts are all cached needs no model."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.model: SentenceTransformer | None = None

    def get_embedding_dimension(self) -> int | None:
        return _dimension(self.model, {}) if self.model is not None else None

    def encode(self, texts: list[str], **kw: Any) -> np.ndarray:
        if self.model is None:
            self.model = load_model(self.name)
        return np.asarray(self.model.encode(texts, **kw))


def _read_manifest(folder: Path) -> dict:
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    if not isinstance(manifest, dict):
        raise ValueError("manifest is not an object")
    return manifest


def _parse(name: str, read):  # noqa: ANN001, ANN202 - a small local helper
    try:
        return read()
    except IndexNotReady:
        raise
    except OSError as exc:
        raise IndexNotReady(f"Indeksen kan ikke brukes: {name} kan ikke leses ({os_problem(exc)}). "
                            "Kjør `askerqa build`.") from exc
    except Exception as exc:  # noqa: BLE001 - whatever a damaged file throws becomes one clear line
        raise IndexNotReady(f"Indeksen kan ikke brukes: {name} kan ikke leses ({type(exc).__name__}). "
                            "Kjør `askerqa build`.") from exc


def _refuse(name: str, why: str) -> IndexNotReady:
    return IndexNotReady(f"Indeksen kan ikke brukes: {name} {why}. Kjør `askerqa build`.")


def _read_passages(path: Path) -> list[Passage]:
    passages = []
    for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        item = json.loads(line)
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise _refuse("passages.jsonl", f"har en ugyldig linje ({n})")
        passages.append(Passage.from_dict(item))
    return passages


def load(settings: Settings) -> IndexData:
    """The index, checked: every file matches the manifest's checksum and parses into the shapes it records.

    Read with the folder's lock held shared (a build in progress is waited for) and, when the lock is held,
    the temp files of a build that was killed are removed first.
    """
    folder = settings.index_dir
    try:
        with locked(folder / LOCK_FILE, exclusive=False, wait_s=LOCK_WAIT_S, waiting=_tell_waiting) as held:
            if held:
                try:
                    _remove_leftovers(folder)
                except OSError:  # a folder this user may read but not write: the next build cleans up
                    pass
            return _load(settings)
    except LockBusy:
        raise IndexNotReady(f"En annen prosess bygger fortsatt indeksen i {folder}. Vent til den er ferdig, og prøv "
                            "igjen.") from None


def _load(settings: Settings) -> IndexData:
    import faiss

    reason = stale_reason(settings)
    if reason is not None:
        raise IndexNotReady(f"Indeksen kan ikke brukes: {reason}. Kjør `askerqa build`.")
    folder = settings.index_dir
    manifest = _parse(MANIFEST, lambda: _read_manifest(folder))
    passages = _parse("passages.jsonl", lambda: _read_passages(folder / "passages.jsonl"))
    dense = _parse("dense.faiss", lambda: faiss.read_index(str(folder / "dense.faiss")))
    lexical = _parse(BM25_DIR, lambda: Lexical.load(folder / BM25_DIR))
    refs = _parse("sentences.json", lambda: np.asarray(
        json.loads((folder / "sentences.json").read_text(encoding="utf-8")), dtype=np.int64))
    vectors = _parse("sentences.npy", lambda: np.load(folder / "sentences.npy", allow_pickle=False))

    n, dim, n_sent = len(passages), manifest.get("dimension"), manifest.get("sentence_count")
    if manifest.get("passage_count") != n:
        raise _refuse("passages.jsonl", f"har {n} passasjer, manifestet sier {manifest.get('passage_count')}")
    if dense.ntotal != n or dense.d != dim:
        raise _refuse("dense.faiss", "passer ikke med passasjene")
    if _parse(BM25_DIR, lambda: int(lexical.retriever.scores["num_docs"])) != n:
        raise _refuse(BM25_DIR, "passer ikke med passasjene")
    if refs.ndim != 2 or refs.shape != (n_sent, 3):
        raise _refuse("sentences.json", "har feil form")
    lengths = np.array([len(p.text) for p in passages])
    if n_sent and (refs[:, 0].min() < 0 or refs[:, 0].max() >= n or (refs[:, 1] < 0).any()
                   or (refs[:, 2] < refs[:, 1]).any() or (refs[:, 2] > lengths[refs[:, 0]]).any()):
        raise _refuse("sentences.json", "peker utenfor passasjene")
    if vectors.dtype != np.float32 or vectors.shape != (n_sent, dim) or not np.isfinite(vectors).all():
        raise _refuse("sentences.npy", "har feil form eller ugyldige tall")
    return IndexData(passages=passages, dense=dense, lexical=lexical, sentence_refs=refs,
                     sentence_vectors=vectors, manifest=manifest)

"""Build, save, load and validate the search index in `index/`.

Contents: passages.jsonl, dense.faiss (exact inner product over normalised passage vectors),
sentences.json + sentences.npy (quotable units and their vectors, for picking the answer), bm25/ (BM25),
cache/embeddings.npz (vectors by text hash, so a rebuild re-encodes only what changed) and
manifest.json, which says what the index was built from. An index whose manifest does not match the
corpus, the model or the pipeline code is stale and is never answered from.
"""

from __future__ import annotations

import hashlib
import json
import sys
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
from .passages import load_passages, split_sentences
from .types import Passage

if TYPE_CHECKING:
    import faiss
    from sentence_transformers import SentenceTransformer

MANIFEST = "manifest.json"
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


def stale_reason(settings: Settings) -> str | None:
    """None when the index matches corpus, model and code; otherwise why it does not (in Norwegian)."""
    path = settings.index_dir / MANIFEST
    if not path.exists():
        return "indeksen er ikke bygget ennå"
    try:
        manifest = json.loads(path.read_text())
    except ValueError:
        return "indeksens manifest kan ikke leses"
    if not settings.corpus.exists():
        return f"rapportfilen mangler ({settings.corpus})"
    expected = expected_identity(settings)
    labels = {"corpus_sha256": "rapporten", "model_id": "modellen", "weights_sha256": "modellvektene",
              "pipeline_sha256": "koden som lager passasjene", "package_version": "programversjonen"}
    for key, label in labels.items():
        if manifest.get(key) != expected[key]:
            return f"{label} er endret siden indeksen ble bygget"
    for name in ("passages.jsonl", "dense.faiss", "sentences.npy", "sentences.json"):
        if not (settings.index_dir / name).exists():
            return f"{name} mangler i indeksen"
    return None


class EmbeddingCache:
    """Vectors by (model, prompt, text) hash, so unchanged texts are never re-encoded."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.vectors: dict[str, np.ndarray] = {}
        if path.exists():
            with np.load(path) as data:
                self.vectors = {k: data[k] for k in data.files}

    @staticmethod
    def key(model_id: str, prompt: str, text: str) -> str:
        return hashlib.sha1(f"{model_id}\x00{prompt}\x00{text}".encode()).hexdigest()

    def encode(self, model: SentenceTransformer, model_id: str, texts: list[str], prompt: str,
               progress: bool) -> np.ndarray:
        keys = [self.key(model_id, prompt, t) for t in texts]
        todo = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in self.vectors}.items())
        if todo:
            vecs = model.encode([t for _, t in todo], prompt_name=prompt, batch_size=16,
                                normalize_embeddings=True, show_progress_bar=progress, convert_to_numpy=True)
            for (k, _), v in zip(todo, vecs, strict=True):
                self.vectors[k] = v.astype(np.float32)
        return np.stack([self.vectors[k] for k in keys]).astype(np.float32)

    def save(self, keep: set[str] | None = None) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        items: dict[str, Any] = {k: v for k, v in self.vectors.items() if keep is None or k in keep}  # savez **kwds
        tmp = self.path.with_suffix(".tmp.npz")
        np.savez(tmp, **items)
        tmp.replace(self.path)


def build(settings: Settings, model: SentenceTransformer | None = None, progress: bool = True,
          force: bool = False) -> dict:
    """Build the index (or return the current manifest when nothing changed). Returns the manifest."""
    import faiss

    if not force and stale_reason(settings) is None:
        return json.loads((settings.index_dir / MANIFEST).read_text())
    started = time.perf_counter()
    out = settings.index_dir
    out.mkdir(parents=True, exist_ok=True)
    passages, _ = load_passages(settings.corpus)
    model = model or load_model(settings.model)
    ident = expected_identity(settings)
    cache = EmbeddingCache(out / "cache" / "embeddings.npz")

    if progress:
        print(f"Koder {len(passages)} passasjer …", file=sys.stderr)
    texts = [embed_text(p) for p in passages]
    vectors = cache.encode(model, ident["model_id"], texts, "passage", progress)

    refs: list[tuple[int, int, int]] = []
    sentences: list[str] = []
    for i, p in enumerate(passages):
        for start, end in sentence_spans(p):
            refs.append((i, start, end))
            sentences.append(p.text[start:end])
    if progress:
        print(f"Koder {len(sentences)} setninger og tabellrader …", file=sys.stderr)
    sentence_vectors = cache.encode(model, ident["model_id"], sentences, "passage", progress)
    cache.save({cache.key(ident["model_id"], "passage", t) for t in texts + sentences})

    dense = faiss.IndexFlatIP(vectors.shape[1])
    dense.add(vectors)
    faiss.write_index(dense, str(out / "dense.faiss"))
    np.save(out / "sentences.npy", sentence_vectors)
    (out / "sentences.json").write_text(json.dumps(refs))
    Lexical.build(texts).save(out / "bm25")
    with (out / "passages.jsonl").open("w", encoding="utf-8") as f:
        for p in passages:
            f.write(json.dumps(p.to_dict(), ensure_ascii=False) + "\n")

    manifest = {
        **ident,
        "passage_count": len(passages),
        "sentence_count": len(sentences),
        "dimension": int(vectors.shape[1]),
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "build_seconds": round(time.perf_counter() - started, 2),
    }
    (out / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False))
    return manifest


def load(settings: Settings) -> IndexData:
    import faiss

    reason = stale_reason(settings)
    if reason is not None:
        raise IndexNotReady(f"Indeksen kan ikke brukes: {reason}. Kjør `askerqa build`.")
    folder = settings.index_dir
    passages = [Passage.from_dict(json.loads(line)) for line in (folder / "passages.jsonl").open(encoding="utf-8")]
    manifest = json.loads((folder / MANIFEST).read_text())
    if manifest.get("passage_count") != len(passages):
        raise IndexNotReady("Indeksen er ufullstendig. Kjør `askerqa build`.")
    return IndexData(
        passages=passages,
        dense=faiss.read_index(str(folder / "dense.faiss")),
        lexical=Lexical.load(folder / "bm25"),
        sentence_refs=np.asarray(json.loads((folder / "sentences.json").read_text()), dtype=np.int64),
        sentence_vectors=np.load(folder / "sentences.npy"),
        manifest=manifest,
    )

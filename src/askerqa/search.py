"""The Engine facade: load once, `ask(question) -> Answer`.

question -> Query (query.py) -> dense (FAISS) + lexical (BM25) scores -> fused ranking -> Hit[]
-> quote, figures, found (answer.py) -> Answer
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import numpy as np

from . import index as index_mod
from .answer import Models, decide
from .config import Settings
from .config import settings as default_settings
from .constraints import Names, constraints_of
from .contract import DEFAULT_TOP_K, MAX_TOP_K
from .embedding import build_model, is_built, load_model
from .encoder import MicroBatcher, QueryEncoder, TorchQueryEncoder
from .lexical import tokenize
from .query import Query
from .ranking import FusionWeights, Ranking, fuse, quote_pool
from .reading import Reader
from .runtime import encoder_threads
from .signals import Analysis, Signals, analyse
from .types import Answer, Passage
from .units import Report, content_terms


class Engine:
    """Loads model and index once; `ask` is thread-safe."""

    def __init__(self, data: index_mod.IndexData, model, settings: Settings) -> None:
        self.data = data
        self.model = model
        self.settings = settings
        self.fusion = FusionWeights.tuned()
        self._models: Models | None = None
        self._encode_lock = threading.Lock()
        self._texts = [p.text for p in data.passages]
        self._terms = [set(tokenize(index_mod.embed_text(p))) for p in data.passages]
        self.reader = Reader(data.passages, data.lexical, settings.max_question_chars)
        self.report = Report(data.passages, data.sentence_refs, data.sentence_vectors, Names.from_texts(self._texts))

    @classmethod
    def load(cls, settings: Settings | None = None, build_if_stale: bool = True) -> Engine:
        """Load encoder and index; a stale or missing index is rebuilt first (or refused).

        Questions are encoded by the model folder's ONNX export when it has one (torch is then never
        imported) and by sentence-transformers otherwise, or when ASKERQA_ENCODER=torch. Thread counts
        are the program's to set (`askerqa.runtime.configure_threads`).
        """
        settings = settings or default_settings()
        if settings.model == str(settings.model_dir) and not is_built(settings.model_dir):
            print("askerqa: bygger den innebygde modellen først (ca. 30 s) …", file=sys.stderr)
            build_model(settings.model_dir)
        if build_if_stale:
            reason = index_mod.stale_reason(settings)
            if reason is not None:
                print(f"askerqa: bygger indeksen på nytt ({reason}) …", file=sys.stderr)
                # passage vectors come from sentence-transformers, loaded by build only for texts not cached
                index_mod.build(settings, progress=False)
        encoder: QueryEncoder | TorchQueryEncoder | None = None
        if os.environ.get("ASKERQA_ENCODER", "auto") != "torch" and Path(settings.model).is_dir():
            encoder = QueryEncoder.load(Path(settings.model), threads=encoder_threads())
        if encoder is None:
            encoder = TorchQueryEncoder(load_model(settings.model))
        return cls(index_mod.load(settings), encoder, settings)

    @property
    def passages(self) -> list[Passage]:
        return self.data.passages

    def encode_query(self, text: str) -> np.ndarray:
        """One question's vector; concurrent calls share one encoder call (see MicroBatcher)."""
        batcher = self.__dict__.get("_batcher")
        if batcher is None:
            with self._encode_lock:
                model = self.model if isinstance(self.model, QueryEncoder | TorchQueryEncoder) else TorchQueryEncoder(self.model)
                batcher = self.__dict__.setdefault("_batcher", MicroBatcher(model.encode))
        return batcher.encode(text)

    def rank(self, query: Query, qvec: np.ndarray) -> Ranking:
        """Fused ranking of all passages (dense, best sentence and BM25 rankings, reciprocal-rank fused)."""
        n = len(self.data.passages)
        dense_scores, dense_ids = self.data.dense.search(qvec[None, :], n)
        cosine = np.empty(n, dtype=np.float32)
        cosine[dense_ids[0]] = dense_scores[0]
        sentence_cosine = self.data.sentence_vectors @ qvec
        lexical = self.data.lexical.scores(query.text)
        return fuse(cosine, sentence_cosine, self.data.sentence_refs[:, 0], lexical, self.fusion)

    @property
    def models(self) -> Models:
        """The tuned quote and confidence models (askerqa/data/tuned.json, written by scripts/tune.py)."""
        if self._models is None:
            self._models = Models.load()
        return self._models

    def analyse(self, question: str, context: Sequence[str] | None = None) -> Analysis:
        """Search and describe every candidate quote; `decide` turns this into an Answer.

        `context`: the earlier questions of the conversation, oldest first (a follow-up is read with them).
        """
        reading = self.reader.read(question, context or ())
        query, norwegian = reading.query, reading.norwegian
        qvec = self.encode_query(reading.dense_text)
        ranking = self.rank(query, qvec)
        order, fused, cosine = ranking.order, ranking.fused, ranking.cosine
        top = [int(i) for i in order[:MAX_TOP_K]]  # as deep as any caller may list sources
        q_terms = content_terms(query.text)
        covered = set().union(*(self._terms[i] for i in top[:3])) if top else set()
        signals = Signals(
            top_cosine=float(cosine[top[0]]),
            sentence_best=ranking.sentence_best,
            coverage=len(q_terms & covered) / len(q_terms) if q_terms else 0.0,
            unknown=self.reader.vocabulary.unknown(q_terms, norwegian, query.english),
            english=query.english,
            sentence_mean=ranking.sentence_mean,
            sentence_spread=ranking.sentence_spread,
        )
        constraints = constraints_of(reading.plain, self.report.names, query.english)
        return analyse(self.report, query, constraints, qvec, top, [float(fused[i]) for i in top], cosine,
                       ranking.lexical, signals, quote_pool(ranking, self.fusion),
                       interpreted=reading.interpreted)

    def ask(self, question: str, top_k: int = DEFAULT_TOP_K, context: Sequence[str] | None = None) -> Answer:
        started = time.perf_counter()
        answer = decide(self.report, self.analyse(question, context), self.models, top_k=top_k)
        return replace(answer, latency_ms=round((time.perf_counter() - started) * 1000, 2))

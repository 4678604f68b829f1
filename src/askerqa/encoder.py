"""Query encoders for serving: ONNX Runtime (no torch) or sentence-transformers, behind a micro-batcher.

Both take a list of texts and return unit vectors, the way `SentenceTransformer.encode` does for the
index (`prompt_name`, the rest of its keywords accepted and ignored), so either can stand in for it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .embedding import PROMPTS, onnx_export, read_json, sha256_of
from .errors import ModelError


class QueryEncoder:
    """The model folder's ONNX export (transformer + mean pooling + normalise) over onnxruntime, with the
    folder's own tokenizer.json through `tokenizers`: the prompt is prepended to the text exactly as
    sentence-transformers does, and texts are cut at the same max length."""

    def __init__(self, onnx_file: Path, folder: Path, threads: int = 1) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self.prompts = PROMPTS
        max_length = int(read_json(folder / "sentence_bert_config.json").get("max_seq_length") or 512)
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_length=max_length)
        pad_id = self.tokenizer.token_to_id("<pad>")
        self.tokenizer.enable_padding(pad_id=1 if pad_id is None else pad_id, pad_token="<pad>")
        options = ort.SessionOptions()
        options.intra_op_num_threads = max(1, threads)
        options.inter_op_num_threads = 1
        # ONNX Runtime's threads spin after each run by default and steal the core the ranking and answer
        # stage need next: measured per question 19.5 -> 11.2 ms (ask), encoding alone 6.6 -> 8.6 ms
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.log_severity_level = 3  # warnings about unused initialisers are not the user's business
        try:
            self.session = ort.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # noqa: BLE001 - any ORT load failure is one clear line
            raise ModelError(f"Kunne ikke laste ONNX-modellen {onnx_file}: {exc}") from exc

    @classmethod
    def load(cls, folder: Path, threads: int = 1) -> QueryEncoder | None:
        """The folder's encoder, or None when it has no export. A file whose sha256 differs from that
        recorded at build is refused (ModelError): it is not the export that was checked against torch."""
        found = onnx_export(folder)
        if found is None:
            return None
        path, expected = found
        for name, digest in expected.items():
            if sha256_of(folder / name) != digest:
                raise ModelError(f"{name} er endret siden modellen ble bygget; kjør `askerqa model --force`.")
        return cls(path, folder, threads)

    def encode(self, texts: Sequence[str], prompt_name: str = "query", **_: Any) -> np.ndarray:
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        prompt = self.prompts.get(prompt_name, "")
        batch = self.tokenizer.encode_batch([prompt + t for t in texts])
        ids = np.asarray([e.ids for e in batch], dtype=np.int64)
        mask = np.asarray([e.attention_mask for e in batch], dtype=np.int64)
        (vectors,) = self.session.run(None, {"input_ids": ids, "attention_mask": mask})
        return np.asarray(vectors, dtype=np.float32)


class TorchQueryEncoder:
    """The sentence-transformers model itself (for a model folder without an ONNX export)."""

    def __init__(self, model: Any) -> None:
        self.model = model

    def encode(self, texts: Sequence[str], prompt_name: str = "query", **kw: Any) -> np.ndarray:
        kw = {"normalize_embeddings": True, "convert_to_numpy": True, **kw,
              "show_progress_bar": False}  # a bar per question filled an unread stderr pipe
        return np.asarray(self.model.encode(list(texts), prompt_name=prompt_name, **kw), dtype=np.float32)


@dataclass
class _Request:
    text: str
    done: bool = False
    vector: np.ndarray | None = None
    error: BaseException | None = None


class MicroBatcher:
    """Concurrent `encode(text)` calls share one encoder call.

    No worker thread: the first caller to find the encoder idle leads. It may wait `window_s` for others
    when it is alone, then encodes everything pending in one call; calls arriving while an encoder call
    runs are all taken by the next one. The default window is 0: under load the batches form while the
    encoder runs anyway, and a lone question should not pay a wait (bench p50 measured 1 ms lower).
    """

    def __init__(self, encode: Callable[[list[str]], np.ndarray], window_s: float = 0.0, max_batch: int = 32) -> None:
        self._encode = encode
        self.window_s = window_s
        self.max_batch = max_batch
        self._cond = threading.Condition()
        self._pending: list[_Request] = []
        self._busy = False

    def encode(self, text: str) -> np.ndarray:
        request = _Request(text)
        with self._cond:
            self._pending.append(request)
            self._cond.notify_all()  # a leader gathering its batch may now have enough
            while not request.done:
                if self._busy:
                    self._cond.wait()
                    continue
                self._busy = True
                batch = self._gather()
                self._cond.release()
                try:
                    self._run(batch)
                finally:
                    self._cond.acquire()
                    self._busy = False
                    self._cond.notify_all()
        if request.error is not None:
            raise request.error
        assert request.vector is not None
        return request.vector

    def _gather(self) -> list[_Request]:
        """Called with the lock held: wait out the window if alone, then take up to max_batch requests."""
        if len(self._pending) == 1 and self.window_s > 0:
            deadline = time.monotonic() + self.window_s
            while len(self._pending) < self.max_batch and (left := deadline - time.monotonic()) > 0:
                self._cond.wait(left)
        batch, self._pending = self._pending[: self.max_batch], self._pending[self.max_batch :]
        return batch

    def _run(self, batch: list[_Request]) -> None:
        try:
            vectors = self._encode([r.text for r in batch])
            for r, v in zip(batch, vectors, strict=True):
                r.vector = np.asarray(v, dtype=np.float32)
        except BaseException as exc:  # noqa: BLE001 - every caller in the batch gets the failure
            for r in batch:
                r.error = exc
        for r in batch:
            r.done = True

"""One log line per question, written by a background thread so a slow or full sink never holds an answer.

The request path only puts a record on a bounded in-memory queue; when the queue is full (the sink
is stuck, e.g. an unread pipe) the record is dropped and counted, never waited for.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import queue
import sys
import time
from typing import Any

from ..feedback import redact

log = logging.getLogger("askerqa.web")
QUEUE_SIZE = 10_000


class DroppingQueueHandler(logging.handlers.QueueHandler):
    """A QueueHandler that drops (and counts) a record instead of blocking or complaining when full."""

    def __init__(self, q: queue.Queue) -> None:
        super().__init__(q)
        self.dropped = 0

    def enqueue(self, record: logging.LogRecord) -> None:
        try:
            self.queue.put_nowait(record)
        except queue.Full:
            self.dropped += 1


_listener: logging.handlers.QueueListener | None = None


def start_logging(stream: Any = None, level: int = logging.INFO) -> DroppingQueueHandler:
    """Route all logging (ours, uvicorn's, Gradio's) through one queue to `stream` (stderr by default)."""
    global _listener
    stop_logging()
    sink = logging.StreamHandler(stream or sys.stderr)
    sink.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
    handler = DroppingQueueHandler(queue.Queue(QUEUE_SIZE))
    root = logging.getLogger()
    root.handlers = [handler]
    root.setLevel(level)
    for name in ("uvicorn", "uvicorn.error", "uvicorn.access", "httpx", "gradio"):
        logging.getLogger(name).handlers = []
        logging.getLogger(name).propagate = True
    logging.getLogger("httpx").setLevel(logging.WARNING)  # Gradio's own calls to itself
    _listener = logging.handlers.QueueListener(handler.queue, sink, respect_handler_level=False)
    _listener.start()
    return handler


def stop_logging() -> None:
    global _listener
    if _listener is not None:
        _listener.stop()
        _listener = None


def log_questions() -> bool:
    """Whether the (redacted) question text goes into the log: off unless ASKERQA_LOG_QUESTIONS=1."""
    return os.environ.get("ASKERQA_LOG_QUESTIONS", "") == "1"


def question_line(front: str, status: str, started: float, confidence: float | None, question: str = "") -> str:
    """`spørsmål front=api status=svar ms=12.3 sikkerhet=0.87`, plus the redacted question when enabled."""
    ms = (time.perf_counter() - started) * 1000
    conf = "-" if confidence is None else f"{confidence:.2f}"
    line = f"spørsmål front={front} status={status} ms={ms:.1f} sikkerhet={conf}"
    if log_questions() and question:
        line += f" tekst={redact(question)[:200]!r}"
    return line


def log_question(front: str, status: str, started: float, confidence: float | None = None, question: str = "") -> None:
    log.info(question_line(front, status, started, confidence, question))


def answer_status(answer: Any) -> str:
    """The answer's status as logged: found, uncertain or not_found."""
    return str(answer.status)

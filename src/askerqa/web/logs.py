"""One log line per question, written by a background thread so a slow or full sink never holds an answer.

The request path only puts a record on a bounded in-memory queue; when the queue is full (the sink
is stuck, e.g. an unread pipe) the record is dropped and counted, never waited for. The server's own
stdout and stderr go the same way (DroppingStream): Gradio prints tracebacks with `traceback.print_exc()`
on the event loop, and one write to a full pipe nobody reads would stop every request.
"""

from __future__ import annotations

import logging
import logging.handlers
import os
import queue
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, TextIO

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


class DroppingStream:
    """A text stream whose writes never wait: text goes on a bounded queue that a background thread writes
    to the real stream; when the queue is full (nobody reads the pipe) the text is dropped and counted.
    `clean` (e.g. redact) is applied by that thread, off the request path."""

    def __init__(self, target: TextIO, size: int = 2_000, clean: Callable[[str], str] | None = None) -> None:
        self.target = target
        self.clean = clean
        self.queue: queue.Queue[str] = queue.Queue(size)
        self.dropped = 0
        threading.Thread(target=self._pump, name="askerqa-output", daemon=True).start()

    def write(self, text: str) -> int:
        try:
            self.queue.put_nowait(text)
        except queue.Full:
            self.dropped += 1
        return len(text)

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        """Nothing to wait for here (that is the point); `drain` waits, with a time limit."""

    def drain(self, timeout_s: float = 2.0) -> bool:
        """Wait until what was written has reached the real stream, at most `timeout_s`; whether it did."""
        deadline = time.monotonic() + timeout_s
        while self.queue.unfinished_tasks and time.monotonic() < deadline:
            time.sleep(0.01)
        return not self.queue.unfinished_tasks

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        return self.target.fileno()

    @property
    def encoding(self) -> str:
        return getattr(self.target, "encoding", None) or "utf-8"

    def _pump(self) -> None:
        while True:
            text = self.queue.get()
            try:
                self.target.write(self.clean(text) if self.clean else text)
                self.target.flush()
            except (OSError, ValueError):  # a closed or broken stream: the text is lost, the server goes on
                pass
            finally:
                self.queue.task_done()


def protect_output() -> Callable[[], None]:
    """Make sys.stdout and sys.stderr DroppingStreams, so no print or traceback can block the server, and
    redacted, so personal data a visitor typed does not reach the log through an error message that quotes
    it (Gradio's «Value: … is not in the list of choices»). Returns a function that writes out what is
    queued (briefly) and puts the real streams back."""
    real = sys.stdout, sys.stderr
    streams = [s if isinstance(s, DroppingStream) else DroppingStream(s, clean=redact) for s in real]
    sys.stdout, sys.stderr = streams[0], streams[1]

    def restore() -> None:
        for stream in streams:
            stream.drain()
        sys.stdout, sys.stderr = real

    return restore


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

"""Process-wide thread settings, set once by the program (CLI, web server, bench), never by a library call."""

from __future__ import annotations

import os
import sys

_threads: int | None = None


def default_threads() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def configure_threads(threads: int | None = None) -> int:
    """Set the encoder's intra-op threads and hold numpy's BLAS to one thread; returns the encoder's thread count.

    numpy's products per question are small and gain nothing from threads, and OpenBLAS threads spinning after
    each product steal the cores the encoder needs next: measured per question p50 28 -> 15 ms, and with 50
    concurrent chat users the server's CPU per question about halved (docs/RESULTS.md). numpy is loaded here,
    before the limit, because a limit only reaches a library already loaded: called first thing by the CLI, it
    once reached nothing. numpy's OpenBLAS uses pthreads, so the limit holds in the server's worker threads too.
    faiss is left alone: it searches one question at a time, which never starts its OpenMP pool.
    """
    global _threads
    from threadpoolctl import threadpool_limits

    _threads = threads or int(os.environ.get("ASKERQA_THREADS", "0") or 0) or default_threads()
    import numpy  # noqa: F401 - loaded for its OpenBLAS pool

    threadpool_limits(limits=1, user_api="blas")
    if "torch" in sys.modules:  # only when torch is already in use: never imported for this
        sys.modules["torch"].set_num_threads(_threads)
    return _threads


def encoder_threads() -> int:
    """The intra-op threads a query encoder should use: as configured, else the default."""
    return _threads or default_threads()

"""Process-wide thread settings, set once by the program (CLI, web server, bench), never by a library call."""

from __future__ import annotations

import os
import sys

_threads: int | None = None


def default_threads() -> int:
    return max(1, min(4, os.cpu_count() or 1))


def configure_threads(threads: int | None = None) -> int:
    """Set the encoder's intra-op threads and hold numpy's and faiss's thread pools to one thread; returns the
    encoder's thread count.

    The products and searches numpy and faiss do per question are small and gain nothing from threads, and
    their pools' threads spinning after each call steal the cores the encoder needs next (OpenBLAS, and the
    OpenMP faiss ships): measured per question p50 28 -> 15 ms, and under 50 concurrent chat users the
    server's CPU per question about halved (docs/RESULTS.md). The libraries are loaded here, before the
    limit, because a limit only reaches a pool already loaded: called first thing by the CLI, it once
    reached none of them and every pool ran with one thread per core.
    """
    global _threads
    from threadpoolctl import threadpool_limits

    _threads = threads or int(os.environ.get("ASKERQA_THREADS", "0") or 0) or default_threads()
    import faiss  # noqa: F401 - loaded for its OpenBLAS and OpenMP pools, limited below
    import numpy  # noqa: F401 - loaded for its OpenBLAS pool

    threadpool_limits(limits=1, user_api="blas")
    threadpool_limits(limits=1, user_api="openmp")
    if "torch" in sys.modules:  # only when torch is already in use: never imported for this
        sys.modules["torch"].set_num_threads(_threads)
    return _threads


def encoder_threads() -> int:
    """The intra-op threads a query encoder should use: as configured, else the default."""
    return _threads or default_threads()

"""`askerqa bench`: cold start, query latency, build time, peak memory, and a BM25-only baseline.

The engine is measured twice in the same run, each in a fresh interpreter: questions encoded by torch
(sentence-transformers, as before) and by the ONNX export (as served now when the model folder has one).
Timings are measurements to report, never test assertions (the machines are shared and noisy).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

from .config import settings
from .gold import load_questions
from .matching import PASSAGE_LIMIT, satisfies
from .text import fold

# Runs in a fresh interpreter so that cold start and peak RSS are those of a real first start.
_CHILD = r"""
import json, resource, sys, time
t0 = time.perf_counter()
from askerqa.runtime import configure_threads
configure_threads()
from askerqa import Engine
engine = Engine.load(build_if_stale=False)
ready = time.perf_counter() - t0
engine.ask("Hvor mange innbyggere har Asker?")
first_answer = time.perf_counter() - t0
questions = json.loads(sys.stdin.read())
for q in questions[:3]:
    engine.ask(q)  # warm-up
lat, ranked = [], []
for q in questions:
    a = engine.ask(q, top_k=10)
    lat.append(a.latency_ms)
    ranked.append([h.passage.text for h in a.hits])
print(json.dumps({"cold_start_s": ready, "first_answer_s": first_answer, "encoder": type(engine.model).__name__,
                  "torch_imported": "torch" in sys.modules, "latency_ms": lat, "ranked": ranked,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def bench_questions(path: Path) -> tuple[list[str], list[list[list[str]] | None]]:
    """The dev questions as asked, plus each one lower-cased with æøå folded (a citizen's phone keyboard)."""
    qs = load_questions(path)
    texts = [q.question for q in qs] + [fold(q.question) for q in qs]
    evidence = [q.evidence if q.answerable else None for q in qs] * 2
    return texts, evidence


def _recall_at(ranked: list[list[str]], evidence: list, k: int) -> float:
    pairs = [(r, ev) for r, ev in zip(ranked, evidence, strict=True) if ev]
    return sum(any(satisfies(t, ev, PASSAGE_LIMIT) for t in r[:k]) for r, ev in pairs) / len(pairs)


def _run_child(questions: list[str], encoder: str) -> dict:
    env = {**os.environ, "ASKERQA_ENCODER": encoder}
    child = subprocess.run([sys.executable, "-c", _CHILD], input=json.dumps(questions), capture_output=True,
                           text=True, check=True, env=env)
    return json.loads(child.stdout.strip().splitlines()[-1])


def run_bench(full_build: bool = False) -> dict[str, float]:
    """Every measurement of `askerqa bench`, in the order they must run (index first, then both encoders in
    fresh processes, then the BM25 baseline and the builds); one sequence, so it stays one function."""
    from .index import build, stale_reason

    s = settings()
    if stale_reason(s) is not None:
        build(s, progress=False)
    questions, evidence = bench_questions(s.dev_set)

    before = _run_child(questions, "torch")
    out = _run_child(questions, "onnx")
    lat = np.asarray(out["latency_ms"])

    # BM25-only baseline over the same passages and questions, in this process.
    from .index import load

    data = load(s)
    texts = [p.text for p in data.passages]
    bm_lat, bm_ranked = [], []
    for q in questions:
        t = time.perf_counter()
        scores = data.lexical.scores(q)
        order = np.argsort(-scores, kind="stable")[:10]
        bm_lat.append((time.perf_counter() - t) * 1000)
        bm_ranked.append([texts[i] for i in order])
    bm_lat_arr = np.asarray(bm_lat)

    t = time.perf_counter()
    build(s, progress=False, force=True)  # unchanged texts come from the embedding cache
    rebuild_s = time.perf_counter() - t
    full_s = float("nan")
    if full_build:
        import shutil
        import tempfile
        from dataclasses import replace

        with tempfile.TemporaryDirectory() as tmp:
            t = time.perf_counter()
            build(replace(s, index_dir=Path(tmp) / "index"), progress=False, force=True)
            full_s = time.perf_counter() - t
            shutil.rmtree(tmp, ignore_errors=True)

    engine_r5 = _recall_at(out["ranked"], evidence, 5)
    bm_r5 = _recall_at(bm_ranked, evidence, 5)
    before_lat = np.asarray(before["latency_ms"])
    return {
        "questions": len(questions),
        "encoder": out["encoder"],
        "torch_imported": out["torch_imported"],
        "cold_start_s": out["cold_start_s"],
        "first_answer_s": out["first_answer_s"],
        "p50_ms": float(np.percentile(lat, 50)),
        "p95_ms": float(np.percentile(lat, 95)),
        "peak_rss_mb": out["peak_rss_mb"],
        "build_cached_s": rebuild_s,
        "build_full_s": full_s,
        "engine_R@5": engine_r5,
        "torch_cold_start_s": before["cold_start_s"],
        "torch_first_answer_s": before["first_answer_s"],
        "torch_p50_ms": float(np.percentile(before_lat, 50)),
        "torch_p95_ms": float(np.percentile(before_lat, 95)),
        "torch_peak_rss_mb": before["peak_rss_mb"],
        "torch_R@5": _recall_at(before["ranked"], evidence, 5),
        "bm25_p50_ms": float(np.percentile(bm_lat_arr, 50)),
        "bm25_p95_ms": float(np.percentile(bm_lat_arr, 95)),
        "bm25_R@5": bm_r5,
        "latency_ratio_p50": float(np.percentile(lat, 50) / max(np.percentile(bm_lat_arr, 50), 1e-6)),
        "recall_ratio_R@5": engine_r5 / bm_r5 if bm_r5 else float("inf"),
    }


def format_bench(r: dict) -> str:
    full = f"{r['build_full_s']:.1f} s" if r["build_full_s"] == r["build_full_s"] else "– (add --full-build)"
    served = f"{r['encoder']}{' (torch imported)' if r['torch_imported'] else ', no torch'}"
    rows = [
        ("questions (dev set as asked + folded, no æøå)", f"{int(r['questions'])}", f"{int(r['questions'])}"),
        ("query encoder", "torch (sentence-transformers)", served),
        ("cold start, import → ready", f"{r['torch_cold_start_s']:.2f} s", f"{r['cold_start_s']:.2f} s"),
        ("cold start → first answer", f"{r['torch_first_answer_s']:.2f} s", f"{r['first_answer_s']:.2f} s"),
        ("query latency p50 / p95 (engine)", f"{r['torch_p50_ms']:.1f} / {r['torch_p95_ms']:.1f} ms",
         f"{r['p50_ms']:.1f} / {r['p95_ms']:.1f} ms"),
        ("peak RSS (engine process)", f"{r['torch_peak_rss_mb']:.0f} MB", f"{r['peak_rss_mb']:.0f} MB"),
        ("R@5 engine", f"{r['torch_R@5']:.2f}", f"{r['engine_R@5']:.2f}"),
        ("index build, cached embeddings / from scratch", "", f"{r['build_cached_s']:.1f} s / {full}"),
        ("BM25-only latency p50 / p95", "", f"{r['bm25_p50_ms']:.2f} / {r['bm25_p95_ms']:.2f} ms"),
        ("R@5 engine / BM25-only", "", f"{r['engine_R@5']:.2f} / {r['bm25_R@5']:.2f} (×{r['recall_ratio_R@5']:.2f})"),
        ("latency engine / BM25-only (p50)", "", f"×{r['latency_ratio_p50']:.0f}"),
    ]
    width = max(len(a) for a, _, _ in rows)
    return "\n".join(["| measure | before (torch) | now |", "|---|---|---|"]
                     + [f"| {a.ljust(width)} | {b} | {c} |" for a, b, c in rows])

#!/usr/bin/env python
"""Load test: 50 simulated users, 10 questions each, through gradio_client against the app on loopback.

    python scripts/load_test.py                 # starts the app on a free port, measures, stops it
    python scripts/load_test.py --url http://127.0.0.1:7860/ --pid 1234

Prints errors, p50/p95/max latency per question (as the user waits for it, queue included), throughput
and the app's peak RSS. A measurement to report, not a test: it asserts nothing about time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))


def peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url")
    parser.add_argument("--pid", type=int, help="the app's process id, for its peak RSS")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--questions", type=int, default=10, help="questions per user")
    args = parser.parse_args()

    from gradio_client import Client

    proc = None
    url, pid = args.url, args.pid
    if url is None:
        from browser import free_port, start_app

        port = free_port()
        proc = start_app(port, Path(tempfile.mkdtemp()) / "feedback.sqlite3")
        url, pid = f"http://127.0.0.1:{port}/", proc.pid
    dev = [json.loads(x)["question"] for x in (ROOT / "eval" / "dev.jsonl").read_text(encoding="utf-8").splitlines() if x]

    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    start_gate = threading.Barrier(args.users)

    def user(n: int) -> None:
        try:
            client = Client(url, verbose=False)
        except Exception as exc:  # noqa: BLE001 - counted and reported
            with lock:
                errors.append(f"user {n}: connect: {exc}")
            start_gate.abort()
            return
        try:
            start_gate.wait(timeout=120)
        except threading.BrokenBarrierError:
            pass
        for i in range(args.questions):
            q = dev[(n * args.questions + i) % len(dev)]
            t = time.perf_counter()
            try:
                history, _ = client.predict(q, [], [], api_name="/respond")
                text = str(history[-1]["content"])
                if "noe gikk galt" in text:
                    raise RuntimeError("the app reported an internal error")
            except Exception as exc:  # noqa: BLE001 - counted and reported
                with lock:
                    errors.append(f"user {n} q{i}: {exc}")
                continue
            with lock:
                latencies.append((time.perf_counter() - t) * 1000)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=user, args=(n,)) for n in range(args.users)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=900)
    wall = time.perf_counter() - t0
    rss = peak_rss_mb(pid) if pid else None
    if proc is not None:
        proc.terminate()
        proc.wait(timeout=30)

    total = args.users * args.questions
    lat = sorted(latencies)
    print(f"load: {args.users} users × {args.questions} questions = {total} requests against {url}")
    print(f"errors: {len(errors)}")
    for e in errors[:10]:
        print(f"  {e}")
    if lat:
        p95 = lat[min(len(lat) - 1, int(round(0.95 * (len(lat) - 1))))]
        print(f"latency per question: p50 {statistics.median(lat):.0f} ms, p95 {p95:.0f} ms, max {lat[-1]:.0f} ms")
        print(f"throughput: {len(lat) / wall:.1f} questions/s over {wall:.1f} s")
    print(f"app peak RSS: {rss:.0f} MB" if rss else "app peak RSS: unknown (give --pid)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())

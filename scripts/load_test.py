#!/usr/bin/env python
"""Load generator for askerqa: N users × M questions against /api/ask or the chat, on loopback only.

    python scripts/load_test.py --target api --users 50 --questions 10
    python scripts/load_test.py --target chat --users 50 --questions 10
    python scripts/load_test.py --target api --users 200 --questions 1 --rate-limit on   # a burst: 200/429/503 only
    python scripts/load_test.py --url http://127.0.0.1:7860 --pid 1234                  # an app already running
    python scripts/load_test.py --target api --users 10 --soak 600                      # 10 minutes, RSS sampled

It starts the app itself (output to a log file, rate limit off unless --rate-limit on, since every
simulated user comes from the same address), sends the questions with asyncio + httpx (the chat through
Gradio's own queue protocol, no gradio_client), and reports p50/p95/max, throughput, counts by status,
the app's peak RSS and whether the app wrote progress noise. Bounded: --deadline seconds in all.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlparse

import httpx
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
import browser  # noqa: E402 - the tests' helpers: free_port, start_app

NOISE = ("Batches:", "it/s]", "%|")  # progress bars: must never appear in the app's output


def start_app(port: int, log_path: Path, rate_limit: bool) -> subprocess.Popen:
    """The app on loopback (tests/browser.start_app), its output to `log_path`; every simulated user comes
    from the same address, so the rate limit is off unless asked for."""
    out = open(log_path, "wb")  # noqa: SIM115 - the app writes here as long as it runs
    try:
        return browser.start_app(port, log_path.parent / "feedback.sqlite3", output=out,
                                 env=None if rate_limit else {"ASKERQA_API_RATE": "0"})
    except RuntimeError as exc:
        raise SystemExit(f"load_test: {exc}; see {log_path}") from None


def _status_mb(pid: int, field: str) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def peak_rss_mb(pid: int) -> float | None:
    return _status_mb(pid, "VmHWM")


def rss_mb(pid: int) -> float | None:
    return _status_mb(pid, "VmRSS")


async def ask_api(client: httpx.AsyncClient, question: str) -> int:
    r = await client.post("/api/ask", json={"question": question})
    return r.status_code


async def chat_fn_index(client: httpx.AsyncClient) -> int:
    config = (await client.get("/config")).json()
    return next(d["id"] for d in config["dependencies"] if d.get("api_name") == "respond")


class ChatUser:
    """One browser tab: its own Gradio session for all its questions, sending the conversation shown so far
    (as the page does; the session's earlier questions stay on the server, so later turns are read as
    follow-ups)."""

    def __init__(self) -> None:
        self.session = uuid.uuid4().hex[:11]
        self.history: list = []


async def ask_chat(client: httpx.AsyncClient, question: str, fn_index: int, user: ChatUser) -> int:
    """One chat turn through Gradio's queue: join, then read the event stream until the result."""
    join = await client.post("/gradio_api/queue/join",
                             json={"data": [question, user.history, None], "fn_index": fn_index,
                                   "session_hash": user.session, "event_data": None, "trigger_id": None})
    if join.status_code != 200:
        return join.status_code
    async with client.stream("GET", "/gradio_api/queue/data", params={"session_hash": user.session}) as stream:
        async for line in stream.aiter_lines():
            if not line.startswith("data:"):
                continue
            msg = json.loads(line[5:])
            if msg.get("msg") == "process_completed":
                out = msg.get("output") or {}
                if not msg.get("success", False):
                    return 500
                data = out.get("data") or [None]
                if isinstance(data[0], list):
                    user.history = data[0]
                text = json.dumps(out, ensure_ascii=False)
                return 500 if "noe gikk galt" in text else 200
    return 599  # the stream ended without a result


async def run(url: str, target: str, users: int, per_user: int, questions: list[str], deadline_s: float,
              soak_s: float = 0.0, pid: int | None = None) -> dict:
    """`per_user` questions each, or with `soak_s` as many as each user gets through in that time (the app's
    RSS sampled every 10 s)."""
    latencies: list[float] = []
    codes: Counter[int | str] = Counter()
    samples: list[tuple[float, float]] = []
    limits = httpx.Limits(max_connections=users + 5, max_keepalive_connections=users + 5)
    async with httpx.AsyncClient(base_url=url, timeout=60, limits=limits) as client:
        fn_index = await chat_fn_index(client) if target == "chat" else 0
        gate = asyncio.Event()

        async def user(n: int) -> None:
            tab = ChatUser()
            await gate.wait()
            i = 0
            while (time.perf_counter() - t0 < soak_s) if soak_s else i < per_user:
                q = questions[(n * per_user + i) % len(questions)]
                i += 1
                if soak_s and i % 20 == 0:
                    tab = ChatUser()  # a new tab now and then: sessions come and go in a long run
                t = time.perf_counter()
                try:
                    code = await (ask_chat(client, q, fn_index, tab) if target == "chat" else ask_api(client, q))
                except httpx.HTTPError as exc:
                    code = type(exc).__name__
                codes[code] += 1
                if code == 200:
                    latencies.append((time.perf_counter() - t) * 1000)

        async def sample() -> None:
            while pid is not None:
                mb = rss_mb(pid)
                if mb is not None:
                    samples.append((round(time.perf_counter() - t0, 1), round(mb, 1)))
                await asyncio.sleep(10)

        tasks = [asyncio.create_task(user(n)) for n in range(users)]
        t0 = time.perf_counter()
        sampler = asyncio.create_task(sample()) if soak_s else None
        gate.set()
        done, pending = await asyncio.wait(tasks, timeout=deadline_s)
        if sampler is not None:
            sampler.cancel()
            mb = rss_mb(pid) if pid is not None else None
            if mb is not None:
                samples.append((round(time.perf_counter() - t0, 1), round(mb, 1)))
        for task in pending:
            task.cancel()
        wall = time.perf_counter() - t0
    lat = sorted(latencies)
    soak = {}
    if samples:
        # growth after the first minute: the start-up allocations (caches, first sessions) are not a leak
        settled = [mb for t, mb in samples if t >= 60] or [mb for _, mb in samples]
        soak = {"rss_samples_mb": samples, "rss_first_mb": samples[0][1], "rss_last_mb": samples[-1][1],
                "rss_growth_after_60s_mb": round(settled[-1] - settled[0], 1)}
    return {**soak,
        "target": target, "users": users, "questions_per_user": per_user, "sent": sum(codes.values()),
        "unfinished_users": len(pending), "status": dict(codes), "wall_s": round(wall, 1),
        "throughput_per_s": round(len(lat) / wall, 1) if wall else None,
        # the same percentiles as `askerqa bench` (numpy's linear interpolation)
        "p50_ms": round(float(np.percentile(lat, 50))) if lat else None,
        "p95_ms": round(float(np.percentile(lat, 95))) if lat else None,
        "max_ms": round(lat[-1]) if lat else None,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="an app already running (loopback only); default: start one")
    parser.add_argument("--pid", type=int, help="that app's process id, for its peak RSS")
    parser.add_argument("--target", choices=["api", "chat"], default="api")
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--questions", type=int, default=10, help="questions per user")
    parser.add_argument("--rate-limit", choices=["on", "off"], default="off", help="the app's per-client rate limit")
    parser.add_argument("--deadline", type=float, default=600, help="seconds before unfinished users are stopped")
    parser.add_argument("--soak", type=float, default=0, metavar="SECONDS",
                        help="ask continuously for this long instead of --questions each, sampling the app's RSS")
    args = parser.parse_args()
    if not (0 < args.users <= 1000 and 0 < args.questions <= 1000):
        raise SystemExit("load_test: --users and --questions must be between 1 and 1000")
    if not 0 <= args.soak <= 3600:
        raise SystemExit("load_test: --soak must be between 0 and 3600 seconds")
    deadline = max(args.deadline, args.soak + 60) if args.soak else args.deadline

    proc, log_path, url, pid = None, None, args.url, args.pid
    if url is None:
        port = browser.free_port()
        log_path = Path(tempfile.mkdtemp(prefix="askerqa-load-")) / "app.log"
        proc = start_app(port, log_path, args.rate_limit == "on")
        url, pid = f"http://127.0.0.1:{port}", proc.pid
    if urlparse(url).hostname not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("load_test: loopback only")
    dev = [json.loads(x)["question"] for x in (ROOT / "eval" / "dev.jsonl").read_text(encoding="utf-8").splitlines() if x]
    try:
        result = asyncio.run(run(url, args.target, args.users, args.questions, dev, deadline, args.soak, pid))
    finally:
        result_rss = peak_rss_mb(pid) if pid else None
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
    result["app_peak_rss_mb"] = round(result_rss) if result_rss else None
    noisy = False
    if log_path is not None:
        text = log_path.read_text(encoding="utf-8", errors="replace")
        noisy = any(n in text for n in NOISE)
        result["app_log"] = {"path": str(log_path), "lines": text.count("\n"), "progress_noise": noisy}
    print(json.dumps(result, ensure_ascii=False, indent=1))
    bad = {k for k in result["status"] if k not in (200, 429, 503)}
    return 1 if bad or noisy or result["unfinished_users"] else 0


if __name__ == "__main__":
    sys.exit(main())

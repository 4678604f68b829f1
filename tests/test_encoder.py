"""The micro-batcher in front of the query encoder, with a fake encoder that counts its calls."""

import json
import threading
import time

import numpy as np
import pytest

from askerqa.encoder import MicroBatcher
from askerqa.runtime import configure_threads, encoder_threads


class CountingEncoder:
    def __init__(self, seconds: float = 0.0, fail: bool = False) -> None:
        self.calls: list[list[str]] = []
        self.seconds, self.fail = seconds, fail

    def __call__(self, texts: list[str]) -> np.ndarray:
        self.calls.append(list(texts))
        time.sleep(self.seconds)
        if self.fail:
            raise RuntimeError("encoder down")
        return np.asarray([[len(t), ord(t[0])] for t in texts], dtype=np.float32)


def ask_together(batcher: MicroBatcher, texts: list[str]) -> dict[str, np.ndarray]:
    results: dict[str, np.ndarray] = {}
    start = threading.Barrier(len(texts))

    def one(text: str) -> None:
        start.wait()
        results[text] = batcher.encode(text)

    threads = [threading.Thread(target=one, args=(t,)) for t in texts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    return results


def test_concurrent_questions_share_encoder_calls_and_each_gets_its_own_vector():
    fake = CountingEncoder(seconds=0.02)
    batcher = MicroBatcher(fake, window_s=0.002)
    texts = [f"spørsmål {i}" * (i + 1) for i in range(16)]
    results = ask_together(batcher, texts)
    assert sorted(results) == sorted(texts)
    for text, vec in results.items():
        assert vec.tolist() == [len(text), ord(text[0])]
    assert sum(len(c) for c in fake.calls) == 16
    assert len(fake.calls) <= 4  # one call per question would be 16


def test_a_lone_question_is_encoded_at_once():
    fake = CountingEncoder()
    batcher = MicroBatcher(fake, window_s=0.002)
    batcher.encode("varm opp")
    started = time.perf_counter()
    vec = batcher.encode("Hvor høyt var sykefraværet?")
    assert (time.perf_counter() - started) < 0.02  # the window is 2 ms; the slack is for a busy machine
    assert vec.tolist() == [27, ord("H")]
    assert fake.calls[-1] == ["Hvor høyt var sykefraværet?"]


def test_batches_are_capped():
    fake = CountingEncoder(seconds=0.02)
    batcher = MicroBatcher(fake, window_s=0.002, max_batch=4)
    results = ask_together(batcher, [f"q{i}" for i in range(12)])
    assert len(results) == 12
    assert max(len(c) for c in fake.calls) <= 4


def test_a_failing_encoder_fails_every_waiting_call_and_the_next_call_runs():
    fake = CountingEncoder(seconds=0.01, fail=True)
    batcher = MicroBatcher(fake)
    errors: list[BaseException] = []

    def one(text: str) -> None:
        try:
            batcher.encode(text)
        except RuntimeError as exc:
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(f"q{i}",)) for i in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    assert len(errors) == 5
    fake.fail = False
    assert batcher.encode("igjen").tolist() == [5, ord("i")]


def test_thread_settings_are_the_programs_choice():
    assert configure_threads(3) == 3
    assert encoder_threads() == 3
    configure_threads()
    assert encoder_threads() >= 1


def test_numpy_runs_one_blas_thread_in_every_thread_once_the_program_sets_threads():
    """In a fresh process, as the CLI calls it (first thing, before numpy is loaded), and read in another thread,
    as the server's workers ask: numpy's OpenBLAS is held to one thread (its spinning threads stole the encoder's
    cores; a limit set before numpy was loaded reached nothing)."""
    import subprocess
    import sys

    code = ("from askerqa.runtime import configure_threads\n"
            "configure_threads(2)\n"
            "import askerqa.search, json, threading\n"
            "from threadpoolctl import threadpool_info\n"
            "seen = []\n"
            "t = threading.Thread(target=lambda: seen.extend(threadpool_info()))\n"
            "t.start(); t.join()\n"
            "print(json.dumps([(i['internal_api'], i['filepath'], i['num_threads']) for i in seen]))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=True)
    pools = json.loads(out.stdout.strip().splitlines()[-1])
    numpy_blas = [p for p in pools if p[0] == "openblas" and "numpy" in p[1]]
    assert numpy_blas and all(p[2] == 1 for p in numpy_blas), pools


@pytest.mark.slow
def test_engine_serves_questions_without_torch():
    import subprocess
    import sys

    code = ("import sys; from askerqa import Engine; e = Engine.load(build_if_stale=False); "
            "a = e.ask('Hvor høyt var sykefraværet i 2022?'); "
            "print(type(e.model).__name__, 'torch' in sys.modules, bool(a.text))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=300)
    assert out.stdout.split() == ["QueryEncoder", "False", "True"]

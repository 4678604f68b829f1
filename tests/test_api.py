"""The JSON API and the closed Gradio routes, over HTTP in-process (TestClient) against a fake engine."""

from __future__ import annotations

import json
import threading

import pytest
from fake_engine import FakeEngine
from fastapi.testclient import TestClient

from askerqa.web.api import Limits, RateLimiter
from askerqa.web.middleware import API_BODY_LIMIT


class Store:
    def add(self, *args):
        pass


def make_client(engine=None, **limits) -> TestClient:
    from askerqa.web.server import create_app

    app = create_app(engine or FakeEngine(), Store(), Limits(**{"rate_per_s": 0, **limits}), index_dir=None)
    return TestClient(app)


@pytest.fixture(scope="module")
def client():
    with make_client() as c:
        yield c


def test_ask_returns_the_cli_json_contract(client):
    r = client.post("/api/ask", json={"question": "Hvor høyt var sykefraværet?", "top_k": 1})
    assert r.status_code == 200
    body = r.json()
    assert set(body) >= {"question", "answer", "passages", "latency_ms"}
    assert body["answer"]["found"] is True and body["answer"]["figures"] == ["9,3 prosent"]
    assert len(body["passages"]) == 1 and body["passages"][0]["id"] == "p-sick"


def test_a_lone_surrogate_gets_the_norwegian_422_and_context_is_accepted(client):
    r = client.post("/api/ask", content=b'{"question": "sykefrav\\ud800r"}', headers={"content-type": "application/json"})
    assert r.status_code == 422 and r.json()["error"].startswith("Ugyldig")
    r = client.post("/api/ask", json={"question": "Og i 2021?", "context": ["Hvor høyt var sykefraværet?"]})
    assert r.status_code == 200 and r.json()["question"] == "Og i 2021?"


@pytest.mark.parametrize("payload", [
    {}, {"question": 5}, {"question": "x", "top_k": 0}, {"question": "x", "top_k": 999}, {"question": "x", "extra": 1},
    {"question": "x", "context": "not a list"},
])
def test_bad_input_gets_one_norwegian_line(client, payload):
    r = client.post("/api/ask", json=payload)
    assert r.status_code == 422
    assert r.json() == {"error": "Ugyldig forespørsel: send JSON med «question» (tekst) og eventuelt «top_k» (1–20)."}


def test_broken_json_and_a_refused_question(client):
    r = client.post("/api/ask", content=b'{"question": ', headers={"content-type": "application/json"})
    assert r.status_code == 422 and "Ugyldig" in r.json()["error"]
    r = client.post("/api/ask", json={"question": "   "})
    assert r.status_code == 400 and r.json() == {"error": "Skriv et spørsmål."}
    r = client.post("/api/ask", json={"question": "feil"})
    assert r.status_code == 500 and r.json()["error"].startswith("Beklager")


def test_a_body_over_16_kib_is_refused_before_it_is_read(client):
    big = json.dumps({"question": "x" * API_BODY_LIMIT}).encode()
    r = client.post("/api/ask", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413 and "for stor" in r.json()["error"]

    def chunks():  # no Content-Length: counted while reading
        for _ in range(20):
            yield b"x" * 1024

    r = client.post("/api/ask", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413


def test_health_and_openapi_docs(client):
    health = client.get("/api/health").json()
    assert health["status"] == "ok" and health["version"]
    assert client.get("/api/docs").status_code == 200
    assert "/api/ask" in client.get("/api/openapi.json").json()["paths"]


def test_cors_is_closed_by_default(client):
    r = client.post("/api/ask", json={"question": "x"}, headers={"origin": "https://evil.example"})
    assert "access-control-allow-origin" not in r.headers


def test_cors_origin_from_the_environment(monkeypatch):
    monkeypatch.setenv("ASKERQA_CORS_ORIGINS", "https://www.asker.kommune.no")
    with make_client() as c:
        ok = c.post("/api/ask", json={"question": "x"}, headers={"origin": "https://www.asker.kommune.no"})
        other = c.post("/api/ask", json={"question": "x"}, headers={"origin": "https://evil.example"})
    assert ok.headers["access-control-allow-origin"] == "https://www.asker.kommune.no"
    assert "access-control-allow-origin" not in other.headers


def test_a_client_over_its_rate_gets_429_with_retry_after():
    with make_client(rate_per_s=1, burst=3) as c:
        codes = [c.post("/api/ask", json={"question": "x"}) for _ in range(5)]
    assert [r.status_code for r in codes] == [200, 200, 200, 429, 429]
    assert int(codes[-1].headers["retry-after"]) >= 1 and "For mange" in codes[-1].json()["error"]


def test_rate_limiter_refills_over_time():
    rate = RateLimiter(rate=2, burst=1)
    assert rate.wait_s("a", now=0) == 0 and rate.wait_s("a", now=0.1) > 0
    assert rate.wait_s("b", now=0.1) == 0  # per client
    assert rate.wait_s("a", now=0.6) == 0


def test_too_many_waiting_get_503_and_a_slow_engine_times_out():
    with make_client(FakeEngine(delay_s=0.5), workers=1, max_waiting=1, timeout_s=5) as c:
        results: list[int] = []

        def one():
            results.append(c.post("/api/ask", json={"question": "x"}).status_code)

        threads = [threading.Thread(target=one) for _ in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
    assert sorted(results).count(200) >= 2 and 503 in results and set(results) <= {200, 503}
    with make_client(FakeEngine(delay_s=2), timeout_s=0.2) as c:
        r = c.post("/api/ask", json={"question": "x"})
    assert r.status_code == 503 and "for lang tid" in r.json()["error"]


def test_upload_and_url_fetching_and_run_history_are_closed(client):
    assert client.post("/gradio_api/upload", files={"files": ("a.txt", b"hello")}).status_code == 404
    assert client.get("/gradio_api/file=http://127.0.0.1:1/x").status_code == 404
    assert client.get("/gradio_api/proxy=http://127.0.0.1:1/x").status_code == 404
    assert client.get("/gradio_api/runs").status_code == 404
    config = client.get("/config").json()
    assert config.get("run_history") in (False, None) and config.get("max_file_size") == 0


def test_a_megabyte_question_to_the_chat_is_refused_before_it_is_stored(client):
    body = {"data": ["x" * 1_000_000, [], []], "fn_index": 0, "session_hash": "abc", "event_data": None}
    r = client.post("/gradio_api/queue/join", json=body)
    assert r.status_code == 413


def test_the_page_is_served_in_bokmal(client):
    r = client.get("/")
    assert r.status_code == 200 and 'lang="nb"' in r.text and 'lang="en"' not in r.text and "nb-NO" in r.text


@pytest.fixture(scope="module")
def live_app(tmp_path_factory):
    """The real app (real engine) with stdout and stderr an unread pipe, and no per-client rate limit."""
    import subprocess

    from browser import free_port, start_app

    port = free_port()
    db = tmp_path_factory.mktemp("live") / "feedback.sqlite3"
    proc = start_app(port, db, output=subprocess.PIPE, env={"ASKERQA_API_RATE": "0"})
    yield f"http://127.0.0.1:{port}"
    proc.terminate()
    proc.wait(timeout=30)


@pytest.mark.slow
def test_real_engine_answers_over_http_and_closed_routes_stay_closed(live_app):
    import httpx

    with httpx.Client(base_url=live_app, timeout=30) as c:
        body = c.post("/api/ask", json={"question": "Hvor høyt var sykefraværet i 2022?"}).json()
        assert "9,3 prosent" in body["answer"]["figures"] and body["passages"][0]["section"].startswith("Medarbeidere")
        health = c.get("/api/health").json()
        assert health["index"]["built_at"] and "e5" in health["model"]
        assert c.post("/gradio_api/upload", files={"files": ("a.bin", b"0" * 100_000)}).status_code == 404
        assert c.post("/api/ask", content=b"x" * 1_000_000, headers={"content-type": "application/json"}).status_code == 413
        assert c.post("/gradio_api/queue/join", content=b"x" * 1_000_000,
                      headers={"content-type": "application/json"}).status_code == 413
        assert c.get("/gradio_api/runs").status_code == 404
        assert c.get("/gradio_api/file=http://127.0.0.1:9/").status_code == 404


@pytest.mark.slow
def test_a_thousand_questions_with_an_unread_output_pipe_all_get_200(live_app, dev_questions):
    """The app's stdout/stderr fill up and are never read: answering must go on (logging is off the request path)."""
    import time
    from concurrent.futures import ThreadPoolExecutor

    import httpx

    questions = [q["question"] for q in dev_questions]
    started = time.perf_counter()
    with httpx.Client(base_url=live_app, timeout=30, limits=httpx.Limits(max_connections=8)) as c:
        def one(n: int) -> int:
            return c.post("/api/ask", json={"question": questions[n % len(questions)]}).status_code

        with ThreadPoolExecutor(8) as pool:
            codes = list(pool.map(one, range(1000)))
    assert codes.count(200) == 1000, {code: codes.count(code) for code in set(codes)}
    assert time.perf_counter() - started < 300


def test_the_sessions_kept_in_memory_are_bounded():
    """Gradio keeps each browser session's state; an unbounded number of them grows the app without end."""
    from gradio.state_holder import StateHolder

    from askerqa.web import ui

    holder = StateHolder()
    holder.set_blocks(ui.build_app(FakeEngine(), Store()))
    for i in range(ui.SESSIONS + 20):
        holder[f"tab-{i}"]
    assert len(holder.session_data) == ui.SESSIONS
    assert "tab-0" not in holder and f"tab-{ui.SESSIONS + 19}" in holder  # the oldest go first

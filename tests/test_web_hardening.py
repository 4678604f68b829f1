"""Privacy, security and robustness of the web server and the CLI's edges (issue 20): the trash icon clears the
follow-up context, security headers on every response, /api/docs without network, request heads capped and
timed, request bodies timed, one rate limit for the chat and the API, X-Forwarded-For only from a trusted proxy, a
server that never blocks on an unread stderr, Gradio's API errors in bokmål with a meaningful status, and one
Norwegian line for a bad port or thread count."""

from __future__ import annotations

import io
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from fake_engine import FakeEngine
from fastapi.testclient import TestClient

from askerqa.web import chat
from askerqa.web.api import Limits, RateLimiter
from askerqa.web.middleware import NOT_PROCESSED, SECURITY_HEADERS, BodyLimit, translate_events

ROOT = Path(__file__).resolve().parents[1]


class Store:
    def add(self, *args, **kwargs):
        return None


def make_app(**limits):
    from askerqa.web.server import create_app

    return create_app(FakeEngine(), Store(), Limits(**{"rate_per_s": 0, **limits}), index_dir=None)


@pytest.fixture(scope="module")
def client():
    with TestClient(make_app()) as c:
        yield c


# --- 3. the trash icon and «Ny samtale» clear the same state ---

def test_trash_icon_and_new_conversation_both_clear_the_follow_up_context():
    from askerqa.web import ui

    demo = ui.build_app(FakeEngine(), Store())
    by_elem = {getattr(b, "elem_id", None): b for b in demo.blocks.values()}
    chatbot, new_btn = by_elem["chat"], by_elem["new-chat"]

    def handlers(block, event):
        return [fn for fn in demo.fns.values() if any(t[0] == block._id and t[1] == event for t in fn.targets)]

    trash, = handlers(chatbot, "clear")
    new, = handlers(new_btn, "click")
    assert trash.fn is new.fn is chat.new_conversation
    assert [o._id for o in trash.outputs] == [o._id for o in new.outputs]
    assert any(type(o).__name__ == "State" for o in trash.outputs)  # the hidden follow-up context
    # what the callback does to that context: the next «Og i 2021?» stands alone
    engine = FakeEngine()
    history, _, asked = chat.respond(engine, "Hvor høyt var sykefraværet i 2022?", [], [])
    history, _, asked = trash.fn()
    history, _, _ = chat.respond(engine, "Og i 2021?", history, asked)
    assert engine.contexts[-1] is None and "Tolket som" not in history[-1]["content"]


def test_the_vote_event_keeps_its_row_id_in_the_session():
    from askerqa.web import ui

    demo = ui.build_app(FakeEngine(), Store())
    chatbot = next(b for b in demo.blocks.values() if getattr(b, "elem_id", None) == "chat")
    vote, = [fn for fn in demo.fns.values() if any(t[0] == chatbot._id and t[1] == "like" for t in fn.targets)]
    assert [o._id for o in vote.outputs] == [i._id for i in vote.inputs]  # `asked` in and out
    assert vote.concurrency_limit == 1  # a quick 👍 then 👎 are handled in order


# --- 4. security headers ---

def _assert_secure(response):
    for name, value in SECURITY_HEADERS:
        assert response.headers.get(name.decode()) == value.decode(), (response.url, name)


@pytest.mark.parametrize(("method", "path", "body"), [
    ("GET", "/", None), ("GET", "/config", None), ("GET", "/api/health", None), ("GET", "/api/docs", None),
    ("GET", "/api/openapi.json", None), ("POST", "/api/ask", {"question": "sykefravær"}),
    ("POST", "/api/ask", {"question": "   "}), ("POST", "/api/ask", {}), ("GET", "/gradio_api/runs", None),
    ("GET", "/finnes-ikke", None), ("POST", "/api/ask", "x" * 20_000),
])
def test_security_headers_on_every_page_and_api_response(client, method, path, body):
    if isinstance(body, str):
        r = client.request(method, path, content=body.encode(), headers={"content-type": "application/json"})
    else:
        r = client.request(method, path, json=body)
    _assert_secure(r)
    csp = r.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in csp and "default-src 'self'" in csp and "http" not in csp


# --- 8. /api/docs with no network ---

def test_api_docs_reference_no_other_host_and_their_files_are_served(client):
    page = client.get("/api/docs")
    assert page.status_code == 200 and "swagger" in page.text.lower()
    assert "://" not in page.text  # no CDN, no favicon from another site
    links = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page.text)
    assert links and all(link.startswith("/api/") for link in links), links
    for link in links:
        assert client.get(link).status_code == 200, link
    assert "/api/openapi.json" in page.text


# --- 6. one rate limit for the chat and the API; X-Forwarded-For only from a trusted proxy ---

def test_the_chat_refuses_a_client_over_its_rate_before_asking_the_engine():
    engine, rate = FakeEngine(), RateLimiter(rate=0.001, burst=2)
    history, asked = [], []
    for _ in range(3):
        history, _, asked = chat.respond(engine, "Hvor høyt var sykefraværet?", history, asked, limiter=rate, client="a")
    assert engine.calls == 2 and history[-1]["content"] == chat.TOO_FAST
    assert asked[-1]["answered"] is False  # no topic for a follow-up
    chat.respond(engine, "Hvor høyt var sykefraværet?", [], [], limiter=rate, client="b")  # another client
    assert engine.calls == 3


def test_trusted_proxy_setting(monkeypatch):
    from askerqa.config import settings
    from askerqa.web.server import options

    monkeypatch.delenv("ASKERQA_TRUSTED_PROXY", raising=False)
    assert settings().trusted_proxy == () and options()["proxy_headers"] is False
    monkeypatch.setenv("ASKERQA_TRUSTED_PROXY", "10.0.0.5, 10.0.0.6")
    assert settings().trusted_proxy == ("10.0.0.5", "10.0.0.6")
    opts = options(settings().trusted_proxy)
    assert opts["proxy_headers"] is True and opts["forwarded_allow_ips"] == ["10.0.0.5", "10.0.0.6"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running(app, **overrides):
    """`app` served by uvicorn with the server's options (plus `overrides`) in a thread of this process."""
    import uvicorn

    from askerqa.web.server import options

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, **{**options(), **overrides}))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not server.started and time.time() < deadline:
        time.sleep(0.05)
    assert server.started
    try:
        yield port
    finally:
        server.should_exit = True
        thread.join(timeout=10)


async def echo_client(scope, receive, send):
    """A tiny ASGI app: answers with the client address uvicorn settled on."""
    if scope["type"] != "http":
        return
    body = json.dumps({"client": scope["client"][0]}).encode()
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body})


def test_x_forwarded_for_is_believed_only_from_the_trusted_proxy():
    from askerqa.web.server import options

    spoofed = {"x-forwarded-for": "203.0.113.7"}
    with running(echo_client) as port:  # no proxy configured: a header from localhost changes nothing
        assert httpx.get(f"http://127.0.0.1:{port}/", headers=spoofed).json()["client"] == "127.0.0.1"
    with running(echo_client, **options(("127.0.0.1",))) as port:  # behind a proxy on this machine
        assert httpx.get(f"http://127.0.0.1:{port}/", headers=spoofed).json()["client"] == "203.0.113.7"
    with running(echo_client, **options(("10.9.9.9",))) as port:  # a proxy elsewhere: this peer is not it
        assert httpx.get(f"http://127.0.0.1:{port}/", headers=spoofed).json()["client"] == "127.0.0.1"


def _raw(port: int, data: bytes, wait_s: float = 5.0) -> bytes:
    """Send `data` on a fresh connection and read until the server closes it (or `wait_s` passes)."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait_s) as s:
        if data:
            s.sendall(data)
        chunks = []
        try:
            while chunk := s.recv(65536):
                chunks.append(chunk)
        except (TimeoutError, ConnectionResetError):
            pass
        return b"".join(chunks)


def test_request_heads_are_capped_and_slow_clients_cut_off():
    from askerqa.web.protocol import GuardedHttpTools

    class Quick(GuardedHttpTools):
        header_timeout_s = 0.5

    with running(echo_client, http=Quick) as port:
        ok = _raw(port, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        assert ok.startswith(b"HTTP/1.1 200")
        big = _raw(port, b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 20_000 + b"\r\n\r\n")
        assert big.startswith(b"HTTP/1.1 431")
        assert "for store hoder" in json.loads(big.split(b"\r\n\r\n", 1)[1])["error"]
        endless = _raw(port, b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200_000)  # never finished
        assert endless.startswith(b"HTTP/1.1 431")
        started = time.perf_counter()
        slow = _raw(port, b"GET / HTTP/1.1\r\nHost: x\r\n")  # half a head, then nothing
        assert slow.startswith(b"HTTP/1.1 408") and time.perf_counter() - started < 4
        assert "for sakte" in json.loads(slow.split(b"\r\n\r\n", 1)[1])["error"]
        assert _raw(port, b"").startswith(b"HTTP/1.1 408")  # connected and silent
        many = b"".join(b"X-H%d: %s\r\n" % (i, b"b" * 100) for i in range(200))  # many small headers, 20 KiB
        assert _raw(port, b"GET / HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n").startswith(b"HTTP/1.1 431")
        body = b"x" * 300_000  # a large body is not a large head
        post = _raw(port, b"POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: %d\r\n\r\n" % len(body)
                    + body)
        assert post.startswith(b"HTTP/1.1 200")


def test_a_request_body_sent_too_slowly_is_cut_off_with_a_norwegian_408():
    class Quick(BodyLimit):
        timeout_s = 0.5

    head = b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n"
    with running(Quick(echo_client)) as port:
        started = time.perf_counter()
        stalled = _raw(port, head + b"x" * 10)  # a tenth of the body, then nothing
        assert stalled.startswith(b"HTTP/1.1 408") and time.perf_counter() - started < 3  # answered and closed
        assert "for sakte" in json.loads(stalled.split(b"\r\n\r\n", 1)[1])["error"]
        with socket.create_connection(("127.0.0.1", port), timeout=5) as s:  # a byte every 0.1 s: never idle
            s.sendall(head)
            s.settimeout(0.1)
            reply, started = b"", time.perf_counter()
            while not reply and time.perf_counter() - started < 4:
                s.sendall(b"x")
                try:
                    reply = s.recv(65536)
                except TimeoutError:
                    pass
            assert reply.startswith(b"HTTP/1.1 408") and time.perf_counter() - started < 2
        get = _raw(port, b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 50\r\n\r\nabc")  # a GET's body too
        assert get.startswith(b"HTTP/1.1 408")
        whole = _raw(port, head.replace(b"Host: x", b"Host: x\r\nConnection: close") + b"x" * 100)
        assert whole.startswith(b"HTTP/1.1 200")


def test_over_the_connection_limit_the_refusal_is_norwegian():
    with running(echo_client, limit_concurrency=2) as port:
        held = [socket.create_connection(("127.0.0.1", port)) for _ in range(2)]  # two clients holding on
        try:
            time.sleep(0.2)
            busy = _raw(port, b"GET / HTTP/1.1\r\nHost: x\r\n\r\n")
        finally:
            for s in held:
                s.close()
        assert busy.startswith(b"HTTP/1.1 503")
        assert json.loads(busy.split(b"\r\n\r\n", 1)[1])["error"].startswith("Tjenesten er opptatt")


@pytest.mark.slow
def test_the_chat_and_the_api_share_one_rate_limit_per_client():
    from gradio_client import Client

    with running(make_app(rate_per_s=0.01, burst=3)) as port:
        url = f"http://127.0.0.1:{port}"
        codes = [httpx.post(f"{url}/api/ask", json={"question": "x"}, headers={"x-forwarded-for": f"10.0.0.{i}"})
                 .status_code for i in range(4)]
        assert codes == [200, 200, 200, 429]  # a rotating X-Forwarded-For is the same client
        history, _ = Client(url + "/", verbose=False).predict("Hvor høyt var sykefraværet?", [], [], api_name="/respond")
        content = history[-1]["content"]
        assert (content[0]["text"] if isinstance(content, list) else content) == chat.TOO_FAST
        page = httpx.get(url + "/")
        _assert_secure(page)
        assert 'lang="nb"' in page.text


# --- 5. an unread stderr never blocks the server ---

def test_output_streams_never_wait_for_a_stuck_reader_and_redact_what_they_write():
    from askerqa.feedback import redact
    from askerqa.web.logs import DroppingStream

    release = threading.Event()

    class Stuck(io.StringIO):  # a pipe nobody reads: every write waits
        def write(self, text):
            release.wait()
            return super().write(text)

    target = Stuck()
    stream = DroppingStream(target, size=10, clean=redact)
    started = time.perf_counter()
    for _ in range(1000):
        stream.write("Traceback … Value: 'fnr 01019912345' is not in the list of choices\n")
    assert time.perf_counter() - started < 1 and stream.dropped >= 980
    release.set()
    assert stream.drain(5)
    assert "[fødselsnummer]" in target.getvalue() and "01019912345" not in target.getvalue()


@pytest.mark.slow
def test_an_unread_stderr_pipe_never_blocks_the_server(tmp_path):
    """Each failing question makes the server log a traceback (~2 KB); with stderr a pipe nobody reads, the
    64 KiB pipe is full after ~30. The server must go on answering. (A figure search with a section not in the
    list, the audit's case, is now refused before Gradio prints anything: see the Gradio error tests.)"""
    port = free_port()
    proc = subprocess.Popen([sys.executable, str(ROOT / "tests" / "fake_server.py"), str(port)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)  # never read, on purpose
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.time() + 120
        while time.time() < deadline:
            try:
                if httpx.get(f"{url}/api/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        else:
            pytest.fail("the server did not start")
        with httpx.Client(base_url=url, timeout=10) as c:
            for _ in range(150):  # a question the engine fails on: the chat logs its traceback (~2 KB) each time
                event = c.post("/gradio_api/call/respond", json={"data": ["feil", [], []]}).json()["event_id"]
                assert "complete" in c.get(f"/gradio_api/call/respond/{event}").text
            assert c.get("/api/health", timeout=5).json()["status"] == "ok"
            assert c.post("/api/ask", json={"question": "sykefravær"}, timeout=5).status_code == 200
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        for pipe in (proc.stdout, proc.stderr):
            if pipe is not None:
                pipe.close()


# --- invalid Gradio requests: bokmål, a status that says whose fault, never a crash ---

ENGLISH = ("Field required", "Internal Server Error", "Not Found", "Value:", "Traceback", "JSON decode", "Input should",
           "Session hash", "function index", "Error")
FIND, RESPOND = "{find}", "{respond}"
BAD_GRADIO = [  # path, body, status, words of the bokmål line
    ("/gradio_api/call/find", b"{ikke json", 422, "ikke gyldig JSON"),
    ("/gradio_api/call/find", b'{"data": 5}', 422, "«data» har feil type"),
    ("/gradio_api/call/find", b'{"noe": 5}', 422, "mangler feltet «data»"),
    ("/gradio_api/call/find", b'{"data": ["sykefrav\\u00e6r"]}', 422, "For få verdier: funksjonen tar 2"),
    ("/gradio_api/call/find", '{"data": ["sykefravær", "Finnes ikke"]}'.encode(), 422, "Ugyldig valg: «Finnes ikke»"),
    ("/gradio_api/run/find", '{"data": ["sykefravær", "Finnes ikke"]}'.encode(), 422, "Ugyldig valg"),
    ("/gradio_api/call/finnes-ikke", b'{"data": []}', 404, "ingen funksjon heter «finnes-ikke»"),
    ("/gradio_api/run/predict", b'{"data": []}', 404, "ingen funksjon heter «predict»"),
    ("/gradio_api/api/predict", b'{"data": []}', 404, "ingen funksjon heter «predict»"),
    ("/gradio_api/queue/join", b'{"data": [], "fn_index": 9999, "session_hash": "abc"}', 404, "nummer 9999"),
    ("/gradio_api/queue/join", b'{"data": [], "fn_index": -1, "session_hash": "abc"}', 404, "nummer -1"),
    ("/gradio_api/queue/join", b'{"data": ["x"], "fn_index": ' + RESPOND.encode() + b', "session_hash": "abc"}', 422,
     "For få verdier: funksjonen tar 3, forespørselen har 1"),
    ("/gradio_api/queue/join", b'{"data": ["x", "Finnes ikke"], "fn_index": ' + FIND.encode() + b', "session_hash": "a"}',
     422, "Ugyldig valg"),
    ("/gradio_api/queue/join", b'{"data": [], "fn_index": "x", "session_hash": "abc"}', 422, "«fn_index»"),
    ("/gradio_api/queue/join", b'{"data": [], "session_hash": "abc"}', 400, "mangler «fn_index»"),
    ("/gradio_api/queue/join", b"[1]", 422, "JSON-objekt"),
    ("/gradio_api/queue/join", b"", 422, "mangler innhold"),
    ("/gradio_api/component_server", b'{"data": 1, "component_id": 99999, "fn_name": "x", "session_hash": "a"}', 404,
     "ingen komponent"),
    ("/gradio_api/component_server", b"{ikke json", 400, "ikke gyldig JSON"),
]


@pytest.fixture(scope="module")
def fn_index(client) -> dict[str, int]:
    return {d["api_name"]: d["id"] for d in client.get("/config").json()["dependencies"] if d.get("api_name")}


@pytest.mark.parametrize(("path", "body", "status", "words"), BAD_GRADIO)
def test_invalid_gradio_requests_get_a_norwegian_4xx(client, fn_index, path, body, status, words):
    body = body.replace(FIND.encode(), str(fn_index["find"]).encode()).replace(RESPOND.encode(),
                                                                                str(fn_index["respond"]).encode())
    r = client.post(path, content=body, headers={"content-type": "application/json"})  # a crash would raise here
    assert r.status_code == status, r.text
    payload = r.json()
    assert words in payload["error"] and payload["detail"] == payload["error"], payload
    assert not any(english in r.text for english in ENGLISH), r.text


def test_gradio_error_pages_and_event_streams_are_norwegian(client):
    r = client.get("/gradio_api/finnes-ikke")
    assert r.status_code == 404 and r.json()["error"] == "Finnes ikke."
    r = client.get("/gradio_api/queue/data")  # the session is a required query field
    assert r.status_code == 422 and "session_hash" in r.json()["error"] and "Field" not in r.text
    stream = client.get("/gradio_api/call/find/finnes-ikke").text  # an unknown event: Gradio raises after its reply
    assert 'data: "Finnes ikke."' in stream and "404" not in stream
    stream = client.get("/gradio_api/queue/data", params={"session_hash": "ukjent"}).text
    assert "Finnes ikke." in stream and "404: Not Found" not in stream
    event = client.post("/gradio_api/call/find", json={"data": ["sykefravær", "Alle deler"]}).json()["event_id"]
    result = client.get(f"/gradio_api/call/find/{event}").text  # a valid call goes through untouched
    assert "event: complete" in result and "Sykefrav" in result and "rror" not in result


def test_gradio_error_events_are_translated_and_other_events_left_as_they_are():
    choice = json.dumps({"msg": "process_completed", "success": False, "output": {
        "error": "Value: fnr is not in the list of choices: ['Alle deler']", "title": "Error"}})
    other = json.dumps({"msg": "process_completed", "output": {"error": "Something broke"}, "success": False})
    fine = '{"msg": "process_generating", "output": {"data": ["Sykefraværet var 9,3 prosent"]}}'
    done = '{"msg":"process_completed","output":{"data":["Terror"],"error":null},"success":true}'
    out = translate_events(f"data: {choice}\n\ndata: {other}\n\ndata: {fine}\n\ndata: {done}\n\n".encode()).decode()
    first, second, *_ = [json.loads(line[6:]) for line in out.splitlines() if line.startswith("data: ")]
    assert first["output"] == {"error": "Ugyldig valg: «fnr» finnes ikke i listen.", "title": "Feil"}
    assert second["output"]["error"] == NOT_PROCESSED
    assert f"data: {fine}\n" in out and f"data: {done}\n" in out  # byte for byte


# --- 7. the CLI's edges ---

def test_a_deeply_nested_json_line_gets_its_error_line_and_the_batch_goes_on(monkeypatch, capsys):
    from askerqa import cli, search

    monkeypatch.setattr(search.Engine, "load", classmethod(lambda cls, *a, **k: FakeEngine()))
    deep = '{"question": ' + "[" * 200_000 + "]" * 200_000 + "}"
    lines = ["Hvor høyt var sykefraværet?", deep, '{"question": "Og i 2021?", "context": ["Sykefraværet i 2022?"]}']
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO("\n".join(lines).encode() + b"\n"), encoding="utf-8"))
    assert cli.main(["ask", "--stdin", "--json"]) == 2
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(out) == 3
    assert out[0]["answer"]["found"] and out[2]["interpreted"] == "Sykefraværet i 2021?"
    assert "JSON" in out[1]["error"] and "Traceback" not in out[1]["error"]


def test_a_port_outside_1_to_65535_is_refused_in_norwegian(capsys):
    from askerqa import cli

    assert cli.main(["serve", "--port", "73365"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("askerqa: Porten 73365 finnes ikke") and "65535" in err and err.count("\n") == 1


@pytest.mark.parametrize("variable", ["ASKERQA_PORT", "ASKERQA_THREADS"])
@pytest.mark.parametrize("command", [["feedback"], ["ask", "sykefravær"], ["serve"], ["build"], ["passages", "--stats"],
                                     ["eval"], ["tables"]])
def test_a_non_numeric_port_or_thread_count_is_one_line_on_every_command(monkeypatch, capsys, variable, command):
    from askerqa import cli

    monkeypatch.setenv(variable, "mange")
    assert cli.main(command) == 2
    captured = capsys.readouterr()
    assert captured.err == f"askerqa: {variable}='mange' kan ikke brukes: " + captured.err.split(": ", 2)[2]
    assert captured.err.count("\n") == 1 and "Traceback" not in captured.err and not captured.out


def test_the_real_command_line_says_it_in_one_line_too():
    env = {"ASKERQA_PORT": "sju tusen", "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "askerqa.cli", "feedback"], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == ["askerqa: ASKERQA_PORT='sju tusen' kan ikke brukes: porten må være et "
                                                "heltall fra 1 til 65535."]


def test_the_server_asks_once_before_its_port_opens_and_starts_even_if_that_question_fails(
        tmp_path, monkeypatch, capsys):
    """The first visitors do not pay for the engine's first run: `serve` asks one question before it listens; an
    engine that fails that question still gets a server (the failure is one line), as it did before."""
    import uvicorn

    import askerqa
    from askerqa.web import logs, server

    monkeypatch.setattr(logs, "start_logging", lambda *args, **kwargs: None)  # keep pytest's log handlers
    monkeypatch.setenv("ASKERQA_FEEDBACK_DB", str(tmp_path / "feedback.sqlite3"))
    monkeypatch.setattr(server, "create_app", lambda engine, store: object())
    for fails in (False, True):
        engine = FakeEngine()
        monkeypatch.setattr(server, "WARM_UP", "feil" if fails else "Hva var sykefraværet?")
        asked_before_listening: list[int] = []
        monkeypatch.setattr(askerqa.Engine, "load", classmethod(lambda cls, *a, e=engine, **k: e))
        monkeypatch.setattr(uvicorn, "run", lambda app, e=engine, seen=asked_before_listening, **kw: seen.append(e.calls))
        assert server.serve("127.0.0.1", 1) == 0
        assert asked_before_listening == [1]
    assert "oppvarmingsspørsmålet feilet (RuntimeError: boom); serveren starter likevel." in capsys.readouterr().err


def test_gradio_never_imports_pyplot_in_the_server():
    """Gradio switches matplotlib's backend inside every event; the server names "agg", so matplotlib does not
    import pyplot to find a screen backend during the first question (a fresh process: it reads it on import)."""
    code = ("import sys, askerqa.web.server, matplotlib\n"
            "from gradio.utils import MatplotlibBackendMananger\n"
            "with MatplotlibBackendMananger():\n    pass\n"
            "print(matplotlib.get_backend(), 'matplotlib.pyplot' in sys.modules)\n")
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env, check=True)
    assert out.stdout.split()[-2:] == ["agg", "False"]

"""ASGI middleware around the whole server: request bodies capped and timed, routes closed, Gradio's page
and its API errors in bokmål.

Each one is plain ASGI (no request object built), so a refused request costs almost nothing and
the body cap holds before any route parses the body.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import unquote

from .assets import LOCALE_SCRIPT

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

API_BODY_LIMIT = 16 * 1024
# Gradio's chat sends the visible history back with each question: 20 turns with their sources fit
# well inside this; a 1 MB question does not.
GRADIO_BODY_LIMIT = 512 * 1024
TOO_BIG = "Forespørselen er for stor."
BODY_TIMEOUT_S = 30.0  # a whole body within this: 512 KiB needs 17 KiB/s, far below any real connection
BODY_TOO_SLOW = "Forespørselen kom for sakte og ble avbrutt."
NOT_HERE = "Finnes ikke."
QUEUE_FULL = "Det er mange spørsmål akkurat nå. Vent litt og prøv igjen."
# Gradio routes this app does not use and that keep or fetch things: uploads (disk), run history
# (questions kept in the browser), URL fetching on a client's behalf, monitoring and the dev tools.
CLOSED_PREFIXES = (
    "/gradio_api/upload", "/gradio_api/runs", "/gradio_api/run-history", "/gradio_api/monitoring",
    "/gradio_api/vibe", "/gradio_api/undo-vibe", "/gradio_api/profiling", "/gradio_api/process_recording",
    "/gradio_api/dev/", "/gradio_api/mcp", "/monitoring", "/runs",
)


async def send_json(send: Send, status: int, payload: dict, headers: list[tuple[bytes, bytes]] | None = None) -> None:
    body = json.dumps(payload, ensure_ascii=False).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json; charset=utf-8"),
                            (b"content-length", str(len(body)).encode()), *(headers or [])]})
    await send({"type": "http.response.body", "body": body})


def body_limit(path: str) -> int:
    return API_BODY_LIMIT if path.startswith("/api/") else GRADIO_BODY_LIMIT


class BodyLimit:
    """413 for a request body over the limit, decided from Content-Length or while reading, before parsing;
    408 (and the connection closed) for a body not all there within `timeout_s`: a client that sends the
    head and then dribbles the body would otherwise hold a connection and a buffer for as long as it likes
    (the protocol's own timer stops at the end of the head)."""

    timeout_s = BODY_TIMEOUT_S

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if scope.get("method") in ("GET", "HEAD", "OPTIONS") and declared is None and b"transfer-encoding" not in headers:
            return await self.app(scope, receive, send)  # no body to wait for
        limit = body_limit(scope["path"])
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            return await send_json(send, 413, {"error": TOO_BIG})
        chunks, size = [], 0
        try:
            async with asyncio.timeout(self.timeout_s):
                while True:  # read it all (at most `limit` bytes) so a chunked body is capped too
                    message = await receive()
                    if message["type"] == "http.disconnect":
                        return
                    chunk = message.get("body", b"")
                    size += len(chunk)
                    if size > limit:
                        return await send_json(send, 413, {"error": TOO_BIG})
                    chunks.append(chunk)
                    if not message.get("more_body"):
                        break
        except TimeoutError:
            return await send_json(send, 408, {"error": BODY_TOO_SLOW}, [(b"connection", b"close")])
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        return await self.app(scope, replay, send)


def is_closed(path: str) -> bool:
    """Whether a path reaches a route this server keeps shut (see CLOSED_PREFIXES) or fetches a URL."""
    path = unquote(path)
    low = path.lower()
    if "/proxy=" in low:
        return True
    if "/file=" in low:
        target = low.split("/file=", 1)[1].lstrip()
        if target.startswith(("http:", "https:", "//", "ftp:", "file:")) or "://" in target:
            return True
    return any(low.startswith(p) for p in CLOSED_PREFIXES)


class ClosedRoutes:
    """404 for Gradio routes the app does not use; a 503 from Gradio's queue gets a bokmål message."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        if is_closed(scope["path"]):
            return await send_json(send, 404, {"error": NOT_HERE, "detail": NOT_HERE})
        if not scope["path"].startswith("/gradio_api/"):
            return await self.app(scope, receive, send)
        full = False

        async def translated(message: Message) -> None:
            nonlocal full
            if message["type"] == "http.response.start" and message["status"] == 503:
                full = True
                return
            if full:
                if message["type"] == "http.response.body" and not message.get("more_body"):
                    await send_json(send, 503, {"detail": QUEUE_FULL, "error": QUEUE_FULL}, [(b"retry-after", b"2")])
                return
            await send(message)

        return await self.app(scope, receive, translated)


class NorwegianPage:
    """Makes Gradio's page bokmål before the browser sees it.

    Gradio's template says `<html lang="en">`; this sets `nb` and puts LOCALE_SCRIPT first in <head>.
    It sits inside Gradio's compression middleware, so it edits the plain HTML; Content-Length is reset.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") == "HEAD":
            return await self.app(scope, receive, send)
        start: Message | None = None  # the held response start of an HTML page
        body: list[bytes] = []

        async def patched(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                headers = dict(message.get("headers") or [])
                if headers.get(b"content-type", b"").startswith(b"text/html") and b"content-encoding" not in headers:
                    start = message
                    return
            elif message["type"] == "http.response.body" and start is not None:
                body.append(message.get("body", b""))
                if message.get("more_body"):
                    return
                page = localise_page(b"".join(body))
                kept = [(k, v) for k, v in start.get("headers") or [] if k.lower() != b"content-length"]
                await send({**start, "headers": [*kept, (b"content-length", str(len(page)).encode())]})
                message = {"type": "http.response.body", "body": page}
            await send(message)

        return await self.app(scope, receive, patched)


def localise_page(html: bytes) -> bytes:
    """Gradio's page with `<html lang="nb">` and LOCALE_SCRIPT at the top of <head>; other HTML unchanged."""
    html = html.replace(b'lang="en"', b'lang="nb"', 1)
    head = html.find(b"<head>")
    return html if head < 0 else html[: head + 6] + LOCALE_SCRIPT + html[head + 6:]


# What the page needs and no more: Gradio's own scripts and styles (inline ones too: its config, our head
# script, `js=` callbacks run through `new Function`, hence 'unsafe-eval'), its SVG icons and chart images as
# data:/blob: URLs, and its event stream to this server. Nothing from another host; no one may frame it.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; font-src 'self' data:; connect-src 'self'; media-src 'self' data: blob:; "
    "worker-src 'self' blob:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
)


class SecurityHeaders:
    """Adds SECURITY_HEADERS to every HTTP response (the page, the API, errors, refusals) that does not set its own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                present = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        return await self.app(scope, receive, with_headers)


# --- Gradio's API routes in bokmål, with a status that says whose fault it was ---

BAD_FORM = "Forespørselen har feil form."
SERVER_FAULT = "Noe gikk galt på serveren. Prøv igjen om litt."
NOT_PROCESSED = "Forespørselen kunne ikke behandles."
_BY_STATUS = {400: "Forespørselen kan ikke brukes.", 401: "Ingen tilgang.", 403: "Ingen tilgang.", 404: NOT_HERE,
              405: "Metoden er ikke tillatt her.", 408: BODY_TOO_SLOW, 413: TOO_BIG, 422: BAD_FORM,
              429: "For mange forespørsler. Vent litt og prøv igjen."}
_KNOWN = {  # Gradio's own messages (its `detail` or `error`), as the user should read them
    "Not Found": NOT_HERE, "404: Not Found": NOT_HERE, "Method Not Allowed": _BY_STATUS[405],
    "Session hash not found.": "Forespørselen mangler «session_hash».",
    "No function index provided.": "Forespørselen mangler «fn_index».",
    "Invalid JSON body.": "Forespørselen er ikke gyldig JSON.",
    "Queue is stopped.": "Tjenesten starter på nytt. Prøv igjen om litt.",
}
_CHOICE = re.compile(r"Value: (.{0,200}?) is not in the list of choices", re.S)
_CALL = re.compile(r"/gradio_api/(?:call|run|api)/([^/]+)/?")
_CHECKED = ("/gradio_api/queue/join", "/gradio_api/component_server")


def _quoted(value: object) -> str:
    text = str(value)
    return "".join(c if c.isprintable() else " " for c in (text if len(text) <= 60 else text[:60] + "…"))


def gradio_message(text: str) -> tuple[str, bool] | None:
    """One of Gradio's error texts in bokmål, and whether it is the client's fault; None when not known."""
    choice = _CHOICE.match(text)
    if choice:
        return f"Ugyldig valg: «{_quoted(choice.group(1))}» finnes ikke i listen.", True
    if text.startswith("File not allowed"):
        return "Ingen tilgang til filen.", True
    if text.startswith("This API endpoint does not accept direct HTTP POST"):
        return "Denne funksjonen brukes gjennom køen (/gradio_api/queue/join).", True
    known = _KNOWN.get(text.strip())
    return (known, True) if known else None


def _field_problem(item: dict) -> str:
    """A FastAPI validation error (one item of its `detail` list) in bokmål."""
    loc = [str(x) for x in item.get("loc") or [] if x != "body"]
    field = _quoted(".".join(loc)) if loc else ""
    kind = str(item.get("type", ""))
    if kind == "json_invalid":
        return "Forespørselen er ikke gyldig JSON."
    if kind == "missing":
        return f"Forespørselen mangler feltet «{field}»." if field else "Forespørselen mangler innhold."
    return f"Feltet «{field}» har feil type eller verdi." if field else "Forespørselen må være et JSON-objekt."


def norwegian_error(status: int, body: bytes) -> tuple[int, str]:
    """Gradio's error reply (status, JSON or text body) as a status and one bokmål line. A known client fault
    that Gradio answers with 500 (a value not among the choices) becomes 422."""
    try:
        payload = json.loads(body) if body else None
    except (ValueError, RecursionError):
        payload = None
    if isinstance(payload, dict):
        detail, error = payload.get("detail"), payload.get("error")
        if isinstance(detail, list) and detail and isinstance(detail[0], dict):
            return status, _field_problem(detail[0])
        text = detail if isinstance(detail, str) else error if isinstance(error, str) else None
        known = gradio_message(text) if text else None
        if known:
            return (422 if known[1] and status >= 500 else status), known[0]
    if status >= 500:
        return status, SERVER_FAULT
    return status, _BY_STATUS.get(status, _BY_STATUS[400])


def _event(data: Any) -> tuple[Any, bool]:
    """One event-stream message of Gradio's with its error text in bokmål, and whether anything changed."""
    if isinstance(data, str):
        known = gradio_message(data)
        return (known[0], True) if known else (data, False)
    if not isinstance(data, dict):
        return data, False
    changed = False
    output = data.get("output")
    for holder in (data, output if isinstance(output, dict) else None):
        if holder is None:
            continue
        if isinstance(holder.get("error"), str):
            known = gradio_message(holder["error"])
            holder["error"], changed = (known[0] if known else NOT_PROCESSED), True
        if holder.get("title") == "Error":
            holder["title"], changed = "Feil", True
    if data.get("msg") == "unexpected_error" and isinstance(data.get("message"), str):
        known = gradio_message(data["message"])
        data["message"], changed = (known[0] if known else NOT_PROCESSED), True
    return data, changed


def translate_events(text: bytes) -> bytes:
    """Complete event-stream lines with each `data:` JSON that holds an error passed through _event; every
    other line stays byte for byte as Gradio wrote it."""
    lines = text.split(b"\n")
    for i, line in enumerate(lines):
        if line.startswith(b"data: ") and (b"rror" in line or b"Not Found" in line):
            try:
                data, changed = _event(json.loads(line[6:]))
            except (ValueError, RecursionError):
                continue
            if changed:
                lines[i] = b"data: " + json.dumps(data, ensure_ascii=False).encode()
    return b"\n".join(lines)


@dataclass(frozen=True)
class GradioEndpoints:
    """What Gradio would look up for a call, to refuse an unknown one before Gradio crashes on it (a 500). The
    page makes no functions per session (no gr.render), so every valid fn_index is known at start."""

    inputs: dict[int, int]  # fn_index -> how many input values the function takes
    names: dict[str, int]  # api_name -> fn_index
    components: frozenset[int]  # the page's component ids
    choices: dict[int, dict[int, frozenset]]  # fn_index -> {input position: the values a fixed list allows}

    @classmethod
    def of(cls, demo: Any) -> GradioEndpoints:
        fns = demo.fns
        # a list no event writes to keeps the choices it was made with: a value outside it is refused here
        # (Gradio would refuse it too, with an English error and a traceback in the log)
        written = {block._id for fn in fns.values() for block in fn.outputs}
        choices: dict[int, dict[int, frozenset]] = {}
        for i, fn in fns.items():
            for pos, block in enumerate(fn.inputs):
                options = getattr(block, "choices", None)
                if (type(block).__name__ in ("Dropdown", "Radio") and isinstance(options, list) and block._id not in written
                        and not getattr(block, "multiselect", False) and not getattr(block, "allow_custom_value", False)):
                    allowed = frozenset(c[1] if isinstance(c, tuple | list) else c for c in options)
                    choices.setdefault(int(i), {})[pos] = allowed
        return cls({int(i): len(fn.inputs) for i, fn in fns.items()},
                   {fn.api_name: int(i) for i, fn in fns.items() if isinstance(fn.api_name, str)},
                   frozenset(int(i) for i in demo.blocks), choices)

    def refusal(self, path: str, payload: object) -> tuple[int, str] | None:
        """(status, bokmål line) for a call Gradio would answer with a 500 or an English error, else None."""
        if not isinstance(payload, dict):
            return None  # Gradio's own 422, translated on the way out
        if path == "/gradio_api/component_server":
            cid = payload.get("component_id")
            if type(cid) is int and cid not in self.components:
                return 404, f"Finnes ikke: ingen komponent har nummer {cid}."
            return None
        index = payload.get("fn_index")
        call = _CALL.fullmatch(path)
        if index is None and call:
            name = unquote(call.group(1))
            if name not in self.names:
                return 404, f"Finnes ikke: ingen funksjon heter «{_quoted(name)}»."
            index = self.names[name]
        if type(index) is not int:
            return None
        if index not in self.inputs:
            return 404, f"Finnes ikke: ingen funksjon har nummer {index}."
        data, needed = payload.get("data"), self.inputs[index]
        if isinstance(data, list) and len(data) < needed:
            return 422, f"For få verdier: funksjonen tar {needed}, forespørselen har {len(data)}."
        for pos, allowed in self.choices.get(index, {}).items():
            value = data[pos] if isinstance(data, list) and pos < len(data) else None
            if isinstance(value, str | int | float) and value not in allowed:
                return 422, f"Ugyldig valg: «{_quoted(value)}» finnes ikke i listen."
        return None


class GradioErrors:
    """Gradio's API routes in bokmål: a call Gradio would crash on (an unknown function or component, too few
    values; a 500 and a traceback) is refused first with 404/422, and Gradio's own error replies (FastAPI's
    English validation errors, «Internal Server Error», «Value: … is not in the list of choices» in JSON and
    in event streams) are rewritten to {"error", "detail"} in bokmål with a status that says whose fault it
    was. Sits inside BodyLimit, so the body it reads is already capped and whole."""

    def __init__(self, app: ASGIApp, endpoints: GradioEndpoints | None = None) -> None:
        self.app = app
        self.endpoints = endpoints

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope["path"] if scope["type"] == "http" else ""
        if not path.startswith("/gradio_api/"):
            return await self.app(scope, receive, send)
        if self.endpoints is not None and scope.get("method") == "POST" and (path in _CHECKED or _CALL.fullmatch(path)):
            body, receive = await _read_body(receive)
            try:
                payload = json.loads(body) if body else None
            except (ValueError, RecursionError):
                payload = None
            refused = self.endpoints.refusal(path, payload)
            if refused:
                return await send_json(send, refused[0], {"error": refused[1], "detail": refused[1]})
        mode = ""  # "error": an error reply held to be rewritten; "events": an event stream
        start: Message = {}
        held: list[bytes] = []
        carry, ended = b"", False

        async def translated(message: Message) -> None:
            nonlocal mode, start, carry, ended
            if message["type"] == "http.response.start":
                headers = {k.lower(): v for k, v in message.get("headers") or []}
                kind = headers.get(b"content-type", b"")
                if kind.startswith(b"text/event-stream"):
                    mode = "events"
                elif message["status"] >= 400 and message["status"] != 503 and b"content-encoding" not in headers:
                    mode, start = "error", message  # 503: ClosedRoutes says it
                    return
                return await send(message)
            if message["type"] != "http.response.body" or not mode:
                return await send(message)
            chunk, more = message.get("body", b""), message.get("more_body", False)
            ended = not more
            if mode == "error":
                held.append(chunk)
                if more:
                    return
                status, text = norwegian_error(start["status"], b"".join(held))
                kept = [(k, v) for k, v in start.get("headers") or []
                        if k.lower() not in (b"content-type", b"content-length")]
                return await send_json(send, status, {"error": text, "detail": text}, kept)
            text = carry + chunk
            if not more:
                carry, complete = b"", text
            elif not carry and text.endswith(b"\n") and b"rror" not in text and b"Not Found" not in text:
                return await send(message)  # the usual case, a whole message with no error: as it came
            else:
                cut = text.rfind(b"\n") + 1
                carry, complete = text[cut:], text[:cut]
            await send({**message, "body": translate_events(complete)})

        try:
            return await self.app(scope, receive, translated)
        except Exception as exc:
            if mode != "events":
                raise
            # Gradio ends the event stream of an unknown session by raising after its last message (a
            # traceback in the log per hostile request): the stream is closed properly and one line logged.
            logging.getLogger("askerqa.web").warning("Gradio-strømmen %s ble avsluttet: %s", path, type(exc).__name__)
            if not ended:
                await send({"type": "http.response.body", "body": translate_events(carry), "more_body": False})


async def _read_body(receive: Receive) -> tuple[bytes, Receive]:
    """The whole request body, and a receive that hands it on as one message."""
    chunks = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    body = b"".join(chunks)
    replayed = False

    async def replay() -> Message:
        nonlocal replayed
        if not replayed:
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay

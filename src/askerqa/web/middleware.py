"""ASGI middleware around the whole server: request bodies capped, routes closed, Gradio's page in bokmål.

Each one is plain ASGI (no request object built), so a refused request costs almost nothing and
the body cap holds before any route parses the body.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
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
    """413 for a request body over the limit, decided from Content-Length or while reading, before parsing."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("method") in ("GET", "HEAD", "OPTIONS"):
            return await self.app(scope, receive, send)
        limit = body_limit(scope["path"])
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > limit):
            return await send_json(send, 413, {"error": TOO_BIG})
        chunks, size = [], 0
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

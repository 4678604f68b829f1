"""The HTTP protocol the server runs: uvicorn's httptools protocol with request headers capped and slow
clients cut off, each refusal a short Norwegian JSON reply where one can still be sent.

uvicorn itself caps neither (its `h11_max_incomplete_event_size` only applies to the slower h11 protocol)
and has no time limit for a request's headers, so a client could hold a connection, and its memory,
by sending them slowly or without end:

- headers (request line included) over HEADER_LIMIT bytes -> 431, read or not yet complete;
- a connection that has not sent a whole request head within HEADER_TIMEOUT_S -> 408, then closed
  (uvicorn's `timeout_keep_alive` closes an idle connection between requests);
- more connections or requests than `limit_concurrency` -> 503 in bokmål (uvicorn says "Service Unavailable").
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from uvicorn.protocols.http.httptools_impl import STATUS_LINE, HttpToolsProtocol

HEADER_LIMIT = 16 * 1024
HEADER_TIMEOUT_S = 10.0
HEADERS_TOO_BIG = "Forespørselen har for store hoder (over 16 KiB)."
TOO_SLOW = "Forespørselen kom for sakte og ble avbrutt."
BUSY = "Tjenesten er opptatt akkurat nå. Prøv igjen om litt."


class GuardedHttpTools(HttpToolsProtocol):
    """HttpToolsProtocol with a size cap and a time limit on each request's head (see module doc)."""

    header_limit = HEADER_LIMIT
    header_timeout_s = HEADER_TIMEOUT_S

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_done = False  # the current request's head has been read whole
        self._head_bytes = 0  # bytes received while a head was incomplete (counts a head not yet parsed)
        self._header_size = 0  # request line and headers of the current request, as parsed
        self._head_timer: asyncio.TimerHandle | None = None
        self._refused = False

    # connection and data
    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._start_head_timer()  # a connection that never sends anything is closed too

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_head_timer()
        super().connection_lost(exc)

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return
        if not self._head_done:
            self._head_bytes += len(data)
            self._start_head_timer()
        super().data_received(data)
        if not self._refused and not self._head_done and self._head_bytes > self.header_limit + 1024:
            self.refuse(431, HEADERS_TOO_BIG)  # a head still incomplete past the limit (one endless header)

    # parser callbacks
    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._header_size = 0

    def on_url(self, url: bytes) -> None:
        if not self._refused:
            self._header_size += len(url)
            super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        if not self._refused:
            self._header_size += len(name) + len(value) + 4
            super().on_header(name, value)

    def on_headers_complete(self) -> None:
        if self._refused:
            return
        self._head_done, self._head_bytes = True, 0
        self._stop_head_timer()
        if self._header_size > self.header_limit:
            self.refuse(431, HEADERS_TOO_BIG)
            return
        if self.limit_concurrency is not None and (
                len(self.connections) >= self.limit_concurrency or len(self.tasks) >= self.limit_concurrency):
            self.refuse(503, BUSY)
            return
        super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if not self._refused:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if self._refused:
            return
        self._head_done = False  # the next request on this connection has its own head to send
        super().on_message_complete()

    # refusals
    def refuse(self, status: int, message: str) -> None:
        """Answer `status` with a Norwegian {"error"} and close the connection; nothing more is read."""
        if self._refused:
            return
        self._refused = True
        self._stop_head_timer()
        if self.transport is None or self.transport.is_closing():
            return
        body = json.dumps({"error": message}, ensure_ascii=False).encode()
        head = [STATUS_LINE[status], *(n + b": " + v + b"\r\n" for n, v in self.server_state.default_headers),
                b"content-type: application/json; charset=utf-8\r\n",
                b"content-length: " + str(len(body)).encode() + b"\r\n", b"connection: close\r\n\r\n"]
        self.transport.write(b"".join(head) + body)
        self.transport.close()

    def _start_head_timer(self) -> None:
        if self._head_timer is None and not self._refused:
            self._head_timer = self.loop.call_later(self.header_timeout_s, self._head_too_slow)

    def _stop_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_too_slow(self) -> None:
        self._head_timer = None
        if not self._head_done:
            self.refuse(408, TOO_SLOW)

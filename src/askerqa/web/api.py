"""The JSON API beside the chat: POST /api/ask (contract.py, as `ask --json`), GET /api/health, docs at /api/docs.

Every engine call runs in a bounded pool with a timeout, so a request is answered or refused, never
left hanging: too many waiting -> 503, one client too fast -> 429 with Retry-After.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import math
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..contract import DEFAULT_TOP_K, MAX_TOP_K, answer_json
from ..errors import AskerQAError
from ..query import MAX_CHARS
from .chat import clean_question
from .logs import answer_status, log_question

BUSY = "Tjenesten er opptatt akkurat nå. Prøv igjen om litt."
TOO_SLOW = "Svaret tok for lang tid. Prøv igjen om litt."
TOO_FAST = "For mange spørsmål på kort tid. Vent litt og prøv igjen."
BAD_INPUT = f"Ugyldig forespørsel: send JSON med «question» (tekst) og eventuelt «top_k» (1–{MAX_TOP_K})."
FAILED = "Beklager, noe gikk galt med dette spørsmålet."


def _env_number(name: str, default: float) -> float:
    try:
        return float(os.environ.get(name, default))
    except ValueError:
        return default


@dataclass(frozen=True)
class Limits:
    """How much the API takes; each from an environment variable so an operator can tune it."""

    workers: int = 2  # the engine gains nothing from more threads on two cores
    max_waiting: int = 64  # requests queued for the engine before new ones get 503
    timeout_s: float = 15.0
    rate_per_s: float = 10.0  # per client address, refilled continuously; 0 turns the limit off
    burst: float = 30.0

    @classmethod
    def from_env(cls) -> Limits:
        d = cls()
        return cls(
            workers=int(_env_number("ASKERQA_API_WORKERS", d.workers)),
            max_waiting=int(_env_number("ASKERQA_API_MAX_WAITING", d.max_waiting)),
            timeout_s=_env_number("ASKERQA_API_TIMEOUT_S", d.timeout_s),
            rate_per_s=_env_number("ASKERQA_API_RATE", d.rate_per_s),
            burst=_env_number("ASKERQA_API_BURST", d.burst),
        )


@dataclass
class RateLimiter:
    """A token bucket per client address: `rate` per second, up to `burst` at once."""

    rate: float
    burst: float
    buckets: dict[str, tuple[float, float]] = field(default_factory=dict)  # client -> (tokens, last time)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_s(self, client: str, now: float | None = None) -> float:
        """0 when the request may go (a token is taken), else the seconds until one is free."""
        if self.rate <= 0:
            return 0.0
        now = time.monotonic() if now is None else now
        with self.lock:
            if len(self.buckets) > 10_000:  # forget idle clients so the table stays bounded
                self.buckets = {k: v for k, v in self.buckets.items() if now - v[1] < self.burst / self.rate}
            tokens, last = self.buckets.get(client, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens >= 1:
                self.buckets[client] = (tokens - 1, now)
                return 0.0
            self.buckets[client] = (tokens, now)
            return (1 - tokens) / self.rate


class AskBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(description="Spørsmålet, på bokmål (eller engelsk)", max_length=20_000)
    top_k: int = Field(DEFAULT_TOP_K, ge=1, le=MAX_TOP_K, description="Hvor mange passasjer som skal med i svaret")
    context: list[str] | None = Field(None, max_length=20, description="Tidligere spørsmål i samtalen (oppfølging)")


class EnginePool:
    """At most `workers` engine calls at once; at most `max_waiting` more queued; each awaited with a timeout."""

    def __init__(self, engine: Any, limits: Limits) -> None:
        self.engine = engine
        self.limits = limits
        self.pool = ThreadPoolExecutor(max_workers=limits.workers, thread_name_prefix="askerqa-api")
        self.pending = 0  # submitted and not finished, including calls whose caller gave up
        self.lock = threading.Lock()

    def _done(self, _future: Any) -> None:
        with self.lock:
            self.pending -= 1

    def _call(self, question: str, top_k: int, context: list[str] | None) -> Any:
        return self.engine.ask(question, top_k, context=context or None)

    async def ask(self, question: str, top_k: int, context: list[str] | None) -> Any:
        """The engine's answer; raises OverflowError when full and TimeoutError when too slow."""
        with self.lock:
            if self.pending >= self.limits.workers + self.limits.max_waiting:
                raise OverflowError
            self.pending += 1
        future = self.pool.submit(self._call, question, top_k, context)
        future.add_done_callback(self._done)
        return await asyncio.wait_for(asyncio.wrap_future(future), self.limits.timeout_s)


def error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def manifest_summary(index_dir: Any) -> dict[str, Any]:
    """The index manifest's id (a hash of the file), build time and model, read once at start."""
    try:
        raw = (index_dir / "manifest.json").read_bytes()
        manifest = json.loads(raw)
    except (OSError, ValueError):
        return {"id": None, "built_at": None, "model": None}
    return {"id": hashlib.sha256(raw).hexdigest()[:16], "built_at": manifest.get("built_at"),
            "model": manifest.get("model_id")}


def client_key(request: Request) -> str:
    """The client's address: the peer's, or X-Forwarded-For's only from ASKERQA_TRUSTED_PROXY (server.options)."""
    return request.client.host if request.client else "?"


def api_router(engine: Any, limits: Limits | None = None, index_dir: Any = None,
               rate: RateLimiter | None = None) -> APIRouter:
    """The /api routes over `engine`; `index_dir` (default the engine's) is read for /api/health. `rate` is
    the per-client limit, shared with the chat (server.create_app); by default one of its own."""
    limits = limits or Limits.from_env()
    pool = EnginePool(engine, limits)
    rate = rate or RateLimiter(limits.rate_per_s, limits.burst)
    if index_dir is None and hasattr(engine, "settings"):
        index_dir = engine.settings.index_dir
    health: dict[str, Any] = {"status": "ok", "version": __version__,
              "index": manifest_summary(index_dir) if index_dir is not None else None}
    router = APIRouter(prefix="/api")

    @router.get("/health", summary="Er tjenesten oppe, og med hvilken modell og indeks")
    def get_health() -> dict[str, Any]:
        return {**health, "model": (health["index"] or {}).get("model")}

    @router.post("/ask", summary="Still et spørsmål; svaret er et ordrett sitat med kilder",
                 responses={400: {}, 413: {}, 422: {}, 429: {}, 503: {}})
    async def post_ask(body: AskBody, request: Request) -> Any:
        started = time.perf_counter()
        wait = rate.wait_s(client_key(request))
        if wait > 0:
            log_question("api", "for_mange", started)
            return error(429, TOO_FAST, {"Retry-After": str(max(1, math.ceil(wait)))})
        question = clean_question(body.question, 20_000)  # the engine cuts to its own limit and says so
        context = [clean_question(c, MAX_CHARS) for c in body.context or []]
        try:
            answer = await pool.ask(question, body.top_k, context)
        except OverflowError:
            log_question("api", "opptatt", started)
            return error(503, BUSY, {"Retry-After": "2"})
        except TimeoutError:
            log_question("api", "tidsavbrudd", started)
            return error(503, TOO_SLOW, {"Retry-After": "5"})
        except AskerQAError as err:
            log_question("api", "avvist", started, None, question)
            return error(400, str(err))
        except Exception:  # noqa: BLE001 - one bad request must not take the server down
            log_question("api", "feil", started, None, question)
            return error(500, FAILED)
        log_question("api", answer_status(answer), started, answer.confidence, question)
        out = answer_json(answer, body.top_k)
        if getattr(answer, "notice", ""):
            out["notice"] = answer.notice  # e.g. the question was cut; the CLI prints it beside the JSON
        return out

    return router


def install(app: FastAPI, engine: Any, limits: Limits | None = None, index_dir: Any = None,
            rate: RateLimiter | None = None) -> None:
    """Add the /api routes and turn FastAPI's English validation errors into one Norwegian line."""
    app.include_router(api_router(engine, limits, index_dir, rate))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        return error(422, BAD_INPUT)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        """FastAPI's own errors (a body that is not JSON: "There was an error parsing the body") in Norwegian
        on the API; every other route keeps the default handling."""
        if request.url.path.startswith("/api/"):
            return error(exc.status_code, BAD_INPUT if exc.status_code < 500 else FAILED,
                         dict(exc.headers) if exc.headers else None)
        return await http_exception_handler(request, exc)

"""One server for the page and the API: FastAPI with /api routes, Gradio mounted at /, our middleware outside."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no telemetry

from . import api  # noqa: E402
from .assets import CSS, HEAD, theme  # noqa: E402
from .middleware import BodyLimit, ClosedRoutes, NorwegianPage, SecurityHeaders  # noqa: E402


def cors_origins() -> list[str]:
    """Origins allowed to call the API from a browser: none unless ASKERQA_CORS_ORIGINS lists them (comma-separated)."""
    return [o.strip() for o in os.environ.get("ASKERQA_CORS_ORIGINS", "").split(",") if o.strip()]


def create_app(engine: Any, store: Any, limits: api.Limits | None = None, index_dir: Any = None) -> Any:
    """The whole ASGI app over `engine` and a feedback `store`; nothing is started."""
    import gradio as gr
    from fastapi.middleware.cors import CORSMiddleware
    from fastapi_offline import FastAPIOffline
    from starlette.middleware import Middleware

    from .ui import build_app

    # Swagger UI's script and style come from the fastapi-offline package, not a CDN: /api/docs works offline
    app = FastAPIOffline(title="askerqa", description="Spørsmål og svar om Asker kommunes 4-årsrapport 2020–2023.",
                         docs_url="/api/docs", redoc_url=None, openapi_url="/api/openapi.json",
                         static_url="/api/docs-files", swagger_ui_oauth2_redirect_url="/api/docs/oauth2-redirect",
                         swagger_ui_parameters={"validatorUrl": None})
    limits = limits or api.Limits.from_env()
    rate = api.RateLimiter(limits.rate_per_s, limits.burst)  # one per-client limit for /api/ask and the chat
    api.install(app, engine, limits, index_dir, rate)
    # Gradio adds permissive CORS headers for localhost unless the parent app has its own policy: this one
    # allows only the configured origins (none by default).
    app.add_middleware(CORSMiddleware, allow_origins=cors_origins(), allow_methods=["GET", "POST"],
                       allow_headers=["content-type"])
    app.add_middleware(ClosedRoutes)
    app.add_middleware(BodyLimit)  # a too-large body is refused before anything reads it
    app.add_middleware(SecurityHeaders)  # outermost: on every response, refusals included
    demo = build_app(engine, store, rate)
    return gr.mount_gradio_app(
        app, demo, path="/", footer_links=[], show_error=False, run_history=False, max_file_size=0,
        head=HEAD, css=CSS, theme=theme(), app_kwargs={"middleware": [Middleware(NorwegianPage)]},
    )


def options(trusted_proxy: tuple[str, ...] = ()) -> dict[str, Any]:
    """How uvicorn runs the app: request heads capped and timed (protocol.py), idle connections closed,
    X-Forwarded-For believed only from `trusted_proxy` (ASKERQA_TRUSTED_PROXY; uvicorn would believe any
    client on 127.0.0.1, so a rotating header from localhost was a fresh client to the rate limit each time)."""
    from .protocol import HEADER_LIMIT, GuardedHttpTools

    return {
        "http": GuardedHttpTools, "h11_max_incomplete_event_size": HEADER_LIMIT,
        # access_log off: uvicorn would write a line per request from the event loop itself
        "access_log": False, "log_config": None, "log_level": "warning",
        "timeout_graceful_shutdown": 3,  # open browser/stream connections must not hold a stop
        "limit_concurrency": 1000, "timeout_keep_alive": 5,
        "proxy_headers": bool(trusted_proxy), "forwarded_allow_ips": list(trusted_proxy) or None,
    }


def serve(host: str, port: int, make_app: Callable[[], Any] | None = None) -> int:
    """Load the engine, build the app (or `make_app()`'s) and serve it until stopped; a start failure is one
    Norwegian line. Output never blocks the server: stdout, stderr and the log are DroppingStreams (logs.py)."""
    import uvicorn

    from ..config import settings
    from .logs import protect_output, start_logging, stop_logging

    restore = protect_output()
    start_logging()  # threads were set by the program (cli.main), not here
    try:
        print("askerqa: laster modell og indeks …", file=sys.stderr, flush=True)
        try:
            if make_app is None:
                from .. import Engine
                from ..feedback import FeedbackStore

                engine = Engine.load()
                app = create_app(engine, FeedbackStore(settings().feedback_db))
            else:
                app = make_app()
        except Exception as err:  # noqa: BLE001 - a clear message and a non-zero exit, not a traceback
            print(f"askerqa: kan ikke starte: {err}", file=sys.stderr)
            return 1
        print(f"askerqa: klar på http://{host}:{port}", file=sys.stderr, flush=True)
        uvicorn.run(app, host=host, port=port, **options(settings().trusted_proxy))
    finally:
        stop_logging()
        restore()
    return 0

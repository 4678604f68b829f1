"""One server for the page and the API: FastAPI with /api routes, Gradio mounted at /, our middleware outside."""

from __future__ import annotations

import os
import sys
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no telemetry

from . import api  # noqa: E402
from .assets import CSS, HEAD, theme  # noqa: E402
from .middleware import BodyLimit, ClosedRoutes, NorwegianPage  # noqa: E402


def cors_origins() -> list[str]:
    """Origins allowed to call the API from a browser: none unless ASKERQA_CORS_ORIGINS lists them (comma-separated)."""
    return [o.strip() for o in os.environ.get("ASKERQA_CORS_ORIGINS", "").split(",") if o.strip()]


def create_app(engine: Any, store: Any, limits: api.Limits | None = None, index_dir: Any = None) -> Any:
    """The whole ASGI app over `engine` and a feedback `store`; nothing is started."""
    import gradio as gr
    from fastapi import FastAPI
    from fastapi.middleware.cors import CORSMiddleware
    from starlette.middleware import Middleware

    from .ui import build_app

    app = FastAPI(title="askerqa", description="Spørsmål og svar om Asker kommunes 4-årsrapport 2020–2023.",
                  docs_url="/api/docs", redoc_url=None, openapi_url="/api/openapi.json")
    api.install(app, engine, limits, index_dir)
    # Gradio adds permissive CORS headers for localhost unless the parent app has its own policy: this one
    # allows only the configured origins (none by default).
    app.add_middleware(CORSMiddleware, allow_origins=cors_origins(), allow_methods=["GET", "POST"],
                       allow_headers=["content-type"])
    app.add_middleware(ClosedRoutes)
    app.add_middleware(BodyLimit)  # outermost: a too-large body is refused before anything reads it
    demo = build_app(engine, store)
    return gr.mount_gradio_app(
        app, demo, path="/", footer_links=[], show_error=False, run_history=False, max_file_size=0,
        head=HEAD, css=CSS, theme=theme(), app_kwargs={"middleware": [Middleware(NorwegianPage)]},
    )


def serve(host: str, port: int) -> int:
    """Load the engine, build the app and serve it until stopped; a start failure is one Norwegian line."""
    import uvicorn

    from ..config import settings
    from .logs import start_logging, stop_logging

    start_logging()  # threads were set by the program (cli.main), not here
    print("askerqa: laster modell og indeks …", file=sys.stderr, flush=True)
    try:
        from .. import Engine
        from ..feedback import FeedbackStore

        engine = Engine.load()
        app = create_app(engine, FeedbackStore(settings().feedback_db))
    except Exception as err:  # noqa: BLE001 - a clear message and a non-zero exit, not a traceback
        print(f"askerqa: kan ikke starte: {err}", file=sys.stderr)
        return 1
    print(f"askerqa: klar på http://{host}:{port}", file=sys.stderr, flush=True)
    try:
        # access_log off: uvicorn would write a line per request from the event loop itself
        uvicorn.run(app, host=host, port=port, access_log=False, log_config=None, log_level="warning",
                    timeout_graceful_shutdown=3,  # open browser/stream connections must not hold a stop
                    limit_concurrency=1000, timeout_keep_alive=5)
    finally:
        stop_logging()
    return 0

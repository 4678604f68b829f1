"""One server for the page and the API: FastAPI with /api routes, Gradio mounted at /, our middleware outside."""

from __future__ import annotations

import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")  # no telemetry
# Gradio wraps every event in a switch to matplotlib's "agg" backend and back; with no backend named, matplotlib
# resolves its default by importing pyplot (0.25 s) during the first question. This server draws nothing on screen.
os.environ.setdefault("MPLBACKEND", "agg")

from ..storage import os_problem, process_dir, prune_dead  # noqa: E402
from . import api  # noqa: E402
from .assets import CSS, HEAD, theme  # noqa: E402
from .middleware import (  # noqa: E402
    BodyLimit,
    ClosedRoutes,
    GradioEndpoints,
    GradioErrors,
    NorwegianPage,
    SecurityHeaders,
)

GRADIO_DIR_PREFIX = "askerqa-gradio-"
WARM_UP = "Hvor mange innbyggere har Asker?"  # asked once at start-up, answered to nobody


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
    demo = build_app(engine, store, rate)
    app.add_middleware(GradioErrors, endpoints=GradioEndpoints.of(demo))  # Gradio's API errors in bokmål
    app.add_middleware(ClosedRoutes)
    app.add_middleware(BodyLimit)  # a too-large body is refused before anything reads it
    app.add_middleware(SecurityHeaders)  # outermost: on every response, refusals included
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


def gradio_temp_dir() -> Path | None:
    """A folder for Gradio's cache (the files it serves, such as the figure finder's CSV) that belongs to this
    process: made under GRADIO_TEMP_DIR or the system's temp folder, after removing those of processes that are
    gone (killed before their own clean-up). None when it cannot be made: Gradio then uses its default."""
    base = Path(os.environ.get("GRADIO_TEMP_DIR") or tempfile.gettempdir())
    try:
        prune_dead(base, GRADIO_DIR_PREFIX)
        return process_dir(base, GRADIO_DIR_PREFIX)
    except OSError:
        return None


def _stop_on_sigterm(signum: int, frame: Any) -> None:
    raise SystemExit(128 + signum)  # the usual exit status of a stopped service, with `finally` blocks run


def warm_up(engine: Any) -> None:
    """What the first questions would otherwise pay for, done before the port opens: matplotlib's import (Gradio
    imports it inside every event) and one question through the engine (the encoder's first run allocates its
    buffers). Measured with 50 users starting at once: the first 50 answers took 1.85 s on average without it,
    1.11 s with it (the rest 1.27 / 1.24 s)."""
    import matplotlib  # noqa: F401

    try:
        engine.ask(WARM_UP)
    except Exception as err:  # noqa: BLE001 - a question that fails fails for its asker, not for the whole service
        print(f"askerqa: oppvarmingsspørsmålet feilet ({type(err).__name__}: {err}); serveren starter likevel.",
              file=sys.stderr, flush=True)


def serve(host: str, port: int, make_app: Callable[[], Any] | None = None) -> int:
    """Load the engine, build the app (or `make_app()`'s) and serve it until stopped; a start failure is one
    Norwegian line. Output never blocks the server: stdout, stderr and the log are DroppingStreams (logs.py)."""
    import uvicorn

    from ..config import settings
    from .logs import protect_output, start_logging, stop_logging

    restore = protect_output()
    start_logging()  # threads were set by the program (cli.main), not here
    previous_temp = os.environ.get("GRADIO_TEMP_DIR")
    temp = gradio_temp_dir()  # before the app is built: Gradio reads GRADIO_TEMP_DIR when it makes its Blocks
    if temp is not None:
        os.environ["GRADIO_TEMP_DIR"] = str(temp)
    # uvicorn stops gracefully on SIGTERM, then raises the signal again under the handler it found: with the
    # default one the process died there, before the clean-up below. This handler turns it into SystemExit.
    main = threading.current_thread() is threading.main_thread()
    previous_term = signal.signal(signal.SIGTERM, _stop_on_sigterm) if main else None
    try:
        print("askerqa: laster modell og indeks …", file=sys.stderr, flush=True)
        try:
            if make_app is None:
                from .. import Engine
                from ..feedback import FeedbackStore

                engine = Engine.load()
                app = create_app(engine, FeedbackStore(settings().feedback_db))
                warm_up(engine)
            else:
                app = make_app()
        except Exception as err:  # noqa: BLE001 - a clear message and a non-zero exit, not a traceback
            print(f"askerqa: kan ikke starte: {os_problem(err) if isinstance(err, OSError) else err}", file=sys.stderr)
            return 1
        print(f"askerqa: klar på http://{host}:{port}", file=sys.stderr, flush=True)
        uvicorn.run(app, host=host, port=port, **options(settings().trusted_proxy))
    finally:
        if main:
            signal.signal(signal.SIGTERM, previous_term)
        if temp is not None:  # Gradio's cached files go with the process
            shutil.rmtree(temp, ignore_errors=True)
            if previous_temp is None:
                os.environ.pop("GRADIO_TEMP_DIR", None)
            else:
                os.environ["GRADIO_TEMP_DIR"] = previous_temp
        stop_logging()
        restore()
    return 0

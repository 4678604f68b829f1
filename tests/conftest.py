from __future__ import annotations

import json
from pathlib import Path

import pytest
from browser import CHROMIUM_ARGS, ensure_chromium, free_port, start_app

from askerqa.config import settings
from askerqa.passages import load_passages

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def corpus_path() -> Path:
    return settings().corpus


@pytest.fixture(scope="session")
def parsed_corpus(corpus_path):
    """The report read into passages once per run (the report is in the repository: no build needed)."""
    return load_passages(corpus_path)


@pytest.fixture(scope="session")
def passages(parsed_corpus):
    return parsed_corpus[0]


@pytest.fixture(scope="session")
def ingest_report(parsed_corpus):
    return parsed_corpus[1]


@pytest.fixture(scope="session")
def dev_questions() -> list[dict]:
    return [json.loads(line) for line in (ROOT / "eval" / "dev.jsonl").read_text(encoding="utf-8").splitlines() if line]


@pytest.fixture(scope="session")
def engine():
    """The real engine over the real index (built by `make test` before pytest, or here when stale)."""
    from askerqa import Engine

    return Engine.load()


def pytest_collection_modifyitems(config, items) -> None:
    """A test that asks the real engine is slow wherever it lives: it loads the model and the index."""
    for item in items:
        if "engine" in getattr(item, "fixturenames", ()) or item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)


# The running app and a headless Chromium, for the app and browser tests (one of each per test module).
@pytest.fixture(scope="module")
def app(tmp_path_factory):
    db = tmp_path_factory.mktemp("app") / "feedback.sqlite3"
    port = free_port()
    proc = start_app(port, db)
    yield f"http://127.0.0.1:{port}/", db
    proc.terminate()
    proc.wait(timeout=30)


@pytest.fixture(scope="module")
def browser():
    exe = ensure_chromium()
    if exe is None:
        pytest.skip("Chromium could not be installed (Debian package `chromium` needs apt-get as root)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        yield b
        b.close()

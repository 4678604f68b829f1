"""All settings in one place. Each can be changed with an environment variable prefixed ASKERQA_."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import AskerQAError
from .query import MAX_CHARS

# The project is installed in editable mode (`make setup`), so the checkout is two levels up.
ROOT = Path(os.environ.get("ASKERQA_HOME", Path(__file__).resolve().parents[2]))
CORPUS_NAME = "asker-4-arsrapport-2020-2023.txt"


@dataclass(frozen=True)
class Settings:
    corpus: Path
    index_dir: Path
    model: str  # a folder, or any sentence-transformers model name (needs network)
    model_dir: Path  # where the embedded model is built
    dev_set: Path
    host: str
    port: int
    feedback_db: Path
    max_question_chars: int = MAX_CHARS  # one limit for every front (query.MAX_CHARS)
    threads: int = 0  # encoder threads; 0: min(4, cores) (runtime.default_threads)
    trusted_proxy: tuple[str, ...] = ()  # addresses whose X-Forwarded-For is believed (none by default)


def _whole_number(name: str, default: int, low: int, high: int, what: str) -> int:
    """An integer setting from the environment; anything else is one Norwegian line (AskerQAError)."""
    raw = os.environ.get(name, "").strip() or str(default)
    try:
        value = int(raw)
    except ValueError:
        value = None
    if value is None or not low <= value <= high:
        raise AskerQAError(f"{name}={raw[:40]!r} kan ikke brukes: {what} må være et heltall fra {low} til {high}.")
    return value


def check_port(port: int) -> int:
    """A TCP port the app can listen on (1–65535), or one Norwegian line (AskerQAError)."""
    if not 1 <= port <= 65535:
        raise AskerQAError(f"Porten {port} finnes ikke: velg et tall fra 1 til 65535 (for eksempel 7860).")
    return port


def settings() -> Settings:
    """The settings from the environment. Raises AskerQAError (one Norwegian line) for a number that is not one."""
    env = os.environ.get
    model_dir = Path(env("ASKERQA_MODEL_DIR", ROOT / "models" / "multilingual-e5-small"))
    return Settings(
        corpus=Path(env("ASKERQA_CORPUS", ROOT / "corpus" / CORPUS_NAME)),
        index_dir=Path(env("ASKERQA_INDEX", ROOT / "index")),
        model=env("ASKERQA_MODEL", str(model_dir)),
        model_dir=model_dir,
        dev_set=Path(env("ASKERQA_DEV_SET", ROOT / "eval" / "dev.jsonl")),
        host=env("ASKERQA_HOST", "127.0.0.1"),
        port=_whole_number("ASKERQA_PORT", 7860, 1, 65535, "porten"),
        feedback_db=Path(env("ASKERQA_FEEDBACK_DB", ROOT / "feedback.sqlite3")),
        threads=_whole_number("ASKERQA_THREADS", 0, 0, 256, "antall tråder (0: standard)"),
        trusted_proxy=tuple(a.strip() for a in env("ASKERQA_TRUSTED_PROXY", "").split(",") if a.strip()),
    )

"""All settings in one place. Each can be changed with an environment variable prefixed ASKERQA_."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

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


def settings() -> Settings:
    env = os.environ.get
    model_dir = Path(env("ASKERQA_MODEL_DIR", ROOT / "models" / "multilingual-e5-small"))
    return Settings(
        corpus=Path(env("ASKERQA_CORPUS", ROOT / "corpus" / CORPUS_NAME)),
        index_dir=Path(env("ASKERQA_INDEX", ROOT / "index")),
        model=env("ASKERQA_MODEL", str(model_dir)),
        model_dir=model_dir,
        dev_set=Path(env("ASKERQA_DEV_SET", ROOT / "eval" / "dev.jsonl")),
        host=env("ASKERQA_HOST", "127.0.0.1"),
        port=int(env("ASKERQA_PORT", "7860")),
        feedback_db=Path(env("ASKERQA_FEEDBACK_DB", ROOT / "feedback.sqlite3")),
    )

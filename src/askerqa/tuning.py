"""What scripts/tune.py and scripts/tune_fusion.py share: the gold sets they tune on, their arguments, and the
record of where a tuned number came from (data, index, folds), which tests/test_tuned.py checks is current."""

from __future__ import annotations

import argparse
import hashlib
from datetime import UTC, datetime
from pathlib import Path

from .config import ROOT

# every released set (389 questions); eval/everyday*.jsonl, written for this round in residents' own words, are
# kept out to measure on
TUNING_SETS = ["eval/dev.jsonl", "eval/extra.jsonl", "eval/followup.jsonl", "eval/independent-b.jsonl",
               "eval/independent-c.jsonl"]


def arguments(description: str, out: Path, argv: list[str] | None = None) -> argparse.Namespace:
    """--k folds, --seed and --repeats fold assignments, --sets (relative to the project), --out."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0, help="the first seed of the repeated folds")
    # 5, not 3: with 3 the choice between settings swung on two questions' FoundWrong (weighted 6), the
    # noisiest figure; more fold assignments steady it
    parser.add_argument("--repeats", type=int, default=5, help="how many fold assignments (seeds) to average")
    parser.add_argument("--sets", nargs="+", default=TUNING_SETS)
    parser.add_argument("--out", type=Path, default=out)
    return parser.parse_args(argv)


def seeds_of(args: argparse.Namespace) -> list[int]:
    return [args.seed + i for i in range(args.repeats)]


def provenance(manifest: dict, args: argparse.Namespace, questions: int) -> dict:
    """When, on which data files (sha256), over which index and with which folds a record was made."""
    return {
        "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "data": [{"file": name, "sha256": hashlib.sha256((ROOT / name).read_bytes()).hexdigest()} for name in args.sets],
        "questions": questions,
        "index": {k: manifest.get(k) for k in ("corpus_sha256", "pipeline_sha256", "model_id")},
        "folds": {"k": args.k, "seeds": seeds_of(args), "by": "question, numpy default_rng(seed).permutation; metrics "
                  "averaged over the seeds"},
    }

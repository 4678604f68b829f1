#!/usr/bin/env python
"""Reproduce the retrieval's fusion weights (askerqa.ranking.FusionWeights) and record where they came from.

    python scripts/tune_fusion.py [--k 5] [--seed 0] [--repeats 5] [--sets …]

For each setting in GRID (one weight moved at a time from the current one: the RRF constant k, the BM25
ranking's weight, the best-sentence ranking's weight; the passage-cosine ranking's weight 1 sets the scale),
every question of the shared gold sets is analysed with those weights and answered in K-fold
cross-validation by question (seeds 0–4) with the answer-stage setting in tuned.json. The current weights
stay unless another setting's held-out utility beats them by more than one standard error of the
per-question difference (askerqa.learn.beats): the quote and confidence models were tuned on analyses made
with the current weights, and a gain inside the noise is not worth retuning them for. The result goes to
src/askerqa/data/fusion.json; run scripts/tune.py after it whenever the weights change.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from dataclasses import asdict, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from askerqa import Engine
from askerqa.evaluate import analyse_all, load_questions, repeated_cross_validate
from askerqa.learn import Gold, Hyper, beats, candidate_labels
from askerqa.ranking import FUSION_PATH, FusionWeights

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SETS = ["eval/dev.jsonl", "eval/extra.jsonl", "eval/followup.jsonl"]
KEEP = ("R@1", "R@5", "MRR@10", "Answer", "FoundWrong", "HiddenRight", "Uncertain", "Utility")


def grid(current: FusionWeights) -> list[FusionWeights]:
    """The current weights first, then each weight moved one step down and up on its own."""
    moves = [{"k": current.k / 2}, {"k": current.k * 2},
             {"lexical": current.lexical / 2}, {"lexical": current.lexical * 2},
             {"sentence": current.sentence / 2}, {"sentence": current.sentence * 2}]
    return [current, *(replace(current, **m) for m in moves)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("--k", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--sets", nargs="+", default=DEFAULT_SETS)
    parser.add_argument("--out", type=Path, default=FUSION_PATH)
    args = parser.parse_args(argv)

    started = time.perf_counter()
    engine = Engine.load()
    questions = [q for name in args.sets for q in load_questions(ROOT / name)]
    golds = [Gold(q.evidence, q.answerable) for q in questions]
    hyper = Hyper.tuned()
    seeds = [args.seed + i for i in range(args.repeats)]
    settings = grid(engine.fusion)
    tried, utilities = [], []
    for weights in settings:
        engine.fusion = weights
        analyses = analyse_all(engine, questions)
        labels = [candidate_labels(engine.report, a, g) for a, g in zip(analyses, golds, strict=True)]
        table, _, runs = repeated_cross_validate(engine, questions, analyses, args.k, seeds, hyper, labels)
        utilities.append(np.mean([[r.utility for r in rs] for rs in runs], axis=0))
        row = {m: round(table["all"][m], 4) for m in KEEP}
        tried.append(asdict(weights) | {"cv": row})
        print(f"{weights} " + " ".join(f"{m} {row[m]:.3f}" for m in KEEP), file=sys.stderr)
    better = [i for i in range(1, len(settings)) if beats(utilities[i], utilities[0])]
    chosen = max(better, key=lambda i: float(utilities[i].mean())) if better else 0
    for i, entry in enumerate(tried):
        entry["beats_current_by_more_than_one_se"] = i in better
    record = {
        "about": "Fusion weights of the retrieval (askerqa.ranking); regenerate with `python scripts/tune_fusion.py`, "
                 "then `python scripts/tune.py`.",
        "written_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "data": [{"file": name, "sha256": hashlib.sha256((ROOT / name).read_bytes()).hexdigest()} for name in args.sets],
        "questions": len(questions),
        "index": {k: engine.data.manifest.get(k) for k in ("corpus_sha256", "pipeline_sha256", "model_id")},
        "answer_stage": asdict(hyper),
        "folds": {"k": args.k, "seeds": seeds, "by": "question, numpy default_rng(seed).permutation; metrics averaged "
                  "over the seeds"},
        "selection": "cross-validated utility per question (askerqa.outcomes); the current weights (the first "
                     "tried) stay unless a setting beats them by more than one standard error of the "
                     "per-question difference (askerqa.learn.beats); of those that do, the best",
        "tried": tried,
        "chosen": {k: v for k, v in tried[chosen].items() if k in asdict(settings[chosen])},
        "seconds": round(time.perf_counter() - started, 1),
    }
    args.out.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"chosen: {record['chosen']}\nwritten: {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

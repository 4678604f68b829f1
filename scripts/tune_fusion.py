#!/usr/bin/env python
"""Reproduce the retrieval's fusion weights (askerqa.ranking.FusionWeights) and record where they came from.

    python scripts/tune_fusion.py [--k 5] [--seed 0] [--repeats 5] [--sets …]

For each setting in GRID (one weight moved at a time from the current one: the RRF constant k, the BM25
ranking's weight, the best-sentence ranking's weight; the passage-cosine ranking's weight 1 sets the scale),
every question of the shared gold sets is analysed with those weights and answered in K-fold
cross-validation by question (seeds 0–4) with the answer-stage setting in tuned.json. The current weights
stay unless another setting's held-out utility beats them by more than one standard error of the
per-question difference (askerqa.learn.beats): the quote and confidence models were tuned on analyses made
with the current weights, and a gain inside the noise is not worth retuning them for.

Then, with the chosen weights, the quote pool (askerqa.ranking.quote_pool): how many of BM25's best passages
join the fused ranking's best as sources of quotes, from POOLS. The pool decides which quotes can be chosen,
not how sure the answer is, so it is judged by held-out Answer (the share of answerable questions whose quote
is right): the smallest pool whose Answer is within one standard error of the best pool's, among the pools
whose quotes shown as found but wrong (FoundWrong) do not rise by more than one standard error over no extra
pool. The result goes to src/askerqa/data/fusion.json; run scripts/tune.py after it whenever it changes.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import asdict, replace

import numpy as np

from askerqa import Engine
from askerqa.config import ROOT
from askerqa.evaluate import analyse_all, repeated_cross_validate
from askerqa.gold import load_questions
from askerqa.learn import Gold, Hyper, beats, candidate_labels
from askerqa.ranking import FUSION_PATH, FusionWeights
from askerqa.tuning import arguments, provenance, seeds_of

POOLS = (0, 2, 4, 8)
KEEP = ("R@1", "R@5", "MRR@10", "Answer", "FoundWrong", "HiddenRight", "Uncertain", "Utility")


def grid(current: FusionWeights) -> list[FusionWeights]:
    """The current weights first, then each weight moved one step down and up on its own."""
    c = current
    return [c, replace(c, k=c.k / 2), replace(c, k=c.k * 2), replace(c, lexical=c.lexical / 2),
            replace(c, lexical=c.lexical * 2), replace(c, sentence=c.sentence / 2), replace(c, sentence=c.sentence * 2)]


def main(argv: list[str] | None = None) -> int:
    args = arguments(__doc__.splitlines()[1], FUSION_PATH, argv)

    started = time.perf_counter()
    engine = Engine.load()
    questions = [q for name in args.sets for q in load_questions(ROOT / name)]
    golds = [Gold(q.evidence, q.answerable) for q in questions]
    hyper = Hyper.tuned()
    seeds = seeds_of(args)
    answerable = np.array([q.answerable for q in questions])
    measured: dict[FusionWeights, tuple[dict, dict[str, np.ndarray]]] = {}

    def measure(weights: FusionWeights) -> tuple[dict, dict[str, np.ndarray]]:
        """Held-out figures, and per question (mean over the seeds) utility, right quote and found-but-wrong;
        a setting already measured (the chosen weights at the current pool) is not measured again."""
        if weights in measured:
            entry, per = measured[weights]
            return dict(entry), per
        engine.fusion = weights
        analyses = analyse_all(engine, questions)
        labels = [candidate_labels(engine.report, a, g) for a, g in zip(analyses, golds, strict=True)]
        table, _, runs = repeated_cross_validate(engine, questions, analyses, args.k, seeds, hyper, labels)
        per = {"utility": np.mean([[r.utility for r in rs] for rs in runs], axis=0),
               "answer": np.mean([[r.answer_ok for r in rs] for rs in runs], axis=0)[answerable],
               "found_wrong": np.mean([[r.answer.status == "found" and not r.right for r in rs] for rs in runs], axis=0)}
        row = {m: round(table["all"][m], 4) for m in KEEP}
        print(f"{weights} " + " ".join(f"{m} {row[m]:.3f}" for m in KEEP), file=sys.stderr)
        measured[weights] = (asdict(weights) | {"cv": row}, per)
        return dict(measured[weights][0]), per

    settings = grid(engine.fusion)
    tried, utilities = [], []
    for weights in settings:
        entry, per = measure(weights)
        tried.append(entry)
        utilities.append(per["utility"])
    better = [i for i in range(1, len(settings)) if beats(utilities[i], utilities[0])]
    chosen = max(better, key=lambda i: float(utilities[i].mean())) if better else 0
    for i, entry in enumerate(tried):
        entry["beats_current_by_more_than_one_se"] = i in better

    pools = [replace(settings[chosen], lexical_pool=n) for n in POOLS]
    pool_tried, pool_per = [], []
    for weights in pools:
        entry, per = measure(weights)
        pool_tried.append(entry)
        pool_per.append(per)
    safe = [i for i in range(len(pools)) if not beats(pool_per[i]["found_wrong"], pool_per[0]["found_wrong"])]
    best = max(safe, key=lambda i: float(pool_per[i]["answer"].mean()))
    pool = min((i for i in safe if not beats(pool_per[best]["answer"], pool_per[i]["answer"])),
               key=lambda i: pools[i].lexical_pool)
    for i, entry in enumerate(pool_tried):
        entry["found_wrong_within_one_se_of_no_pool"] = i in safe
        entry["answer_within_one_se_of_best"] = not beats(pool_per[best]["answer"], pool_per[i]["answer"])
    record = {
        "about": "Fusion weights of the retrieval (askerqa.ranking); regenerate with `python scripts/tune_fusion.py`, "
                 "then `python scripts/tune.py`.",
        **provenance(engine.data.manifest, args, len(questions)),
        "answer_stage": asdict(hyper),
        "selection": "cross-validated utility per question (askerqa.outcomes); the current weights (the first "
                     "tried) stay unless a setting beats them by more than one standard error of the "
                     "per-question difference (askerqa.learn.beats); of those that do, the best",
        "tried": tried,
        "pool_selection": "with the chosen weights, BM25's best passages added to the quote pool (POOLS): the "
                          "smallest pool whose held-out Answer is within one standard error of the best pool's, "
                          "among those whose FoundWrong does not rise by more than one standard error over none",
        "pools_tried": pool_tried,
        "chosen": asdict(pools[pool]),
        "seconds": round(time.perf_counter() - started, 1),
    }
    args.out.write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"chosen: {record['chosen']}\nwritten: {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

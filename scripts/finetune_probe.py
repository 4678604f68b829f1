"""Probe: how much does adapting the encoder (askerqa.adapt) help dense ranking on questions it never saw?

    python scripts/finetune_probe.py --train eval/heldout.jsonl eval/heldout2.jsonl eval/everyday.jsonl \
        eval/everyday2.jsonl --test eval/everyday3.jsonl eval/everyday4.jsonl eval/everyday5.jsonl … \
        --epochs 2 --out docs/finetune_probe.json

It adapts the converted encoder as askerqa.adapt does (the same pairs, loss, frozen word embeddings, seed and
threads; RECIPE's other settings) on the --train files, and before training and after each epoch reports the
dense ranking alone (passage cosine, as the index embeds passages) on each --test file, each question read as
the engine reads it (a follow-up with its context): R@1, R@5 and MRR@10 by the judge's rule, a test question
the engine reads word for word as a training question left out. The number of epochs is given, not chosen on
the test sets. The record (data with sha256, recipe, seconds, scores) goes to --out. With --save the trained
folder is written to be served (ONNX export and record), so the whole engine can be measured over it:

    ASKERQA_MODEL=models/adapted ASKERQA_INDEX=/tmp/adapted-index askerqa build
    … scripts/tune_fusion.py, then scripts/tune.py (with the same two variables; they rewrite the package's
    fusion.json and tuned.json: keep copies, then `git checkout` them), then askerqa eval

(how docs/adapted-fusion.json and docs/adapted-tuned.json were made: docs/RESULTS.md, "Fourth round").
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from dataclasses import asdict, replace
from pathlib import Path

import numpy as np


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train", nargs="+", required=True)
    parser.add_argument("--test", nargs="+", required=True)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2, help="torch threads (recorded: results can differ with them)")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--save", type=Path, help="write the trained model folder here, with its ONNX export and "
                        "record (for an index and `askerqa eval` over it: ASKERQA_MODEL, ASKERQA_INDEX)")
    args = parser.parse_args()

    from askerqa.adapt import RECIPE, pairs_sha256, save_folder, train, training_pairs
    from askerqa.config import settings
    from askerqa.embedding import load_model
    from askerqa.gold import load_questions
    from askerqa.index import embed_text, load
    from askerqa.matching import PASSAGE_LIMIT, satisfies
    from askerqa.reading import Reader

    s = settings()
    recipe = replace(RECIPE, sets=tuple(args.train), epochs=args.epochs, seed=args.seed, threads=args.threads)
    data_ = load(s)
    passages = data_.passages
    texts = [embed_text(p) for p in passages]
    reader = Reader(passages, data_.lexical, s.max_question_chars)

    def read(q) -> str:
        return reader.read(q.question, q.context).dense_text

    def answerable(files: list[str]) -> list:
        return [q for f in files for q in load_questions(Path(f)) if q.answerable]

    train_q = [q for f in args.train for q in load_questions(Path(f))]
    seen = {read(q) for q in train_q if q.answerable}
    # a test question that the engine reads word for word as a training question is left out (and counted)
    tests = {f: [q for q in answerable([f]) if read(q) not in seen] for f in args.test}
    overlap = {f: len(answerable([f])) - len(qs) for f, qs in tests.items()}
    pairs = training_pairs(train_q, passages, reader, recipe.per_question)

    def scores(model) -> dict:
        docs = model.encode(texts, prompt_name="passage", normalize_embeddings=True, batch_size=16)
        out = {}
        for name, qs in tests.items():
            vecs = model.encode([read(q) for q in qs], prompt_name="query", normalize_embeddings=True, batch_size=32)
            first = []
            for q, v in zip(qs, vecs, strict=True):
                order = np.argsort(-(docs @ v))[:10]
                first.append(next((r for r, i in enumerate(order, 1)
                                   if satisfies(passages[i].text, q.evidence, PASSAGE_LIMIT)), None))
            out[name] = {"n": len(qs), "R@1": round(sum(r == 1 for r in first) / len(qs), 3),
                         "R@5": round(sum(r is not None and r <= 5 for r in first) / len(qs), 3),
                         "MRR@10": round(sum(1 / r for r in first if r) / len(qs), 3)}
        return out

    history = [{"epoch": 0, "scores": scores(load_model(str(s.model_dir)))}]
    print(json.dumps(history[-1], ensure_ascii=False), flush=True)
    started, measuring = time.time(), [0.0]  # training time: from here, less the scoring between epochs

    def after_epoch(model, epoch: int) -> None:
        began = time.time()
        history.append({"epoch": epoch, "training_s": round(began - started - measuring[0]), "scores": scores(model)})
        measuring[0] += time.time() - began
        print(json.dumps(history[-1], ensure_ascii=False), flush=True)

    model = train(s.model_dir, pairs, recipe, after_epoch)

    def data(files: list[str]) -> list[dict]:
        return [{"file": f, "sha256": hashlib.sha256(Path(f).read_bytes()).hexdigest()} for f in files]

    record = {"about": "scripts/finetune_probe.py: dense ranking alone, before and after adapting the encoder",
              "train": data(args.train), "test": data(args.test), "pairs": len(pairs),
              "pairs_sha256": pairs_sha256(pairs), "left_out_as_also_in_train": overlap,
              "recipe": asdict(recipe), "history": history}
    if args.out:  # first: a folder that cannot be saved must not lose the run's record
        args.out.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    if args.save:
        save_folder(model, args.save, recipe, pairs, data(args.train))
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python
"""Probe: does fine-tuning the embedded e5-small on gold questions help questions it never saw? Not shipped.

    python scripts/finetune_probe.py --train eval/heldout.jsonl eval/heldout2.jsonl eval/everyday.jsonl \
        eval/everyday2.jsonl --test eval/everyday3.jsonl eval/everyday4.jsonl ../shared/eval/dev.jsonl … \
        --epochs 2 --out docs/finetune_probe.json

Each answerable training question is paired with every passage (up to three) that satisfies its evidence
under the judge's matching rule; the model (sentence-transformers, torch, CPU) is trained with in-batch
negatives (the loss of MultipleNegativesRankingLoss, written out: no `datasets`/`accelerate` needed), the
word-embedding table frozen (so the 4-bit ONNX export stays valid), a fixed seed. Before training and after
each epoch it reports the dense ranking alone (passage cosine, as the index embeds passages) on each test
file (a question also in the training sets left out): R@1, R@5 and MRR@10 by the judge's rule. The number of
epochs is given, not chosen on the test sets. Follow-ups are read with their context prepended, as a rough
stand-in for the engine's reading. The record (data with sha256, settings, seconds, scores) goes to --out;
with --save the trained folder is kept, so the whole engine can be measured over it (docs/RESULTS.md).

It answers one question: whether the encoder, not the answer stage, is where residents' wording is lost.
Shipping such a model needs more than this (see docs/RESULTS.md): the answer stage is tuned on the 389
released questions, so an encoder trained on them would make their cross-validation read too confident.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import sys
import time
from pathlib import Path

import numpy as np


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--train", nargs="+", required=True)
    parser.add_argument("--test", nargs="+", required=True)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--lr", type=float, default=2e-5)
    parser.add_argument("--max-seq", type=int, default=256)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=2, help="torch threads (recorded: results can differ with them)")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--save", type=Path, help="write the trained model folder here (for an index and `askerqa eval` "
                        "over it: ASKERQA_MODEL, ASKERQA_INDEX)")
    args = parser.parse_args()

    import torch
    from sentence_transformers import SentenceTransformer

    from askerqa.config import settings
    from askerqa.evaluate import load_questions
    from askerqa.index import embed_text, load
    from askerqa.matching import PASSAGE_LIMIT, satisfies

    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)
    passages = load(settings()).passages
    texts = [embed_text(p) for p in passages]

    def read(q) -> str:
        return " ".join([*q.context, q.question]) if q.context else q.question

    def answerable(files: list[str]) -> list:
        return [q for f in files for q in load_questions(Path(f)) if q.answerable]

    train_q = answerable(args.train)
    seen = {read(q) for q in train_q}
    # a test question that occurs word for word in the training sets is left out of its test set (and counted)
    tests = {f: [q for q in answerable([f]) if read(q) not in seen] for f in args.test}
    overlap = {f: len(answerable([f])) - len(qs) for f, qs in tests.items()}
    # (question number, question, passage): up to three passages per question
    pairs = [(n, read(q), texts[i]) for n, q in enumerate(train_q)
             for i in [i for i, p in enumerate(passages) if satisfies(p.text, q.evidence, PASSAGE_LIMIT)][:3]]
    model = SentenceTransformer(str(settings().model), device="cpu")
    model.max_seq_length = args.max_seq
    model[0].auto_model.embeddings.word_embeddings.weight.requires_grad_(False)

    def scores() -> dict:
        model.eval()
        with torch.no_grad():
            docs = model.encode(texts, prompt_name="passage", normalize_embeddings=True, batch_size=16)
            out = {}
            for name, qs in tests.items():
                vecs = model.encode([read(q) for q in qs], prompt_name="query", normalize_embeddings=True,
                                    batch_size=32)
                first = []
                for q, v in zip(qs, vecs, strict=True):
                    order = np.argsort(-(docs @ v))[:10]
                    first.append(next((r for r, i in enumerate(order, 1)
                                       if satisfies(passages[i].text, q.evidence, PASSAGE_LIMIT)), None))
                out[name] = {"n": len(qs), "R@1": round(sum(r == 1 for r in first) / len(qs), 3),
                             "R@5": round(sum(r is not None and r <= 5 for r in first) / len(qs), 3),
                             "MRR@10": round(sum(1 / r for r in first if r) / len(qs), 3)}
        return out

    history = [{"epoch": 0, "scores": scores()}]
    training_s = 0.0
    print(json.dumps(history[-1], ensure_ascii=False), flush=True)
    optimiser = torch.optim.AdamW([p for p in model.parameters() if p.requires_grad], lr=args.lr)
    for epoch in range(1, args.epochs + 1):
        started = time.time()
        model.train()
        rng.shuffle(pairs)
        losses = []
        for s in range(0, len(pairs) - args.batch + 1, args.batch):
            batch = pairs[s:s + args.batch]
            q = model(model.preprocess(["query: " + a for _, a, _ in batch]))["sentence_embedding"]
            p = model(model.preprocess(["passage: " + b for _, _, b in batch]))["sentence_embedding"]
            sim = torch.nn.functional.normalize(q, dim=-1) @ torch.nn.functional.normalize(p, dim=-1).T * 20.0
            # another pair with the same passage, or another passage of the same question, is no negative
            same = torch.tensor([[i != j and (batch[i][2] == batch[j][2] or batch[i][0] == batch[j][0])
                                  for j in range(len(batch))] for i in range(len(batch))])
            loss = torch.nn.functional.cross_entropy(sim.masked_fill(same, -1e4), torch.arange(len(batch)))
            loss.backward()
            optimiser.step()
            optimiser.zero_grad()
            losses.append(float(loss.detach()))
        training_s += time.time() - started
        history.append({"epoch": epoch, "loss": round(float(np.mean(losses)), 4), "training_s": round(training_s),
                        "scores": scores()})
        print(json.dumps(history[-1], ensure_ascii=False), flush=True)

    def data(files: list[str]) -> list[dict]:
        return [{"file": f, "sha256": hashlib.sha256(Path(f).read_bytes()).hexdigest()} for f in files]

    record = {"about": "scripts/finetune_probe.py: dense ranking alone, before and after fine-tuning; not shipped",
              "train": data(args.train), "test": data(args.test), "pairs": len(pairs),
              "left_out_as_also_in_train": overlap,
              "settings": {k: v for k, v in vars(args).items() if k not in ("train", "test", "out")},
              "frozen": "word embeddings", "history": history}
    if args.save:
        model.save(str(args.save))
    if args.out:
        args.out.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Measure follow-up interpretation through the real engine: `python scripts/followups_probe.py [gold.jsonl]`.

Each gold line with `context` is interpreted (askerqa.conversation), the interpretation asked, and the
answer scored as eval does (quote satisfies the evidence within 400 characters; unanswerable: not found).
Run with and without `known` (BM25 idf from the report) to see what the hint changes.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

from askerqa import Engine
from askerqa.conversation import interpret
from askerqa.lexical import tokenize
from askerqa.text import satisfies

GOLD = Path(__file__).resolve().parents[1] / ".." / "shared" / "eval" / "followup.jsonl"


def make_known(engine: Engine):
    """A word's BM25 idf in the report (its strongest stem), 0.0 when the report never uses it."""
    lexical = engine.data.lexical
    indptr = lexical.retriever.scores["indptr"]
    n = lexical.retriever.scores["num_docs"]

    def known(word: str) -> float:
        best = 0.0
        for tok in tokenize(word):
            tid = lexical.vocab.get(tok)
            if tid is not None:
                df = int(indptr[tid + 1] - indptr[tid])
                best = max(best, math.log(1 + (n - df + 0.5) / (df + 0.5)))
        return best

    return known


def main(path: Path) -> None:
    engine = Engine.load()
    gold = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for label, known in (("uten known", None), ("med known", make_known(engine))):
        correct = 0
        print(f"--- {label}")
        for g in gold:
            it = interpret(g["question"], g.get("context", []), known)
            ans = engine.ask(it.interpreted, top_k=10)
            ok = satisfies(ans.text, g["evidence"], 400) if g["answerable"] else not ans.found
            correct += ok
            print(f"{g['id']} {'OK ' if ok else 'BOM'} {it.interpreted!r} -> found={ans.found} {ans.text[:110]!r}")
        print(f"{label}: {correct}/{len(gold)}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else GOLD)

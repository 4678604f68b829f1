"""Gold-set evaluation with the fixed matching rule (eval/README.md), IR metrics via ranx."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .text import match_normalise, satisfies
from .types import Answer, Passage

PASSAGE_LIMIT = 1200
ANSWER_LIMIT = 400
KS = (1, 3, 5, 10)


@dataclass
class Question:
    id: str
    type: str
    question: str
    evidence: list[list[str]]
    figures: list[str]
    answerable: bool


def load_questions(path: Path) -> list[Question]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            d = json.loads(line)
            out.append(Question(d["id"], d.get("type", ""), d["question"], d.get("evidence", []),
                                d.get("figures", []), bool(d.get("answerable", True))))
    return out


@dataclass
class Result:
    question: Question
    answer: Answer
    ranked: list[Passage]  # top 10
    hit_ranks: list[int] = field(default_factory=list)  # 1-based ranks of passages that satisfy the evidence

    @property
    def first_hit(self) -> int | None:
        return self.hit_ranks[0] if self.hit_ranks else None

    @property
    def answer_ok(self) -> bool:
        return satisfies(self.answer.text, self.question.evidence, ANSWER_LIMIT)

    @property
    def figure_ok(self) -> bool:
        if not self.ranked:
            return False
        top = match_normalise(self.ranked[0].text[:PASSAGE_LIMIT])
        return all(match_normalise(f) in top for f in self.question.figures)


def run(engine, questions: list[Question], depth: int = 10) -> list[Result]:
    results = []
    for q in questions:
        answer = engine.ask(q.question, top_k=depth)
        ranked = [h.passage for h in answer.hits[:depth]]
        hits = [r for r, p in enumerate(ranked, start=1) if q.answerable and satisfies(p.text, q.evidence, PASSAGE_LIMIT)]
        results.append(Result(q, answer, ranked, hits))
    return results


def _ir_metrics(results: list[Result], all_passages: list[Passage]) -> dict[str, float]:
    """Recall@k (a hit within the first k), MRR@10 and nDCG@10 through ranx."""
    import warnings

    warnings.filterwarnings("ignore", module="ranx")  # numba type-cast notices, not ours
    from ranx import Qrels, Run, evaluate

    qrels: dict[str, dict[str, int]] = {}
    run_: dict[str, dict[str, float]] = {}
    for r in results:
        q = r.question
        relevant = {p.id: 1 for p in all_passages if satisfies(p.text, q.evidence, PASSAGE_LIMIT)}
        if not relevant:
            relevant = {"__none__": 1}  # an answerable question no passage satisfies still counts as a miss
        qrels[q.id] = relevant
        run_[q.id] = {p.id: float(len(r.ranked) - i) for i, p in enumerate(r.ranked)} or {"__empty__": 0.0}
    metrics = [f"hit_rate@{k}" for k in KS] + ["mrr@10", "ndcg@10"]
    scores = evaluate(Qrels(qrels), Run(run_), metrics, make_comparable=True)
    names = {f"hit_rate@{k}": f"R@{k}" for k in KS} | {"mrr@10": "MRR@10", "ndcg@10": "nDCG@10"}
    return {names[m]: float(scores[m]) for m in metrics}


def summarise(results: list[Result], all_passages: list[Passage]) -> dict[str, dict[str, float]]:
    """Metrics overall and per question type."""
    groups: dict[str, list[Result]] = defaultdict(list)
    for r in results:
        groups["all"].append(r)
        groups[r.question.type or "?"].append(r)
    table: dict[str, dict[str, float]] = {}
    for name, rs in groups.items():
        answerable = [r for r in rs if r.question.answerable]
        row: dict[str, float] = {"n": float(len(rs))}
        if answerable:
            row |= _ir_metrics(answerable, all_passages)
            row["Answer"] = sum(r.answer_ok for r in answerable) / len(answerable)
            row["Figure@1"] = sum(r.figure_ok for r in answerable) / len(answerable)
        row["Abstain"] = sum(r.answer.found == r.question.answerable for r in rs) / len(rs)
        table[name] = row
    return table


COLUMNS = ["n", "R@1", "R@3", "R@5", "R@10", "MRR@10", "nDCG@10", "Answer", "Figure@1", "Abstain"]


def format_table(table: dict[str, dict[str, float]]) -> str:
    order = ["all"] + sorted(k for k in table if k != "all")
    lines = ["| type | " + " | ".join(COLUMNS) + " |", "|---|" + "---|" * len(COLUMNS)]
    for name in order:
        row = table[name]
        cells = [str(int(row["n"])) if c == "n" else (f"{row[c]:.2f}" if c in row else "–") for c in COLUMNS]
        lines.append(f"| {name} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def plot(table: dict[str, dict[str, float]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    types = [k for k in table if k != "all"] + ["all"]
    metrics = ["R@1", "R@5", "MRR@10", "Answer", "Abstain"]
    fig, ax = plt.subplots(figsize=(10, 4.5))
    width = 0.8 / len(metrics)
    for i, m in enumerate(metrics):
        xs = [t + i * width for t in range(len(types))]
        ax.bar(xs, [table[t].get(m, 0.0) for t in types], width, label=m)
    ax.set_xticks([t + 0.4 - width / 2 for t in range(len(types))], types)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("andel")
    ax.set_title("askerqa eval per spørsmålstype")
    ax.legend(ncol=len(metrics), fontsize="small", loc="lower right")
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)

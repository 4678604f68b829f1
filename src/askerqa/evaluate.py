"""Gold-set evaluation with the fixed matching rule (eval/README.md), IR metrics via ranx."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from .gold import Question
from .matching import ANSWER_LIMIT, PASSAGE_LIMIT, normalised, satisfies
from .outcomes import value
from .types import Answer, Passage

KS = (1, 3, 5, 10)




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
    def right(self) -> bool:
        return self.question.answerable and self.answer_ok

    @property
    def alternative_right(self) -> bool:
        """Whether one of the possible answers an uncertain answer shows answers the question."""
        return self.question.answerable and any(satisfies(a.text, self.question.evidence, ANSWER_LIMIT)
                                                for a in self.answer.alternatives)

    @property
    def utility(self) -> float:
        """What this answer is worth to a citizen (askerqa.outcomes.value)."""
        return value(self.answer.status, self.right, self.alternative_right)

    @property
    def figure_ok(self) -> bool:
        if not self.ranked:
            return False
        top = normalised(self.ranked[0].text[:PASSAGE_LIMIT])
        return all(normalised(f) in top for f in self.question.figures)


def result(q: Question, answer: Answer, depth: int = 10) -> Result:
    ranked = [h.passage for h in answer.hits[:depth]]
    hits = [r for r, p in enumerate(ranked, start=1) if q.answerable and satisfies(p.text, q.evidence, PASSAGE_LIMIT)]
    return Result(q, answer, ranked, hits)


def analyse_all(engine, questions: list[Question]) -> list:
    """The engine's analysis of every question (a follow-up read with its context), for `decide` or tuning."""
    return [engine.analyse(q.question, context=q.context) for q in questions]


def run(engine, questions: list[Question], analyses: list | None = None, depth: int = 10) -> list[Result]:
    """Each question answered by the shipped models (`analyses` from `analyse_all` when already made)."""
    from .answer import decide

    analyses = analyses if analyses is not None else analyse_all(engine, questions)
    return [result(q, decide(engine.report, a, engine.models, top_k=depth), depth)
            for q, a in zip(questions, analyses, strict=True)]


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
            # a right quote shown as the answer (not merely among an uncertain answer's possibilities)
            row["FoundRight"] = sum(r.answer.found and r.answer_ok for r in answerable) / len(answerable)
        unanswerable = [r for r in rs if not r.question.answerable]
        if unanswerable:
            # the report does not say, and the answer says so plainly (no possible answers to check)
            row["PlainNotFound"] = sum(r.answer.status == "not_found" for r in unanswerable) / len(unanswerable)
        row["Abstain"] = sum(r.answer.found == r.question.answerable for r in rs) / len(rs)
        # the two errors a citizen feels, over all questions: a wrong quote shown as the answer, and a right
        # one withheld ("not found"; an uncertain answer shows its quote among the possible answers)
        row["FoundWrong"] = sum(r.answer.found and not r.right for r in rs) / len(rs)
        row["HiddenRight"] = sum(r.answer.status == "not_found" and r.right for r in rs) / len(rs)
        row["Uncertain"] = sum(r.answer.status == "uncertain" for r in rs) / len(rs)
        # what the answers are worth to the citizens, per question (askerqa.outcomes: scripts/tune.py selects by it)
        row["Utility"] = sum(r.utility for r in rs) / len(rs)
        table[name] = row
    return table


COLUMNS = ["n", "R@1", "R@3", "R@5", "R@10", "MRR@10", "nDCG@10", "Answer", "Figure@1", "FoundRight", "Abstain",
           "FoundWrong", "HiddenRight", "Uncertain", "PlainNotFound", "Utility"]
CURVE_AT = (0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.88, 0.9, 0.95)


@dataclass(frozen=True)
class CurvePoint:
    threshold: float
    found_right: float  # over answerable questions: shown as found, and right
    found_wrong: float  # over all questions: shown as found, and wrong (or the report cannot answer)


def found_curve(results: list[Result], at: tuple[float, ...] = CURVE_AT) -> list[CurvePoint]:
    """The trade-off the found threshold makes: for each threshold, right answers shown as found against wrong
    ones, had every answer at or above that confidence been shown as found. An answer that a rule keeps from
    being found whatever its confidence (no quote with the asked year, a «Tall kommer» cell: it has a note)
    stays not found at every threshold (the same arithmetic that chooses the thresholds: learn.threshold_rates)."""
    from .learn import threshold_rates

    return [CurvePoint(t, found_right, found_wrong) for t in at
            for found_wrong, found_right, _ in [threshold_rates(results, t)]]


def format_curve(points: list[CurvePoint], found_at: float) -> str:
    lines = ["| terskel | funnet og riktig | feil vist som funnet |", "|---|---|---|"]
    for p in points:
        mark = " ←" if abs(p.threshold - found_at) < 0.005 else ""
        lines.append(f"| {p.threshold:.2f}{mark} | {p.found_right:.3f} | {p.found_wrong:.3f} |")
    return "\n".join(lines)


def mean_tables(tables: list[dict[str, dict[str, float]]], sum_n: bool = True) -> dict[str, dict[str, float]]:
    """The mean of each metric over folds (a type absent from a fold does not count there); n is summed over
    folds (they split the questions), or with `sum_n=False` kept (repeats of the same questions)."""
    out: dict[str, dict[str, float]] = {}
    for name in {k for t in tables for k in t}:
        rows = [t[name] for t in tables if name in t]
        out[name] = {"n": sum(r["n"] for r in rows) if sum_n else max(r["n"] for r in rows)}
        for col in COLUMNS[1:]:
            vals = [r[col] for r in rows if col in r]
            if vals:
                out[name][col] = sum(vals) / len(vals)
    return out


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

    types = sorted(k for k in table if k != "all") + ["all"]
    metrics = ["R@1", "R@5", "MRR@10", "Answer", "Abstain", "FoundWrong"]
    fig, ax = plt.subplots(figsize=(11, 5))
    width = 0.8 / len(metrics)
    for i, m in enumerate(metrics):
        xs = [t + i * width for t in range(len(types))]
        ax.bar(xs, [table[t].get(m, 0.0) for t in types], width, label=m)
    # each type with its number of questions: a score over 3 questions is not one over 99
    ax.set_xticks([t + 0.4 - width / 2 for t in range(len(types))], [f"{t}\n(n = {int(table[t]['n'])})" for t in types])
    ax.set_ylim(0, 1.0)
    ax.set_ylabel("andel")
    ax.set_title("askerqa eval per spørsmålstype")
    # the legend above the axes, never over a bar
    ax.legend(ncol=len(metrics), fontsize="small", loc="lower center", bbox_to_anchor=(0.5, 1.06), frameon=False)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def cross_validate(engine, questions: list[Question], analyses: list, k: int = 5, seed: int = 0,
                   hyper=None, labels: list | None = None, at: tuple[float, float] | None = None
                   ) -> tuple[dict[str, dict[str, float]], list[Result]]:
    """K-fold cross-validation by question: each fold answered by models fitted on the others.

    The models' regularisation is the one scripts/tune.py chose unless `hyper` is given. Returns the mean over
    held-out folds of every metric, and the held-out results themselves.
    """
    from .learn import Gold, Hyper, cross_validated_answers

    golds = [Gold(q.evidence, q.answerable) for q in questions]
    # the shipped thresholds, unless tuning asks for a setting of its own (then those given, or by default those
    # the outcome values give)
    if hyper is None and at is None:
        at = (engine.models.found_at, engine.models.uncertain_at)
    answers, parts = cross_validated_answers(engine.report, analyses, golds, k, seed, hyper or Hyper.tuned(),
                                             labels=labels, at=at)
    results = [result(q, a) for q, a in zip(questions, answers, strict=True)]
    tables = [summarise([results[i] for i in part], engine.passages) for part in parts]
    return mean_tables(tables), results


def repeated_cross_validate(engine, questions: list[Question], analyses: list, k: int = 5, seeds: range | list[int] = range(5),
                            hyper=None, labels: list | None = None, at: tuple[float, float] | None = None
                            ) -> tuple[dict[str, dict[str, float]], list[dict[str, dict[str, float]]], list[list[Result]]]:
    """K-fold cross-validation repeated over fold assignments (one per seed), as `askerqa eval --cv` and
    scripts/tune.py measure: with ~40 questions a fold, one split moves the figures by a question or two by
    luck alone. Returns the mean over the seeds, each seed's table, and each seed's held-out results."""
    runs = [cross_validate(engine, questions, analyses, k, seed, hyper, labels, at) for seed in seeds]
    per_seed = [table for table, _ in runs]
    return mean_tables(per_seed, sum_n=False), per_seed, [results for _, results in runs]


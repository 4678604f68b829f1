"""Fit the answer stage's models on gold questions, and cross-validate them.

- Quote model: logistic regression over every candidate quote of every answerable question; a candidate is
  positive when its quote satisfies the question's evidence (the gold matching rule). The answer is the
  candidate with the highest score, so the model learns which signals mark a quote that answers.
- Confidence model: logistic regression over questions; positive when the chosen quote is right (an
  unanswerable question is never right). Its inputs are the chosen quote's score, its margin over the best
  quote of another passage, and question-level signals (how well the report covers the question's words …).
- Thresholds: `found_at` and `uncertain_at` are read off the cross-validated trade-off curve under two written
  caps (`choose_thresholds`: wrong shown as found, right withheld); while settings are compared, the ones the
  outcome values give (`outcomes.thresholds`) stand in.

Used by `scripts/tune.py` (writes askerqa/data/tuned.json) and `askerqa eval --cv K`.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from .answer import LinearModel, Models, decide, quote_text
from .matching import ANSWER_LIMIT, satisfies  # the judge's rule and cut: labels use exactly them
from .outcomes import thresholds
from .signals import CANDIDATE_FEATURES, QUESTION_FEATURES, Analysis, question_features
from .units import Report

CROSS_FIT = 5  # inner folds that score the confidence model's questions (see fit)


@dataclass(frozen=True)
class Gold:
    evidence: list[list[str]]
    answerable: bool


def candidate_labels(report: Report, a: Analysis, gold: Gold) -> np.ndarray:
    if not gold.answerable:
        return np.zeros(len(a.candidates), dtype=bool)
    years = a.constraints.years
    return np.array([satisfies(quote_text(report, c, a.terms, years), gold.evidence, ANSWER_LIMIT) for c in a.candidates],
                    dtype=bool)


def all_pairs(n: int) -> tuple[tuple[int, int], ...]:
    """Every pair of distinct features (the interaction terms of a pairwise model)."""
    return tuple((i, j) for i in range(n) for j in range(i + 1, n))


def _fit_logistic(x: np.ndarray, y: np.ndarray, names: tuple[str, ...], c: float,
                  pairs: tuple[tuple[int, int], ...] = ()) -> LinearModel:
    from sklearn.linear_model import LogisticRegression

    x = LinearModel(names, (), 0.0, (), (), pairs).expand(x)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    z = (x - mean) / scale
    if y.all() or not y.any():  # one class only: a flat model (cannot separate anything)
        return LinearModel(names, tuple(0.0 for _ in mean), 5.0 if y.all() else -5.0, tuple(mean), tuple(scale), pairs)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf = LogisticRegression(C=c, max_iter=2000)
        clf.fit(z, y)
    return LinearModel(names, tuple(float(v) for v in clf.coef_[0]), float(clf.intercept_[0]), tuple(mean), tuple(scale),
                       pairs)


def _fit_listwise(groups: list[tuple[np.ndarray, np.ndarray]], names: tuple[str, ...], c: float) -> LinearModel:
    """A conditional logit over each question's candidates: maximise the probability mass that a softmax
    over one question's candidates puts on its right quotes (what choosing the argmax needs), with an L2
    penalty 1/(2c)·|w|². Questions with no right candidate teach nothing here and are left out."""
    from scipy.optimize import minimize

    allx = np.vstack([x for x, _ in groups])
    mean = allx.mean(axis=0)
    scale = allx.std(axis=0)
    scale[scale < 1e-9] = 1.0
    data = [((x - mean) / scale, y) for x, y in groups if y.any() and not y.all()]

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        total, grad = 0.5 * w @ w / c, w / c
        for z, y in data:
            s = z @ w
            # log-sum-exp over all and over the right candidates, each shifted by its own maximum: the right
            # ones' mass can be far below the best score's (exp underflows to 0 with one shared shift)
            e_all = np.exp(s - s.max())
            e_pos = np.exp(s[y] - s[y].max())
            p_all = e_all / e_all.sum()
            p_pos = e_pos / e_pos.sum()
            total -= (s[y].max() + np.log(e_pos.sum())) - (s.max() + np.log(e_all.sum()))
            grad = grad - (p_pos @ z[y] - p_all @ z)
        return float(total), grad

    w0 = np.zeros(len(names))
    res = minimize(loss, w0, jac=True, method="L-BFGS-B")
    return LinearModel(names, tuple(float(v) for v in res.x), 0.0, tuple(mean), tuple(scale))


@dataclass(frozen=True)
class Hyper:
    quote_c: float = 1.0
    confidence_c: float = 1.0
    listwise: bool = True  # conditional logit over each question's candidates, else pointwise logistic
    pairwise: bool = False  # pointwise only: the quote model also weighs every product of two signals

    @classmethod
    def tuned(cls) -> Hyper:
        """The setting scripts/tune.py chose (recorded in askerqa/data/tuned.json)."""
        import json

        from .answer import TUNED_PATH

        chosen = json.loads(TUNED_PATH.read_text(encoding="utf-8"))["chosen"]
        return cls(float(chosen["quote_c"]), float(chosen["confidence_c"]), bool(chosen["listwise"]),
                   bool(chosen.get("pairwise", False)))


def fit_quote(analyses: list[Analysis], golds: list[Gold], labels: list[np.ndarray], hyper: Hyper) -> LinearModel:
    """The quote model, on every candidate of the answerable questions."""
    xs = [a.features for a, g in zip(analyses, golds, strict=True) if g.answerable and len(a.candidates)]
    ys = [lab for a, g, lab in zip(analyses, golds, labels, strict=True) if g.answerable and len(a.candidates)]
    if hyper.listwise:
        return _fit_listwise(list(zip(xs, ys, strict=True)), CANDIDATE_FEATURES, hyper.quote_c)
    pairs = all_pairs(len(CANDIDATE_FEATURES)) if hyper.pairwise else ()
    return _fit_logistic(np.vstack(xs), np.concatenate(ys), CANDIDATE_FEATURES, hyper.quote_c, pairs)


def fit(report: Report, analyses: list[Analysis], golds: list[Gold], hyper: Hyper = Hyper(),
        labels: list[np.ndarray] | None = None, inner_k: int = CROSS_FIT,
        at: tuple[float, float] | None = None) -> Models:
    """The quote and confidence models fitted on these questions; `at` the (found_at, uncertain_at) thresholds
    (by default those the outcome values give: scripts/tune.py then chooses the shipped ones on the curve)."""
    labels = labels or [candidate_labels(report, a, g) for a, g in zip(analyses, golds, strict=True)]
    quote = fit_quote(analyses, golds, labels, hyper)
    # The confidence model must see quote scores as they come out on questions the quote model has not
    # seen: scored in-sample, a flexible quote model looks surer than it is, and the confidence then shows
    # wrong quotes as found. So each question is scored by a quote model fitted without its inner fold
    # (cross-fitting); the shipped quote model is the one fitted on all.
    scorer: list[LinearModel] = [quote] * len(analyses)
    if inner_k > 1 and len(analyses) >= 2 * inner_k:
        for rest, part in held_out(len(analyses), inner_k):
            held = fit_quote([analyses[i] for i in rest], [golds[i] for i in rest], [labels[i] for i in rest], hyper)
            for i in part:
                scorer[i] = held

    # the confidence model learns on the questions whose answer it decides: those where some candidate
    # carries the asked year and name (the others are "not found" whatever their confidence)
    qx, right = [], []
    for a, lab, model in zip(analyses, labels, scorer, strict=True):
        raw = model.logit(a.features) if a.candidates else np.empty(0)
        scores, satisfied = a.constrained(raw)
        if not satisfied:
            continue
        qx.append(question_features(a, scores, raw))
        right.append(bool(lab[int(np.argmax(scores))]))
    # a probability that the best quote is right: the status worth most at it follows (outcomes.thresholds)
    conf = _fit_logistic(np.vstack(qx), np.array(right), QUESTION_FEATURES, hyper.confidence_c)
    found_at, uncertain_at = at or thresholds()
    return Models(quote, conf, found_at, uncertain_at)


def family(hyper: Hyper) -> str:
    """The quote model's form: settings of one form differ only in how strongly they are regularised."""
    return "listwise" if hyper.listwise else "pairwise" if hyper.pairwise else "pointwise"


def beats(challenger: np.ndarray, incumbent: np.ndarray) -> bool:
    """Whether the challenger's per-question utility is ahead of the incumbent's by more than one standard
    error of the per-question difference."""
    d = np.asarray(challenger, dtype=np.float64) - np.asarray(incumbent, dtype=np.float64)
    se = float(d.std(ddof=1) / np.sqrt(len(d))) if len(d) > 1 else 0.0
    return float(d.mean()) > se


def within_one_se(settings: list[Hyper], utilities: np.ndarray) -> list[bool]:
    """For each setting, whether its mean utility is within one standard error of the best of its form (the
    error of the per-question difference between the two; `utilities` is (settings, questions))."""
    u = np.asarray(utilities, dtype=np.float64)
    mean = u.mean(axis=1)
    out = []
    for i, h in enumerate(settings):
        best = max((j for j, g in enumerate(settings) if family(g) == family(h)), key=lambda j: mean[j])
        out.append(not beats(u[best], u[i]))
    return out


def choose(settings: list[Hyper], utilities: np.ndarray) -> int:
    """The setting to ship, from each question's held-out utility under each setting ((settings, questions)).

    Within each form of the quote model, the most strongly regularised setting (smallest quote C, then
    smallest confidence C) within one standard error of the form's best: the one-standard-error rule. Between
    forms, the highest mean utility. Settings a question or two apart are a coin toss on ~200 questions; taking
    the best by its mean alone chose by that toss (README, "Tuned numbers")."""
    mean = np.asarray(utilities, dtype=np.float64).mean(axis=1)
    close = within_one_se(settings, utilities)
    picks = [min((i for i, h in enumerate(settings) if family(h) == form and close[i]),
                 key=lambda i: (settings[i].quote_c, settings[i].confidence_c, -mean[i]))
             for form in dict.fromkeys(family(h) for h in settings)]
    return max(picks, key=lambda i: mean[i])


def held_out(n: int, k: int, seed: int = 0) -> list[tuple[np.ndarray, np.ndarray]]:
    """(train, test) index pairs of K-fold cross-validation by question."""
    return [(np.setdiff1d(np.arange(n), test), test) for test in folds(n, k, seed)]


def folds(n: int, k: int, seed: int = 0) -> list[np.ndarray]:
    """K folds of question indices, shuffled with a fixed seed (folds by question)."""
    idx = np.random.default_rng(seed).permutation(n)
    return [np.sort(f) for f in np.array_split(idx, k)]


def cross_validated_answers(report: Report, analyses: list[Analysis], golds: list[Gold], k: int = 5, seed: int = 0,
                            hyper: Hyper = Hyper(), top_k: int = 10, labels: list[np.ndarray] | None = None,
                            at: tuple[float, float] | None = None) -> tuple[list, list[np.ndarray]]:
    """Each question answered by models fitted on the other folds. Returns (answers, folds)."""
    labels = labels or [candidate_labels(report, a, g) for a, g in zip(analyses, golds, strict=True)]
    answers: list = [None] * len(analyses)
    splits = held_out(len(analyses), k, seed)
    for train, test in splits:
        models = fit(report, [analyses[i] for i in train], [golds[i] for i in train], hyper, [labels[i] for i in train],
                     at=at)
        for i in test:
            answers[i] = decide(report, analyses[i], models, top_k=top_k)
    return answers, [test for _, test in splits]


def constraint_counts(analyses: list[Analysis], golds: list[Gold], labels: list[np.ndarray]) -> dict[str, int]:
    """How often a right quote carries the asked year / name / amount of money: the evidence for making them
    constraints."""
    year_hit, name_hit = CANDIDATE_FEATURES.index("year_hit"), CANDIDATE_FEATURES.index("name_hit")
    span_only, no_money = CANDIDATE_FEATURES.index("year_in_span_only"), CANDIDATE_FEATURES.index("no_money")
    counts = {"year_asked": 0, "year_carried": 0, "year_alone_asked": 0, "year_alone_carried": 0,
              "name_asked": 0, "name_carried": 0, "money_asked": 0, "money_carried": 0}
    for a, g, lab in zip(analyses, golds, labels, strict=True):
        if not g.answerable or not lab.any():
            continue
        right = a.features[lab]
        if a.constraints.years:
            counts["year_asked"] += 1
            counts["year_carried"] += int((right[:, year_hit] > 0).any())
        if a.constraints.single_years:
            counts["year_alone_asked"] += 1
            counts["year_alone_carried"] += int(((right[:, year_hit] > 0) & (right[:, span_only] == 0)).any())
        if a.constraints.names:
            counts["name_asked"] += 1
            counts["name_carried"] += int((right[:, name_hit] > 0).any())
        if a.query.wants_money:
            counts["money_asked"] += 1
            counts["money_carried"] += int((right[:, no_money] == 0).any())
    return counts


# The found and uncertain thresholds are chosen on the cross-validated trade-off (askerqa.evaluate.found_curve)
# under two caps, judgements written down here: a wrong quote shown as the answer on at most FOUND_WRONG_CAP of
# the questions (the citizens' target is 5 %: 2 points of margin), and a right quote withheld as «not found» on
# at most HIDDEN_RIGHT_CAP. A first cap of 2 % (for the 3-point gap between cross-validation and others'
# questions seen when only dev and extra were tuned on) hedged right answers at confidence 0.85-0.90, and with
# B and C in the tuning data the held-out sets ran at or below the cross-validated rate (docs/RESULTS.md).
FOUND_WRONG_CAP = 0.03
HIDDEN_RIGHT_CAP = 0.03


class _Stated(Protocol):
    @property
    def confidence(self) -> float: ...
    @property
    def note(self) -> str: ...


class _Asked(Protocol):
    @property
    def answerable(self) -> bool: ...


class HeldOut(Protocol):
    """What choose_thresholds reads of a held-out answer (an `evaluate.Result`)."""

    @property
    def answer(self) -> _Stated: ...
    @property
    def question(self) -> _Asked: ...
    @property
    def right(self) -> bool: ...


def threshold_rates(results: Sequence[HeldOut], t: float) -> tuple[float, float, float]:
    """(FoundWrong over all, FoundRight over answerable, HiddenRight over all) had every answer at or above
    confidence `t` been shown as found and every one below it withheld. An answer a rule keeps from being found
    whatever its confidence (it has a note: no quote with the asked year, a «Tall kommer» cell) is never shown."""
    shown = [r for r in results if r.answer.confidence >= t and not r.answer.note]
    answerable = max(1, sum(r.question.answerable for r in results))
    n = max(1, len(results))
    return (sum(not r.right for r in shown) / n, sum(r.right for r in shown) / answerable,
            sum(r.right and (bool(r.answer.note) or r.answer.confidence < t) for r in results) / n)


def choose_thresholds(results: Sequence[Sequence[HeldOut]], grid: np.ndarray | None = None) -> dict[str, Any]:
    """(found_at, uncertain_at) from held-out results (one list per fold assignment, `evaluate.Result`s): the
    lowest found threshold whose FoundWrong, averaged over the assignments, stays within FOUND_WRONG_CAP (the
    most right answers shown as found at that cost), and the highest uncertain threshold whose HiddenRight stays
    within HIDDEN_RIGHT_CAP (the most unanswerable questions told plainly that the report does not say). An
    answer a rule keeps from being found (it has a note) is not found at any threshold. Returns both with the
    curve they were read from, and whether the cap could be met at all (if not, the highest threshold)."""
    grid = np.round(np.arange(0.2, 0.96, 0.01), 2) if grid is None else grid

    def rates(t: float) -> tuple[float, float, float]:
        found_wrong, found_right, hidden = np.mean([threshold_rates(rs, t) for rs in results], axis=0)
        return float(found_wrong), float(found_right), float(hidden)

    curve = [(float(t), *rates(float(t))) for t in grid]
    within = [t for t, fw, _, _ in curve if fw <= FOUND_WRONG_CAP]
    found_at = min(within) if within else float(grid[-1])
    uncertain_at = max((t for t, _, _, hr in curve if hr <= HIDDEN_RIGHT_CAP and t <= found_at), default=float(grid[0]))
    return {"found_at": found_at, "uncertain_at": uncertain_at, "cap_met": bool(within),
            "caps": {"found_wrong": FOUND_WRONG_CAP, "hidden_right": HIDDEN_RIGHT_CAP},
            "curve": [{"threshold": t, "found_wrong": round(fw, 4), "found_right": round(fr, 4),
                       "hidden_right_below": round(hr, 4)} for t, fw, fr, hr in curve]}

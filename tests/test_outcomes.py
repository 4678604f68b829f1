"""The three states follow from what each outcome is worth: for any confidence, the status shown is the one
with the highest expected value to the citizen, for the shipped values and for others."""

import numpy as np
import pytest

from askerqa import outcomes
from askerqa.answer import LinearModel, Models, status_of
from askerqa.outcomes import thresholds, value


def _expected(status: str, p: float) -> float:
    # p: the probability that the best quote is right (its alternatives are counted right only then)
    return p * value(status, True, True) + (1 - p) * value(status, False, False)


def _shown(p: float) -> str:
    flat = LinearModel(("x",), (0.0,), 0.0, (0.0,), (1.0,))
    return status_of(p, Models(flat, flat, *thresholds()))


# (WRONG_COST, HIDDEN_COST, UNCERTAIN_RIGHT, UNCERTAIN_WRONG): the shipped ones, a reader who minds doubt
# more, one for whom a hidden answer costs as much as a wrong one, and one for whom uncertain never pays
VALUES = [(6.0, 1.0, 0.25, 0.5), (6.0, 1.0, 0.1, 1.5), (1.0, 1.0, 0.25, 0.5), (6.0, 0.2, 0.0, 5.0)]


@pytest.mark.parametrize("values", VALUES)
def test_the_status_shown_is_worth_the_most_at_every_confidence(monkeypatch, values):
    for name, v in zip(("WRONG_COST", "HIDDEN_COST", "UNCERTAIN_RIGHT", "UNCERTAIN_WRONG"), values, strict=True):
        monkeypatch.setattr(outcomes, name, v)
    # every hundredth, and either side of each threshold
    for p in sorted({*np.linspace(0.0, 1.0, 101).tolist(), *(t + d for t in thresholds() for d in (-1e-6, 1e-6))}):
        p = min(max(p, 0.0), 1.0)
        best = max(_expected(s, p) for s in ("found", "uncertain", "not_found"))
        assert _expected(_shown(p), p) >= best - 1e-9, (values, p, _shown(p))


def test_a_wrong_quote_shown_as_found_costs_more_than_anything_else():
    wrong_found = value("found", False, False)
    others = [value(s, r, r) for s in ("uncertain", "not_found") for r in (True, False)] + [value("found", True, True)]
    assert all(wrong_found < v for v in others)
    found_at, uncertain_at = thresholds()
    assert 0.5 < found_at < 1.0 and 0.0 < uncertain_at < found_at  # found only when right is far likelier


def test_values_that_make_no_sense_are_refused(monkeypatch):
    monkeypatch.setattr(outcomes, "UNCERTAIN_RIGHT", 2.0)  # an uncertain answer worth more than a found one
    with pytest.raises(ValueError):
        thresholds()

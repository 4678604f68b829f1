"""The three states follow from what each outcome is worth: for any confidence, the status shown is the one
with the highest expected value to the citizen."""

import numpy as np
import pytest

from askerqa.answer import LinearModel, Models, status_of
from askerqa.outcomes import thresholds, value


def _expected(status: str, p: float) -> float:
    # p: the probability that the best quote is right (its alternatives are counted right only then)
    return p * value(status, True, True) + (1 - p) * value(status, False, False)


# every twentieth, and either side of each threshold
CONFIDENCES = sorted({*np.linspace(0.0, 1.0, 21).tolist(), *(t + d for t in thresholds() for d in (-1e-6, 1e-6))})


@pytest.mark.parametrize("p", CONFIDENCES)
def test_the_status_shown_is_worth_the_most_at_every_confidence(p):
    flat = LinearModel(("x",), (0.0,), 0.0, (0.0,), (1.0,))
    shown = status_of(float(p), Models(flat, flat, *thresholds()))
    best = max(_expected(s, p) for s in ("found", "uncertain", "not_found"))
    assert _expected(shown, p) >= best - 1e-9


def test_a_wrong_quote_shown_as_found_is_the_worst_outcome():
    wrong_found = value("found", False, False)
    others = [value(s, r, r) for s in ("found", "uncertain", "not_found") for r in (True, False)]
    assert wrong_found == min(others) and wrong_found < value("not_found", True, True)
    found_at, uncertain_at = thresholds()
    assert 0.5 < found_at < 1.0 and 0.0 < uncertain_at < found_at  # found only when right is far likelier

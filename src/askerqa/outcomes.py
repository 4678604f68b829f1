"""What each outcome of an answer is worth to a citizen, and the thresholds between the three states that follow.

The values are judgements, not fitted: a confident wrong figure is the worst outcome, far worse than "not
found"; possible answers shown as uncertain are of some use when one of them is right, and cost the reader's
time and sow doubt when none is. Given the confidence model's probability p that the best quote is right, the
status with the highest expected value is chosen (Bayes' decision rule). Deriving the two thresholds from the
values, instead of searching them on the training questions, leaves nothing to fit: in 5-fold
cross-validation repeated over five seeds the searched thresholds moved from fold to fold and let more wrong
quotes through (README, "Tuned numbers").
"""

from __future__ import annotations

from .types import Status

RIGHT = 1.0  # the right quote shown as found
WRONG_COST = 6.0  # a quote shown as found that is wrong (or a question the report cannot answer)
HIDDEN_COST = 1.0  # a right quote withheld as "not found"
UNCERTAIN_RIGHT = 0.25  # possible answers shown, one of them right: of some use, after reading
UNCERTAIN_WRONG = 0.5  # possible answers shown, none right: the reader's time lost, and doubt sown


def value(status: Status, right: bool, alternative_right: bool) -> float:
    """What one answer is worth: `right` whether its quote answers, `alternative_right` whether one of the
    possible answers an uncertain answer shows does."""
    if status == "found":
        return RIGHT if right else -WRONG_COST
    if status == "uncertain":
        return UNCERTAIN_RIGHT if alternative_right else -UNCERTAIN_WRONG
    return -HIDDEN_COST if right else 0.0


def thresholds() -> tuple[float, float]:
    """(found_at, uncertain_at): the confidences from which found, and uncertain, are worth the most.

    With p the probability that the best quote is right (and counting its alternatives right only when it is):
    found is worth p·RIGHT − (1−p)·WRONG_COST, uncertain p·UNCERTAIN_RIGHT − (1−p)·UNCERTAIN_WRONG, not found
    −p·HIDDEN_COST. Found beats uncertain from p = (W−X)/(R+W−U−X), uncertain beats not found from
    p = X/(H+U+X) (0.88 and 0.29 with the values above). Counting the alternatives right only with the best
    quote undervalues the uncertain state a little (they may hold the answer when the best quote does not):
    the careful side.
    """
    if not (0 <= UNCERTAIN_RIGHT < RIGHT and WRONG_COST > 0 and HIDDEN_COST >= 0 and UNCERTAIN_WRONG >= 0):
        raise ValueError("the outcome values must rank a right found above a right uncertain, and cost for errors")
    found_at = (WRONG_COST - UNCERTAIN_WRONG) / (RIGHT + WRONG_COST - UNCERTAIN_RIGHT - UNCERTAIN_WRONG)
    uncertain_at = UNCERTAIN_WRONG / (HIDDEN_COST + UNCERTAIN_RIGHT + UNCERTAIN_WRONG)
    if uncertain_at >= found_at:  # uncertain is never worth the most: found against not found decides alone
        found_at = uncertain_at = WRONG_COST / (RIGHT + WRONG_COST + HIDDEN_COST)
    return found_at, uncertain_at

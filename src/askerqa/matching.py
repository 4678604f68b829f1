"""The judge's rule: when a text holds a gold question's evidence (eval/README.md states it for people).

Used by evaluation (`evaluate`, `learn`'s labels, `bench`) and tests, never by the pipeline that builds the
index: it lives outside `index.PIPELINE_FILES`, so changing how answers are judged does not mark the
index stale.

- `match_normalise`: soft hyphens, dashes, line-break hyphenation, case, whitespace, decimal commas and
  thousands spaces made alike on both sides.
- `satisfies`: a text (cut to a limit first) holds every string of one evidence alternative.
- `PASSAGE_LIMIT`, `ANSWER_LIMIT`: how much of a retrieved passage, and of a quoted answer, is read.
"""

from __future__ import annotations

import re
from functools import lru_cache

PASSAGE_LIMIT = 1200  # characters of a retrieved passage the judge reads
ANSWER_LIMIT = 400  # characters of an answer's quote the judge reads

_THOUSANDS = re.compile(r"(\d) (\d{3})(?!\d)")


def match_normalise(text: str) -> str:
    """The gold set's matching rule, exactly as eval/README.md states it."""
    t = text.replace("\u00ad", "")
    t = t.replace("\u2212", "-").replace("\u2013", "-")
    t = re.sub(r"(\w)-\n(\w)", r"\1\2", t)
    t = t.lower()
    t = re.sub(r"\s+", " ", t)
    t = re.sub(r"(\d),(\d)", r"\1.\2", t)
    prev = None
    while prev != t:
        prev = t
        t = _THOUSANDS.sub(r"\1\2", t)
    return t


# the same passages, quotes and evidence strings are matched for every question, fold and seed of a tuning run:
# each is normalised once (7.5 s a 199-question pass uncached, ~1 s cached)
normalised = lru_cache(maxsize=65536)(match_normalise)


def satisfies(text: str, evidence: list[list[str]], limit: int | None = None) -> bool:
    """True when `text` (cut to `limit` characters first) holds every string of one alternative."""
    if limit is not None:
        text = text[:limit]
    norm = normalised(text)
    return any(all(normalised(s) in norm for s in alt) for alt in evidence if alt)

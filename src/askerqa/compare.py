"""Comparisons across a table: which year or which row is highest, did it rise or fall, X compared with Y.

A table row is its own passage, so one quote can hold one row's years but never two rows. A question that
compares is answered with the rows involved, each quoted verbatim, and one line that reads their cells as
printed («Høyest: Bærum kommune 18,0 % (2021-2022)»; «2020: 65 %; 2021: 48 %»). Reading a cell only
orders printed values; nothing is computed, summed or rounded, and a cell without a figure («Tall kommer»)
takes no part.

- `comparison_of(question)`: what kind of comparison a question asks, if any.
- `Siblings`: the rows of each table that can be compared (same section, title and column headers).
- `compare(...)`: the rows to quote and the line that reads them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from .text import YEAR_PATTERN, fold
from .types import Passage, TableRow

Kind = Literal["high", "low", "change", "versus"]

# words are matched folded (æøå → aoa), as a resident may type them either way. «best», «verst» and «dårligst» are
# left out: which end is best depends on the measure (a placing of 1 is the best).
_HIGH = re.compile(r"\b(hoyest\w*|storst\w*|flest|mest|sterkest\w*|raskest\w*|lettest\w*|vanligst\w*|"
                   r"oftest|lengst|dyrest\w*|eldst\w*|highest|most|largest|biggest)\b")
_LOW = re.compile(r"\b(lavest\w*|minst|farrest|svakest\w*|lowest|least|fewest|smallest)\b")
_CHANGE = re.compile(
    r"\b(okt|okte|okning\w*|steget|sunket|sank|falt|redusert|nedgang\w*|gatt (?:opp|ned)|endret|endring\w*|"
    r"utvikl\w*|(?:mer|flere|hoyere|storre|bedre) eller (?:mindre|farre|lavere|darligere)|"
    r"increase\w*|decrease\w*|rose|fell|risen|fallen|change\w*)\b"
)
_VERSUS = re.compile(r"\b(sammenlign\w*|sammenlikn\w*|enn|mot|versus|vs|compared?|than)\b")
# a question that asks for a year («hvilket år»): the comparison runs along one row, not across rows
_WHICH_YEAR = re.compile(r"\b(hvilket ar|hvilke ar|hvilket av arene|which year|what year|nar)\b")
# a question that asks for a share, so a column printed in per cent («prosentvis vekst», «hvor stor andel»)
_SHARE = re.compile(r"\b(prosent\w*|andel\w*|percent\w*|share)\b")
_VALUE = re.compile(r"-?\d{1,3}(?: \d{3})+(?:,\d+)?|-?\d+(?:,\d+)?")
# a column of one year or period: what is compared along a row (`2020 Saker behandlet` holds a second measure)
_YEAR_COLUMN = re.compile(rf"{YEAR_PATTERN}(?:\s*-\s*{YEAR_PATTERN})?")
MAX_LABEL_WORDS = 4  # `Bærum kommune`, `Gamle Asker`, `Asker Midt`: a row that names a place or a group
# rows that add the others up or stand for everyone: never the answer to «which one is highest»
_TOTAL = re.compile(r"\b(sammenslatt|alle|hele|landet|norge|totalt|total|sum|gjennomsnitt\w*|snitt|viken|kostra\w*)\b")
# words of a row's label that do not tell rows apart (`Asker kommune`, `Hele landet`)
_GENERIC_LABEL = {"kommune", "kommunen", "gamle", "hele", "i", "og"}


@dataclass(frozen=True)
class Comparison:
    kind: Kind
    along_years: bool  # «hvilket år»: compare one row's cells, not rows


def comparison_of(question: str) -> Comparison | None:
    """The comparison a question asks for, or None.

    >>> comparison_of("Hvilket år var sykefraværet høyest?")
    Comparison(kind='high', along_years=True)
    >>> comparison_of("Hvor høyt var sykefraværet i 2022?") is None
    True
    """
    q = fold(question)
    along = bool(_WHICH_YEAR.search(q))
    if _HIGH.search(q):
        return Comparison("high", along)
    if _LOW.search(q):
        return Comparison("low", along)
    if _CHANGE.search(q):
        return Comparison("change", True)
    if _VERSUS.search(q):
        return Comparison("versus", False)
    return None


def cell_value(value: str) -> float | None:
    """A printed cell as a number to order by (`13,2 %` → 13.2, `97 800` → 97800), None when it holds none
    («Tall kommer», «Ikke målt»)."""
    m = _VALUE.search(value)
    if not m:
        return None
    return float(m.group(0).replace(" ", "").replace(",", "."))


class Siblings:
    """The table rows that can be compared with each other: same section and title (a row may print fewer
    columns than another: `Bærum: 2022 36,8 %` beside Asker's 2019-2022; only a column both print is compared).
    A table of key figures («Nøkkeltall») shares one title over rows about different things; `compare` leaves
    such rows alone (their labels are measures, not names)."""

    def __init__(self, passages: list[Passage]) -> None:
        groups: dict[tuple[str, str], list[int]] = {}
        self.group_of: dict[int, tuple[str, str]] = {}
        for i, p in enumerate(passages):
            if p.table is None or not p.table.cells:
                continue
            key = (p.section, p.table.title)
            groups.setdefault(key, []).append(i)
            self.group_of[i] = key
        self.groups = groups

    def of(self, index: int) -> list[int]:
        """The rows compared with row `index` (itself included), in the report's order."""
        key = self.group_of.get(index)
        return list(self.groups[key]) if key is not None else [index]


@dataclass(frozen=True)
class Compared:
    rows: tuple[int, ...]  # passage indices, the answering row first
    line: str  # the cells read, as printed
    versus: bool = False  # two rows the question names, set side by side: both are the answer


def _table(passage: Passage) -> TableRow:
    if passage.table is None:
        raise ValueError(f"{passage.id} is no table row")
    return passage.table


def _year_columns(cells: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    return [(h, v) for h, v in cells if _YEAR_COLUMN.fullmatch(h.strip()) and cell_value(v) is not None]


def _unit(value: str) -> str:
    """What a printed value is in, its number left out (`13,2 %` → `%`, `1772` → ``): only like is compared."""
    return _VALUE.sub("", value).strip()


def _extreme(items: list[tuple[str, str]], high: bool) -> list[tuple[str, str]]:
    """The (name, printed value) pairs at the highest or lowest value; all of them when several tie."""
    values = [cell_value(v) for _, v in items]
    best = (max if high else min)(v for v in values if v is not None)
    return [item for item, v in zip(items, values, strict=True) if v == best]


def _named_rows(passages: list[Passage], group: list[int], words: frozenset[str]) -> list[int]:
    """The rows whose label the question names: every distinctive word of the label is a word of the question
    (`Asker Sør` needs `sør`; `Asker kommune` needs only `asker`)."""
    out = []
    for i in group:
        label = {w for w in re.findall(r"\w+", fold(_table(passages[i]).label)) if w not in _GENERIC_LABEL}
        if label and label <= words:
            out.append(i)
    return out


def compare(passages: list[Passage], siblings: Siblings, best: int, comparison: Comparison,
            years: frozenset[str], words: frozenset[str]) -> Compared | None:
    """The rows a comparison quotes and the line reading them, for the table row `best` that answers best;
    `words` the question's words, folded. None when `best` is no table row or nothing can be compared with
    certainty: fewer than two printed figures of one kind, a year the columns lack, a column the question does
    not name."""
    row = passages[best].table
    if row is None:
        return None
    high = comparison.kind == "high"
    word = "Høyest" if high else "Lavest"
    if comparison.along_years or comparison.kind == "change":
        cells = _year_columns(row.cells)
        if years:
            asked = [(h, v) for h, v in cells if any(y in h for y in years)]
            cells = asked if len(asked) >= 2 else cells
        if len(cells) < 2 or len({_unit(v) for _, v in cells}) > 1:
            # «flere eller færre enn i Bærum» about a row of one year: the comparison is across the rows named
            versus = comparison.kind == "change" and any(_VERSUS.fullmatch(w) for w in words)
            return compare(passages, siblings, best, Comparison("versus", False), years, words) if versus else None
        if comparison.kind in ("high", "low"):
            return Compared((best,), f"{word}: " + " og ".join(f"{h}: {v}" for h, v in _extreme(cells, high)))
        return Compared((best,), "; ".join(f"{h}: {v}" for h, v in cells))
    group = siblings.of(best)
    labels = [_table(passages[i]).label for i in group]
    # rows are compared across only when they name things of one kind (places, groups: short labels that are not
    # years); a key figures table's rows are different measures under one title
    if len(group) < 2 or any(not lb or len(lb.split()) > MAX_LABEL_WORDS or _YEAR_COLUMN.fullmatch(lb) for lb in labels):
        return None
    header = _asked_column(row, years, words)
    if header is None:
        return None
    valued = [(i, _cell(passages[i], header)) for i in group]
    valued = [(i, v) for i, v in valued if cell_value(v) is not None]
    if len(valued) < 2 or len({_unit(v) for _, v in valued}) > 1:
        return None
    if comparison.kind == "versus":
        named = _named_rows(passages, [i for i, _ in valued], words)
        if len(named) < 2:  # «mot mobbing i Hurum» names one row: no comparison
            return None
        chosen = [best] + [i for i in named if i != best] if best in named else named
        line = "; ".join(f"{_table(passages[i]).label}: {_cell(passages[i], header)}" for i in chosen)
        return Compared(tuple(chosen), f"{line} ({header})", versus=True)
    contenders = [(i, v) for i, v in valued if not _TOTAL.search(fold(_table(passages[i]).label))]
    if len(contenders) < 2:
        return None
    picks = _extreme([(str(i), v) for i, v in contenders], high)
    first = int(picks[0][0])
    line = " og ".join(f"{_table(passages[int(i)]).label} {v}" for i, v in picks)
    return Compared((first, *[i for i, _ in valued if i != first]), f"{word}: {line} ({header})")


def _asked_column(row: TableRow, years: frozenset[str], words: frozenset[str]) -> str | None:
    """The column compared across rows: a year column holding the asked years (the whole period for
    `2020-2021`), the only year column when none is asked, or a column the question's words name; None when the
    column cannot be told."""
    year_columns = [h for h, _ in row.cells if _YEAR_COLUMN.fullmatch(h.strip())]
    if years:
        fitting = [h for h in year_columns if set(re.findall(YEAR_PATTERN, h)) == set(years)] or \
                  [h for h in year_columns if set(re.findall(YEAR_PATTERN, h)) <= set(years)]
        return fitting[-1] if fitting else _dated_column(row, years, words)
    if len(row.cells) == 1:
        return row.cells[0][0]
    named = _named_column([h for h, _ in row.cells], words)
    if named is not None:
        return named
    return year_columns[-1] if year_columns and len(year_columns) == len(row.cells) else None


def _dated_column(row: TableRow, years: frozenset[str], words: frozenset[str]) -> str | None:
    """A measure's column for the asked years (`Ledige plasser januar 2023`, `Andel vekst 2019-2022`): the one the
    question names; of a question that asks for a share («prosentvis», «andel»), only a column printed in per
    cent. The years alone do not tell one measure from another."""
    dated = [(h, v) for h, v in row.cells if (ys := set(re.findall(YEAR_PATTERN, h))) and ys <= set(years)]
    exact = [(h, v) for h, v in dated if set(re.findall(YEAR_PATTERN, h)) == set(years)]
    dated = exact or dated
    if any(_SHARE.fullmatch(w) for w in words):
        dated = [(h, v) for h, v in dated if _unit(v) == "%"]
    return _named_column([h for h, _ in dated], words)


def _measure_words(words: Iterable[str]) -> set[str]:
    """The words that name a measure: not a year, a number or the word for a share."""
    return {w for w in words if len(w) > 3 and w.isalpha() and not _SHARE.fullmatch(w)}


def _named_column(headers: list[str], words: frozenset[str]) -> str | None:
    """The header whose words the question names most (`ledig` names `Ledige`); None when none is named or
    several are named alike."""
    asked = _measure_words(words)

    def named(header: str) -> int:
        own = _measure_words(re.findall(r"\w+", fold(header)))
        return sum(any(q.startswith(w) or (len(q) >= 5 and w.startswith(q)) for q in asked) for w in own)

    counts = [(named(h), h) for h in headers]
    most = max((n for n, _ in counts), default=0)
    best = [h for n, h in counts if n == most]
    return best[0] if most and len(best) == 1 else None


def _cell(passage: Passage, header: str) -> str:
    return next((v for h, v in _table(passage).cells if h == header), "")

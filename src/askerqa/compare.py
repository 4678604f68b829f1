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
from dataclasses import dataclass
from typing import Literal

from .text import fold
from .types import Passage, TableRow

Kind = Literal["high", "low", "change", "versus"]

# words are matched folded (æøå → aeo), as a resident may type them either way
_HIGH = re.compile(r"\b(hoyest\w*|storst\w*|flest|mest|best|sterkest\w*|raskest\w*|lettest\w*|vanligst\w*|"
                   r"oftest|lengst|dyrest\w*|eldst\w*|highest|most|largest|biggest)\b")
_LOW = re.compile(r"\b(lavest\w*|minst|farrest|darligst\w*|verst|svakest\w*|lowest|least|fewest|smallest)\b")
_CHANGE = re.compile(
    r"\b(okt|okte|okning\w*|steget|steg|sunket|sank|falt|redusert|nedgang\w*|gatt (?:opp|ned)|endret|endring\w*|"
    r"utvikl\w*|(?:mer|flere|hoyere|storre|bedre) eller (?:mindre|farre|lavere|darligere)|"
    r"increase\w*|decrease\w*|rose|fell|risen|fallen|change\w*)\b"
)
_VERSUS = re.compile(r"\b(sammenlign\w*|sammenlikn\w*|enn|mot|versus|vs|compared?|than)\b")
# a question that asks for a year («hvilket år»): the comparison runs along one row, not across rows
_WHICH_YEAR = re.compile(r"\b(hvilket ar|hvilke ar|hvilket av arene|which year|what year|nar)\b")
_VALUE = re.compile(r"-?\d{1,3}(?: \d{3})+(?:,\d+)?|-?\d+(?:,\d+)?")
MAX_LABEL_WORDS = 4  # `Bærum kommune`, `Gamle Asker`, `Asker Midt`: a row that names a place or a group


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
    """The table rows that can be compared with each other: same section, title and column headers. A
    table of key figures («Nøkkeltall») shares one title over rows about different things; its rows have the
    same headers too, so rows are compared across only when the question names them or asks which row."""

    def __init__(self, passages: list[Passage]) -> None:
        groups: dict[tuple, list[int]] = {}
        self.group_of: dict[int, tuple] = {}
        for i, p in enumerate(passages):
            if p.table is None or not p.table.cells:
                continue
            key = (p.section, p.table.title, tuple(h for h, _ in p.table.cells))
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


def _table(passage: Passage) -> TableRow:
    if passage.table is None:
        raise ValueError(f"{passage.id} is no table row")
    return passage.table


def _header(passage: Passage, years: frozenset[str]) -> str:
    """The column compared: the one holding most of the asked years (`2020-2021` for 2020 and 2021; the later
    on a tie), else the last column with a figure in this row."""
    cells = _table(passage).cells
    headers = [h for h, _ in cells]
    if years and headers:
        best = max(range(len(headers)), key=lambda k: (sum(y in headers[k] for y in years), k))
        if any(y in headers[best] for y in years):
            return headers[best]
    printed = [h for h, v in cells if cell_value(v) is not None]
    return printed[-1] if printed else ""


def _cell(passage: Passage, header: str) -> str:
    return next((v for h, v in _table(passage).cells if h == header), "")


def _value(cell: tuple[str, str]) -> float:
    return cell_value(cell[1]) or 0.0


def compare(passages: list[Passage], siblings: Siblings, best: int, comparison: Comparison,
            years: frozenset[str], words: frozenset[str]) -> Compared | None:
    """The rows a comparison quotes and the line reading them, for the table row `best` that answers best;
    `words` the question's words, folded (a row compared «versus» is one whose label's first word the question
    names: «Bærum» for «Bærum kommune»). None when `best` is no table row or nothing can be compared (fewer
    than two printed figures)."""
    row = passages[best].table
    if row is None:
        return None
    high = comparison.kind == "high"
    word = "Høyest" if high else "Lavest"
    if comparison.along_years or comparison.kind == "change":
        cells = [(h, v) for h, v in row.cells if cell_value(v) is not None]
        if years:
            asked = [(h, v) for h, v in cells if any(y in h for y in years)]
            cells = asked if len(asked) >= 2 else cells
        if len(cells) < 2:
            return None
        if comparison.kind in ("high", "low"):
            header, value = (max if high else min)(cells, key=_value)
            return Compared((best,), f"{word}: {header}: {value}")
        return Compared((best,), "; ".join(f"{h}: {v}" for h, v in cells))
    group = siblings.of(best)
    # rows are compared across only when they name things of one kind (places, groups: short labels); a key
    # figures table's rows are different measures under one title
    if len(group) < 2 or any(len(_table(passages[i]).label.split()) > MAX_LABEL_WORDS for i in group):
        return None
    header = _header(passages[best], years)
    valued = [(i, v) for i in group if (v := cell_value(_cell(passages[i], header))) is not None]
    if len(valued) < 2:
        return None
    if comparison.kind == "versus":
        named = [i for i, _ in valued if fold(_table(passages[i]).label).split()[0] in words]
        # the rows the question names, the best-answering one first; the best row joins them when only one is named
        chosen = list(dict.fromkeys(([best] if best in named or len(named) < 2 else []) + named))
        if len(chosen) < 2:
            return None
        line = "; ".join(f"{_table(passages[i]).label}: {_cell(passages[i], header)}" for i in chosen)
        return Compared(tuple(chosen), f"{line} ({header})")
    pick = (max if high else min)(valued, key=lambda t: t[1])[0]
    others = [i for i, _ in valued if i != pick]
    return Compared((pick, *others),
                    f"{word}: {_table(passages[pick]).label} {_cell(passages[pick], header)} ({header})")

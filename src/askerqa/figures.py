"""The figure finder for staff: table rows and sentences with numbers, searchable and exportable.

Values are shown exactly as printed; parsing to numbers happens only to draw the small chart.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .index import sentence_spans
from .lexical import Lexical
from .passages import list_item_spans
from .render import page_label
from .text import SECTION_SEP, YEAR_PATTERN
from .types import Passage
from .units import mark_figures

SECTION_WEIGHT = 0.25  # a word in the section's name counts a quarter of one in the row's label
YEAR_HEADER = re.compile(rf"^{YEAR_PATTERN}(?:-{YEAR_PATTERN})?$")


@dataclass(frozen=True)
class FigureRow:
    section: str
    label: str
    years: tuple[tuple[str, str], ...]  # (year column, value as printed)
    value: str  # values that are not in a year column, as printed
    source: str
    passage_id: str
    page: str  # "side N" where the report prints a page number, else ""
    cells: tuple[tuple[str, str], ...] = ()  # a table row's every (column header, value), in the report's order

    def values(self) -> str:
        """The values as printed, each with its own column header (`Personbiler 2019: 16 %`), never merged."""
        if self.cells:
            return "; ".join(f"{h}: {v}" if h else v for h, v in self.cells)
        return "; ".join([f"{y}: {v}" for y, v in self.years] + ([self.value] if self.value else []))

    def where(self) -> str:
        return f"{self.section}, {self.page}" if self.page else self.section

    def as_text(self) -> str:
        """One line a staff member can paste, with its source."""
        src = f" ({self.source})" if self.source else ""
        return f"{self.label}: {self.values()}{src} [{self.where()}]"


def figure_rows(passages: list[Passage]) -> list[FigureRow]:
    rows: list[FigureRow] = []
    for p in passages:
        if p.kind == "table_row" and p.table is not None:
            t = p.table
            years = tuple((h, v) for h, v in t.cells if YEAR_HEADER.match(h))
            other = "; ".join(f"{h}: {v}" if h else v for h, v in t.cells if not YEAR_HEADER.match(h))
            label = f"{t.title}: {t.label}" if t.title and t.title.lower() != "nøkkeltall" else t.label
            rows.append(FigureRow(p.section, label, years, other, t.source, p.id, page_label(p), t.cells))
        elif p.kind in ("prose", "bullet", "list", "quote", "table_text"):
            for start, end in list_item_spans(p.text) if p.kind == "list" else sentence_spans(p):
                sentence = p.text[start:end]
                figures, _ = mark_figures(sentence)
                if figures:
                    rows.append(FigureRow(p.section, sentence, (), ", ".join(figures), "", p.id, page_label(p)))
    return rows


class FigureFinder:
    def __init__(self, passages: list[Passage]) -> None:
        self.rows = figure_rows(passages)
        self.labels = Lexical.build([f"{r.label} {r.source}" for r in self.rows])
        self.section_words = Lexical.build([r.section for r in self.rows])
        self.sections = sorted({r.section.split(SECTION_SEP)[0] for r in self.rows if r.section})

    def search(self, query: str, section: str | None = None, limit: int = 100) -> list[FigureRow]:
        """Rows matching the words of `query` (all rows when empty), best first, within a chapter if given.

        A word in what a row is (its label and source) counts four times one in its section's name: a
        search for `sykefravær` gives the sick-leave rows first, then the rest of a section called
        `Årsverk, turnover og sykefravær`.
        """
        candidates: Sequence[int] = range(len(self.rows))
        if query.strip():
            scores = self.labels.scores(query) + SECTION_WEIGHT * self.section_words.scores(query)
            # best match first; a table row before a sentence when they match equally well
            ranked = sorted(candidates, key=lambda i: (-round(float(scores[i]), 6), not self.rows[i].years))
            candidates = [i for i in ranked if scores[i] > 0]
        rows = [self.rows[i] for i in candidates]
        if section:
            rows = [r for r in rows if r.section == section or r.section.startswith(section + SECTION_SEP)]
        return rows[:limit]


def headers_of(rows: list[FigureRow]) -> list[str]:
    """Every column header of the rows, each its own column: years in order, then group/period headers as met."""
    seen: list[str] = []
    for r in rows:
        for h, _ in r.cells or r.years:
            if h and h not in seen:
                seen.append(h)
    years = sorted(h for h in seen if YEAR_HEADER.match(h))
    return years + [h for h in seen if not YEAR_HEADER.match(h)]


def table(rows: list[FigureRow]) -> tuple[list[str], list[list[str]]]:
    """The results as shown on screen: what, the values with their own headers, where, source. Four columns,
    so a row reads without sideways scrolling; each value keeps the header the report gives it."""
    headers = ["Hva", "Verdier (som i rapporten)", "Del av rapporten", "Kilde"]
    body = [[r.label, r.values(), r.where(), r.source] for r in rows]
    return headers, body


def wide_table(rows: list[FigureRow]) -> tuple[list[str], list[list[str]]]:
    """One column per column header (group and period headers too), for a spreadsheet."""
    cols = headers_of(rows)
    headers = ["Del av rapporten", "Hva", *cols, "Verdi", "Kilde", "Side"]
    body = []
    for r in rows:
        by_header = dict(r.cells or r.years)
        value = r.value if not r.cells else "; ".join(v for h, v in r.cells if not h)
        body.append([r.section, r.label, *[by_header.get(c, "") for c in cols], value, r.source, r.page])
    return headers, body


def to_csv(rows: list[FigureRow]) -> str:
    """Semicolon-separated (Norwegian spreadsheets read `9,3` as a number then), values as printed."""
    headers, body = wide_table(rows)
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";")
    writer.writerow(headers)
    writer.writerows(body)
    return buf.getvalue()


_NUMBER = re.compile(r"^(-?\d{1,3}(?: \d{3})+|-?\d+(?:,\d+)?)\s*(.*)$")
_PERIOD = re.compile(rf"^({YEAR_PATTERN})(?:-({YEAR_PATTERN}))?$")


@dataclass(frozen=True)
class Series:
    """One row's values over the years, for a chart: (year, number or None for a gap, value as printed)."""

    label: str
    unit: str  # what follows the number in every value (`%`, `kr`), "" when the values carry none
    points: tuple[tuple[str, float | None, str], ...]


def series(row: FigureRow) -> list[tuple[str, float]]:
    """Year -> number; values that are not numbers (`Ikke målt`) are left out."""
    out = []
    for year, value in row.years:
        m = _NUMBER.match(value)
        if m:
            out.append((year, float(m.group(1).replace(" ", "").replace(",", "."))))
    return out


def chart_series(row: FigureRow) -> Series | None:
    """The row as one series of years, or None when it is not one: a row with group columns (`Personbiler
    2019`) or other values, mixed units, or fewer than two numbers is never charted. Years between the first
    and last that the row lacks become gaps; nothing is summed or filled in."""
    cells = row.cells or row.years
    if not cells or row.value or any(not _PERIOD.match(h) for h, _ in cells):
        return None
    ranges = {bool(_PERIOD.match(h).group(2)) for h, _ in cells}  # type: ignore[union-attr]
    if len(ranges) > 1:
        return None  # calendar years and school years are not one axis
    by_start: dict[int, tuple[str, float | None, str]] = {}
    units = set()
    for h, v in cells:
        m = _NUMBER.match(v)
        number = float(m.group(1).replace(" ", "").replace(",", ".")) if m else None
        if m:
            units.add(m.group(2).strip())
        start = int(h[:4])
        if start in by_start:
            return None  # one year twice: not one series
        by_start[start] = (h, number, v)
    if len(units) > 1 or sum(1 for _, n, _ in by_start.values() if n is not None) < 2:
        return None
    first, last = min(by_start), max(by_start)
    points = []
    for start in range(first, last + 1):
        if start in by_start:
            points.append(by_start[start])
        else:
            label = f"{start}-{start + 1}" if ranges == {True} else str(start)
            points.append((label, None, ""))
    return Series(row.label, units.pop() if units else "", tuple(points))

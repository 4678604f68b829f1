"""The figure finder for staff: table rows and sentences with numbers, searchable and exportable.

Values are shown exactly as printed; parsing to numbers happens only to draw the small chart.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass

from .answer import mark_figures
from .index import sentence_spans
from .lexical import Lexical
from .passages import list_item_spans
from .types import Passage

SECTION_WEIGHT = 0.25  # a word in the section's name counts a quarter of one in the row's label
YEAR_HEADER = re.compile(r"^(?:19|20)\d{2}(?:-(?:19|20)\d{2})?$")


@dataclass(frozen=True)
class FigureRow:
    section: str
    label: str
    years: tuple[tuple[str, str], ...]  # (year column, value as printed)
    value: str  # values that are not in a year column, as printed
    source: str
    passage_id: str
    page: str

    def as_text(self) -> str:
        """One line a staff member can paste, with its source."""
        parts = [f"{y}: {v}" for y, v in self.years] + ([self.value] if self.value else [])
        src = f" ({self.source})" if self.source else ""
        return f"{self.label}: {'; '.join(parts)}{src} [{self.section}, {self.page}]"


def _page(p: Passage) -> str:
    return f"side {p.printed_page}" if p.printed_page else f"sidesegment {p.page}"


def figure_rows(passages: list[Passage]) -> list[FigureRow]:
    rows: list[FigureRow] = []
    for p in passages:
        if p.kind == "table_row" and p.table is not None:
            t = p.table
            years = tuple((h, v) for h, v in t.cells if YEAR_HEADER.match(h))
            other = "; ".join(f"{h}: {v}" if h else v for h, v in t.cells if not YEAR_HEADER.match(h))
            label = f"{t.title}: {t.label}" if t.title and t.title.lower() != "nøkkeltall" else t.label
            rows.append(FigureRow(p.section, label, years, other, t.source, p.id, _page(p)))
        elif p.kind in ("prose", "bullet", "list", "quote", "table_text"):
            for start, end in list_item_spans(p.text) if p.kind == "list" else sentence_spans(p):
                sentence = p.text[start:end]
                figures, _ = mark_figures(sentence)
                if figures:
                    rows.append(FigureRow(p.section, sentence, (), ", ".join(figures), "", p.id, _page(p)))
    return rows


class FigureFinder:
    def __init__(self, passages: list[Passage]) -> None:
        self.rows = figure_rows(passages)
        self.labels = Lexical.build([f"{r.label} {r.source}" for r in self.rows])
        self.section_words = Lexical.build([r.section for r in self.rows])
        self.sections = sorted({r.section.split(" › ")[0] for r in self.rows if r.section})

    def search(self, query: str, section: str | None = None, limit: int = 100) -> list[FigureRow]:
        """Rows matching the words of `query` (all rows when empty), best first, within a chapter if given.

        A word in what a row is (its label and source) counts four times one in its section's name: a
        search for `sykefravær` gives the sick-leave rows first, then the rest of a section called
        `Årsverk, turnover og sykefravær`.
        """
        candidates = range(len(self.rows))
        if query.strip():
            scores = self.labels.scores(query) + SECTION_WEIGHT * self.section_words.scores(query)
            # best match first; a table row before a sentence when they match equally well
            ranked = sorted(candidates, key=lambda i: (-round(float(scores[i]), 6), not self.rows[i].years))
            candidates = [i for i in ranked if scores[i] > 0]
        rows = [self.rows[i] for i in candidates]
        if section:
            rows = [r for r in rows if r.section == section or r.section.startswith(section + " › ")]
        return rows[:limit]


def year_columns(rows: list[FigureRow]) -> list[str]:
    return sorted({y for r in rows for y, _ in r.years})


def table(rows: list[FigureRow]) -> tuple[list[str], list[list[str]]]:
    """Headers and cells for the results table: section, label, one column per year, value, source."""
    years = year_columns(rows)
    headers = ["Del av rapporten", "Hva", *years, "Verdi", "Kilde", "Side"]
    body = []
    for r in rows:
        by_year = dict(r.years)
        body.append([r.section, r.label, *[by_year.get(y, "") for y in years], r.value, r.source, r.page])
    return headers, body


def to_csv(rows: list[FigureRow]) -> str:
    """Semicolon-separated (Norwegian spreadsheets read `9,3` as a number then), values as printed."""
    headers, body = table(rows)
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";")
    writer.writerow(headers)
    writer.writerows(body)
    return buf.getvalue()


def series(row: FigureRow) -> list[tuple[str, float]]:
    """Year -> number for the chart; values that are not numbers (`Ikke målt`) are left out."""
    out = []
    for year, value in row.years:
        m = re.match(r"^(-?\d{1,3}(?: \d{3})+|-?\d+(?:,\d+)?)", value)
        if m:
            out.append((year, float(m.group(1).replace(" ", "").replace(",", "."))))
    return out

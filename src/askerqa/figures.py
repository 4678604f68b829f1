"""The figure finder for staff: table rows and sentences with numbers, searchable and exportable.

Values are shown exactly as printed; parsing to numbers happens only to draw the small chart. A sentence's
values are its figures only: the day of a date, an ordinal (`8. største`), a list or goal number (`Mål 3`) and
the like are printed numbers but no figure of what the sentence is about.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from .index import sentence_spans
from .lexical import STOPWORDS, Lexical, tokenize
from .passages import list_item_spans
from .render import page_label
from .text import SECTION_SEP, YEAR_PATTERN, fold
from .types import Passage
from .units import mark_figures

SECTION_WEIGHT = 0.25  # a word in the section's name counts a quarter of one in the row's label
YEAR_HEADER = re.compile(rf"^{YEAR_PATTERN}(?:-{YEAR_PATTERN})?$")
SINGLE_YEAR = re.compile(rf"^{YEAR_PATTERN}$")
JOIN = "; "  # between values: a comma would read as the decimal comma (`7,4, 14,5 prosent`)

_MONTHS = "januar|februar|mars|april|mai|juni|juli|august|september|oktober|november|desember"
# Printed numbers that are no figure of the sentence they stand in; each alternative says which kind.
_NOT_A_FIGURE = re.compile(
    r"(?<![\d.])\d{1,2}\.\d{1,2}\.(?:\d{4}|\d{2})(?!\d)"  # a date: 15.06.21, 09.05.2023
    rf"|(?<![\d.,])\d{{1,2}}\.\s?(?:{_MONTHS})\b"  # a date: 9. juni 2020, 1. januar
    r"|(?<![\d.,])\d+\.\d+(?![\d,])"  # a version or a clock time (decimals take a comma): FutureBuilt 2.0
    r"|(?<![\d.,])\d+\.(?=\s?[a-zæøå(–-])"  # an ordinal: 8. største, 2. kvartal, 14. plass, 5.-7. trinn
    r"|^\s*\d{1,3}[.)](?=\s)"  # a list number opening an item: 1. …, 2) …
    # a name's number: Mål 3, Fullmaktsnivå 2, KOSTRA-gruppe 12
    r"|\b(?:[Mm]ål|[Nn]r\.?|[Nn]ummer|[Kk]apittel|[Ss]ide|[Pp]unkt|[Vv]ersjon|\w*nivå|\w*gruppe)\s\d+"
    r"|\d+(?=[A-Za-zÆØÅæøå])|\d+-(?=[a-zæøå])"  # part of a word: 5G, 3D-modeller, 9-åringer
    r"|\bskala(?:en)?\s(?:fra\s)?\d+\s?[-–]\s?\d+(?:\shvor\s\d+\ser\s\w+)?"  # a scale's ends: skala 1-5 hvor 5 er best
    # an age group says whom a figure is about: Under 25 år, 25-39 år, 67 år og eldre, mellom 12 og 18 år
    r"|\b(?i:under|over|alderen|aldersgruppen|mellom)\s\d+(?:\s?(?:[-–]|til|og)\s?\d+)?\sår\b"
    r"|\d+\s?[-–]\s?\d+\sår\b|\d+\sår\sog\s(?:eldre|yngre)"
)
# contact details (phone, street and post numbers) are no figures at all
_CONTACT = re.compile(r"Telefon\s*:|Besøksadresse|Postadresse|E-post\s*:", re.I)
_STRAY_PAREN = re.compile(r"(?<=\s)\d{1,2}\)(?=\s|$)")  # `… 2) …`: a list number, unless a `(` opened before


def sentence_figures(text: str) -> list[tuple[str, tuple[int, int]]]:
    """A sentence's figures as printed, each with its character span: a printed range (`4000-5000`) is one
    value; dates, ordinals, list and goal numbers, parts of words, a scale's ends, age groups and contact
    details are left out (they are numbers in the text, not figures of what it reports)."""
    if _CONTACT.search(text):
        return []
    figures, spans = mark_figures(text)
    merged: list[tuple[str, tuple[int, int]]] = []
    for figure, (start, end) in zip(figures, spans, strict=True):
        if merged and text[merged[-1][1][1] : start] in ("-", "–"):
            first = merged[-1][1][0]
            merged[-1] = (text[first:end], (first, end))
        else:
            merged.append((figure, (start, end)))
    blocked = [m.span() for m in _NOT_A_FIGURE.finditer(text)]
    blocked += [m.span() for m in _STRAY_PAREN.finditer(text) if "(" not in text[: m.start()]]
    return [(f, (s, e)) for f, (s, e) in merged if not any(a < e and s < b for a, b in blocked)]


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

    def pairs(self) -> list[tuple[str, str]]:
        """Each value as printed with its column header ("" for none): a table row's cells, a sentence's figures."""
        if self.cells:
            return list(self.cells)
        return list(self.years) + [("", v) for v in self.value.split(JOIN) if v]

    def values(self) -> str:
        """The values as printed, each with its own column header (`Personbiler 2019: 16 %`), never merged."""
        return JOIN.join(f"{h}: {v}" if h else v for h, v in self.pairs())

    def has_figures(self) -> bool:
        """Whether any value is a figure: a row of only «Tall kommer» / «Ikke målt» has none."""
        return any(any(c.isdigit() for c in v) for _, v in self.pairs())

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
            other = JOIN.join(f"{h}: {v}" if h else v for h, v in t.cells if not YEAR_HEADER.match(h))
            label = f"{t.title}: {t.label}" if t.title and t.title.lower() != "nøkkeltall" else t.label
            rows.append(FigureRow(p.section, label, years, other, t.source, p.id, page_label(p), t.cells))
        elif p.kind in ("prose", "bullet", "list", "quote", "table_text"):
            for start, end in list_item_spans(p.text) if p.kind == "list" else sentence_spans(p):
                sentence = p.text[start:end]
                figures = [f for f, _ in sentence_figures(sentence)]
                if figures:
                    rows.append(FigureRow(p.section, sentence, (), JOIN.join(figures), "", p.id, page_label(p)))
    return rows


_RATE_BASE = re.compile(r"\bper\s*$", re.I)  # `per 1000 innbyggere`: the base of a rate, not a count of it
_NEXT_WORDS = re.compile(r"\s*([^\W\d_]+)(?:\s+([^\W\d_]+))?")
_SHARE_OF = re.compile(r"^(?:andel(?:en)?(?:\s+av)?|antall|mengde)\s+", re.I)  # `Andelen X`, `Antall X` measure X
_TOTAL_LABELS = frozenset({"sammenslått", "sum", "totalt", "i alt", "samlet"})  # a table's row for the whole kommune


def counted_words(text: str) -> frozenset[str]:
    """The stemmed words that say what a sentence's figures count: the word right after a figure, and the next
    one when the first describes it (`97 800 innbyggere`, `34 kommunale barnehager`; not `78 prosent av
    innbyggerne`, a share). A rate's base (`per 1000 innbyggere`) counts nothing."""
    out: set[str] = set()
    for _, (start, end) in sentence_figures(text):
        if _RATE_BASE.search(text[max(0, start - 6) : start]):
            continue
        m = _NEXT_WORDS.match(text, end)
        if not m:
            continue
        words = [m.group(1)] if fold(m.group(1)) in STOPWORDS or not m.group(2) else [m.group(1), m.group(2)]
        out.update(tokenize(" ".join(words)))
    return frozenset(out)


def subject_words(row: FigureRow) -> frozenset[str]:
    """The stemmed words a table row measures: the first words of its title and of its own label, past
    `Andelen`/`Antall` (`BARNEHAGEDEKNING: Sammenslått`, `Sykefraværsprosent`, `Andelen innbyggere over 80 år …`)."""
    if not row.cells:
        return frozenset()
    out: set[str] = set()
    for part in row.label.split(": "):
        out.update(tokenize(" ".join(_SHARE_OF.sub("", part.strip()).split()[:2])))
    return frozenset(out)


def _names(words: frozenset[str], query: frozenset[str]) -> bool:
    """A search word is one of `words`, or the head of one (`barnehag` in `barnehagedekning`)."""
    return any(w == q or (len(q) >= 4 and w.startswith(q)) for w in words for q in query)


class FigureFinder:
    def __init__(self, passages: list[Passage]) -> None:
        self.rows = figure_rows(passages)
        self.labels = Lexical.build([f"{r.label} {r.source}" for r in self.rows])
        self.section_words = Lexical.build([r.section for r in self.rows])
        self.sections = sorted({r.section.split(SECTION_SEP)[0] for r in self.rows if r.section})
        self.with_figures = [r.has_figures() for r in self.rows]
        self.counted = [frozenset() if (r.cells or r.years) else counted_words(r.label) for r in self.rows]
        self.subjects = [subject_words(r) for r in self.rows]
        # a table row's table (its section and title), to put the whole kommune's row before its parts
        self.tables = [(r.section, r.label.rsplit(": ", 1)[0]) if r.cells and ": " in r.label else None
                       for r in self.rows]
        self.totals = [t is not None and r.label.rsplit(": ", 1)[1].strip().lower() in _TOTAL_LABELS
                       for r, t in zip(self.rows, self.tables, strict=True)]

    def search(self, query: str, section: str | None = None, limit: int = 100) -> list[FigureRow]:
        """Rows matching the words of `query` (all rows when empty), best first, within a chapter if given.

        Rows come in groups, each ranked by how well its words match (a word in what a row is, its label and
        source, counts four times one in its section's name):
        1. a sentence whose figure counts a search word (`ca. 97 800 innbyggere` for `innbyggere`);
        2. a table row that measures it (`Sykefraværsprosent`, `BARNEHAGEDEKNING: …` for `barnehage`);
        3. other rows whose label holds a search word and that give figures;
        4. rows with figures that match only through their section's name (`Årsverk, turnover og sykefravær`);
        5. rows that give no figure yet (all «Tall kommer» / «Ikke målt»): last, however well they match.
        Within a table, the whole kommune's row (`Sammenslått`, `Sum`) comes before its parts.
        """
        candidates: Sequence[int] = range(len(self.rows))
        if query.strip():
            label_scores = self.labels.scores(query)
            scores = label_scores + SECTION_WEIGHT * self.section_words.scores(query)
            words = frozenset(tokenize(query))

            def group(i: int) -> int:
                if not self.with_figures[i]:
                    return 5
                if label_scores[i] <= 0:
                    return 4
                if words & self.counted[i]:
                    return 1
                return 2 if _names(self.subjects[i], words) else 3

            # best match first; a table row before a sentence when they match equally well
            ranked = sorted(candidates, key=lambda i: (group(i), -round(float(scores[i]), 6), not self.rows[i].years))
            candidates = self._totals_first([i for i in ranked if scores[i] > 0])
        rows = [self.rows[i] for i in candidates]
        if section:
            rows = [r for r in rows if r.section == section or r.section.startswith(section + SECTION_SEP)]
        return rows[:limit]

    def _totals_first(self, order: list[int]) -> list[int]:
        """`order` with each table's whole-kommune row (`Sammenslått`) moved to where its table first appears; a
        total row with no figure yet stays where its group put it (last)."""
        total_of = {self.tables[i]: i for i in order if self.totals[i] and self.rows[i].has_figures()}
        moved = set(total_of.values())
        out: list[int] = []
        for i in order:
            table = self.tables[i]
            if table in total_of:
                out.append(total_of.pop(table))
            if i not in moved:
                out.append(i)
        return out


def headers_of(rows: list[FigureRow]) -> list[str]:
    """Every column header of the rows, each its own column, grouped by kind so a spreadsheet reads along one
    axis at a time: years in order, then periods (`2018-2019`) in order, then group headers as met."""
    seen: list[str] = []
    for r in rows:
        for h, _ in r.cells or r.years:
            if h and h not in seen:
                seen.append(h)
    years = sorted(h for h in seen if SINGLE_YEAR.match(h))
    periods = sorted(h for h in seen if YEAR_HEADER.match(h) and not SINGLE_YEAR.match(h))
    return years + periods + [h for h in seen if not YEAR_HEADER.match(h)]


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
        value = r.value if not r.cells else JOIN.join(v for h, v in r.cells if not h)
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
# A unit the label prints, when the values carry none: `…, tonn CO2e`, `Energiforbruk (kWh)`, `…, skala 1-5 hvor
# 5 er best`, `…, per 1000 innbyggere`, `Antall …`. Only a known unit word opens one: `(langtidsopphold)` is none.
_UNIT_WORD = (r"(?:tonn|kg|kilo|kr|kroner|mill\.|mrd\.|dekar|kWh|MWh|GWh|%|prosent(?:poeng)?|per|skala|indeks|km|"
              r"kilometer|m2|mikrogram|µg/m3|plassering)(?![\w])")
_UNIT_IN_PARENS = re.compile(rf"\(({_UNIT_WORD}[^()]{{0,30}})\)\s*$")
_UNIT_AFTER_COMMA = re.compile(rf",\s*({_UNIT_WORD}[^,]{{0,60}})$")
_COUNT = re.compile(r"^(?:antall|total plassering|plassering)\b", re.I)


def label_unit(label: str) -> str:
    """The unit a row's label prints (`tonn CO2e`, `kWh`, `per 1000 innbyggere`, `antall`), or ""."""
    own = label.rsplit(": ", 1)[-1].strip()  # a table's title says what is measured, the row's label says in what
    for pattern in (_UNIT_IN_PARENS, _UNIT_AFTER_COMMA):
        m = pattern.search(own)
        if m:
            return m.group(1).strip()
    m = _COUNT.match(own)
    return m.group(0).lower().replace("total ", "") if m else ""


@dataclass(frozen=True)
class Series:
    """One row's values over the years, for a chart: (year, number or None for a gap, value as printed)."""

    label: str
    unit: str  # what follows the number in every value (`%`, `kr`), else the unit the label prints, else ""
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
    """The row as one series of years, or None when it is not one (see `chart_of` for why)."""
    chart = chart_of(row)
    return chart if isinstance(chart, Series) else None


def chart_of(row: FigureRow) -> Series | str:
    """The row as one series of years, or the reason, in a sentence, why it is none: a row with no figures,
    group columns (`Personbiler 2019`) or other values, calendar and school years mixed, mixed units, or fewer
    than two numbers is never charted. Years between the first and last that the row lacks become gaps;
    nothing is summed or filled in."""
    cells = row.cells or row.years
    if not cells:
        return "Dette er en setning fra rapporten, ikke en tabellrad med tall for flere år, så den vises ikke som graf."
    if not row.has_figures():
        printed = " eller ".join(f"«{v}»" for v in dict.fromkeys(v for _, v in cells))
        return f"Raden har ingen tall: alle verdiene står som {printed}. Derfor er det ingen graf å vise."
    other = [h or v for h, v in cells if not _PERIOD.match(h)]
    if row.value or other:
        example = f" (for eksempel «{other[0]}»)" if other else ""
        return (f"Raden har tall for flere grupper eller kolonner{example}, ikke én tallrekke over år, "
                "så den vises ikke som graf.")
    ranges = {bool(_PERIOD.match(h).group(2)) for h, _ in cells}  # type: ignore[union-attr]
    if len(ranges) > 1:
        return "Raden blander enkeltår og perioder (som 2018-2019), så den vises ikke som én graf."
    by_start: dict[int, tuple[str, float | None, str]] = {}
    units = set()
    for h, v in cells:
        m = _NUMBER.match(v)
        number = float(m.group(1).replace(" ", "").replace(",", ".")) if m else None
        if m:
            units.add(m.group(2).strip())
        start = int(h[:4])
        if start in by_start:
            return "Raden har samme år mer enn én gang, så den vises ikke som én graf."
        by_start[start] = (h, number, v)
    if len(units) > 1:
        shown = ", ".join(f"«{u}»" if u else "uten enhet" for u in sorted(units))
        return f"Tallene i raden har ulike enheter ({shown}), så de vises ikke i samme graf."
    numbers = [(h, v) for h, n, v in by_start.values() if n is not None]
    if len(numbers) < 2:
        when = "én periode" if ranges == {True} else "ett år"
        only = f" ({numbers[0][0]}: {numbers[0][1]})" if numbers else ""
        return f"Raden har tall for bare {when}{only}, så det er ingen utvikling å vise som graf."
    first, last = min(by_start), max(by_start)
    points = []
    for start in range(first, last + 1):
        if start in by_start:
            points.append(by_start[start])
        else:
            label = f"{start}-{start + 1}" if ranges == {True} else str(start)
            points.append((label, None, ""))
    unit = units.pop() if units else ""
    return Series(row.label, unit or label_unit(row.label), tuple(points))

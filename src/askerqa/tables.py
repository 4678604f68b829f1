"""Flattened tables -> self-contained rows.

The PDF extraction flattens a table into lines of `label value value ...`, sometimes with the label on
lines of its own above a values-only line, sometimes column by column (all labels, then one value per
line, column after column). This module recognises value cells, column headers and those three layouts.
Values are kept exactly as printed; a table that does not fit one layout is returned as text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from .text import YEAR_PATTERN, join_lines

Line = tuple[int, str]  # (1-based line number in the raw file, text)

_UNIT = r"(?:%|kr/ ?m2|µg/m3|kg/m2|kr|mill\.|mrd\.|GWh|MWh|kWh)"
_NUM = r"-?\d+(?:,\d+)?"
_YEAR = YEAR_PATTERN  # the years the report speaks of, as everywhere else
_YEAR_COL = rf"{_YEAR}(?:-{_YEAR})?"
HEADER_RE = re.compile(rf"^(?P<title>.*?)\s*(?P<cols>(?:{_YEAR_COL}\s+)+{_YEAR_COL})\s*$")
SINGLE_YEAR_RE = re.compile(rf"^\s*{_YEAR}\s*$")
CELL_WORDS = {"Avsluttet"}  # a word printed in a value cell (`Heltidsutvalget 1 0 6 11 Avsluttet Avsluttet`)

# Column headers that the flattened text cannot give back, keyed by the header line as printed.
# The political meetings table prints its years (2020 | 2021 2022) on two page segments, apart from the
# two sub-columns under each year, split over two lines with hyphenation; no layout rule recovers that.
HEADER_OVERRIDES: dict[str, tuple[str, list[str]]] = {
    "Gjennom- Saker Gjennom- Saker Gjennom- Saker": (
        "ANTALL POLITISKE MØTER OG SAKER",
        [f"{year} {col}" for year in ("2020", "2021", "2022") for col in ("Gjennomførte møter", "Saker behandlet")],
    ),
}
HEADER_OVERRIDE_CONTINUATIONS = {"Utvalg førte møter behandlet førte møter behandlet førte møter behandlet"}


def _tokens(text: str) -> list[str]:
    return text.replace("\u00a0", " ").split()


def trailing_cells(text: str) -> tuple[str, list[str]]:
    """Split `label v1 v2 ...` into the label and the raw value tokens, read from the right.

    Cells: `Ikke målt`, `Tall kommer`, numbers with an optional unit (`7,7 %`, `115 kr/m2`, `-95`).
    Thousands groups are not merged here (see `group_cells`): `445 633` may be one value or two.
    """
    toks = _tokens(text)
    cells: list[str] = []
    i = len(toks)
    while i > 0:
        t = toks[i - 1]
        if t == "målt" and i >= 2 and toks[i - 2] == "Ikke":
            cells.append("Ikke målt")
            i -= 2
        elif t == "kommer" and i >= 2 and toks[i - 2] == "Tall":
            cells.append("Tall kommer")
            i -= 2
        elif t in CELL_WORDS:
            cells.append(t)
            i -= 1
        elif re.fullmatch(_UNIT, t) and i >= 2 and re.fullmatch(_NUM, toks[i - 2]):
            cells.append(toks[i - 2] + " " + t)
            i -= 2
        elif re.fullmatch(_NUM + _UNIT + "?", t) and not re.fullmatch(r"\d+,", t):
            cells.append(t)
            i -= 1
        else:
            break
    cells.reverse()
    label = " ".join(toks[:i])
    if label.endswith(" per") or label == "per":
        return text.strip(), []  # `per 100 000` + `innbyggere` on the next line: a unit, not values
    # a label that ends in a number-ish word ("skala 1-5 hvor 5") keeps it: only strip cells after text
    return label, cells


def _is_plain_int(cell: str) -> bool:
    return re.fullmatch(r"-?\d+", cell) is not None


def group_cells(cells: list[str], n: int | None) -> list[str] | None:
    """Merge thousands groups (`56` `693` -> `56 693`) so that exactly `n` cells remain.

    Returns None when no unambiguous grouping gives `n` cells. With `n` None, merges only a lone
    `ddd ddd` pair (a single value) and otherwise keeps the cells as they are.
    """
    if n is None:
        if len(cells) == 2 and _is_plain_int(cells[0]) and re.fullmatch(r"\d{3}(?:\s?" + _UNIT + ")?", cells[1]):
            if len(cells[0].lstrip("-")) <= 3:
                return [cells[0] + " " + cells[1]]
        return cells
    if len(cells) == n:
        return cells
    results: list[list[str]] = []

    def walk(i: int, acc: list[str]) -> None:
        if len(results) > 50 or len(acc) > n:
            return
        if i == len(cells):
            if len(acc) == n:
                results.append(list(acc))
            return
        walk(i + 1, acc + [cells[i]])  # cells[i] alone
        # or a thousands group: 1-3 digits followed by groups of exactly 3 digits (the last may carry a unit)
        if _is_plain_int(cells[i]) and 1 <= len(cells[i].lstrip("-")) <= 3:
            j = i + 1
            value = cells[i]
            while j < len(cells) and re.fullmatch(r"\d{3}(?:\s" + _UNIT + ")?", cells[j]):
                value = value + " " + cells[j]
                j += 1
                walk(j, acc + [value])
                if not _is_plain_int(cells[j - 1]):
                    break

    walk(0, [])
    if not results:
        return None
    # Several groupings fit: a column prints its numbers alike, so prefer the most uniform one.
    def spread(r: list[str]) -> tuple[int, int]:
        sizes = [len(c.split()) for c in r if re.match(r"-?\d", c)]
        return (max(sizes) - min(sizes), max(sizes)) if sizes else (0, 0)

    ranked = sorted(results, key=spread)
    if len(ranked) > 1 and spread(ranked[0]) == spread(ranked[1]):
        return None
    return ranked[0]


def header_columns(text: str) -> tuple[str, list[str]] | None:
    """`Nøkkeltall 2019 2020 2021 2022` -> ("Nøkkeltall", [years]); a lone year is a 1-column header."""
    if SINGLE_YEAR_RE.match(text):
        return "", [text.strip()]
    m = re.fullmatch(rf"(?P<title>[A-ZÆØÅ][a-zæøå]+)\s+(?P<year>{_YEAR})", text.strip())
    if m:  # `Kommune 2022`, `Region 2022`: a column header over one year
        return m.group("title"), [m.group("year")]
    m = HEADER_RE.match(text.strip())
    if not m:
        return None
    return m.group("title").strip(), m.group("cols").split()


def stacked_header(lines: list[str], n: int) -> list[str] | None:
    """A two-line column header whose upper line tops only the last columns, e.g. over 4 columns
    `Endring Endring %` / `2020 2023 fra 2020 fra 2020` -> 2020, 2023, Endring fra 2020, Endring % fra 2020;
    `Antall søknader Andel søknader som` / `2021-2022 er innvilget 2021-2022` -> one head over each column.

    The lower line splits into n pieces that each end in a year; the upper line splits at each repeat
    of its first word into one piece per lower piece that has words before its year. Anything else: None.
    """
    upper, lower = (_tokens(t) for t in lines)
    pieces: list[list[str]] = [[]]
    for tok in lower:
        pieces[-1].append(tok)
        if re.fullmatch(_YEAR_COL, tok):
            pieces.append([])
    if pieces[-1] or len(pieces) - 1 != n:
        return None
    pieces = pieces[:-1]
    heads: list[list[str]] = []  # `Antall søknader Andel søknader som`: one capitalised head per column
    for tok in upper:
        if tok[:1].isupper() or not heads:
            heads.append([])
        heads[-1].append(tok)
    if len(heads) == n and all(len(h) > 1 for h in heads):
        return [" ".join(h + piece) for h, piece in zip(heads, pieces, strict=True)]
    topped = [k for k, piece in enumerate(pieces) if len(piece) > 1]
    tops: list[list[str]] = []
    for tok in upper:
        if tok == upper[0] or not tops:
            tops.append([])
        tops[-1].append(tok)
    if not topped or topped != list(range(n - len(topped), n)) or len(tops) != len(topped):
        return None
    cols = [" ".join(piece) for piece in pieces]
    for k, top in zip(topped, tops, strict=True):
        cols[k] = " ".join(top) + " " + cols[k]
    return cols


@dataclass
class ParsedRow:
    label: str
    cells: list[tuple[str, str]]
    lines: tuple[int, int]


@dataclass
class ParsedTable:
    title: str
    rows: list[ParsedRow] = field(default_factory=list)
    text_paragraphs: list[list[Line]] = field(default_factory=list)  # kept as text
    source: str = ""
    source_lines: tuple[int, int] | None = None
    unparsed: int = 0  # pieces that looked tabular but did not fit a layout
    header_lines: set[int] = field(default_factory=set)  # lines read as column headers
    split_cell_lines: set[int] = field(default_factory=set)  # `kommer` of a `Tall`/`kommer` cell, moved up
    axis_lines: set[int] = field(default_factory=set)  # a chart's tick values and axis title, not data
    title_lines: set[int] = field(default_factory=set)  # a chart title's words printed beside its ticks
    text_column: list[Line] = field(default_factory=list)  # body text printed through the table, in order
    side_by_side: bool = False  # two tables printed beside each other (`Kjønn 2023 Alder 2023`): text only


def _values_only(text: str) -> bool:
    label, cells = trailing_cells(text)
    return label == "" and bool(cells)


def _fix_tall_kommer(lines: list[Line], moved: set[int] | None = None) -> list[Line]:
    """`... Tall` + `per kubikkmeter luft kommer` -> `... Tall kommer` + `per kubikkmeter luft`.

    Lines left empty by the move are added to `moved`."""
    out = list(lines)
    for k in range(len(out) - 1):
        n1, t1 = out[k]
        n2, t2 = out[k + 1]
        if t1.rstrip().endswith(" Tall") or t1.strip() == "Tall":
            if t2.rstrip().endswith("kommer"):
                out[k] = (n1, t1.rstrip() + " kommer")
                out[k + 1] = (n2, t2.rstrip()[: -len("kommer")].rstrip())
    if moved is not None:
        moved.update(n for n, t in out if not t.strip())
    return [(n, t) for n, t in out if t.strip()]


def values_only(lines: list[Line]) -> bool:
    """Whether every line of a paragraph is value cells alone (` Tall` / `kommer` counts)."""
    fixed = _fix_tall_kommer(lines)
    return bool(fixed) and all(_values_only(t) for _, t in fixed)


def has_values(lines: list[Line]) -> bool:
    """Whether any line of a paragraph ends in value cells (a `Tall` / `kommer` split counts)."""
    return any(trailing_cells(t)[1] for _, t in _fix_tall_kommer(lines))


class _TableParser:
    """Reads one table region line by line; one method per kind of line. What fits no layout stays text.

    State: the column headers, label paragraphs waiting for their values, a row whose values wrap onto
    the next line (`partial`) and single values of a column-major table (`pending`)."""

    def __init__(self, title: str, known: Callable[[str], bool] | None, row_labels: frozenset[str]) -> None:
        self.table = ParsedTable(title=title)
        self.known = known  # the report's vocabulary: whether an upper-case hyphen break is one word
        self.row_labels = row_labels  # labels the report prints as rows again and again (`Gamle Asker`)
        # the same to look for in a line: longest first, foreign ones left out (worked out once per table)
        self.labels_to_find = [k for k in sorted(row_labels, key=len, reverse=True) if not _foreign_label(k)]
        self.beside_text: set[int] = set()  # lines of rows read at the end of a line of body text
        self.columns: list[str] | None = None
        self.label_buf: list[list[Line]] = []  # label paragraphs waiting for their values
        self.pending: list[Line] = []  # single values (column-major layout)
        self.col_major_labels: list[list[Line]] = []
        # a row whose values wrap onto later lines: label, values so far, first value line, lines as printed
        self.partial: tuple[list[Line], list[str], int, list[Line]] | None = None
        # a text column runs through the table: only rows with a recurring label are read, the rest is its text
        self.interleaved = False

    # --- driving ----------------------------------------------------------------------------------

    def feed(self, paragraphs: list[list[Line]]) -> ParsedTable:
        for para in paragraphs:
            para = _fix_tall_kommer(para, self.table.split_cell_lines)
            for idx, (ln, text) in enumerate(para):
                text = text.strip()
                if text:
                    self.line(para, idx, ln, text)
        self.resolve_pending()
        self.flush_labels_as_text()
        for row in self.table.rows:  # a row whose `Tall` / `kommer` cell ends on the next line spans it too
            while row.lines[1] + 1 in self.table.split_cell_lines:
                row.lines = (row.lines[0], row.lines[1] + 1)
        if self.interleaved:
            self.collect_text_column()
        if self.table.side_by_side:
            _source_beside_a_row(self.table)
        _ticks_beside_title(self.table, self.known)
        _transposed(self.table, self.columns)
        _single_share(self.table, self.columns)
        return self.table

    def line(self, para: list[Line], idx: int, ln: int, text: str) -> None:
        """Dispatch one non-empty line to the method for its kind."""
        if self.partial is not None and not _values_only(text):
            self.abandon_partial()
        if text.startswith("Kilde:"):
            self.source_line(ln, text)
            return
        if _SIDE_BY_SIDE.fullmatch(text):
            self.table.side_by_side = True
        tail_source = _TAIL_SOURCE.search(text)
        if tail_source:  # `og gebyrer. Kilde: ...`: a text column's sentence ends beside the table's source
            self.table.text_paragraphs.append([(ln, text[: tail_source.start()])])
            self.source_line(ln, text[tail_source.start() + 1 :])
            return
        if self.continues_source(para, idx, ln):
            self.source_continuation(ln, text)
            return
        if text in HEADER_OVERRIDES:
            self.override_header(ln, text)
            return
        if text in HEADER_OVERRIDE_CONTINUATIONS:
            self.table.header_lines.add(ln)
            return
        head = header_columns(text)
        if head is None and re.fullmatch(_YEAR_COL, text):
            head = ("", [text])  # a lone `2020-2022` over one column
        if head is not None and len(head[1]) == 1 and not head[0] and self.under_label(ln):
            self.text_line(para, idx, ln, text)  # `Andel vekst` / `2019-2022`: a column header in pieces
            return
        if head is not None and (self.columns is None or len(head[1]) > 1 or not self.table.rows):
            self.header_line(ln, head)
            return
        leading = self.known_label_at_start(text)
        if leading is not None and self.row_before_text(ln, *leading):
            return
        label, cells = trailing_cells(text)
        if cells and all(re.fullmatch(_YEAR, c) for c in cells) and label:
            cells = []  # `januar 2023`: a year in a column header or a label, not a value
        if cells and not label:
            self.values_line(ln, text, cells)
        elif cells and not label.endswith("."):
            self.row_line(idx, ln, text, label, cells)
        elif text.endswith("."):
            self.statement_line(ln, text)
        else:
            self.text_line(para, idx, ln, text)

    # --- one method per kind of line ----------------------------------------------------------------

    def source_line(self, ln: int, text: str) -> None:
        """`Kilde: ...`: the table's source."""
        self.resolve_pending()
        t = self.table
        t.source = (t.source + " " + text).strip() if t.source else text
        t.source_lines = (ln, ln)

    def continues_source(self, para: list[Line], idx: int, ln: int) -> bool:
        """The line right below a `Kilde:` line in its paragraph, when that one breaks off mid-word."""
        src = self.table.source_lines
        return (src is not None and idx > 0 and para[idx - 1][0] == src[1] == ln - 1
                and self.table.source.endswith("-"))

    def source_continuation(self, ln: int, text: str) -> None:
        """`Kilde: ..., Sentio innbyggerunder-` / `søkelse (2022).`: the source goes on."""
        self.table.source = join_lines([self.table.source, text])
        first = self.table.source_lines[0] if self.table.source_lines else ln
        self.table.source_lines = (first, ln)

    def override_header(self, ln: int, text: str) -> None:
        """A column header that only a hand-written override can give back (see HEADER_OVERRIDES)."""
        self.resolve_pending()
        override_title, self.columns = HEADER_OVERRIDES[text]
        self.table.title = self.table.title or override_title
        self.table.header_lines.add(ln)

    def header_line(self, ln: int, head: tuple[str, list[str]]) -> None:
        """`Nøkkeltall 2019 2020 2021 2022`: the columns (and a title before them)."""
        self.resolve_pending()
        title, cols = head
        end = _SENTENCE_END.search(title)
        if end:  # `bidratt til den positive utviklingen. Kommune 2019 2022`: a text column's sentence ends here
            self.interleaved = True
            sentence = (ln, title[: end.start() + 3])
            if self.under_label(ln):
                self.label_buf[-1].append(sentence)
            else:
                self.label_buf.append([sentence])
            self.flush_labels_as_text()
            title = ""
        if self.columns is None and self.table.rows and len(cols) > 2:
            _rows_to_axis(self.table)
        self.columns = _grouped(self.label_buf, cols, self.table) or cols
        self.table.header_lines.add(ln)
        if title and not self.table.title:
            self.table.title = title

    def values_line(self, ln: int, text: str, cells: list[str]) -> None:
        """Values only: they belong to the label paragraph(s) above, or to a column of a column-major table."""
        n = len(self.columns) if self.columns else None
        if n and n > 1 and len(cells) == 1 and (self.pending or len(self.label_buf) > 1):
            if not self.pending:
                self.col_major_labels = list(self.label_buf)
                self.label_buf.clear()
            self.pending.append((ln, cells[0]))
            return
        self.resolve_pending()
        if self.partial is not None:
            self.partial[1].extend(cells)
            self.partial[3].append((ln, text))
            if n is not None and len(self.partial[1]) >= n:
                lab, vals, first, printed = self.partial
                self.partial = None
                if not self.add_row(lab, vals, (first, ln)):
                    self.table.unparsed += 1
                    self.table.text_paragraphs.append(printed)
            return
        if self.label_buf and n is not None and len(cells) < n and len(self.label_buf) == 1:
            lab = self.label_buf.pop()
            self.partial = (lab, list(cells), ln, [*lab, (ln, text)])
            return
        if self.label_buf and self.add_row(self.label_buf[-1], cells, (ln, ln)):
            self.table.text_paragraphs.extend(self.label_buf[:-1])
            self.label_buf.clear()
        else:
            self.table.unparsed += 1
            self.flush_labels_as_text()
            self.table.text_paragraphs.append([(ln, text)])

    def row_line(self, idx: int, ln: int, text: str, label: str, cells: list[str]) -> None:
        """`label v1 v2 ...`, the label possibly begun on the line just above."""
        self.resolve_pending()
        if idx == 0:
            self.headers_from_labels(cells)
        lab_lines: list[Line] = []
        if idx > 0 and self.label_buf and self.label_buf[-1] and self.label_buf[-1][-1][0] == ln - 1:
            lab_lines = self.label_buf.pop()
        self.flush_labels_as_text()
        if self.add_row(lab_lines + [(ln, label)], cells, (ln, ln)):
            return
        known = self.known_label_at_end(label, cells)
        if known:  # `... to årene. Kommunestyret Gamle Asker 84 % 82 %`: a row beside text (and the text above)
            self.table.text_paragraphs.append([*lab_lines, (ln, label[: -len(known)].rstrip())])
            self.add_row([(ln, known)], cells, (ln, ln))
            self.beside_text.add(ln)  # the lines below go on with the text, not with this label
            return
        if self.columns and len(cells) < len(self.columns) and not _foreign_label(label):
            # `... 11 % Tall kommer` under four years: the rest may follow on the next page segment
            self.partial = (lab_lines + [(ln, label)], list(cells), ln, [*lab_lines, (ln, text)])
            return
        self.table.unparsed += 1
        self.table.text_paragraphs.append(lab_lines + [(ln, text)])

    def row_before_text(self, ln: int, label: str, cells: list[str], text: str) -> bool:
        """`Hurum 30 % 31 % Nøkkeltallene viser ...`: a row printed at the start of a line of body text."""
        self.resolve_pending()
        self.flush_labels_as_text()
        if not self.add_row([(ln, label)], cells, (ln, ln)):
            return False
        self.beside_text.add(ln)
        self.label_buf.append([(ln, text)])  # the text goes on below
        return True

    def statement_line(self, ln: int, text: str) -> None:
        """A goal statement (one or two lines ending in a full stop), not a label."""
        self.resolve_pending()
        goal: list[Line] = []
        if self.label_buf and self.label_buf[-1][-1][0] == ln - 1:
            goal = self.label_buf.pop()
        self.flush_labels_as_text()
        self.table.text_paragraphs.append(goal + [(ln, text)])

    def text_line(self, para: list[Line], idx: int, ln: int, text: str) -> None:
        """A label (or part of one) waiting for values, or the continuation of the last row's label."""
        rows = self.table.rows
        continues_row = text[:1].islower() or (idx > 0 and para[idx - 1][0] == rows[-1].lines[1] if rows else False)
        if continues_row and rows and rows[-1].lines[1] >= ln - 1 and not self.label_buf \
                and rows[-1].lines[0] not in self.beside_text \
                and not _foreign_label(join_lines([rows[-1].label, text])):
            last = rows[-1]
            last.label = join_lines([last.label, text])
            last.lines = (last.lines[0], ln)
            return
        if self.label_buf and self.label_buf[-1][-1][0] == ln - 1:
            self.label_buf[-1].append((ln, text))
        else:
            self.label_buf.append([(ln, text)])

    # --- shared steps -------------------------------------------------------------------------------

    def known_label_at_end(self, label: str, cells: list[str]) -> str | None:
        """The row label that ends a line of body text, when its values fill exactly the columns and the
        report prints that label as a row again and again (`Gamle Asker`); anything less stays text."""
        if not self.columns or group_cells(cells, len(self.columns)) is None:
            return None
        for known in self.labels_to_find:
            if label.endswith(" " + known):
                return known
        return None

    def known_label_at_start(self, text: str) -> tuple[str, list[str], str] | None:
        """(label, cells, text) when a line starts with a row label the report prints again and again, its
        values fill exactly the columns, and body text follows (`Hurum 30 % 31 % Nøkkeltallene viser ...`)."""
        if not self.columns:
            return None
        n = len(self.columns)
        toks = _tokens(text)
        for known in self.labels_to_find:
            if not text.startswith(known + " "):
                continue
            for end in range(len(toks) - 1, len(known.split()), -1):
                label, cells = trailing_cells(" ".join(toks[:end]))
                rest = " ".join(toks[end:])
                if label == known and group_cells(cells, n) is not None and rest[:1].isalpha() \
                        and not trailing_cells(rest)[1] and not re.match(_UNIT + r"(?:\s|$)", rest):
                    return known, cells, rest
            return None
        return None

    def collect_text_column(self) -> None:
        """The body text printed through the table, read as one paragraph; other leftovers stay text."""
        kept: list[list[Line]] = []
        for para in sorted(self.table.text_paragraphs, key=lambda p: p[0][0]):
            if has_values(para):
                kept.append(para)
            else:
                self.table.text_column.extend(para)
        self.table.text_paragraphs = kept

    def abandon_partial(self) -> None:
        """A row whose values never reached the column count: kept as text."""
        assert self.partial is not None
        printed = self.partial[3]
        self.partial = None
        self.table.unparsed += 1
        self.table.text_paragraphs.append(printed)

    def under_label(self, ln: int) -> bool:
        """Whether the line just above is a waiting label line (no blank line between)."""
        return bool(self.label_buf) and self.label_buf[-1][-1][0] == ln - 1

    def flush_labels_as_text(self) -> None:
        self.table.text_paragraphs.extend(self.label_buf)
        self.label_buf.clear()

    def headers_from_labels(self, cells: list[str]) -> bool:
        """Column headers printed as fragments above the first row (`Total kapasitet` / `januar 2023` /
        `Ledige plasser` / `januar 2023`): accepted when they split evenly over the columns. With
        thousands groups (`1 300 38 500`) the most columns that both the fragments and the cells allow."""
        frags = [t for p in self.label_buf for _, t in p]
        if self.columns is not None or self.table.rows or not frags or len(cells) < 2:
            return False
        for n in range(len(cells), 1, -1):
            if n < len(cells) and group_cells(cells, n) is None:
                continue
            columns = stacked_header(frags, n) if len(frags) == 2 else None
            if columns is None:
                lead = frags[0] if len(frags) % n == 1 and len(frags[0].split()) == 1 else None
                rest = frags[1:] if lead else frags
                if not rest or len(rest) % n:
                    continue
                size = len(rest) // n
                columns = [join_lines(rest[k * size : (k + 1) * size]) for k in range(n)]
            self.columns = columns
            self.table.header_lines.update(ln for p in self.label_buf for ln, _ in p)
            self.label_buf.clear()
            return True
        return False

    def add_row(self, label_lines: list[Line], cells: list[str], span: tuple[int, int]) -> bool:
        label = join_lines([t for _, t in label_lines], self.known)
        n = len(self.columns) if self.columns else None
        grouped = group_cells(cells, n)
        if grouped is None or not label or _foreign_label(label):
            return False
        if self.interleaved and label not in self.row_labels:
            return False  # beside a text column, a line of text may end in numbers: only a known label is a row
        cols = self.columns
        heads = cols if cols and len(cols) == len(grouped) else [""] * len(grouped)
        first = min([span[0]] + [ln for ln, _ in label_lines])
        self.table.rows.append(ParsedRow(label, list(zip(heads, grouped, strict=True)), (first, span[1])))
        return True

    def resolve_pending(self) -> None:
        """Single values collected column by column: rows when they fill labels × columns, else text."""
        if not self.pending:
            return
        labels, k = self.col_major_labels, len(self.col_major_labels)
        cols = self.columns or []
        n = len(cols)
        if k and n and len(self.pending) == k * n:
            for r, lab in enumerate(labels):
                vals = [self.pending[c * k + r][1] for c in range(n)]
                span = (min(ln for ln, _ in lab), max(self.pending[c * k + r][0] for c in range(n)))
                self.table.rows.append(ParsedRow(join_lines([t for _, t in lab]), list(zip(cols, vals, strict=True)), span))
        else:
            self.table.unparsed += 1
            self.table.text_paragraphs.extend(labels)
            self.table.text_paragraphs.append(list(self.pending))
        self.pending = []
        self.col_major_labels = []


def parse_table(paragraphs: list[list[Line]], title: str, known: Callable[[str], bool] | None = None,
                row_labels: frozenset[str] = frozenset()) -> ParsedTable:
    """Parse one table region (paragraphs of lines) into rows; what does not fit stays text.

    `known`: the report's vocabulary, which decides whether an upper-case word broken with a hyphen over
    two lines is one word (`SYKKEL-` / `VEIER`); without it such a hyphen is kept inside a label.
    `row_labels`: labels the report prints as rows many times (see `recurring_row_labels`): only such a
    label is read as a row at the end of a line of body text."""
    return _TableParser(title, known, row_labels).feed(paragraphs)


def recurring_row_labels(lines: list[str], times: int = 3) -> frozenset[str]:
    """Short labels printed with values on a line of their own at least `times` times (`Hurum 47 % 69 %`)."""
    counts: dict[str, int] = {}
    for text in lines:
        label, cells = trailing_cells(text.strip())
        if label and cells and len(label.split()) <= 3 and not label.startswith("Kilde:") \
                and not all(re.fullmatch(_YEAR, c) for c in cells):
            counts[label] = counts.get(label, 0) + 1
    return frozenset(k for k, c in counts.items() if c >= times)


_SIDE_BY_SIDE = re.compile(rf"[A-ZÆØÅ]\D*? {_YEAR} [A-ZÆØÅ]\D*? {_YEAR}")
_TAIL_SOURCE = re.compile(r"(?<=[a-zæøå]{2}\.) Kilde: ")


def _source_beside_a_row(table: ParsedTable) -> None:
    """`Kilde: Asker kommune 40-54 år 2760`: beside two tables the source line also holds a row of the
    right-hand one, whose label starts with a number; that row stays text."""
    toks = table.source.split()
    for k in range(2, len(toks)):
        label, cells = trailing_cells(" ".join(toks[k:]))
        if toks[k][:1].isdigit() and label and cells:
            ln = table.source_lines[0] if table.source_lines else 0
            table.text_paragraphs.append([(ln, " ".join(toks[k:]))])
            table.source = " ".join(toks[:k])
            return


def side_titles(lines: list[str], known: Callable[[str], bool] | None = None) -> tuple[str, str]:
    """The two titles printed side by side, line by line: each line splits in the middle into halves of equal
    length that agree in a word at the same place (`ANDELEN ANSATTE ... FORDELT` / `ANTALL ANSATTE ... FORDELT`,
    `PÅ KJØNN` / `PÅ ALDER`). ("", "") when a line does not split so."""
    left: list[str] = []
    right: list[str] = []
    for line in lines:
        words = line.split()
        half = len(words) // 2
        if len(words) % 2 or not any(a == b for a, b in zip(words[:half], words[half:], strict=True)):
            return "", ""
        left.append(" ".join(words[:half]))
        right.append(" ".join(words[half:]))
    return join_lines(left, known), join_lines(right, known)


def _grouped(label_buf: list[list[Line]], cols: list[str], table: ParsedTable) -> list[str] | None:
    """Group names printed over repeating sub-columns: `Personbiler Varebiler Lastebiler` above
    `2019 2022 2019 2022 2019 2022` -> `Personbiler 2019`, `Personbiler 2022`, `Varebiler 2019`, ...

    Accepted only when the line just above has one word per group and the sub-columns repeat exactly."""
    if not label_buf or len(label_buf[-1]) != 1:
        return None
    ln, text = label_buf[-1][0]
    groups = text.split()
    k = len(groups)
    if k < 2 or len(cols) % k or len(cols) // k < 2:
        return None
    size = len(cols) // k
    if any(cols[g * size : (g + 1) * size] != cols[:size] for g in range(k)):
        return None
    label_buf.pop()
    table.header_lines.add(ln)
    return [f"{groups[g]} {cols[g * size + c]}" for g in range(k) for c in range(size)]


def _rows_to_axis(table: ParsedTable) -> None:
    """A run of years printed after the values is a chart's x axis: the single values above it (`350 000`)
    are the y axis's ticks and their label its title, not data."""
    if all(len(r.cells) == 1 and not r.cells[0][0] for r in table.rows):
        for r in table.rows:
            table.axis_lines.update(range(r.lines[0], r.lines[1] + 1))
        table.rows.clear()


_PERCENT_CELL = re.compile(r"-?\d+(?:,\d+)? ?%")
_SENTENCE_END = re.compile(r"[a-zæøå]{2}\. [A-ZÆØÅ]")


def _foreign_label(label: str) -> bool:
    """A label that holds another table's cells (`Kvinner 76 % Under 25 år`: two tables side by side) or a
    sentence of body text (`... skolen. Nasjonalt var det i Røyken`: a text column beside the table).
    Brackets are the label's own remarks (`(> 10 %)`, `(... forbedret i 2022. Dette gjør ...)`)."""
    bare = re.sub(r"\([^)]*\)?", "", label)
    return bool(_PERCENT_CELL.search(bare) or _SENTENCE_END.search(bare))


_TICK_RE = re.compile(r"^(?P<tick>\d+ %)\s+(?P<rest>.+)$|^(?P<rest2>.+?)\s+(?P<tick2>\d+ %)$")


def _tick_split(text: str) -> tuple[str, str] | None:
    """`100 % ANDELEN ...` / `ANDELEN ... 100 %` -> (words, tick); None without a tick at either end."""
    m = _TICK_RE.match(text.strip())
    if not m:
        return None
    return (m.group("rest") or m.group("rest2")), (m.group("tick") or m.group("tick2"))


def _ticks_beside_title(table: ParsedTable, known: Callable[[str], bool] | None) -> None:
    """A bar chart whose value axis (`100 %`, `80 %`, ... `0 %`) is printed beside the title's lines: a
    percentage glued to the title is never data. Rows of one unlabelled percentage are then ticks; their
    upper-case labels are the rest of the title, the others (`Gjennomsnitt for kommunen`) a legend, not data."""
    split = _tick_split(table.title)
    if split is None or not table.rows:
        return
    if not all(len(r.cells) == 1 and not r.cells[0][0] and _PERCENT_CELL.fullmatch(r.cells[0][1]) for r in table.rows):
        return
    pieces: list[tuple[int, str]] = []  # the title's further lines, in printed order
    kept: list[list[Line]] = []
    for para in table.text_paragraphs:  # a lone tick between the title's lines
        if all(_PERCENT_CELL.fullmatch(t.strip()) for _, t in para):
            table.axis_lines.update(ln for ln, _ in para)
            table.unparsed = max(0, table.unparsed - 1)
        elif all(t.strip().isupper() for _, t in para):
            pieces.extend(para)
            table.title_lines.update(ln for ln, _ in para)
        else:
            kept.append(para)
    for row in table.rows:
        if row.label.isupper():
            pieces.append((row.lines[0], row.label))
            table.title_lines.update(range(row.lines[0], row.lines[1] + 1))
        else:  # a legend entry (`Gjennomsnitt for kommunen`) beside a tick: the chart's, not a value's
            table.axis_lines.update(range(row.lines[0], row.lines[1] + 1))
    table.rows.clear()
    table.text_paragraphs = sorted(kept, key=lambda p: p[0][0])
    table.title = join_lines([split[0]] + [t for _, t in sorted(pieces)], known)
    source = _tick_split(table.source)
    if source and source[0].startswith("Kilde:"):
        table.source = source[0]


def _transposed(table: ParsedTable, columns: list[str] | None) -> None:
    """A table printed with its first column as label/value pairs under one year (`2015` / `Asker` /
    `27 %` / `Bærum` / `28 %` ...) and its other rows as `2016 28 % 30 % ...`, one value per label above:
    the labels are the column headers and each year a row."""
    rows = table.rows
    if not columns or len(columns) != 1 or len(rows) < 2:
        return
    if not all(len(r.cells) == 1 and r.cells[0][0] == columns[0] for r in rows):
        return
    heads = [r.label for r in rows]
    year_rows: list[ParsedRow] = []
    rest: list[list[Line]] = []
    for para in table.text_paragraphs:
        toks = trailing_cells(para[0][1])[1] if len(para) == 1 else []
        if toks and re.fullmatch(_YEAR, toks[0]) and len(toks) == len(heads) + 1:
            year_rows.append(ParsedRow(toks[0], list(zip(heads, toks[1:], strict=True)), (para[0][0], para[0][0])))
        else:
            rest.append(para)
    if not year_rows:
        return
    first = ParsedRow(columns[0], [(r.label, r.cells[0][1]) for r in rows], (rows[0].lines[0], rows[-1].lines[1]))
    table.rows = [first, *year_rows]
    table.text_paragraphs = rest
    table.unparsed = max(0, table.unparsed - len(year_rows))


def _single_share(table: ParsedTable, columns: list[str] | None) -> None:
    """A pie chart printed as its title, one share (`43 %`) and its source: the share is the title's value."""
    paras = table.text_paragraphs
    if table.rows or columns or not table.title or len(paras) != 1 or len(paras[0]) != 1:
        return
    ln, text = paras[0][0]
    if not _PERCENT_CELL.fullmatch(text.strip()):
        return
    table.rows.append(ParsedRow(table.title, [("", text.strip())], (ln, ln)))
    table.text_paragraphs = []
    table.unparsed = max(0, table.unparsed - 1)

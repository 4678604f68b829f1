"""Flattened tables -> self-contained rows.

The PDF extraction flattens a table into lines of `label value value ...`, sometimes with the label on
lines of its own above a values-only line, sometimes column by column (all labels, then one value per
line, column after column). This module recognises value cells, column headers and those three layouts.
Values are kept exactly as printed; a table that does not fit one layout is returned as text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .text import join_lines

Line = tuple[int, str]  # (1-based line number in the raw file, text)

_UNIT = r"(?:%|kr/ ?m2|µg/m3|kg/m2|kr|mill\.|mrd\.|GWh|MWh|kWh)"
_NUM = r"-?\d+(?:,\d+)?"
_YEAR = r"(?:19[89]\d|20[0-4]\d)"
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
        [f"{year} {col}" for year in ("2020", "2021", "2022") for col in ("gjennomførte møter", "saker behandlet")],
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
    `Endring Endring %` / `2020 2023 fra 2020 fra 2020` -> 2020, 2023, Endring fra 2020, Endring % fra 2020.

    The lower line splits into n pieces that each end in a year; the upper line splits at each repeat
    of its first word into one piece per lower piece that has words before its year. Anything else: None.
    """
    upper, lower = (_tokens(t) for t in lines)
    pieces: list[list[str]] = [[]]
    for tok in lower:
        pieces[-1].append(tok)
        if re.fullmatch(_YEAR, tok):
            pieces.append([])
    if pieces[-1] or len(pieces) - 1 != n:
        return None
    pieces = pieces[:-1]
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


def has_values(lines: list[Line]) -> bool:
    """Whether any line of a paragraph ends in value cells (a `Tall` / `kommer` split counts)."""
    return any(trailing_cells(t)[1] for _, t in _fix_tall_kommer(lines))


def parse_table(paragraphs: list[list[Line]], title: str) -> ParsedTable:
    """Parse one table region (paragraphs of lines) into rows; what does not fit stays text."""
    table = ParsedTable(title=title)
    columns: list[str] | None = None
    label_buf: list[list[Line]] = []  # label paragraphs waiting for their values
    pending: list[tuple[int, str]] = []  # single values (column-major layout)
    col_major_labels: list[list[Line]] = []

    def flush_labels_as_text() -> None:
        for p in label_buf:
            table.text_paragraphs.append(p)
        label_buf.clear()

    def headers_from_labels(n: int) -> bool:
        """Column headers printed as fragments above the first row (`Total kapasitet` / `januar 2023` /
        `Ledige plasser` / `januar 2023`): accepted when they split evenly over the columns."""
        nonlocal columns
        frags = [t for p in label_buf for _, t in p]
        if columns is not None or table.rows or not frags or n < 2:
            return False
        stacked = stacked_header(frags, n) if len(frags) == 2 else None
        if stacked:
            columns = stacked
            table.header_lines.update(ln for p in label_buf for ln, _ in p)
            label_buf.clear()
            return True
        lead = frags[0] if len(frags) % n == 1 and len(frags[0].split()) == 1 else None
        rest = frags[1:] if lead else frags
        if not rest or len(rest) % n:
            return False
        size = len(rest) // n
        columns = [join_lines(rest[k * size : (k + 1) * size]) for k in range(n)]
        table.header_lines.update(ln for p in label_buf for ln, _ in p)
        label_buf.clear()
        return True

    def add_row(label_lines: list[Line], cells: list[str], span: tuple[int, int]) -> bool:
        label = join_lines([t for _, t in label_lines])
        n = len(columns) if columns else None
        grouped = group_cells(cells, n)
        if grouped is None or not label:
            return False
        heads = columns if columns and len(columns) == len(grouped) else [""] * len(grouped)
        first = min([span[0]] + [ln for ln, _ in label_lines])
        table.rows.append(ParsedRow(label, list(zip(heads, grouped, strict=True)), (first, span[1])))
        return True

    def resolve_pending() -> None:
        nonlocal pending, col_major_labels
        if not pending:
            return
        k = len(col_major_labels)
        n = len(columns) if columns else 0
        if k and n and len(pending) == k * n:
            for r, lab in enumerate(col_major_labels):
                vals = [pending[c * k + r][1] for c in range(n)]
                span = (min(ln for ln, _ in lab), max(pending[c * k + r][0] for c in range(n)))
                table.rows.append(ParsedRow(join_lines([t for _, t in lab]), list(zip(columns, vals, strict=True)), span))
        else:
            table.unparsed += 1
            for lab in col_major_labels:
                table.text_paragraphs.append(lab)
            table.text_paragraphs.append([(ln, v) for ln, v in pending])
        pending = []
        col_major_labels = []

    partial: tuple[list[Line], list[str], int] | None = None  # label, values so far, first value line

    for para in paragraphs:
        para = _fix_tall_kommer(para, table.split_cell_lines)
        for idx, (ln, text) in enumerate(para):
            text = text.strip()
            if not text:
                continue
            if partial is not None and not _values_only(text):
                lab, vals, first = partial
                partial = None
                table.unparsed += 1
                table.text_paragraphs.append(lab + [(first, " ".join(vals))])
            if text.startswith("Kilde:"):
                resolve_pending()
                table.source = (table.source + " " + text).strip() if table.source else text
                table.source_lines = (ln, ln)
                continue
            if text in HEADER_OVERRIDES:
                resolve_pending()
                override_title, columns = HEADER_OVERRIDES[text]
                table.title = table.title or override_title
                table.header_lines.add(ln)
                continue
            if text in HEADER_OVERRIDE_CONTINUATIONS:
                table.header_lines.add(ln)
                continue
            head = header_columns(text)
            if head is not None and (columns is None or len(head[1]) > 1 or not table.rows):
                resolve_pending()
                t, cols = head
                if columns is None and table.rows and len(cols) > 2:
                    _rows_to_axis(table)
                columns = _grouped(label_buf, cols, table) or cols
                table.header_lines.add(ln)
                if t:
                    table.title = t if not table.title else table.title
                continue
            label, cells = trailing_cells(text)
            if cells and all(re.fullmatch(_YEAR, c) for c in cells) and label:
                cells = []  # `januar 2023`: a year in a column header or a label, not a value
            if cells and not label:
                # values only: belongs to the label paragraph(s) above, or a column of a column-major table
                n = len(columns) if columns else None
                if n and n > 1 and len(cells) == 1 and (pending or len(label_buf) > 1):
                    if not pending:
                        col_major_labels = list(label_buf)
                        label_buf.clear()
                    pending.append((ln, cells[0]))
                    continue
                resolve_pending()
                if partial is not None:
                    partial[1].extend(cells)
                    if n is not None and len(partial[1]) >= n:
                        lab, vals, first = partial
                        partial = None
                        if not add_row(lab, vals, (first, ln)):
                            table.unparsed += 1
                            table.text_paragraphs.append(lab + [(first, " ".join(vals))])
                    continue
                if label_buf and n is not None and len(cells) < n and len(label_buf) == 1:
                    partial = (label_buf.pop(), list(cells), ln)
                    continue
                if label_buf and add_row(label_buf[-1], cells, (ln, ln)):
                    table.text_paragraphs.extend(label_buf[:-1])
                    label_buf.clear()
                else:
                    table.unparsed += 1
                    flush_labels_as_text()
                    table.text_paragraphs.append([(ln, text)])
                continue
            if cells and label and not label.endswith("."):
                resolve_pending()
                if idx == 0:
                    headers_from_labels(len(cells))
                # label on this line, possibly continued from a label line just above in the same paragraph
                lab_lines: list[Line] = []
                if idx > 0 and label_buf and label_buf[-1] and label_buf[-1][-1][0] == ln - 1:
                    lab_lines = label_buf.pop()
                flush_labels_as_text()
                if add_row(lab_lines + [(ln, label)], cells, (ln, ln)):
                    continue
                table.unparsed += 1
                table.text_paragraphs.append(lab_lines + [(ln, text)])
                continue
            # a text line: a label (or part of one), a goal statement, or a label continuation
            if text.endswith("."):
                # a goal statement (one or two lines ending in a full stop), not a label
                resolve_pending()
                goal: list[Line] = []
                if label_buf and label_buf[-1][-1][0] == ln - 1:
                    goal = label_buf.pop()
                flush_labels_as_text()
                table.text_paragraphs.append(goal + [(ln, text)])
                continue
            continues_row = text[:1].islower() or (idx > 0 and para[idx - 1][0] == table.rows[-1].lines[1]
                                                   if table.rows else False)
            if continues_row and table.rows and table.rows[-1].lines[1] >= ln - 1 and not label_buf:
                last = table.rows[-1]
                last.label = join_lines([last.label, text])
                last.lines = (last.lines[0], ln)
                continue
            if label_buf and label_buf[-1][-1][0] == ln - 1:
                label_buf[-1].append((ln, text))
            else:
                label_buf.append([(ln, text)])
    resolve_pending()
    flush_labels_as_text()
    for row in table.rows:  # a row whose `Tall` / `kommer` cell ends on the next line spans that line too
        while row.lines[1] + 1 in table.split_cell_lines:
            row.lines = (row.lines[0], row.lines[1] + 1)
    return table


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

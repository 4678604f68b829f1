"""Raw report text -> typed blocks with provenance.

Reads the clean first rendering only (the second, tab-indented rendering repeats everything with
damaged words), repairs lost glyphs, splits the text into page segments and paragraphs, tracks the
chapter/section path, and hands table regions to `tables.parse_table`.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path
from typing import Literal

from .tables import (
    Line,
    ParsedTable,
    has_values,
    header_columns,
    parse_table,
    recurring_row_labels,
    side_titles,
    trailing_cells,
    values_only,
)
from .text import GlyphRepairer, Repair, join_lines, restore_break_hyphens
from .types import Block, BlockKind, TableRow

FOOTER_RE = re.compile(r"^(?:(?P<a>\d{1,3}) Asker kommune|4-årsrapport 2020[–-]2023 (?P<b>\d{1,3}))$")
QUOTE_REF_RE = re.compile(r"^\((?:Intensjonsavtalen|Intensjonsavtale)[^)]*\)$")
BULLET = "→"

# Why a line of the clean rendering is in no passage. Headings and table titles/column headers are not
# lost: they name the passages (section path, table row text) instead of being passages themselves.
DropReason = Literal[
    "empty", "footer", "credit", "chapter_heading", "section_heading", "boilerplate", "chart_label",
    "chart_caption", "axis", "source_line", "table_title", "column_header", "table_source", "split_cell", "table_fragment",
    "duplicate",
]


@dataclass(frozen=True)
class TableRegion:
    """One table as ingest parsed it, with where it sits: what `askerqa tables --audit` shows."""

    section: tuple[str, ...]
    lines: tuple[int, int]  # first (title) to last line of the region
    table: ParsedTable


@dataclass
class IngestReport:
    """What ingest kept, dropped and changed: printed by `askerqa passages --stats`."""

    total_lines: int = 0
    clean_lines: int = 0
    dropped_second_rendering: int = 0
    segments: int = 0
    repairs: list[Repair] = field(default_factory=list)
    tables_parsed: int = 0
    table_rows: int = 0
    tables_kept_as_text: int = 0
    dropped: Counter[str] = field(default_factory=Counter)  # paragraphs dropped, by reason
    dropped_lines: dict[int, str] = field(default_factory=dict)  # clean line -> why it is in no block
    tables: list[TableRegion] = field(default_factory=list)  # every table as parsed, for `tables --audit`

    def drop(self, lines: list[Line] | tuple[int, int], reason: DropReason) -> None:
        """Record that these lines reach no block, and why (`askerqa passages --dropped` lists them)."""
        numbers = range(lines[0], lines[1] + 1) if isinstance(lines, tuple) else [ln for ln, _ in lines]
        self.dropped[reason] += 1
        for ln in numbers:
            self.dropped_lines.setdefault(ln, reason)


@dataclass
class Para:
    lines: list[Line]
    segment: int
    role: str = "text"  # text | heading | caption | bullet | quote | quote_ref | source | credit | footer

    @property
    def text(self) -> str:
        return join_lines([t for _, t in self.lines])

    @property
    def span(self) -> tuple[int, int]:
        return (self.lines[0][0], self.lines[-1][0])


def clean_rendering(lines: list[str]) -> int:
    """Number of lines in the first rendering: the second one starts at the first tab-indented line."""
    for i, line in enumerate(lines):
        if line.lstrip(" ").startswith("\t"):
            return i
    return len(lines)


def _is_caption(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 3 and all(c.isupper() for c in letters)


def _is_heading(p: Para) -> bool:
    text = p.text
    if len(p.lines) > 2 or len(text) > 60 or len(text.split()) > 8:
        return False
    if not text[:1].isupper() or text[-1] in ".,:;!?-»" or re.search(r"[\d()«]", text):
        return False
    return not trailing_cells(text)[1]


def classify(p: Para) -> str:
    first = p.lines[0][1].strip()
    text = p.text
    if len(p.lines) == 1 and FOOTER_RE.match(first):
        return "footer"
    if first.startswith("Foto:"):
        return "credit"
    if first.startswith("Kilde:"):
        return "source"
    if first.startswith(BULLET):
        return "bullet"
    if first.startswith("«"):
        return "quote"
    if QUOTE_REF_RE.match(text):
        return "quote_ref"
    if _is_caption(text):
        return "caption"
    if _is_heading(p):
        return "heading"
    return "text"


def paragraphs(lines: list[str], start: int = 1, report: IngestReport | None = None) -> list[Para]:
    """Split lines into paragraphs at blank lines, bullets and page-segment starts."""
    paras: list[Para] = []
    segment = 0
    current: list[Line] = []

    def close() -> None:
        if current:
            paras.append(Para(list(current), segment))
            current.clear()

    for offset, raw in enumerate(lines):
        ln = start + offset
        if raw.startswith(" "):
            close()
            segment += 1
        text = raw.strip()
        if not text:
            close()
            if report is not None:
                report.dropped_lines[ln] = "empty"
            continue
        if text.startswith(BULLET) or text.startswith("«"):
            close()
        current.append((ln, text))
    close()
    paras = [piece for p in paras for piece in _title_beside_text(p)]
    for p in paras:
        p.role = classify(p)
    return paras


def _title_beside_text(p: Para) -> list[Para]:
    """A paragraph whose first lines are upper case and whose next line is lower-case body text (`ANDELEN
    UNGDOMSSKOLEELEVER SOM OPP-` / `lærere, og arbeidet ...`): a chart title printed beside a text column,
    with no blank line between. Split into the title and the text."""
    k = 0
    while k < len(p.lines) and _is_caption(p.lines[k][1]):
        k += 1
    if 0 < k < len(p.lines) and re.match(r"[a-zæøå]", p.lines[k][1]):
        return [Para(p.lines[:k], p.segment), Para(p.lines[k:], p.segment)]
    return [p]


def _key(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def _order_headings(segment_paras: list[Para], chapters: set[str]) -> list[Para]:
    """Put a segment's headings where they apply: the PDF order is not the reading order.

    Chapter names anywhere in a segment name the whole segment; a section heading that ends a segment
    which has no other section heading names that segment (otherwise it carries to the next one).
    """
    chapter_paras = [p for p in segment_paras if p.role == "heading" and _key(p.text) in chapters]
    if chapter_paras and segment_paras and chapter_paras[0] is segment_paras[0]:
        # the page has a running header: another chapter name further down is a table label, not a chapter
        for p in chapter_paras[1:]:
            if _key(p.text) != _key(chapter_paras[0].text):
                p.role = "text"
        chapter_paras = [p for p in chapter_paras if p.role == "heading"]
    rest = [p for p in segment_paras if p not in chapter_paras]
    content = [p for p in rest if p.role not in ("footer", "credit")]
    section_heads = [p for p in content if p.role == "heading"]
    if len(section_heads) == 1 and len(content) > 1 and content[-1] is section_heads[0]:
        rest = [section_heads[0]] + [p for p in rest if p is not section_heads[0]]
    return chapter_paras + rest


def _table_starts(paras: list[Para], i: int) -> bool:
    p = paras[i]
    if p.role not in ("text", "caption", "heading"):
        return False
    if any(header_columns(t) is not None for _, t in p.lines):
        return True
    if p.role == "caption":
        for q in paras[i + 1 : i + 5]:
            if q.segment != p.segment:
                return False
            if any(header_columns(t) is not None for _, t in q.lines) or has_values(q.lines):
                return True
    return False


def _values_follow(paras: list[Para], j: int) -> bool:
    """A heading-like line inside a table (a column header, a label) has values right after it."""
    for q in paras[j + 1 : j + 4]:
        if q.segment != paras[j].segment:
            return False
        if has_values(q.lines):
            return True
    return False


def _table_end(paras: list[Para], i: int) -> int:
    """Index after the last paragraph of the table region that starts at i."""
    seg = paras[i].segment
    j = i + 1
    while j < len(paras):
        q = paras[j]
        if q.segment != seg and q.segment == paras[j - 1].segment + 1 and values_only(q.lines):
            seg = q.segment  # a row's last values printed on the next page segment (` Tall` / `kommer`)
        if q.segment != seg or q.role in ("bullet", "quote", "quote_ref", "footer"):
            break
        if q.role == "source":
            return j + 1
        if q.role == "heading" and not _values_follow(paras, j):
            break
        if q.role == "text" and q.lines[-1][1].rstrip().endswith((".", ":")):
            # wrapped body text (narrow column, several lines) ends a table; a one-line goal does not
            if len(q.lines) >= 2 and max(len(t) for _, t in q.lines) < 75 and not any(
                    trailing_cells(t)[1] for _, t in q.lines):
                break
        j += 1
    return j


def render_row(context: str, title: str, row: TableRow) -> str:
    """One table row as a sentence a citizen can read alone; values exactly as printed."""
    if all(h for h, _ in row.cells):
        values = ", ".join(f"{h} {v}" for h, v in row.cells)
    else:
        values = "; ".join(v for _, v in row.cells)
    head = f"{context} – {title}" if title and _key(title) != _key(context) else context
    # a pie chart's one share is labelled by the chart's title: not printed twice
    text = f"{head}: {values}." if row.label == title else f"{head}: {row.label}: {values}."
    if row.source:
        text += f" {row.source}."
    return text


def _repaired_clean_lines(path: Path, report: IngestReport) -> tuple[list[str], Callable[[str], bool]]:
    """The first rendering's lines with lost glyphs and lost title hyphens restored (each repair logged
    in the report), and the report's vocabulary that decided them."""
    raw = path.read_text(encoding="utf-8").split("\n")
    report.total_lines = len(raw)
    report.clean_lines = clean_rendering(raw)
    report.dropped_second_rendering = len(raw) - report.clean_lines
    clean = raw[: report.clean_lines]
    repairer = GlyphRepairer("\n".join(clean))
    repaired: list[str] = []
    for ln, line in enumerate(clean, start=1):
        fixed, reps = repairer.repair(line, ln)
        report.repairs.extend(reps)
        repaired.append(fixed)
    report.repairs.extend(restore_break_hyphens(repaired, repairer.knows))
    return repaired, repairer.knows


def _chapters_and_boilerplate(paras: list[Para]) -> tuple[set[str], set[str]]:
    """Chapter names are running headers: headings on several pages that start a page segment.

    A heading repeated as often that never starts a segment (`Nøkkeltall under utvikling`,
    `KOMMUNEPLANENS MÅL`) is boilerplate.
    """
    counts = Counter(_key(p.text) for p in paras if p.role in ("heading", "caption"))
    segments_started: Counter[str] = Counter()
    seen: set[int] = set()
    for p in paras:
        if p.segment not in seen:
            seen.add(p.segment)
            segments_started[_key(p.text)] += 1
    # a running header tops several pages; a name that tops one page and labels a table elsewhere
    # (`Oppvekst`) is not a chapter
    chapters = {k for k, c in counts.items() if c >= 3 and segments_started[k] >= 2}
    boilerplate = {k for k, c in counts.items() if c >= 3 and not segments_started[k]}
    return chapters, boilerplate


def _page_titles(paras: list[Para]) -> dict[str, str]:
    """Headings printed at the foot of one page and the top of the next: a title page, then its content
    (`Velferd`, `Administrasjon og ledelse`). They open a part of the report, as a chapter does.

    Returns each spelling's key -> the title as the content page prints it (`Samfunns tjenester`, with
    its line-break hyphen lost, and `Samfunnstjenester` are one title)."""
    titles: dict[str, str] = {}
    for a, b in pairwise(paras):
        if a.role == b.role == "heading" and b.segment == a.segment + 1 and _loose_key(a.text) == _loose_key(b.text):
            titles[_key(a.text)] = titles[_key(b.text)] = b.text
    return titles


def _loose_key(text: str) -> str:
    return re.sub(r"[\s-]+", "", text).lower()


def _prose(p: Para) -> bool:
    """Running text or a list: a sentence's end or six words; not a chart box's label or a number."""
    return p.role in ("bullet", "quote") or (
        p.role == "text" and (len(p.text.split()) >= 6 or p.text.rstrip().endswith((".", "!", "?", ":"))))


def _opens_section(paras: list[Para], i: int) -> bool:
    """Whether the heading at i names what follows, rather than labelling a box in a chart.

    A section heading is followed by prose, a list or a chart/table title. An organisation chart's boxes
    (`Eldreråd`, `Ungdomsråd`) and a table's column header (`Tjenesteområde`) are followed by a number,
    a fragment or another label, or come right after a fragment of one. Photo credits are layout noise.
    """
    seg = paras[i].segment
    prev = next((q for q in reversed(paras[:i]) if q.segment != seg or q.role not in ("credit", "footer")), None)
    if prev is not None and prev.segment == seg and prev.role == "text" and not _prose(prev) \
            and not re.search(r"\d", prev.text):
        return False
    for q in paras[i + 1 :]:
        if q.role in ("heading", "credit", "footer"):
            continue
        return q.role == "caption" or _prose(q)
    return False


def _closes_page(paras: list[Para], i: int) -> bool:
    """Whether the heading at i ends its page right after prose, and the next page opens with a heading
    of its own: it names nothing (a signature, `Lars Bjerke` / `kommunedirektør`)."""
    nxt = next((q for q in paras[i + 1 :] if q.role not in ("credit", "footer")), None)
    return nxt is not None and nxt.segment != paras[i].segment and nxt.role in ("heading", "caption") \
        and i > 0 and paras[i - 1].segment == paras[i].segment and _prose(paras[i - 1])


def _printed_pages(paras: list[Para]) -> dict[int, int]:
    """Segment -> the page number printed in its footer (three footers in this report)."""
    printed: dict[int, int] = {}
    for p in paras:
        m = FOOTER_RE.match(p.lines[0][1].strip()) if p.role == "footer" else None
        if m:
            printed[p.segment] = int(m.group("a") or m.group("b"))
    return printed


def ingest(path: Path) -> tuple[list[Block], IngestReport]:
    """The report -> typed blocks with provenance, in reading order.

    Long on purpose: one pass over the paragraphs that carries the section path, the page and the open
    table from paragraph to paragraph; the decisions themselves live in the small named helpers above
    (`classify`, `_opens_section`, `_table_starts`, `tables.parse_table`), and splitting the pass would
    only hand its running state around.
    """
    report = IngestReport()
    lines, known = _repaired_clean_lines(path, report)
    paras = paragraphs(lines, report=report)
    row_labels = recurring_row_labels(lines)
    report.segments = max((p.segment for p in paras), default=0)
    chapters, boilerplate = _chapters_and_boilerplate(paras)
    titles = _page_titles(paras)
    chapters |= set(titles)
    printed = _printed_pages(paras)

    ordered: list[Para] = []
    for seg in sorted({p.segment for p in paras}):
        ordered.extend(_order_headings([p for p in paras if p.segment == seg], chapters))

    blocks: list[Block] = []
    chapter: str | None = None
    section: str | None = None
    chapter_title: dict[str, str] = {}

    def heading_path() -> tuple[str, ...]:
        out = [chapter_title.get(chapter, chapter)] if chapter else []
        if section:
            out.append(section)
        return tuple(out)

    def emit(kind: BlockKind, text: str, p_lines: tuple[int, int], seg: int, table: TableRow | None = None) -> None:
        if text:
            blocks.append(Block(kind, text, heading_path(), seg, printed.get(seg), p_lines, table))

    i = 0
    while i < len(ordered):
        p = ordered[i]
        key = _key(p.text)
        if p.role in ("footer", "credit"):
            report.drop(p.lines, "footer" if p.role == "footer" else "credit")
            i += 1
            continue
        if p.role in ("heading", "caption") and key in chapters:
            title = titles.get(key)
            if title:
                key = _key(title)
            if key != chapter:
                chapter, section = key, None
            if title:
                chapter_title[key] = title
            elif p.role == "heading" or key not in chapter_title:
                chapter_title[key] = p.text
            report.drop(p.lines, "chapter_heading")
            i += 1
            continue
        if p.role in ("heading", "caption") and key in boilerplate:
            report.drop(p.lines, "boilerplate")
            i += 1
            continue
        if _table_starts(ordered, i):
            j = _table_end(ordered, i)
            title = ""
            for q in reversed(ordered[max(0, i - 3) : i + 1]):
                if q.segment == p.segment and q.role in ("caption", "heading") and _key(q.text) not in chapters | boilerplate:
                    title = join_lines([t for _, t in q.lines], known)
                    break
            region = ordered[i:j]
            title_lines = [t for _, t in p.lines]
            if p.role in ("caption", "heading") and title == join_lines(title_lines, known):
                region = ordered[i + 1 : j]
                report.drop(p.lines, "table_title")
                # a title printed over several caption paragraphs (`ANDELEN ... SOM OPP-` / `LEVER ...`)
                # (a caption that repeats the title's first word starts the next chart: `HOLDNINGER TIL ...`)
                while region and region[0].role == "caption" and region[0].segment == p.segment \
                        and not _starts_table_body(region[0]) \
                        and region[0].text.split()[0] != title.split()[0]:
                    title = join_lines([title, *(t for _, t in region[0].lines)], known)
                    report.drop(region[0].lines, "table_title")
                    region = region[1:]
                # a title broken mid-word (`... SOM OPP-`) goes on in the next caption, past a paragraph of
                # the text column printed between them (`lærere, og arbeidet ...`), which stays text
                if re.search(r"[A-ZÆØÅ]-$", title) and len(region) >= 2 and region[0].role == "text" \
                        and region[1].role == "caption" and region[1].segment == p.segment \
                        and not _starts_table_body(region[0]) and not _starts_table_body(region[1]):
                    title = join_lines([title, *(t for _, t in region[1].lines)], known)
                    report.drop(region[1].lines, "table_title")
                    region = [region[0], *region[2:]]
            beside = _source_beside_text(ordered, j, p.segment)
            if beside is not None:
                region = [*region, beside]
            start, i = i, j
            for q in region:
                if q.role == "credit":
                    report.drop(q.lines, "credit")
            table = parse_table([q.lines for q in region if q.role != "credit"], title, known, row_labels)
            if table.side_by_side:
                # two titles beside each other, and lines that hold both tables' cells (`Kvinner 76 % Under 25 år
                # 221`): both titles, each whole, so that no figure stands under the other table's title alone
                both = title_lines and title == join_lines(title_lines, known)
                left, right = side_titles(title_lines, known) if both else ("", "")
                table.title = f"{left} / {right}" if left and right else ""
            numbers = [ln for q in [p, *region] for ln, _ in q.lines]
            report.tables.append(TableRegion(heading_path(), (min(numbers), max(numbers)), table))
            column = list(table.text_column)
            before = ordered[start - 1] if start > 0 else None
            if column and before is not None and before.role == "text" and before.segment == p.segment \
                    and blocks and blocks[-1].kind == "prose" and blocks[-1].lines == before.span \
                    and _reads_on(before.lines, column):
                blocks.pop()  # the text column began above the table: one paragraph with it
                column = before.lines + column
            _emit_table(table, p.segment, heading_path(), printed.get(p.segment), blocks, report,
                        [ln for q in region if q.role != "credit" for ln in q.lines])
            after = ordered[j] if j < len(ordered) else None
            if column and after is not None and after.role == "text" and after.segment == p.segment \
                    and _reads_on(column, after.lines):
                after.lines[:0] = column  # ... and goes on below it: read with the text that follows
            elif column:
                emit("prose", join_lines([t for _, t in column]), (column[0][0], column[-1][0]), p.segment)
            continue
        if p.role == "heading" and _closes_page(ordered, i):
            emit("prose", p.text, p.span, p.segment)
            i += 1
            continue
        if p.role == "heading":
            if _opens_section(ordered, i):
                section = p.text
                report.drop(p.lines, "section_heading")
            else:
                report.drop(p.lines, "chart_label")
            i += 1
            continue
        if p.role == "caption":
            # a chart title with no table under it: the chart itself is not in the text
            if re.search(r"\d{3}", p.text):
                emit("prose", p.text, p.span, p.segment)
            else:
                report.drop(p.lines, "chart_caption")
            i += 1
            continue
        if p.role == "quote":
            quoted = list(p.lines)
            j = i + 1
            while "»" not in join_lines([t for _, t in quoted]) and j < len(ordered) and ordered[j].role == "text":
                quoted += ordered[j].lines
                j += 1
            if j < len(ordered) and ordered[j].role == "quote_ref":
                quoted += ordered[j].lines
                j += 1
            emit("quote", join_lines([t for _, t in quoted]), (quoted[0][0], quoted[-1][0]), p.segment)
            i = j
            continue
        if p.role == "bullet":
            emit("bullet", p.text.lstrip(BULLET).strip(), p.span, p.segment)
        elif p.role == "source":
            if re.search(r"\d{3}", p.text):
                emit("source", p.text, p.span, p.segment)
            else:
                report.drop(p.lines, "source_line")
        elif _is_axis(p):
            report.drop(p.lines, "axis")
        else:
            emit("prose", p.text, p.span, p.segment)
        i += 1
    return blocks, report


def _reads_on(lines: list[Line], nxt: list[Line]) -> bool:
    """Whether text goes on from `lines` into `nxt`: no sentence end, and a lower-case word next."""
    return not lines[-1][1].rstrip().endswith((".", "!", "?", ":")) and re.match(r"[a-zæøå]", nxt[0][1].strip()) is not None


_SOURCE_AT_END = re.compile(r"^(?P<text>.*[a-zæøå,]) (?P<source>Kilde: [A-ZÆØÅ][^.]*)$")


def _source_beside_text(paras: list[Para], j: int, segment: int) -> Para | None:
    """`nens ambisjon er at ingen barn og unge skal Kilde: Ungdata`: the table's source printed at the end
    of the first line of the body text right after it. The source is cut off that line, in place (the text
    stays its paragraph), and returned as a paragraph of its own for the table."""
    if j >= len(paras) or paras[j].role != "text" or paras[j].segment != segment:
        return None
    ln, first = paras[j].lines[0]
    m = _SOURCE_AT_END.match(first.strip())
    if m is None:
        return None
    paras[j].lines[0] = (ln, m.group("text"))
    return Para([(ln, m.group("source"))], segment, "source")


def _starts_table_body(p: Para) -> bool:
    return any(header_columns(t) is not None or trailing_cells(t)[1] for _, t in p.lines)


def _is_axis(p: Para) -> bool:
    """Chart axis debris: a paragraph of bare tick values (`350 000`, `20 %`, a run of years)."""
    return all(_is_axis_text(t) for _, t in p.lines)


def _is_axis_text(text: str) -> bool:
    return re.fullmatch(r"(?:\d{1,3}(?: \d{3})*|\d+ ?%|(?:\d{4} ){2,}\d{4})", text.strip()) is not None


def _emit_table(table: ParsedTable, seg: int, section: tuple[str, ...], printed: int | None,
                blocks: list[Block], report: IngestReport, region: list[Line]) -> None:
    context = section[0] if section else ""
    if table.rows:
        report.tables_parsed += 1
        report.table_rows += len(table.rows)
    if table.unparsed or (table.text_paragraphs and not table.rows):
        report.tables_kept_as_text += 1
    for row in table.rows:
        tr = TableRow(table.title, row.label, tuple(row.cells), table.source)
        blocks.append(Block("table_row", render_row(context, table.title, tr), section, seg, printed, row.lines, tr))
    for para in table.text_paragraphs:
        text = join_lines([t for _, t in para])
        if not text or (len(text.split()) <= 1 and not re.search(r"\d", text)):
            continue
        if re.search(r"\d", text) and table.title:
            # unparsed table lines keep their words; the title says what the numbers are about
            head = f"{context} – {table.title}" if context and _key(table.title) != _key(context) else table.title
            text = f"{head}: {text}"
        blocks.append(Block("table_text", text, section, seg, printed, (para[0][0], para[-1][0])))
    if table.source and not table.rows and re.search(r"\d{3}", table.source):
        ln = table.source_lines or (0, 0)
        blocks.append(Block("source", table.source, section, seg, printed, ln))
    _drop_table_leftovers(table, blocks, report, region)


def _drop_table_leftovers(table: ParsedTable, blocks: list[Block], report: IngestReport,
                          region: list[Line]) -> None:
    """A table region's lines that no row or text block covers: say which part of the table they were."""
    covered: set[int] = set()
    for b in blocks:
        if b.kind in ("table_row", "table_text", "source") and region and b.lines[0] >= region[0][0]:
            covered.update(range(b.lines[0], b.lines[1] + 1))
    covered.update(ln for ln, _ in table.text_column)  # prose: ingest emits it with the text around
    for ln, text in region:
        if ln in covered:
            continue
        t = text.strip()
        if t.startswith("Kilde:") or (table.source_lines and table.source_lines[0] <= ln <= table.source_lines[1]):
            report.drop([(ln, t)], "table_source")
        elif ln in table.title_lines:
            report.drop([(ln, t)], "table_title")
        elif ln in table.axis_lines:
            report.drop([(ln, t)], "axis")
        elif ln in table.split_cell_lines:
            report.drop([(ln, t)], "split_cell")
        elif ln in table.header_lines:
            report.drop([(ln, t)], "column_header")
        elif _is_axis_text(t):
            report.drop([(ln, t)], "axis")
        else:
            report.drop([(ln, t)], "table_fragment")

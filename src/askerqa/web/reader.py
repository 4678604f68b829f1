"""The reader: a passage in its place in the report, with the passages before and after it.

Built from the indexed passages in report order (source lines): a heading where the section path changes,
paragraphs and bullets as text, consecutive rows of one table as an HTML table. The passage a source
points at is highlighted (`<mark>`, id `reader-hit`) so the page can scroll to it and focus it.
Every piece of report text is HTML-escaped.

On a phone a table is wider than the screen: it scrolls sideways inside its own labelled region, the row
labels stay put (CSS), and the column the question asked about (a year in the question, or a figure the
answer printed) is marked `reader-asked` so the page can scroll it into view. A table the window cuts says
so in words above and/or below it. After paging, the passage that came into the window is marked
`data-reader-new` so the page can move to it and focus it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from ..render import place
from ..text import SECTION_SEP
from ..types import Passage

AROUND = 5  # passages shown before and after the highlighted one
HIT_ID = "reader-hit"
EMPTY = "<p>Velg en kilde under et svar i «Spør» for å lese den her, i sin sammenheng.</p>"
UNKNOWN = "<p>Fant ikke denne delen av rapporten. Velg en kilde under et svar på nytt.</p>"
NEW_ATTR = "data-reader-new"  # the passage paging brought into the window (focused by assets.SHOW_NEW)
ASKED_CLASS = "reader-asked"  # the asked column's header and the highlighted row's cell in it
REPORT_START = '<p class="reader-end">Her begynner rapporten.</p>'
REPORT_END = '<p class="reader-end">Her slutter rapporten.</p>'
MAX_ASKED_CHARS = 500  # the question (and the answer's figures) the page sends with a source: used to match only


@dataclass(frozen=True)
class Report:
    """The passages in reading order, and where each one is."""

    passages: tuple[Passage, ...]
    position: dict[str, int]

    @classmethod
    def of(cls, passages: list[Passage]) -> Report:
        ordered = tuple(sorted(passages, key=lambda p: (p.lines[0], p.lines[1])))
        return cls(ordered, {p.id: i for i, p in enumerate(ordered)})

    def bounds(self, passage_id: str, around: int = AROUND) -> tuple[int, int]:
        """The window around `passage_id` as a slice [start, end) of the passages."""
        i = self.position[passage_id]
        return max(0, i - around), min(len(self.passages), i + around + 1)

    def window(self, passage_id: str, around: int = AROUND) -> list[Passage]:
        start, end = self.bounds(passage_id, around)
        return list(self.passages[start:end])

    def arrived(self, before: str, after: str, step: int) -> str | None:
        """The passage that paging from the window at `before` to the one at `after` brought into view: the first
        new one in the direction of `step`; at the end of the report (nothing new) the window's edge that way."""
        if after not in self.position:
            return None
        start, end = self.bounds(after)
        old = set(range(*self.bounds(before))) if before in self.position else set()
        order = range(start, end) if step > 0 else range(end - 1, start - 1, -1)
        new = [i for i in order if i not in old]
        if new:
            return self.passages[new[0]].id
        return self.passages[end - 1 if step > 0 else start].id

    def neighbour(self, passage_id: str, step: int) -> str | None:
        """The id of the passage `step` places away, or None past either end."""
        i = self.position.get(passage_id)
        if i is None or not 0 <= i + step < len(self.passages):
            return None
        return self.passages[i + step].id


def _headings(previous: tuple[str, ...], current: tuple[str, ...], first: bool) -> list[str]:
    """Headings for the levels of `current` that differ from `previous` (all of them at the window's top)."""
    out: list[str] = []
    for level, name in enumerate(current):
        if first or level >= len(previous) or previous[level] != name or out:
            tag = f"h{min(level + 2, 6)}"  # the page's own title is h1
            out.append(f"<{tag}>{escape(name)}</{tag}>")
    return out


def _bounded(needle: str, text: str) -> bool:
    """Whether `needle` occurs in `text` as a whole (not inside a longer word or number)."""
    return bool(needle) and re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", text, re.IGNORECASE) is not None


def asked_columns(row: Passage, asked: str) -> list[str]:
    """The columns of a table row the question asked about: headers named in `asked` (a year, «2022»), or else the
    columns whose value in this row `asked` prints (the answer's figure, «9,3 %»). Empty when neither."""
    if row.table is None or not asked:
        return []
    headers = [h for h, _ in row.table.cells if h]
    named = [h for h in headers if _bounded(h, asked)]
    if named:
        return named
    return [h for h, v in row.table.cells if h and any(c.isdigit() for c in v) and _bounded(v.strip(), asked)]


def _rows_left(report: Report, start: int, step: int, title: str, section: str) -> int:
    """How many rows of the same table follow index `start` (exclusive) in the direction of `step`."""
    n, i = 0, start + step
    while 0 <= i < len(report.passages):
        p = report.passages[i]
        if p.kind != "table_row" or p.table is None or p.table.title != title or p.section != section:
            break
        n, i = n + 1, i + step
    return n


def _cut_note(n: int, above: bool) -> str:
    """The visible sign that the window shows part of a table: how many rows are not shown, and how to see them."""
    rows = "1 rad" if n == 1 else f"{n} rader"
    where, button = ("ovenfor", "Forrige avsnitt") if above else ("nedenfor", "Neste avsnitt")
    note_id = "reader-cut-above" if above else "reader-cut-below"
    return (f'<p class="reader-cut" id="{note_id}">Tabellen fortsetter {where} ({rows} til). '
            f"Velg «{button}» for å se flere rader.</p>")


def _region_name(rows: list[Passage], used: set[str]) -> str:
    """The table region's accessible name: its title and first row's label (a window often holds several tables
    titled «Nøkkeltall», and landmarks need names of their own), numbered if that is still not unique."""
    first = rows[0].table
    title = (first.title if first else "") or "Tabell"
    words = (first.label if first else "").split()
    label = " ".join(words[:8]) + (" …" if len(words) > 8 else "")
    name = f"{title}: {label}" if label else title
    n, unique = 1, name
    while unique in used:
        n += 1
        unique = f"{name} ({n})"
    used.add(unique)
    return unique


def _table(rows: list[Passage], hit: str, asked: str = "", fresh: str | None = None,
           above: int = 0, below: int = 0, name: str = "Tabell") -> str:
    """One table's rows in a scrolling region named `name`; `above`/`below` rows of it lie outside the window."""
    title = rows[0].table.title if rows[0].table else ""
    headers: list[str] = []
    for p in rows:
        for h, _ in p.table.cells if p.table else ():
            if h not in headers:
                headers.append(h)
    hit_row = next((p for p in rows if p.id == hit), None)
    wanted = set(asked_columns(hit_row, asked)) if hit_row is not None else set()
    head = "".join(f'<th scope="col" class="{ASKED_CLASS}">{escape(h)}</th>' if h in wanted
                   else f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = []
    for p in rows:
        cells = dict(p.table.cells) if p.table else {}
        label = escape(p.table.label if p.table else p.text)
        new = f" {NEW_ATTR}" if p.id == fresh else ""
        if p.id == hit:
            values = "".join(f'<td class="{ASKED_CLASS}"><strong>{escape(cells.get(h, ""))}</strong></td>'
                             if h in wanted else f"<td>{escape(cells.get(h, ''))}</td>" for h in headers)
            body.append(f'<tr id="{HIT_ID}" class="reader-hit" tabindex="-1"{new}><th scope="row"><mark>{label}</mark>'
                        f"</th>{values}</tr>")
        else:
            values = "".join(f"<td>{escape(cells.get(h, ''))}</td>" for h in headers)
            extra = ' tabindex="-1"' if new else ""
            body.append(f"<tr{extra}{new}><th scope=\"row\">{label}</th>{values}</tr>")
    # the title shows above the region, where sideways scrolling cannot take it away; the caption (hidden from
    # sight) keeps it the table's name for a screen reader, which is spared the visible copy
    caption = f'<caption class="reader-sr">{escape(title)}</caption>' if title else ""
    shown = f'<p class="reader-table-title" aria-hidden="true">{escape(title)}</p>' if title else ""
    source = rows[-1].table.source if rows[-1].table else ""
    note = f'<p class="reader-source">{escape(source)}</p>' if source else ""
    name = escape(name)
    described = " ".join(i for i, n in (("reader-cut-above", above), ("reader-cut-below", below)) if n)
    describedby = f' aria-describedby="{described}"' if described else ""
    return (shown + (_cut_note(above, True) if above else "")
            + f'<div class="reader-table" role="region" aria-label="{name}" tabindex="0"{describedby}><table>{caption}'
            f'<thead><tr><th scope="col">Rad</th>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>'
            + (_cut_note(below, False) if below else "") + note)


def _block(p: Passage, hit: str, fresh: str | None = None) -> str:
    text = escape(p.text)
    new = f" {NEW_ATTR}" if p.id == fresh else ""
    if p.id == hit:
        return f'<p id="{HIT_ID}" class="reader-hit" tabindex="-1"{new}><mark>{text}</mark></p>'
    focus = ' tabindex="-1"' if new else ""  # focusable by the page's script only, not a Tab stop
    if p.kind in ("bullet", "list"):
        return f'<p class="reader-bullet"{focus}{new}>{text}</p>'
    if p.kind == "quote":
        return f"<blockquote{focus}{new}>{text}</blockquote>"
    return f"<p{focus}{new}>{text}</p>"


def render(report: Report, passage_id: str | None, center: str | None = None, asked: str = "",
           fresh: str | None = None) -> str:
    """The reader's HTML for the passage `passage_id` (highlighted) and its neighbours, or those around
    `center` when the reader has paged on; a short message if there is nothing to show.

    `asked` is the question (and the answer's figures) the source was opened from: it picks the table column
    to mark and scroll to. `fresh` is the passage paging just brought into view (marked for the page to focus).
    """
    if not passage_id:
        return EMPTY
    if passage_id not in report.position:
        return UNKNOWN
    asked = (asked or "")[:MAX_ASKED_CHARS]
    start, end = report.bounds(center if center in report.position else passage_id)
    window = list(report.passages[start:end])
    out: list[str] = [REPORT_START] if start == 0 else []
    previous: tuple[str, ...] = ()
    names: set[str] = set()
    i = 0
    while i < len(window):
        p = window[i]
        section = tuple(s for s in p.section.split(SECTION_SEP) if s) if p.section else ()
        out += _headings(previous, section, first=i == 0)
        previous = section
        if p.kind == "table_row" and p.table is not None:
            j = i
            while (j < len(window) and window[j].kind == "table_row" and (t := window[j].table) is not None
                   and t.title == p.table.title and window[j].section == p.section):
                j += 1
            t = p.table
            above = _rows_left(report, start + i, -1, t.title, p.section) if i == 0 else 0
            below = _rows_left(report, start + j - 1, 1, t.title, p.section) if j == len(window) else 0
            out.append(_table(window[i:j], passage_id, asked, fresh, above, below, _region_name(window[i:j], names)))
            i = j
            continue
        out.append(_block(p, passage_id, fresh))
        i += 1
    if end == len(report.passages):
        out.append(REPORT_END)
    target = report.passages[report.position[passage_id]]
    where = escape(place(target))
    intro = f'<p class="reader-where">Kilden er markert: {where}.</p>'
    return f'<div class="reader">{intro}{"".join(out)}</div>'

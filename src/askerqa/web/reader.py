"""The reader: a passage in its place in the report, with the passages before and after it.

Built from the indexed passages in report order (source lines): a heading where the section path changes,
paragraphs and bullets as text, consecutive rows of one table as an HTML table. The passage a source
points at is highlighted (`<mark>`, id `reader-hit`) so the page can scroll to it and focus it.
Every piece of report text is HTML-escaped.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from ..render import place
from ..text import SECTION_SEP
from ..types import Passage

AROUND = 5  # passages shown before and after the highlighted one
HIT_ID = "reader-hit"
EMPTY = "<p>Velg en kilde under et svar i «Spør» for å lese den her, i sin sammenheng.</p>"
UNKNOWN = "<p>Fant ikke denne delen av rapporten. Velg en kilde under et svar på nytt.</p>"


@dataclass(frozen=True)
class Report:
    """The passages in reading order, and where each one is."""

    passages: tuple[Passage, ...]
    position: dict[str, int]

    @classmethod
    def of(cls, passages: list[Passage]) -> Report:
        ordered = tuple(sorted(passages, key=lambda p: (p.lines[0], p.lines[1])))
        return cls(ordered, {p.id: i for i, p in enumerate(ordered)})

    def window(self, passage_id: str, around: int = AROUND) -> list[Passage]:
        i = self.position[passage_id]
        return list(self.passages[max(0, i - around): i + around + 1])

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


def _table(rows: list[Passage], hit: str) -> str:
    title = rows[0].table.title if rows[0].table else ""
    headers: list[str] = []
    for p in rows:
        for h, _ in p.table.cells if p.table else ():
            if h not in headers:
                headers.append(h)
    head = "".join(f'<th scope="col">{escape(h)}</th>' for h in headers)
    body = []
    for p in rows:
        cells = dict(p.table.cells) if p.table else {}
        label = escape(p.table.label if p.table else p.text)
        values = "".join(f"<td>{escape(cells.get(h, ''))}</td>" for h in headers)
        if p.id == hit:
            body.append(f'<tr id="{HIT_ID}" class="reader-hit" tabindex="-1"><th scope="row"><mark>{label}</mark></th>'
                        f"{values}</tr>")
        else:
            body.append(f'<tr><th scope="row">{label}</th>{values}</tr>')
    caption = f"<caption>{escape(title)}</caption>" if title else ""
    source = rows[-1].table.source if rows[-1].table else ""
    note = f'<p class="reader-source">{escape(source)}</p>' if source else ""
    name = escape(title or "Tabell")
    return (f'<div class="reader-table" role="region" aria-label="{name}" tabindex="0"><table>{caption}'
            f'<thead><tr><th scope="col">Rad</th>{head}</tr></thead><tbody>{"".join(body)}</tbody></table></div>{note}')


def _block(p: Passage, hit: str) -> str:
    text = escape(p.text)
    if p.id == hit:
        return f'<p id="{HIT_ID}" class="reader-hit" tabindex="-1"><mark>{text}</mark></p>'
    if p.kind in ("bullet", "list"):
        return f'<p class="reader-bullet">{text}</p>'
    if p.kind == "quote":
        return f"<blockquote>{text}</blockquote>"
    return f"<p>{text}</p>"


def render(report: Report, passage_id: str | None, center: str | None = None) -> str:
    """The reader's HTML for the passage `passage_id` (highlighted) and its neighbours, or those around
    `center` when the reader has paged on; a short message if there is nothing to show."""
    if not passage_id:
        return EMPTY
    if passage_id not in report.position:
        return UNKNOWN
    window = report.window(center if center in report.position else passage_id)
    out: list[str] = []
    previous: tuple[str, ...] = ()
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
            out.append(_table(window[i:j], passage_id))
            i = j
            continue
        out.append(_block(p, passage_id))
        i += 1
    target = report.passages[report.position[passage_id]]
    where = escape(place(target))
    intro = f'<p class="reader-where">Kilden er markert: {where}.</p>'
    return f'<div class="reader">{intro}{"".join(out)}</div>'

"""Figure-finder callbacks as plain functions, the hits as HTML (cards on a phone, columns on a wide screen),
and the short-lived CSV files they hand to Gradio."""

from __future__ import annotations

import html
import re
import tempfile
import time
from pathlib import Path
from typing import Any

from ..figures import FigureFinder, FigureRow, Series, chart_of, table, to_csv
from ..types import Passage
from ..units import mark_figures
from .chart import NOTHING, svg

ALL = "Alle deler"
NO_HITS = "Ingen treff. Prøv et annet ord, eller velg «Alle deler»."
MAX_QUERY_CHARS = 200  # a figure search is a few words; more is cut, not stored
_CSV_DIR = tempfile.TemporaryDirectory(prefix="askerqa-csv-")  # removed when the app exits
_CSV_KEEP_S = 600  # Gradio copies a returned file into its own cache at once; ours need not live long
PICK_ID = "figure-pick"  # the copy box's elem_id (ui.py): the scripts below find it by this
PICK_LABEL = "Valgt rad med kilde (kan kopieres)"
# The hits' script (gr.HTML js_on_load): choosing a row's button (click, Enter or Space) sends the row's
# index as a `select` event, as a Dataframe's row would; the chosen button is marked for the eye and for a
# screen reader (aria-current). One listener on the component, so it holds for every new list of hits.
# The copy box is made read-only, not disabled: a disabled box cannot be reached by keyboard or read by a
# screen reader. It is named by aria-label too: Gradio puts its copy button inside the box's <label>, and a
# label names its first control, so the label named the button, not the text. The box is drawn just after this
# component: the script tries again for a moment until it is there.
# The copy box made read-only and named (see above): one snippet, used by both scripts below.
_MARK_BOX = "box.readOnly = true; box.setAttribute('aria-label', '__LABEL__');"
CHOOSE_JS = """
const readOnly = (tries) => {
  const box = document.querySelector('#__PICK__ textarea');
  if (box) { __MARK__ }
  else if (tries > 0) setTimeout(() => readOnly(tries - 1), 100);
};
readOnly(50);
element.addEventListener('click', (event) => {
  const button = event.target.closest && event.target.closest('button.fig-pick');
  if (!button || !element.contains(button)) return;
  readOnly(0);
  for (const b of element.querySelectorAll('button.fig-pick[aria-current]')) b.removeAttribute('aria-current');
  button.setAttribute('aria-current', 'true');
  trigger('select', {index: Number(button.dataset.row), value: button.dataset.key});
});
""".replace("__MARK__", _MARK_BOX).replace("__PICK__", PICK_ID).replace("__LABEL__", PICK_LABEL)
# After a row is chosen, focus moves to the copy box, so the chosen row and its chart below are in view on a phone.
SHOW_PICK = """() => { setTimeout(() => {
  const box = document.querySelector('#__PICK__ textarea');
  if (!box) return;
  __MARK__
  box.scrollIntoView({block: 'start'});
  box.focus({preventScroll: true});
}, 60); }""".replace("__MARK__", _MARK_BOX).replace("__PICK__", PICK_ID).replace("__LABEL__", PICK_LABEL)


def csv_file(text: str, folder: Path | None = None) -> str:
    """Write one search's CSV (with a BOM for spreadsheets) and prune the old ones, so files do not pile up."""
    folder = folder or Path(_CSV_DIR.name)
    now = time.time()
    for old in folder.glob("*/askerqa-tall.csv"):
        if now - old.stat().st_mtime > _CSV_KEEP_S:
            old.unlink(missing_ok=True)
            old.parent.rmdir()
    sub = Path(tempfile.mkdtemp(dir=folder))  # one folder per search keeps the download name readable
    path = sub / "askerqa-tall.csv"
    path.write_text("\ufeff" + text, encoding="utf-8")
    return str(path)


def contact_line(passages: list[Passage]) -> str:
    """The kommune's phone, e-mail and address, read from the report's contact block."""
    text = next((p.text for p in passages if "Telefon:" in p.text and "@" in p.text), "")
    phone = re.search(r"Telefon:\s*(?:\+\s?47\s*)?(\d{2} \d{2} \d{2} \d{2})", text)
    mail = re.search(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+", text)
    street = re.search(r"Besøksadresse\s+(.+?\d+)\s+(\d{4} \w+)", text)
    bits = []
    if phone:
        bits.append(f"telefon {phone.group(1)}")
    if mail:
        bits.append(f"e-post {mail.group(0)}")
    if street:
        bits.append(f"besøksadresse {street.group(1)}, {street.group(2)}")
    return ", ".join(bits) if bits else "se asker.kommune.no"


def find(finder: FigureFinder, query: str | None, section: str | None) -> tuple[Any, str, list[FigureRow], str, str, str]:
    """Search rows -> (table frame, CSV path, rows, note, cleared copy box, cleared chart)."""
    import pandas as pd

    rows = finder.search((query or "")[:MAX_QUERY_CHARS], None if section in (None, "", ALL) else section)
    headers, body = table(rows)
    note = f"{len(rows)} treff." if rows else NO_HITS
    return pd.DataFrame(body, columns=headers), csv_file(to_csv(rows)), rows, note, "", _nothing()


def _nothing() -> str:
    return f'<p class="chart-note">{NOTHING}</p>'


def _unbroken_figures(text: str) -> str:
    """`text` escaped, each figure in it (`97 800`, `9,3 prosent`) kept on one line by the page's CSS."""
    _, spans = mark_figures(text)
    out, pos = [], 0
    for start, end in spans:
        out.append(f'{html.escape(text[pos:start])}<span class="fig-n">{html.escape(text[start:end])}</span>')
        pos = end
    return "".join(out) + html.escape(text[pos:])


def results_html(rows: list[FigureRow] | None) -> str:
    """The hits, one card per row: what (a button that chooses the row), its values one `år: verdi` a line, where
    in the report, its source. The page's CSS lays the cards out as four columns on a wide screen; every value
    is kept on one line (`97 800`, `7,7 %` never break), and each part carries its name for a screen reader."""
    if not rows:
        return ""
    cards = []
    for i, row in enumerate(rows):
        values = "".join(
            f'<li><span class="fig-h">{html.escape(h)}:</span> <span class="fig-v">{html.escape(v)}</span></li>'
            if h else f'<li><span class="fig-v">{html.escape(v)}</span></li>' for h, v in row.pairs())
        # the report prints its source lines as `Kilde: …`: shown so; one that does not say so gets the word
        tag = "" if row.source.lower().startswith("kilde") else '<span class="fig-tag">Kilde: </span>'
        source = f"{tag}{html.escape(row.source)}" if row.source else ""
        cards.append(
            f'<li class="fig-card"><div class="fig-what"><button type="button" class="fig-pick" data-row="{i}" '
            f'data-key="{html.escape(row.as_text(), quote=True)}">'
            f'{_unbroken_figures(row.label)}</button></div>'
            f'<div class="fig-values"><span class="fig-tag">Verdier: </span><ul>{values}</ul></div>'
            f'<div class="fig-where"><span class="fig-tag">Del av rapporten: </span>{html.escape(row.where())}</div>'
            f'<div class="fig-source">{source}</div></li>')
    head = "".join(f"<span>{h}</span>" for h in table([])[0])
    return (f'<div class="fig-results" role="region" aria-label="Treff: velg en rad for å kopiere den eller se '
            f'utviklingen"><div class="fig-head" aria-hidden="true">{head}</div>'
            f'<ol class="fig-list">{"".join(cards)}</ol></div>')


def row_table(row: FigureRow) -> str:
    """The chosen row with each column header as its own column (group and period apart), values as printed."""
    cells = row.cells or row.years
    if not cells:
        return ""
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h, _ in cells)
    values = "".join(f"<td>{html.escape(v)}</td>" for _, v in cells)
    return (f'<div class="row-table" role="region" aria-label="Valgt rad" tabindex="0"><table>'
            f'<caption>{html.escape(row.label)}</caption><thead><tr>{head}</tr></thead>'
            f"<tbody><tr>{values}</tr></tbody></table></div>")


def _same(shown: str, text: str) -> bool:
    return " ".join(shown.split()) == " ".join(text.split())


def pick(rows: list[FigureRow] | None, index: Any, shown: str | None = None) -> tuple[str, str]:
    """The chosen row as copyable text with its source, and its columns and chart (or why there is none) as HTML.

    `shown`: the chosen card's key, when the page sends it (the row's copyable text: label, values, source and
    place, so two rows that share a label differ). A click on a card of the previous list that arrives after a
    new search has replaced `rows` names a row the index no longer points at: the row is then found by its key,
    or nothing is chosen, never a row of the new list the user did not choose."""
    row_index = index[0] if isinstance(index, (list, tuple)) else index
    if not rows or not isinstance(row_index, int) or not 0 <= row_index < len(rows):
        return "", _nothing()
    if isinstance(shown, str) and shown.strip() and not _same(shown, rows[row_index].as_text()):
        row_index = next((i for i, r in enumerate(rows) if _same(shown, r.as_text())), -1)
        if row_index < 0:
            return "", _nothing()
    row = rows[row_index]
    chart = chart_of(row)
    if isinstance(chart, Series):
        return row.as_text(), row_table(row) + svg(chart)
    return row.as_text(), row_table(row) + svg(None, chart)

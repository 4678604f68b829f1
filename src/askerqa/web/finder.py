"""Figure-finder callbacks as plain functions, and the short-lived CSV files they hand to Gradio."""

from __future__ import annotations

import html
import re
import tempfile
import time
from pathlib import Path
from typing import Any

from ..figures import FigureFinder, FigureRow, chart_series, table, to_csv
from ..types import Passage
from .chart import NOTHING, svg

ALL = "Alle deler"
NO_HITS = "Ingen treff. Prøv et annet ord, eller velg «Alle deler»."
MAX_QUERY_CHARS = 200  # a figure search is a few words; more is cut, not stored
_CSV_DIR = tempfile.TemporaryDirectory(prefix="askerqa-csv-")  # removed when the app exits
_CSV_KEEP_S = 600  # Gradio copies a returned file into its own cache at once; ours need not live long


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


def pick(rows: list[FigureRow] | None, index: Any) -> tuple[str, str]:
    """The chosen row as copyable text with its source, and its columns and chart as HTML."""
    row_index = index[0] if isinstance(index, (list, tuple)) else index
    if not rows or not isinstance(row_index, int) or not 0 <= row_index < len(rows):
        return "", _nothing()
    row = rows[row_index]
    if not (row.cells or row.years):
        return row.as_text(), _nothing()
    return row.as_text(), row_table(row) + svg(chart_series(row))

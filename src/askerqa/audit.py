"""What ingest made of the report, for a person to check: tables next to their source lines, and every
clean line that reaches no passage with the reason why (`askerqa tables --audit`, `passages --dropped`)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from .ingest import IngestReport, TableRegion
from .passages import dropped_lines
from .text import SECTION_SEP
from .types import Passage

SOURCE_CONTEXT = 3  # lines shown above a table region: the title is often printed just before it


def source_lines(corpus: Path) -> list[str]:
    return corpus.read_text(encoding="utf-8").split("\n")


def format_table(n: int, region: TableRegion, raw: list[str]) -> str:
    """One table: its reconstruction (title, section, columns, rows as label + cells) above its source."""
    t = region.table
    first, last = region.lines
    out = [f"=== Tabell {n}: {t.title or '(uten tittel)'}",
           f"seksjon: {SECTION_SEP.join(region.section) or '-'}; linjer {first}–{last}"]
    for row in t.rows:
        cells = "; ".join(f"({h or '?'}: {v})" for h, v in row.cells)
        out.append(f"  rad [{row.lines[0]}–{row.lines[1]}] {row.label} = {cells}")
    for para in t.text_paragraphs:
        out.append(f"  tekst [{para[0][0]}–{para[-1][0]}] " + " / ".join(x.strip() for _, x in para))
    if t.source:
        out.append(f"  kilde: {t.source}")
    out.append("  --- kilde i rapporten:")
    for ln in range(max(1, first - SOURCE_CONTEXT), last + 1):
        out.append(f"  {ln:5d} | {raw[ln - 1].rstrip()}")
    return "\n".join(out)


def format_tables(report: IngestReport, raw: list[str], only: int | None = None) -> str:
    parts = [format_table(n, region, raw) for n, region in enumerate(report.tables, start=1)
             if only is None or n == only]
    return "\n\n".join(parts)


def format_dropped(passages: list[Passage], report: IngestReport, raw: list[str]) -> str:
    """Every clean line in no passage, grouped by reason, with its line number and text."""
    by_reason: dict[str, list[int]] = defaultdict(list)
    for ln, reason in dropped_lines(passages, report).items():
        by_reason[reason].append(ln)
    out: list[str] = []
    for reason in sorted(by_reason, key=lambda r: -len(by_reason[r])):
        lines = by_reason[reason]
        out.append(f"== {reason} ({len(lines)} linjer)")
        if reason == "empty":
            out.append("  linjer " + _ranges(lines))
        else:
            out.extend(f"  {ln:5d} | {raw[ln - 1].strip()}" for ln in lines)
    return "\n".join(out)


def _ranges(numbers: list[int]) -> str:
    """[1, 2, 3, 7] -> `1–3, 7`."""
    spans: list[list[int]] = []
    for n in sorted(numbers):
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    return ", ".join(f"{a}–{b}" if a != b else str(a) for a, b in spans)

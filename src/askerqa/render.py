"""Answer -> chat message (Markdown). Every piece of report or user text is escaped: shown, never run.

Three states, as the engine decides them: found (one quote), uncertain (the possible answers, each with
its own source number) and not found (where to ask instead, and the nearest passages marked as no answer).
Each source is a link that opens the passage in the reader (`?les=<passage id>`, see web/reader.py).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from urllib.parse import quote

from .types import Answer, Passage

NOT_FOUND = "Jeg finner ikke noe sikkert svar på dette i rapporten."
UNCERTAIN = "Usikkert svar – sjekk kildene."
UNCERTAIN_WHY = "Jeg fant flere mulige svar og er ikke sikker på hvilket som stemmer."
POSSIBLE = "Mulige svar"
NEAREST = "Nærmeste passasjer i rapporten (ikke et svar):"
INTERPRETED = "Tolket som:"
ENGLISH = "The quote is in Norwegian, as the report is."
READ_PARAM = "les"  # ?les=<passage id> opens the passage in the reader
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~^$])")
_EXCERPT_WORDS = 8


def escape(text: str) -> str:
    """Plain text for Markdown: HTML is escaped and Markdown/LaTeX syntax is neutralised."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def mark(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    """The quote, escaped, with its figures in bold."""
    out, pos = [], 0
    for start, end in spans:
        out.append(escape(text[pos:start]))
        out.append(f"**{escape(text[start:end])}**")
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out)


def page_label(p: Passage) -> str:
    """The page a reader turns to (`side 12`), or "" when the report prints none for the passage (a page
    segment number means nothing to a citizen)."""
    return f"side {p.printed_page}" if p.printed_page else ""


def place(p: Passage) -> str:
    """Where a passage is, as a reader finds it: chapter › section, and the printed page only when the report
    prints one."""
    where = p.section or "Rapporten"
    page = page_label(p)
    return f"{where}, {page}" if page else where


def excerpt(p: Passage, words: int = _EXCERPT_WORDS) -> str:
    """The start of a passage (a table row's own label), to tell two sources in one section apart."""
    if p.table is not None and p.table.label:
        return p.table.label
    parts = p.text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def source_labels(passages: list[Passage]) -> list[str]:
    """One label per source; where two would read the same, each gets its excerpt, then its line span."""
    labels = [place(p) for p in passages]
    for _ in range(2):
        seen: dict[str, int] = {}
        for label in labels:
            seen[label] = seen.get(label, 0) + 1
        for i, p in enumerate(passages):
            if seen[labels[i]] > 1:
                extra = f"«{excerpt(p)}»" if "«" not in labels[i] else f"linje {p.lines[0]}–{p.lines[1]}"
                labels[i] = f"{labels[i]} – {extra}"
    return labels


def read_link(passage_id: str) -> str:
    return f"?{READ_PARAM}={quote(passage_id, safe='')}"


def cited(answer: Answer, passages: Mapping[str, Passage] | None = None, limit: int = 3) -> list[Passage]:
    """The sources of one answer, numbered from 1: the best hits, then any quoted passage not among them."""
    out = [h.passage for h in answer.hits[:limit]]
    by_id = {h.passage.id: h.passage for h in answer.hits}
    wanted = [answer.passage_id] if answer.status == "found" else []
    wanted += [a.passage_id for a in answer.alternatives] if answer.status == "uncertain" else []
    for pid in wanted:
        p = by_id.get(pid or "") or (passages or {}).get(pid or "")
        if p is not None and all(q.id != p.id for q in out):
            out.append(p)
    return out


def _number(sources: list[Passage], passage_id: str | None) -> str:
    n = next((i for i, p in enumerate(sources, 1) if p.id == passage_id), None)
    return f" \\[{n}\\]" if n else ""


def _source_list(sources: list[Passage], with_text: bool = False) -> str:
    items = []
    for n, (p, label) in enumerate(zip(sources, source_labels(sources), strict=True), 1):
        item = f"\\[{n}\\] [{escape(label)}]({read_link(p.id)})"
        if with_text:
            item += f"\n\n> {escape(p.text)}"
        items.append(item)
    return "\n\n".join(items)


def compared_table(answer: Answer, passages: Mapping[str, Passage] | None = None) -> str:
    """A comparison's rows as a small table (label, then each column as printed), or, when a row's cells are
    not at hand, each row quoted whole."""
    found = [(passages or {}).get(r.passage_id) for r in answer.rows]
    tables = [p.table for p in found if p is not None and p.table is not None]
    if not tables or len(tables) != len(answer.rows):
        return "\n".join(f"- «{mark(r.text, r.spans)}»" for r in answer.rows)
    headers = list(dict.fromkeys(h for t in tables for h, _ in t.cells))
    lines = ["| | " + " | ".join(escape(h) for h in headers) + " |", "|---" * (len(headers) + 1) + "|"]
    for t in tables:
        cells = dict(t.cells)
        lines.append(f"| {escape(t.label)} | " + " | ".join(escape(cells.get(h, "")) for h in headers) + " |")
    return "\n".join(lines)


def _comparison(answer: Answer, passages: Mapping[str, Passage] | None) -> list[str]:
    if not answer.comparison:
        return []
    return [f"**{escape(answer.comparison)}**", compared_table(answer, passages)]


def render_answer(answer: Answer, passages: Mapping[str, Passage] | None = None, contact: str = "") -> str:
    """The chat message for one answer; `passages` finds quoted passages outside the hits, `contact`
    is where to ask instead when the report has no answer."""
    parts = []
    if answer.interpreted and answer.interpreted.strip() != answer.question.strip():
        parts.append(f"*{INTERPRETED} {escape(answer.interpreted)}*")
    if answer.notice:
        parts.append(f"*{escape(answer.notice)}*")
    status = answer.status  # `found` is the same fact (Answer keeps both for the JSON contract)
    sources = cited(answer, passages)
    if status == "found":
        if answer.lead:
            parts.append(f"**{escape(answer.lead)}**")
        parts += _comparison(answer, passages)
        parts.append(f"«{mark(answer.text, answer.spans)}»{_number(sources, answer.passage_id)}")
        if answer.english:
            parts.append(f"*{ENGLISH}*")
        if answer.note:
            parts.append(f"*{escape(answer.note)}*")
        parts.append("**Kilder** (velg en kilde for å lese den i rapporten)\n\n" + _source_list(sources))
    elif status == "uncertain" and answer.alternatives:
        parts.append(f"**{UNCERTAIN}** {UNCERTAIN_WHY}")
        if answer.lead:  # the asked cell of the best quote, as a found answer shows it
            parts.append(f"**{escape(answer.lead)}**")
        parts += _comparison(answer, passages)
        if answer.note:
            parts.append(f"*{escape(answer.note)}*")
        items = [f"{n}. «{mark(a.text, a.spans)}»{_number(sources, a.passage_id)}"
                 for n, a in enumerate(answer.alternatives, 1)]
        parts.append(f"**{POSSIBLE}**\n\n" + "\n".join(items))
        if answer.english:
            parts.append(f"*{ENGLISH}*")
        parts.append("**Kilder** (velg en kilde for å lese den i rapporten)\n\n" + _source_list(sources))
    else:
        parts.append(NOT_FOUND)
        if answer.note:
            parts.append(escape(answer.note))
        if contact:
            parts.append(f"Du kan spørre kommunen direkte: {escape(contact)}.")
        if sources:
            parts.append(f"**{NEAREST}**\n\n" + _source_list(sources, with_text=True))
    return "\n\n".join(parts)


def render_error(message: str) -> str:
    return f"Beklager, det kan jeg ikke søke på: {escape(message)}"

"""Answer -> chat message (Markdown). Every piece of report or user text is escaped: shown, never run."""

from __future__ import annotations

import html
import re

from .types import Answer, Passage

NOT_FOUND = "Jeg finner ikke noe sikkert svar på dette i rapporten."
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+!|~^$])")


def escape(text: str) -> str:
    """Plain text for Markdown: HTML is escaped and Markdown/LaTeX syntax is neutralised."""
    return _MD_SPECIAL.sub(r"\\\1", html.escape(text, quote=False))


def _page(p: Passage) -> str:
    return f"side {p.printed_page}" if p.printed_page else f"sidesegment {p.page}"


def mark(text: str, spans: tuple[tuple[int, int], ...]) -> str:
    """The quote, escaped, with its figures in bold."""
    out, pos = [], 0
    for start, end in spans:
        out.append(escape(text[pos:start]))
        out.append(f"**{escape(text[start:end])}**")
        pos = end
    out.append(escape(text[pos:]))
    return "".join(out)


def sources(answer: Answer, limit: int = 3) -> str:
    """Numbered sources: section path and page as a summary line, the passage itself folded inside."""
    items = []
    for h in answer.hits[:limit]:
        p = h.passage
        where = escape(f"{p.section or 'Rapporten'}, {_page(p)}")
        items.append(f"<details><summary>[{h.rank}] {where}</summary>\n\n{escape(p.text)}\n\n</details>")
    return "\n".join(items)


def render_answer(answer: Answer) -> str:
    parts = []
    if answer.notice:
        parts.append(f"*{escape(answer.notice)}*")
    if answer.found:
        cited = next((h.rank for h in answer.hits if h.passage.id == answer.passage_id), None)
        ref = f" [{cited}]" if cited else ""
        parts.append(f"«{mark(answer.text, answer.spans)}»{ref}")
        if answer.english:
            parts.append("*The quote is in Norwegian, as the report is.*")
        parts.append("**Kilder**\n\n" + sources(answer))
    else:
        parts.append(NOT_FOUND)
        parts.append("**Nærmeste passasjer i rapporten (ikke et sikkert svar):**\n\n" + sources(answer))
    return "\n\n".join(parts)


def render_error(message: str) -> str:
    return f"Beklager, det kan jeg ikke søke på: {escape(message)}"

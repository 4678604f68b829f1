"""Blocks -> passages: the units that are indexed, retrieved and quoted.

Prose is split into sentences with nltk Punkt (taught Norwegian abbreviations, no download) and packed
into passages of at most ~120 words and 1,000 characters, never cutting a sentence; a table row, a
bullet and a quote each stay one passage. A run of short bullets (names, not sentences) becomes one
`list` passage with the sentence that leads into it (`... fem hovedutvalg:`), so that "which ..."
questions can be answered with the whole list.
"""

from __future__ import annotations

import hashlib
import re
from functools import lru_cache
from pathlib import Path

from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

from .ingest import BULLET, IngestReport, ingest
from .text import SECTION_SEP
from .types import Block, Passage, PassageKind

MAX_WORDS = 120
MAX_PASSAGE_CHARS = 1000  # a passage's length (query.MAX_CHARS is a question's)
LIST_ITEM_WORDS = 12  # a bullet this short is an item of a list, not a statement of its own

NORWEGIAN_ABBREVIATIONS = {
    "ca", "bl.a", "f.eks", "mill", "mrd", "kr", "nr", "jf", "dvs", "osv", "mht", "inkl", "evt", "ev",
    "pga", "p.g.a", "iht", "ift", "mv", "m.m", "m.fl", "o.l", "t.o.m", "f.o.m", "etc", "bl", "tlf", "e",
    "st", "str", "ref", "vedr", "kap", "pkt", "nb", "ekskl", "gj.snitt", "mnd", "år", "stk", "prof", "dr",
}


@lru_cache(maxsize=1)
def sentence_tokenizer() -> PunktSentenceTokenizer:
    params = PunktParameters()
    params.abbrev_types = set(NORWEGIAN_ABBREVIATIONS)
    return PunktSentenceTokenizer(params)


# Punkt treats "8." before a lowercase word correctly, but not before a capitalised name ("1. januar"
# is fine, "8. Største" is not in this report); a number with a period followed by a lowercase word
# is never a sentence end here.
_ORDINAL_BREAK = re.compile(r"\b\d{1,2}\.$")


def split_sentences(text: str) -> list[str]:
    """Split Norwegian text into sentences; `ca. 97 800`, `8. største`, `09.06.20` stay whole."""
    spans = list(sentence_tokenizer().span_tokenize(text))
    out: list[str] = []
    for start, end in spans:
        piece = text[start:end]
        if out and (_ORDINAL_BREAK.search(out[-1]) or piece[:1].islower()):
            out[-1] = out[-1] + " " + piece
        else:
            out.append(piece)
    return out


def _words(text: str) -> int:
    return len(text.split())


def _passage_id(kind: str, lines: tuple[int, int], text: str) -> str:
    digest = hashlib.sha1(f"{kind}|{lines[0]}|{lines[1]}|{text}".encode()).hexdigest()[:8]
    return f"L{lines[0]:05d}-{digest}"


def _pack(sentences: list[str]) -> list[str]:
    """Greedy packing of whole sentences into chunks within the word and character limits."""
    chunks: list[str] = []
    cur = ""
    for s in sentences:
        cand = f"{cur} {s}".strip()
        if cur and (_words(cand) > MAX_WORDS or len(cand) > MAX_PASSAGE_CHARS):
            chunks.append(cur)
            cur = s
        else:
            cur = cand
    if cur:
        chunks.append(cur)
    # a single sentence over the character limit is cut at word boundaries (rare: long lists)
    out: list[str] = []
    for c in chunks:
        while len(c) > MAX_PASSAGE_CHARS:
            cut = c.rfind(" ", 0, MAX_PASSAGE_CHARS)
            out.append(c[:cut])
            c = c[cut + 1 :]
        out.append(c)
    return out


def _merge_continued(blocks: list[Block]) -> list[Block]:
    """Join a prose paragraph that a page break cut in two (`... og` | `næringslivet, jobbet ...`)."""
    out: list[Block] = []
    for b in blocks:
        prev = out[-1] if out else None
        if (
            prev is not None
            and b.kind == "prose"
            and prev.kind == "prose"
            and b.text[:1].islower()
            and not prev.text.rstrip().endswith((".", "!", "?", ":", "»"))
        ):
            out[-1] = Block("prose", prev.text + " " + b.text, prev.section, prev.page, prev.printed_page,
                            (prev.lines[0], b.lines[1]))
        else:
            out.append(b)
    return out


def _pack_prose(group: list[Block]) -> list[tuple[str, tuple[int, int]]]:
    """Pack the sentences of consecutive paragraphs into passages; each keeps the line span it covers."""
    out: list[tuple[str, tuple[int, int]]] = []
    chunk: list[tuple[str, Block]] = []

    def flush() -> None:
        if chunk:
            lines = (chunk[0][1].lines[0], chunk[-1][1].lines[1])
            out.extend((piece, lines) for piece in _pack([x for x, _ in chunk]))
            chunk.clear()

    for g in group:
        for s in split_sentences(g.text):
            cand = " ".join([x for x, _ in chunk] + [s])
            if chunk and (_words(cand) > MAX_WORDS or len(cand) > MAX_PASSAGE_CHARS):
                flush()
            chunk.append((s, g))
    flush()
    return out


def _is_item(b: Block) -> bool:
    return b.kind == "bullet" and _words(b.text) <= LIST_ITEM_WORDS and not b.text.rstrip().endswith(".")


def _list_run(blocks: list[Block], i: int) -> int:
    """End index of the run of short bullets starting at i (of one section and page); i if fewer than two."""
    j = i
    while (j < len(blocks) and _is_item(blocks[j]) and blocks[j].section == blocks[i].section
           and blocks[j].page == blocks[i].page):
        j += 1
    return j if j - i >= 2 else i


def _list_passages(lead: str, items: list[Block]) -> list[tuple[str, list[Block]]]:
    """`Lead-in: → item → item`, with the report's own arrows and nothing added, packed within the
    passage limits (a long list continues in a second passage)."""
    out: list[tuple[str, list[Block]]] = []
    text = lead
    chunk: list[Block] = []
    for b in items:
        cand = f"{text} {BULLET} {b.text}".strip()
        if chunk and (_words(cand) > MAX_WORDS or len(cand) > MAX_PASSAGE_CHARS):
            out.append((text, chunk))
            text, chunk = f"{BULLET} {b.text}", []
            cand = text
        text = cand
        chunk.append(b)
    out.append((text, chunk))
    return out


def list_item_spans(text: str) -> list[tuple[int, int]]:
    """A list passage's lead-in and items (`Lead: → item → item`) as character spans of its text."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in re.finditer(rf"\s*{BULLET}\s*", text):
        if m.start() > start:
            spans.append((start, m.start()))
        start = m.end()
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def build_passages(blocks: list[Block]) -> list[Passage]:
    passages: list[Passage] = []
    seen: set[str] = set()

    def add(kind: PassageKind, text: str, b: Block, lines: tuple[int, int]) -> None:
        key = re.sub(r"\s+", " ", text).strip().lower()
        if not key or key in seen:
            return
        seen.add(key)
        passages.append(Passage(_passage_id(kind, lines, text), text, SECTION_SEP.join(b.section), b.page,
                                b.printed_page, lines, kind, b.table))

    blocks = _merge_continued(blocks)
    i = 0
    while i < len(blocks):
        b = blocks[i]
        if b.kind == "prose":
            # pack consecutive prose paragraphs of one section and page into passages
            group = [b]
            j = i + 1
            while (j < len(blocks) and blocks[j].kind == "prose" and blocks[j].section == b.section
                   and blocks[j].page == b.page):
                group.append(blocks[j])
                j += 1
            packed = _pack_prose(group)
            end = _list_run(blocks, j)
            lead = ""
            if end > j and group[-1].section == blocks[j].section and group[-1].text.rstrip().endswith(":"):
                # the sentence that leads into a list goes with the list
                lead = split_sentences(group[-1].text)[-1]
                text, lines = packed[-1]
                if text.endswith(lead):
                    packed[-1] = (text[: len(text) - len(lead)].rstrip(), lines)
                else:
                    lead = ""
            for text, lines in packed:
                add("prose", text, b, lines)
            if end > j:
                for n, (text, items) in enumerate(_list_passages(lead, blocks[j:end])):
                    start_line = group[-1].lines[1] if lead and n == 0 else items[0].lines[0]
                    add("list", text, items[0], (start_line, items[-1].lines[1]))
            i = max(j, end)
            continue
        end = _list_run(blocks, i)
        if end > i:
            for text, items in _list_passages("", blocks[i:end]):
                add("list", text, items[0], (items[0].lines[0], items[-1].lines[1]))
            i = end
            continue
        if b.kind == "table_row" or _words(b.text) <= MAX_WORDS and len(b.text) <= MAX_PASSAGE_CHARS:
            add(b.kind, b.text, b, b.lines)
        else:
            for piece in _pack(split_sentences(b.text)):
                add(b.kind, piece, b, b.lines)
        i += 1
    return passages


def load_passages(corpus: Path) -> tuple[list[Passage], IngestReport]:
    blocks, report = ingest(corpus)
    passages = build_passages(blocks)
    _record_duplicates(blocks, passages, report)
    return passages, report


def _record_duplicates(blocks: list[Block], passages: list[Passage], report: IngestReport) -> None:
    """A block whose text an earlier passage already holds (a repeated box) reaches no passage."""
    covered = _covered(passages)
    for b in blocks:
        lines = [ln for ln in range(b.lines[0], b.lines[1] + 1) if ln not in covered]
        if lines:
            report.drop((lines[0], lines[-1]), "duplicate")


def _covered(passages: list[Passage]) -> set[int]:
    return {ln for p in passages for ln in range(p.lines[0], p.lines[1] + 1)}


UNACCOUNTED = "unaccounted"


def dropped_lines(passages: list[Passage], report: IngestReport) -> dict[int, str]:
    """Every line of the clean rendering that lies in no passage's line span -> why (`unaccounted` when
    ingest recorded no reason: a bug)."""
    covered = _covered(passages)
    return {ln: report.dropped_lines.get(ln, UNACCOUNTED)
            for ln in range(1, report.clean_lines + 1) if ln not in covered}

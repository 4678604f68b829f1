"""The data types that flow through the pipeline: Block -> Passage -> Hit -> Answer."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

BlockKind = Literal["prose", "bullet", "quote", "table_row", "table_text", "source"]
PassageKind = BlockKind | Literal["list"]  # a list: a lead-in with its bullets, joined by passages.py
Status = Literal["found", "uncertain", "not_found"]


@dataclass(frozen=True)
class TableRow:
    """One parsed table row: values exactly as printed, each with its column header."""

    title: str
    label: str
    cells: tuple[tuple[str, str], ...]  # (column header, value); header "" when unknown
    source: str = ""


@dataclass(frozen=True)
class Block:
    """A typed piece of the report with provenance, as ingest finds it."""

    kind: BlockKind
    text: str
    section: tuple[str, ...]
    page: int  # page segment number (1-based)
    printed_page: int | None
    lines: tuple[int, int]  # 1-based inclusive span in the raw file
    table: TableRow | None = None


@dataclass(frozen=True)
class Passage:
    """The unit that is indexed, retrieved and quoted."""

    id: str
    text: str
    section: str  # path, e.g. "Medarbeidere › Heltidskultur"
    page: int
    printed_page: int | None
    lines: tuple[int, int]
    kind: PassageKind
    table: TableRow | None = None

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["lines"] = list(self.lines)
        if self.table is None:
            d.pop("table")
        else:
            d["table"]["cells"] = [list(c) for c in self.table.cells]
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Passage:
        table = d.get("table")
        row = None
        if table:
            row = TableRow(table["title"], table["label"], tuple(tuple(c) for c in table["cells"]), table.get("source", ""))
        return cls(d["id"], d["text"], d["section"], d["page"], d.get("printed_page"), tuple(d["lines"]), d["kind"], row)


@dataclass(frozen=True)
class Hit:
    passage: Passage
    score: float
    rank: int


@dataclass(frozen=True)
class Alternative:
    """A possible answer shown when the engine is unsure: a verbatim quote to check against its source."""

    text: str
    passage_id: str
    figures: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Answer:
    question: str
    text: str  # verbatim quote from the report ("" when nothing is found)
    figures: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]
    found: bool
    confidence: float
    passage_id: str | None
    hits: tuple[Hit, ...] = field(default=())
    latency_ms: float = 0.0
    notice: str = ""  # e.g. the question was cut to the length limit
    english: bool = False  # asked in English (the quote stays Norwegian)
    status: Status = "not_found"  # `found` is status == "found"
    alternatives: tuple[Alternative, ...] = ()  # when uncertain: the best quotes from different passages
    note: str = ""  # e.g. the report has the topic but not the asked year
    interpreted: str = ""  # the standalone question that was searched (a follow-up read with its context)
    lead: str = ""  # when the quote is a table row: the cell the question asks for, verbatim ("2021: 8,4 %")
    # a comparison (askerqa.compare): the table rows compared, each verbatim, the answering one first, and the
    # line reading their cells as printed («Høyest: Bærum kommune 18,0 % (2021-2022)»)
    rows: tuple[Alternative, ...] = ()
    comparison: str = ""

    def __post_init__(self) -> None:
        # `found` is the JSON contract's word for status == "found"; both are kept, so they must agree
        if self.found != (self.status == "found"):
            raise ValueError(f"Answer.found={self.found} does not match status={self.status!r}")

"""The JSON contract of an answer, shared by `askerqa ask --json` and `POST /api/ask` (one shape, one range).

Both fronts import it from here, so neither sits above the other: the CLI and the web layer are siblings
over the engine. The fields are described for users in README.md ("The JSON contract").
"""

from __future__ import annotations

from typing import Any

from .types import Answer

DEFAULT_TOP_K = 5  # sources returned when the caller does not say
MAX_TOP_K = 20  # `--top-k` and the API's `top_k` take 1 to MAX_TOP_K sources


def answer_json(answer: Answer, top_k: int) -> dict[str, Any]:
    """One answer as the JSON object both fronts return, with its first `top_k` sources."""
    return {
        "question": answer.question,
        "answer": {
            "text": answer.text,
            "figures": list(answer.figures),
            "spans": [list(s) for s in answer.spans],
            "found": answer.found,
            "status": answer.status,
            "confidence": answer.confidence,
            "passage_id": answer.passage_id,
            "lead": answer.lead,
            "note": answer.note,
            "alternatives": [{"text": a.text, "passage_id": a.passage_id, "figures": list(a.figures),
                              "spans": [list(s) for s in a.spans]} for a in answer.alternatives],
            # a comparison across a table: the rows compared (verbatim, the answering one first) and the line
            # that reads their printed cells
            "comparison": answer.comparison,
            "rows": [{"text": r.text, "passage_id": r.passage_id, "figures": list(r.figures),
                      "spans": [list(s) for s in r.spans]} for r in answer.rows],
        },
        "interpreted": answer.interpreted or answer.question,
        "passages": [
            {"rank": h.rank, "id": h.passage.id, "text": h.passage.text, "section": h.passage.section,
             "page": h.passage.page, "lines": list(h.passage.lines), "kind": h.passage.kind,
             "score": round(h.score, 6)}
            for h in answer.hits[:top_k]
        ],
        "latency_ms": answer.latency_ms,
    }

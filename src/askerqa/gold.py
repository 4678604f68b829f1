"""The gold question files (eval/README.md): one validated question per JSON line.

Read by the evaluation and by the encoder's adaptation (adapt.py), which trains on this project's own sets.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .errors import BadGoldFile


@dataclass
class Question:
    id: str
    type: str
    question: str
    evidence: list[list[str]]
    figures: list[str]
    answerable: bool
    context: list[str] = field(default_factory=list)  # earlier questions of the conversation, oldest first


def _check(d: object, where: str) -> Question:
    """One gold line, validated: a clear Norwegian reason for anything the matching rule cannot use."""
    if not isinstance(d, dict):
        raise BadGoldFile(f"{where}: linjen er ikke et JSON-objekt.")
    for key in ("id", "question"):
        if not isinstance(d.get(key), str) or not d[key].strip():
            raise BadGoldFile(f"{where}: feltet «{key}» mangler eller er ikke tekst.")
    answerable = d.get("answerable", True)
    if not isinstance(answerable, bool):
        raise BadGoldFile(f"{where}: «answerable» må være true eller false.")
    evidence = d.get("evidence", [])
    if not isinstance(evidence, list) or not all(
        isinstance(alt, list) and alt and all(isinstance(s, str) and s for s in alt) for alt in evidence
    ):
        raise BadGoldFile(f"{where}: «evidence» må være en liste av alternativer, hvert en liste av tekster "
                          '(f.eks. [["sykefravær", "9,3"]]).')
    if answerable and not evidence:
        raise BadGoldFile(f"{where}: et besvarbart spørsmål må ha «evidence».")
    figures = d.get("figures", [])
    context = d.get("context", [])
    if not isinstance(figures, list) or not all(isinstance(f, str) for f in figures):
        raise BadGoldFile(f"{where}: «figures» må være en liste av tekster.")
    if not isinstance(context, list) or not all(isinstance(c, str) for c in context):
        raise BadGoldFile(f"{where}: «context» må være en liste av tidligere spørsmål.")
    kind = d.get("type", "")
    return Question(d["id"], kind if isinstance(kind, str) else "", d["question"], evidence, figures, answerable, context)


def load_questions(path: Path) -> list[Question]:
    """Read a gold file; raise BadGoldFile naming the file, line and problem."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise BadGoldFile(f"Kan ikke lese spørsmålsfilen {path}: {exc.__class__.__name__}.") from None
    out, ids = [], set()
    for n, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{path}, linje {n}"
        try:
            d = json.loads(line)
        except ValueError:
            raise BadGoldFile(f"{where}: linjen er ikke gyldig JSON.") from None
        q = _check(d, where)
        if q.id in ids:
            raise BadGoldFile(f"{where}: id «{q.id}» finnes allerede tidligere i filen.")
        ids.add(q.id)
        out.append(q)
    if not out:
        raise BadGoldFile(f"{path}: filen har ingen spørsmål.")
    return out

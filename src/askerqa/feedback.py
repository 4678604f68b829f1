"""Thumbs up/down on answers, stored in a local SQLite file with personal data redacted first.

Stored: the (redacted) question, the answer's passage id, the vote and the time. Never an IP address or
a user id.
"""

from __future__ import annotations

import re
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# fødselsnummer: 11 digits, often written 6 + 5
_NATIONAL_ID = re.compile(r"(?<!\d)\d{6}[ .-]?\d{5}(?!\d)")
# Norwegian phone numbers: 8 digits in the usual groupings, optionally +47 / 0047
_PREFIX = r"(?<![\d\w])(?:(?:\+|00)\s?47[\s.-]?)?"
_PHONE = re.compile(_PREFIX + r"(?:\d{2}[\s.-]?){3}\d{2}(?!\d)|" + _PREFIX + r"\d{3}[\s.-]?\d{2}[\s.-]?\d{3}(?!\d)")


def redact(text: str) -> str:
    """Remove e-mail addresses, national identity numbers and phone numbers from a question."""
    text = _EMAIL.sub("[e-post]", text)
    text = _NATIONAL_ID.sub("[fødselsnummer]", text)
    return _PHONE.sub("[telefon]", text)


@dataclass(frozen=True)
class Vote:
    time: str
    question: str
    passage_id: str | None
    vote: int  # +1 or -1


class FeedbackStore:
    """One SQLite file; safe to use from the app's worker threads."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.execute(
                "CREATE TABLE IF NOT EXISTS feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT NOT NULL, "
                "question TEXT NOT NULL, passage_id TEXT, vote INTEGER NOT NULL CHECK (vote IN (-1, 1)))"
            )

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=10)

    def add(self, question: str, passage_id: str | None, liked: bool) -> Vote:
        vote = Vote(datetime.now(UTC).isoformat(timespec="seconds"), redact(question), passage_id, 1 if liked else -1)
        with self._lock, self._connect() as db:
            db.execute("INSERT INTO feedback (time, question, passage_id, vote) VALUES (?, ?, ?, ?)",
                       (vote.time, vote.question, vote.passage_id, vote.vote))
        return vote

    def all(self) -> list[Vote]:
        with self._connect() as db:
            rows = db.execute("SELECT time, question, passage_id, vote FROM feedback ORDER BY id").fetchall()
        return [Vote(*r) for r in rows]

    def summary(self) -> str:
        votes = self.all()
        if not votes:
            return f"Ingen tilbakemeldinger ennå ({self.path})."
        up = sum(v.vote > 0 for v in votes)
        lines = [f"Tilbakemeldinger: {len(votes)} (👍 {up}, 👎 {len(votes) - up}) i {self.path}"]
        down = [v for v in votes if v.vote < 0]
        if down:
            lines.append("Siste svar som fikk tommel ned:")
            lines += [f"  {v.time}  {v.passage_id or '–'}  {v.question}" for v in down[-10:]]
        return "\n".join(lines)

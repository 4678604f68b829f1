"""Thumbs up/down on answers, stored in a local SQLite file with personal data redacted first.

Stored: the (redacted) question, the answer's passage id, the vote and the time. Never an IP address or
a user id.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

from .errors import FeedbackError, VoteNotSaved

log = logging.getLogger(__name__)

# Characters that are invisible between digits (zero-width space and joiners, soft hyphen, BOM).
_INVISIBLE = "\u00ad\u200b\u200c\u200d\u2060\ufeff"
# Spaces people (and word processors) put inside numbers: space, tab, no-break, figure, thin, narrow.
_SPACE = " \t\u00a0\u2007\u2009\u202f"
_JOIN = rf"[{_INVISIBLE}]*(?:[{_SPACE}]{{1,2}}|[{_SPACE}]?[./-][{_SPACE}]?)[{_INVISIBLE}]*"
# A run of digit groups: invisibles glue digits into one group, a space or . / - separates groups.
_RUN = re.compile(rf"(?<![\d])\d(?:[{_INVISIBLE}]*\d|{_JOIN}\d)*")

# Groupings of the 11 digits of a fødselsnummer and of the 8 digits of a phone number without prefix.
# Years and amounts (groups of 4, or of 3 after the first) never fit one of these.
_FNR_SHAPES = ((11,), (6, 5), (6, 3, 2), (2, 2, 2, 5), (2, 2, 2, 3, 2))
_PHONE_SHAPES = ((8,), (2, 2, 2, 2), (3, 2, 3))
# A phone number after +47, 0047 or tlf/telefon/mobil: any grouping of 8 digits.
_EIGHT = rf"\d(?:{_JOIN}\d|[{_INVISIBLE}]*\d){{7}}(?![\d])"
_PREFIXED_PHONE = re.compile(
    rf"(?:(?:\+|(?<![\d])00)[{_SPACE}]?47|\b(?:tlf|telefon(?:nummer)?|mobil(?:nummer)?|mob)\b\.?:?|\btlf(?=\d))"
    rf"[{_SPACE}.:/-]*(?:\(0\)[{_SPACE}]?)?{_EIGHT}",
    re.I,
)
# E-mail, also written `ola (at) asker.no`, `ola[at]asker[dot]no` or `ola at asker dot no`. A bare ` at `
# needs a spelled-out dot as well, so "look at asker.no" stays a question.
_SPELLED_DOT = r"(?:\s*[(\[{<]\s*(?:dot|punktum|prikk)\s*[)\]}>]\s*|\s+(?:dot|punktum|prikk)\s+)"
_DOT = rf"(?:\.|{_SPELLED_DOT})"
_AT = r"(?:\s*@\s*|\s*[(\[{<]\s*(?:at|@|alfa|krøllalfa)\s*[)\]}>]\s*|\s+krøllalfa\s+)"
_EMAIL = re.compile(rf"(?<![\w.+-])[\w.+-]++{_AT}[\w-]+(?:{_DOT}[\w-]+)*{_DOT}[a-z]{{2,12}}\b", re.I)
_EMAIL_WORDS = re.compile(rf"(?<![\w.+-])[\w.+-]++\s+at\s+[\w-]+(?:{_DOT}[\w-]+)*{_SPELLED_DOT}[a-z]{{2,12}}\b", re.I)

_FNR_WEIGHTS_1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_FNR_WEIGHTS_2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def valid_fnr(digits: str) -> bool:
    """An 11-digit fødselsnummer (or D-/H-number) with a possible birth date and both mod-11 check digits."""
    if len(digits) != 11 or not digits.isdigit():
        return False
    d = [int(c) for c in digits]
    day, month = int(digits[:2]), int(digits[2:4])
    if not (1 <= day % 40 <= 31 and day < 72) or not (1 <= month % 40 <= 12 and month < 53 or 81 <= month <= 92):
        return False
    for weights, check in ((_FNR_WEIGHTS_1, 9), (_FNR_WEIGHTS_2, 10)):
        k = 11 - sum(w * x for w, x in zip(weights, d, strict=False)) % 11
        if k == 10 or k % 11 != d[check]:
            return False
    return True


def _phone_digits_ok(digits: str) -> bool:
    """A Norwegian 8-digit number starts with 2-9; two years (`20202023`) are a range, not a phone."""
    if digits[0] in "01":
        return False
    a, b = int(digits[:4]), int(digits[4:])
    return not (1900 <= a <= 2099 and 1900 <= b <= 2099 and 0 <= b - a <= 20)


def _take(pieces: list[tuple[int, int, str, bool]], i: int, shape: tuple[int, ...]) -> tuple[int, str] | None:
    """Match `shape` from piece i. Within a group, pieces merge across an invisible (soft) boundary only;
    between groups any boundary will do. Returns the index of the last piece used and the digits, or None."""
    digits, j = "", i
    for length in shape:
        if j >= len(pieces):
            return None
        group = pieces[j][2]
        j += 1
        while len(group) < length and j < len(pieces) and pieces[j][3]:
            group += pieces[j][2]
            j += 1
        if len(group) != length:
            return None
        digits += group
    return j - 1, digits


def _redact_runs(text: str) -> str:
    """Fødselsnummer and unprefixed phone numbers: whole digit groups of a run in one of the known shapes."""
    out: list[str] = []
    pos = 0
    for run in _RUN.finditer(text):
        before, after = text[max(0, run.start() - 2) : run.start()], text[run.end() : run.end() + 2]
        if re.fullmatch(r"\d[,.]", before) or re.fullmatch(r"[,.]\d", after):
            continue  # part of a decimal number: `9,3`
        pieces: list[tuple[int, int, str, bool]] = []  # start, end, digits, joined to the previous by invisibles only
        chunk = run.group()
        for m in re.finditer(r"\d+", chunk):
            gap = chunk[pieces[-1][1] - run.start() : m.start()] if pieces else ""
            soft = bool(gap) and all(c in _INVISIBLE for c in gap)
            pieces.append((m.start() + run.start(), m.end() + run.start(), m.group(), soft))
        i = 0
        while i < len(pieces):
            found = None
            for shapes, check, label in ((_FNR_SHAPES, valid_fnr, "[fødselsnummer]"),
                                         (_PHONE_SHAPES, _phone_digits_ok, "[telefon]")):
                for shape in shapes:
                    hit = _take(pieces, i, shape)
                    if hit is not None and check(hit[1]):
                        found = (hit[0], label)
                        break
                if found:
                    break
            if found:
                out += [text[pos : pieces[i][0]], found[1]]
                pos = pieces[found[0]][1]
                i = found[0] + 1
            else:
                i += 1
    return "".join(out) + text[pos:]


def redact(text: str) -> str:
    """Remove e-mail addresses, fødselsnummer and Norwegian phone numbers from a question.

    Years, year ranges and the report's figures (`2019 2020 2021`, `2020-2023`, `97 800`, `9,3 %`) are kept:
    a fødselsnummer must pass its check digits and a phone number needs 8 digits in a phone's grouping.
    """
    text = _EMAIL_WORDS.sub("[e-post]", _EMAIL.sub("[e-post]", text))
    text = _PREFIXED_PHONE.sub("[telefon]", text)
    return _redact_runs(text)


@dataclass(frozen=True)
class Vote:
    time: str
    question: str
    passage_id: str | None
    vote: int  # +1 or -1


def _why(exc: sqlite3.Error) -> str:
    """What went wrong with the SQLite file, in words an operator acts on."""
    text = str(exc).lower()
    if "readonly" in text or "read-only" in text:
        return "databasefilen er skrivebeskyttet"
    if "full" in text:
        return "disken er full"
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return "databasefilen er skadet"
    if "unable to open" in text:
        return "databasefilen eller mappen finnes ikke eller kan ikke åpnes"
    if "locked" in text or "busy" in text:
        return "databasen er låst av en annen prosess"
    if "no such table" in text:
        return "databasefilen har ingen tabell for tilbakemeldinger"
    return f"databasefeil ({exc})"


_SCHEMA = ("CREATE TABLE IF NOT EXISTS feedback (id INTEGER PRIMARY KEY AUTOINCREMENT, time TEXT NOT NULL, "
           "question TEXT NOT NULL, passage_id TEXT, vote INTEGER NOT NULL CHECK (vote IN (-1, 1)))")


class FeedbackStore:
    """One SQLite file; safe to use from the app's worker threads.

    A vote that cannot be written raises VoteNotSaved (and is logged), so the page never thanks for a
    vote that was lost. Creating the store never raises: an unwritable file only fails the votes.
    """

    def __init__(self, path: Path, create: bool = True) -> None:
        self.path = path
        self._lock = threading.Lock()
        if not create:
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as db:
                db.execute(_SCHEMA)
        except (OSError, sqlite3.Error) as exc:  # the app still answers; each vote will say it failed
            log.error("tilbakemeldingsbasen %s kan ikke brukes: %s", path, exc)

    def _connect(self, mode: str = "rwc") -> sqlite3.Connection:
        # A URI so that reading never creates a file; the folder is never recreated behind the operator's back.
        return sqlite3.connect(f"{self.path.resolve().as_uri()}?mode={mode}", uri=True, timeout=10)

    def add(self, question: str, passage_id: str | None, liked: bool) -> Vote:
        """Store a vote. Raises VoteNotSaved («Stemmen ble ikke lagret: …») when it cannot be written."""
        vote = Vote(datetime.now(UTC).isoformat(timespec="seconds"), redact(question), passage_id, 1 if liked else -1)
        if not self.path.parent.is_dir():
            self._failed("mappen for databasefilen finnes ikke")
        if not self.path.exists():
            log.warning("tilbakemeldingsbasen %s fantes ikke; lager en ny for stemmen", self.path)
        db = None
        try:
            with self._lock:
                db = self._connect()
                with db:  # one transaction: committed, or rolled back and reported
                    db.execute(_SCHEMA)  # a file deleted while the app runs is recreated, the vote kept
                    db.execute("INSERT INTO feedback (time, question, passage_id, vote) VALUES (?, ?, ?, ?)",
                               (vote.time, vote.question, vote.passage_id, vote.vote))
        except sqlite3.Error as exc:
            self._failed(_why(exc), exc)
        finally:
            if db is not None:
                db.close()
        return vote

    def _failed(self, why: str, exc: Exception | None = None) -> NoReturn:
        log.error("stemme ikke lagret i %s: %s%s", self.path, why, f" ({exc})" if exc else "")
        raise VoteNotSaved(f"Stemmen ble ikke lagret: {why}. Prøv igjen senere.")

    def all(self) -> list[Vote]:
        """Every vote, oldest first. Raises FeedbackError when the file is missing, unreadable or not ours."""
        if not self.path.is_file():
            raise FeedbackError(f"Fant ingen tilbakemeldinger: {self.path} finnes ikke (eller er ikke en fil).")
        db = None
        try:
            db = self._connect("ro")
            rows = db.execute("SELECT time, question, passage_id, vote FROM feedback ORDER BY id").fetchall()
        except sqlite3.Error as exc:
            raise FeedbackError(f"Tilbakemeldingene i {self.path} kan ikke leses: {_why(exc)}.") from exc
        finally:
            if db is not None:
                db.close()
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

"""Thumbs up/down on answers, stored in a local SQLite file with personal data redacted first.

Stored: the (redacted) question, the answer's passage id, the vote and the time. Never an IP address or
a user id.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import threading
from collections.abc import Callable
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
# Between two digit groups: up to six spaces (any Unicode space, tab or line break, with invisibles among
# them), or one dot, slash or dash with up to three spaces on either side. Invisibles alone glue one group.
_GAP = rf"[\s{_INVISIBLE}]"
_DASHES = "./\\-\u2010\u2011\u2012\u2013\u2014"
_JOIN = rf"(?:{_GAP}{{0,3}}[{_DASHES}]{_GAP}{{0,3}}|{_GAP}{{1,6}})"
# A run of digit groups, read possessively so a long hostile run is read once.
_RUN = re.compile(rf"(?<!\d)\d(?:{_JOIN}?+\d)*+")
# What separates the groups of an amount written with thousands groups (`12 345 678 901`).
_THOUSANDS_GAPS = frozenset({" ", "\u00a0", "\u2007", "\u2009", "\u202f", "."})

# Groupings of the 8 digits of a phone number without prefix. An 11-digit number needs no shape: 11 digits
# in any grouping are redacted (see _redact_runs).
_PHONE_SHAPES = ((8,), (2, 2, 2, 2), (3, 2, 3), (4, 4), (4, 2, 2))
# A phone number after +47, 0047, (+47) or tlf/telefon/mobil: any grouping of 8 digits.
_EIGHT = rf"\d(?:{_JOIN}?+\d){{7}}(?!\d)"
_PREFIXED_PHONE = re.compile(
    rf"(?:\(?(?:\+|(?<![\d])00)[{_SPACE}]?47\)?|\b(?:tlf|telefon(?:nummer)?|mobil(?:nummer)?|mob)\b\.?:?|\btlf(?=\d))"
    rf"[{_SPACE}.:/-]*(?:\(0\)[{_SPACE}]?)?{_EIGHT}",
    re.I,
)
# E-mail, also written `ola (at) asker.no`, `ola[at]asker[dot]no`, `ola at asker dot no`, with a fullwidth
# or small `＠`/`﹫`, or with a quoted local part (`"ola nordmann"@asker.no`). A bare ` at ` needs a
# spelled-out dot as well, so "look at asker.no" stays a question.
_AT_SIGN = "@\uff20\ufe6b"
_SPELLED_DOT = r"(?:\s*[(\[{<]\s*(?:dot|punktum|prikk)\s*[)\]}>]\s*|\s+(?:dot|punktum|prikk)\s+)"
_DOT = rf"(?:[.\uff0e]|{_SPELLED_DOT})"
_AT = rf"(?:\s*[{_AT_SIGN}]\s*|\s*[(\[{{<]\s*(?:at|[{_AT_SIGN}]|alfa|krøllalfa)\s*[)\]}}>]\s*|\s+krøllalfa\s+)"
_LOCAL = r"(?:\"[^\"\n]{1,64}\"|[\w.+%'-]++)"
_EMAIL = re.compile(rf"(?<![\w.+-]){_LOCAL}{_AT}[\w-]+(?:{_DOT}[\w-]+)*{_DOT}[a-z]{{2,12}}\b", re.I)
_EMAIL_WORDS = re.compile(rf"(?<![\w.+-])[\w.+-]++\s+at\s+[\w-]+(?:{_DOT}[\w-]+)*{_SPELLED_DOT}[a-z]{{2,12}}\b", re.I)
# What is left of an address once the rules above have run: an `@` between word characters (`ola@asker`),
# and a quoted name in front of a redacted address (`"Ola Nordmann" <ola@asker.no>`).
_AT_LEFT = re.compile(rf"[\w.+%'-]*+\s?[{_AT_SIGN}]\s?[\w-]++(?:[.\uff0e][\w-]++)*+")
_NAMED = re.compile(r"(?:(?:\"[^\"\n]{0,80}\"|«[^»\n]{0,80}»|'[^'\n]{0,80}')\s*)?<\s*\[e-post\]\s*>")

_FNR_WEIGHTS_1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_FNR_WEIGHTS_2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def valid_fnr(digits: str) -> bool:
    """An 11-digit fødselsnummer (or D-/H-number) with a possible birth date and both mod-11 check digits.

    Redaction does not need it (every 11-digit number is taken out); it tells an amount written with
    thousands groups (`12 345 678 901`, kept) from a fødselsnummer written that way (taken out)."""
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


def _phone_digits_ok(digits: str, shape: tuple[int, ...] = (8,)) -> bool:
    """A Norwegian 8-digit number starts with 2-9. Two years (`2020 2023`, `20202023`) are a range, two
    round numbers (`3000-4000`) an amount, and a year with a month and day (`2022 12 31`) a date."""
    if digits[0] in "01":
        return False
    a, b = int(digits[:4]), int(digits[4:])
    if 1900 <= a <= 2099 and 1900 <= b <= 2099:
        return False
    if shape == (4, 4) and a % 100 == 0 and b % 100 == 0:
        return False
    return not (shape == (4, 2, 2) and 1900 <= a <= 2099)


def _pieces(run: re.Match[str]) -> tuple[list[tuple[int, int, str]], list[str]]:
    """A run's digit groups (start, end, digits) and the gaps between them; groups joined by invisible
    characters only are one group."""
    pieces: list[tuple[int, int, str]] = []
    gaps: list[str] = []
    chunk, base = run.group(), run.start()
    for m in re.finditer(r"\d+", chunk):
        if pieces:
            gap = chunk[pieces[-1][1] - base : m.start()]
            if all(c in _INVISIBLE for c in gap):
                start, _, digits = pieces[-1]
                pieces[-1] = (start, m.end() + base, digits + m.group())
                continue
            gaps.append(gap.strip(_INVISIBLE))
        pieces.append((m.start() + base, m.end() + base, m.group()))
    return pieces, gaps


def _thousands(pieces: list[tuple[int, int, str]], gaps: list[str]) -> bool:
    """Whether a run is one amount with thousands groups: 1-3 digits, then groups of 3, one kind of gap."""
    return (len(pieces) > 1 and 1 <= len(pieces[0][2]) <= 3 and all(len(p[2]) == 3 for p in pieces[1:])
            and len(set(gaps)) == 1 and gaps[0] in _THOUSANDS_GAPS)


def _eleven(pieces: list[tuple[int, int, str]], i: int) -> int | None:
    """The index of the last group when groups i, i+1, … hold exactly 11 digits together, else None."""
    count = 0
    for j in range(i, len(pieces)):
        count += len(pieces[j][2])
        if count == 11:
            return j
        if count > 11:
            return None
    return None


def _phone(pieces: list[tuple[int, int, str]], i: int) -> int | None:
    """The index of the last group when groups i, i+1, … are an 8-digit phone number in a phone's grouping."""
    for shape in _PHONE_SHAPES:
        group = [p[2] for p in pieces[i : i + len(shape)]]
        if tuple(len(g) for g in group) == shape and _phone_digits_ok("".join(group), shape):
            return i + len(shape) - 1
    return None


def _redact_runs(text: str) -> str:
    """Numbers that identify a person, found in runs of digit groups.

    Errs towards privacy: any 11 digits in a row of groups (whatever the grouping and check digits: a
    mistyped fødselsnummer, a D-nummer or an account number is personal too) and any unbroken run of
    12 or more digits. Kept: an amount in thousands groups that is not a valid fødselsnummer, and every
    shorter number but a phone number in a phone's grouping."""
    out: list[str] = []
    pos = 0
    for run in _RUN.finditer(text):
        before, after = text[max(0, run.start() - 2) : run.start()], text[run.end() : run.end() + 2]
        pieces, gaps = _pieces(run)
        decimal = bool(re.fullmatch(r"\d[,.]", before) or re.fullmatch(r"[,.]\d", after))  # `9,3`, `1 384,5`
        amount = _thousands(pieces, gaps) or decimal
        i = 0
        while i < len(pieces):
            last, label = None, ""
            if len(pieces[i][2]) >= 12:
                last, label = i, "[nummer]"
            elif (j := _eleven(pieces, i)) is not None and (
                    not amount or valid_fnr("".join(p[2] for p in pieces[i : j + 1]))):
                last, label = j, "[fødselsnummer]"
            elif not decimal and (j := _phone(pieces, i)) is not None:
                last, label = j, "[telefon]"
            if last is None:
                i += 1
                continue
            out += [text[pos : pieces[i][0]], label]
            pos = pieces[last][1]
            i = last + 1
    return "".join(out) + text[pos:]


def redact(text: str) -> str:
    """Remove e-mail addresses, fødselsnummer (any 11-digit number) and Norwegian phone numbers from a
    question, before it is stored or logged.

    Years, year ranges and the report's figures (`2019 2020 2021`, `2020-2023`, `97 800`, `9,3 %`, `2,8 mrd.`)
    are kept: a phone number needs 8 digits in a phone's grouping (or a +47/tlf prefix).
    """
    text = _EMAIL_WORDS.sub("[e-post]", _EMAIL.sub("[e-post]", text))
    text = _NAMED.sub("[e-post]", _AT_LEFT.sub("[e-post]", text))
    text = _PREFIXED_PHONE.sub("[telefon]", text)
    return _redact_runs(text)


@dataclass(frozen=True)
class Vote:
    time: str
    question: str
    passage_id: str | None
    vote: int  # +1 or -1
    id: int | None = None  # the row: a changed vote replaces it (one vote per answer)


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

    def add(self, question: str, passage_id: str | None, liked: bool, replaces: int | None = None) -> Vote:
        """Store a vote; with `replaces` (the id of this answer's earlier vote) that row is changed instead,
        so an answer has one vote. Raises VoteNotSaved («Stemmen ble ikke lagret: …») when it cannot be written."""
        vote = Vote(datetime.now(UTC).isoformat(timespec="seconds"), redact(question), passage_id, 1 if liked else -1)

        def write(db: sqlite3.Connection) -> int | None:
            if replaces is not None:
                changed = db.execute("UPDATE feedback SET time = ?, vote = ? WHERE id = ?", (vote.time, vote.vote, replaces))
                if changed.rowcount:
                    return replaces
            # a first vote, or the earlier row is gone (the file was replaced): a new row
            return db.execute("INSERT INTO feedback (time, question, passage_id, vote) VALUES (?, ?, ?, ?)",
                              (vote.time, vote.question, vote.passage_id, vote.vote)).lastrowid

        return Vote(vote.time, vote.question, vote.passage_id, vote.vote, self._write(write))

    def withdraw(self, vote_id: int) -> None:
        """Remove a vote that was taken back (the chosen thumb pressed again). Raises VoteNotSaved on failure."""
        self._write(lambda db: db.execute("DELETE FROM feedback WHERE id = ?", (vote_id,)).rowcount)

    def _write(self, change: Callable[[sqlite3.Connection], int | None]) -> int | None:
        """Run `change` in one transaction: committed, or rolled back and reported (VoteNotSaved)."""
        if not self.path.parent.is_dir():
            self._failed("mappen for databasefilen finnes ikke")
        if not self.path.exists():
            log.warning("tilbakemeldingsbasen %s fantes ikke; lager en ny for stemmen", self.path)
        db = None
        try:
            with self._lock:
                db = self._connect()
                with db:
                    db.execute(_SCHEMA)  # a file deleted while the app runs is recreated, the vote kept
                    return change(db)
        except sqlite3.Error as exc:
            self._failed(_why(exc), exc)
        finally:
            if db is not None:
                db.close()

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
            rows = db.execute("SELECT time, question, passage_id, vote, id FROM feedback ORDER BY id").fetchall()
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

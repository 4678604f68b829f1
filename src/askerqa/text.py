"""Text helpers shared by ingest and search (the judge's matching rule is in matching.py, outside the pipeline).

- `join_lines`: join wrapped lines, undoing line-break hyphenation but keeping real hyphens.
- `GlyphRepairer`: restores the ø/Ø that the PDF extraction lost, using the report's own vocabulary.
- `fold`: æøå-folding for lexical search (`okonomi` matches `økonomi`).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

YEAR_PATTERN = r"(?:19[89]\d|20[0-4]\d)"  # the years the report and its questions speak of (one place for all)
SECTION_SEP = " › "  # between the headings of a passage's section path: `chapter › section`
# Words that follow a suspended compound ("bo- og omsorgssenter", "samfunns- og tjeneste...").
_SUSPENSION_WORDS = {"og", "eller", "til", "som", "and", "or"}

_WORD_RE = re.compile(r"[A-Za-zÆØÅæøåÉéÜüÖöÄä]+")
_ENDINGS = ("", "e", "en", "er", "et", "ene")  # Norwegian inflection endings of a word the report uses


def join_lines(lines: list[str], known: Callable[[str], bool] | None = None) -> str:
    """Join wrapped lines of one paragraph into one string.

    `innbyg-` + `gere` -> `innbyggere`; `Kommune-` + `NM` -> `Kommune-NM`; `2020-` + `2023` -> `2020-2023`;
    `bo-` + `og omsorgssenter` -> `bo- og omsorgssenter`. With `known` (the report's vocabulary), an
    upper-case word broken with a hyphen is one word when the report knows it: `SYKKEL-` + `VEIER` ->
    `SYKKELVEIER`, while `KOMMUNE-` + `NM` keeps its hyphen.
    """
    out = ""
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if not out:
            out = line
            continue
        if out.endswith("-") and len(out) >= 2 and out[-2] != " ":
            first_word = line.split(" ", 1)[0]
            if out[-2].islower() and first_word[:1].islower() and first_word not in _SUSPENSION_WORDS:
                out = out[:-1] + line  # line-break hyphenation: drop the hyphen
            elif first_word in _SUSPENSION_WORDS:
                out = out + " " + line  # suspended compound keeps hyphen and space
            elif known is not None and caps_break(out, line, known):
                out = out[:-1] + line
            else:
                out = out + line  # real hyphen (Kommune-NM, 2020-2023, E18-...)
        else:
            out = out + " " + line
    return re.sub(r"[ \t]+", " ", out).strip()


def caps_break(head: str, tail: str, known: Callable[[str], bool]) -> bool:
    """Whether `head` ends in an upper-case word broken with a hyphen that `tail` completes (`SYKKEL-` +
    `VEIER ...`): the case carries no hint (`TILGJENGELIG-` / `HETEN` and `KOMMUNE-` / `NM` look alike), so
    the joined word must be one the report uses."""
    left = re.search(r"(?<![A-Za-zÆØÅæøå])([A-ZÆØÅ]+)-$", head)
    right = re.match(r"[A-ZÆØÅ]+(?![a-zæøå])", tail.strip())
    if left is None or right is None:
        return False
    return known((left.group(1) + right.group(0)).lower())


def restore_break_hyphens(lines: list[str], known: Callable[[str], bool]) -> list[Repair]:
    """Put back a line-break hyphen the extraction lost in an upper-case title, in place.

    `ANDEL AV KOMMUNENS TOTALE DRIFTS` (no trailing space: the line was cut inside a word) + blank +
    `BUDSJETT 2023 – ...` -> `... DRIFTS-`, when the report uses the joined word (`driftsbudsjett`). A line
    that ends with a space ends with a whole word, so two real words are never glued."""
    repairs: list[Repair] = []
    for i, line in enumerate(lines):
        if not re.search(r"[A-ZÆØÅ]{2}$", line) or not line.isupper():
            continue
        nxt = next((x for x in lines[i + 1 : i + 3] if x.strip()), "")
        if nxt.startswith(" ") or not nxt.isupper() or not caps_break(line + "-", nxt, known):
            continue  # a line opening a page segment starts with a space: no continuation
        repairs.append(Repair(i + 1, line, line + "-"))
        lines[i] = line + "-"
    return repairs


@dataclass(frozen=True)
class Repair:
    line: int
    before: str
    after: str


class GlyphRepairer:
    """Restore lost `ø`/`Ø` by a general rule checked against the report's own vocabulary.

    Two kinds of damage are seen in the clean rendering: the glyph became a space (`Bel p`, `f rste`,
    `milj et`) or vanished (`KONOMISK`, `konomisk`). A candidate repair inserts `ø` at the gap (or at one
    position of the word); it is accepted only when the repaired word is attested in the report more
    often than the damaged form, so real words are never rewritten into rarer ones.
    """

    def __init__(self, vocabulary_text: str) -> None:
        words = _WORD_RE.findall(vocabulary_text)
        self.freq: Counter[str] = Counter(w.lower() for w in words)

    def _known(self, word: str) -> int:
        return self.freq.get(word.lower(), 0)

    def knows(self, word: str) -> bool:
        """Whether the report uses `word`, or it less an inflection ending (`moderate`: `moderat`)."""
        w = word.lower()
        return any(self.freq.get(w[: len(w) - len(end)], 0) for end in _ENDINGS if w.endswith(end) and len(w) - len(end) >= 4)

    @staticmethod
    def _oe(word: str) -> str:
        return "Ø" if word.isupper() and len(word) > 1 else "ø"

    def _split_candidate(self, left: str, right: str) -> str | None:
        """`Bel` + `p` -> `Beløp`, `avl` + `pssystem` -> `avløpssystem`.

        Accepted when the glued word is attested at least as often as the left part alone, or when the
        left part is rare and `left + ø` starts several attested words (compounds the report spells once).
        """
        if right[:1].isupper() and not left.isupper():
            return None
        if left[-1:] in "øØ" and (self._known(left + right) > self._known(left) or (len(right) <= 2 and self._known(right) == 0)):
            return left + right  # a stray space after a glyph: `Kommunedirektø r`
        glued = left + self._oe(left + right) + right
        # a lone consonant is no word of its own here: it is the start of a damaged word (`f rste`)
        left_freq = 0 if len(left) == 1 and left.lower() not in "iåoea" else self._known(left)
        if self._known(glued) >= max(1, left_freq):
            return glued
        # cheap checks first: counting vocabulary prefixes scans every word of the report
        if left_freq > 2 or len(right) < 3 or self._known(right) != 0:
            return None
        stem = (left + "ø").lower()
        starts = sum(1 for w in self.freq if w.startswith(stem) and len(w) > len(stem))
        return glued if starts >= 2 else None

    def _insert_candidate(self, word: str) -> str | None:
        """`KONOMISK` -> `ØKONOMISK`: insert one ø where that gives a clearly more frequent word."""
        if len(word) < 3:
            return None
        own = self._known(word)
        best, best_freq = None, 0
        oe = self._oe(word)
        for i in range(len(word) + 1):
            if i == 0 and word[0].isupper() and not word.isupper():
                cand = "Ø" + word[0].lower() + word[1:]
            else:
                cand = word[:i] + oe + word[i:]
            f = self._known(cand)
            if f > best_freq:
                best, best_freq = cand, f
        if best is not None and best_freq >= 2 and best_freq > own:
            return best
        return None

    def repair(self, text: str, line: int = 0) -> tuple[str, list[Repair]]:
        repairs: list[Repair] = []
        tokens = re.split(r"(\s+)", text)
        # tokens alternate word, space, word, ...; work on word indices
        out: list[str] = []
        i = 0
        while i < len(tokens):
            tok = tokens[i]
            m = re.fullmatch(r"([^\wæøåÆØÅ]*)([A-Za-zÆØÅæøå]+)([^\wæøåÆØÅ]*)", tok) if tok and not tok.isspace() else None
            # glyph turned into a space: word + " " + word
            if m and not m.group(3) and i + 2 < len(tokens) and tokens[i + 1] == " ":
                m2 = re.fullmatch(r"([A-Za-zÆØÅæøå]+)(.*)", tokens[i + 2])
                if m2:
                    glued = self._split_candidate(m.group(2), m2.group(1))
                    if glued:
                        new = m.group(1) + glued + m2.group(2)
                        repairs.append(Repair(line, tok + " " + tokens[i + 2], new))
                        out.append(new)
                        i += 3
                        continue
            if m:
                cand = self._insert_candidate(m.group(2))
                if cand:
                    new = m.group(1) + cand + m.group(3)
                    repairs.append(Repair(line, tok, new))
                    out.append(new)
                    i += 1
                    continue
            out.append(tok)
            i += 1
        return "".join(out), repairs


# --- folding for lexical search --------------------------------------------------------------

_FOLD = str.maketrans({"æ": "a", "ø": "o", "å": "a", "é": "e", "ü": "u", "ö": "o", "ä": "a"})


def fold(text: str) -> str:
    """Lowercase and fold æøå so that `Royken`, `okonomi` and `larlinger` match the report's words."""
    t = unicodedata.normalize("NFC", text).lower()
    return t.translate(_FOLD)

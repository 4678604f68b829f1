"""The report's vocabulary as one object: what the report says, and how a question is brought to its words.

Built once per Engine from the passage texts and the BM25 vocabulary (stemmed, folded terms):
- `restore`: put æøå back into words typed without them (`moter` -> `møter`), for the embedding model;
- `is_known` / `unknown`: whether the report uses a question's words at all (a signal for `found`);
- `expand`: the text to search. An English question gets the Norwegian translations (FreeDict eng-nor,
  data/eng_nor.tsv, plus the small municipal lexicon in glossary.py) that the report actually uses; a
  Norwegian one typed in a hurry gets its unknown words brought to the report's: a typo corrected
  (`klimagassutslip`), a synonym the report lacks read through the dictionary (`strøm` -> `elektrisitet`),
  a glued compound split and a split one joined.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from .glossary import LEXICON, lemmas
from .lexical import tokenize
from .text import fold
from .units import content_terms

_WORD_RE = re.compile(r"[A-Za-zÆØÅæøåÉéÜüÖöÄä]+")
_ENGLISH_WORD = re.compile(r"[a-z]+(?:-[a-z]+)?")
DICTIONARY = Path(__file__).with_name("data") / "eng_nor.tsv"
# English function words and question words: never looked up (`how` -> `hvordan` would add nothing)
_ENGLISH_STOP = frozenset(
    "a an the of in on at by for to from with about into over under since than and or but not no is are was were be "
    "been being am do does did have has had will would can could should shall may might must there here this that "
    "these those it its they them their he she his her we our you your i me my what which who whom whose when where "
    "why how many much more most some any all each every other such as so very too also just only up down out off "
    "get got make made there's what's let per".split()
)
MIN_TYPO = 5  # shorter words are too often another real word one edit away
MAX_SENSES = 2  # dictionary translations kept per English word: the ones the report uses most
NARROW = 3  # an entry with more translations than this mixes senses: no synonyms are read from it


@lru_cache(maxsize=4)
def load_dictionary(path: Path = DICTIONARY) -> dict[str, tuple[str, ...]]:
    """English headword -> Norwegian translations, as scripts/build_lexicon.py wrote them."""
    out: dict[str, tuple[str, ...]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            english, _, norwegian = line.partition("\t")
            out[english] = tuple(n.strip() for n in norwegian.split(",") if n.strip())
    return out


class Vocabulary:
    """The words of one report, with the look-ups the search needs."""

    def __init__(self, texts: list[str], bm25_vocab: Iterable[str]) -> None:
        counts: Counter[str] = Counter(w.lower() for t in texts for w in _WORD_RE.findall(t))
        self.counts = counts
        self.known = set(counts)
        by_fold: dict[str, Counter[str]] = {}
        for word, n in counts.items():
            f = fold(word)
            if f != word:
                by_fold.setdefault(f, Counter())[word] += n
        self.restore_map = {f: c.most_common(1)[0][0] for f, c in by_fold.items()}
        # stemmed, folded BM25 terms without the `~` prefix tokens
        self.terms = {t for t in bm25_vocab if not t.endswith("~")}
        self._prefixes = {v[:k] for v in self.terms for k in range(4, len(v) + 1)}
        self._suffixes = {v[-k:] for v in self.terms for k in range(4, len(v) + 1)}
        # folded word -> (report spelling, frequency): what a typo or a compound part is corrected to
        self.folded: dict[str, tuple[str, int]] = {}
        for word, n in counts.items():
            f = fold(word)
            spelling, total = self.folded.get(f, (word, 0))
            self.folded[f] = (spelling if total >= n else word, total + n)
        self._by_initial: dict[str, list[str]] = {}
        for f in self.folded:
            if len(f) >= MIN_TYPO - 1:
                self._by_initial.setdefault(f[0], []).append(f)
        self.stem_counts: Counter[str] = Counter()
        for word, n in counts.items():
            for t in tokenize(word):
                self.stem_counts[t] += n
        self.translations_of = self._translations(load_dictionary())
        # folded Norwegian word -> the English words it translates (dictionary and lexicon alike)
        self._reverse: dict[str, list[str]] = {}
        for english, norwegian in [*load_dictionary().items(), *((e, tuple(w.split())) for e, w in LEXICON.items())]:
            if len(norwegian) > NARROW:
                continue
            for nb in norwegian:
                if " " not in nb:
                    self._reverse.setdefault(fold(nb.lower()), []).append(english)

    def _frequency(self, phrase: str) -> int:
        """How often the report uses a phrase's rarest word (stemmed), the dictionary's noise being rare."""
        return min((self.stem_counts.get(t, 0) for t in tokenize(phrase)), default=0)

    def _uses(self, phrase: str) -> bool:
        """Whether every word of a Norwegian phrase is a word of the report (as BM25 sees it)."""
        toks = tokenize(phrase)
        return bool(toks) and all(t in self.terms for t in toks)

    def _translations(self, dictionary: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
        """English -> the Norwegian words the report uses: the hand lexicon first (municipal terms the
        dictionary lacks or words badly), then the dictionary's translations that the report uses."""
        out: dict[str, tuple[str, ...]] = {}
        for english, norwegian in dictionary.items():
            used = sorted((n for n in norwegian if self._uses(n)), key=lambda n: -self._frequency(n))
            if used and english not in _ENGLISH_STOP:
                out[english] = tuple(used[:MAX_SENSES])
        for english, words in LEXICON.items():
            out[english] = (words,)
        return out

    def restore(self, text: str) -> str:
        """Put æøå back into words the report spells only with them; a word the report uses as typed stays
        (`for` stays `for`). Lexical search folds anyway; the embedding model reads `moter` as another word."""

        def fix(m: re.Match[str]) -> str:
            word = m.group(0)
            low = word.lower()
            if low in self.known or low not in self.restore_map:
                return word
            new = self.restore_map[low]
            return new.capitalize() if word[:1].isupper() else new

        return _WORD_RE.sub(fix, text)

    def is_known(self, term: str) -> bool:
        """Whether the report uses the (stemmed) term, allowing for inflection the stemmer misses on folded text."""
        if term in self.terms:
            return True
        if len(term) >= 5 and term[: max(4, len(term) - 2)] in self._prefixes:
            return True
        if len(term) >= 4 and term in self._suffixes:  # the last part of a compound: `skute` in `polarskute`
            return True
        return any(term[:k] in self.terms for k in range(max(4, len(term) - 3), len(term)))

    def unknown(self, terms: set[str], norwegian: list[str], english: bool) -> int:
        """Content words of the question the report never uses. For an English question: translations
        none of whose Norwegian words the report uses (`property tax` -> `eiendomsskatt`)."""
        if not english:
            return sum(not self.is_known(t) for t in terms)
        entries = [content_terms(words) for words in norwegian]
        return sum(not any(self.is_known(t) for t in entry) for entry in entries if entry)

    # --- the text to search -------------------------------------------------------------------

    def expand(self, text: str, english: bool, translations: list[str] | None = None) -> str:
        """The text to search: an English question with its Norwegian translations added (`translations`
        when the caller already looked them up); a Norwegian one with unknown words corrected to the
        report's and compounds split or joined."""
        if english:
            found = self.translations(text) if translations is None else translations
            return f"{text} {' '.join(found)}".strip() if found else text
        return self._repair(text)

    def translations(self, text: str) -> list[str]:
        """The Norwegian words for each English word or phrase of the text, one string per entry;
        the longest phrase wins (`sick leave` before `leave`)."""
        words = _ENGLISH_WORD.findall(text.lower())
        found: list[str] = []
        used = [False] * len(words)
        for size in (3, 2, 1):
            for i in range(len(words) - size + 1):
                if any(used[i : i + size]):
                    continue
                phrase = words[i : i + size]
                # only the last word of a phrase is inflected ("electric cars")
                for variant in dict.fromkeys(" ".join(phrase[:-1] + [w]) for w in lemmas(phrase[-1])):
                    if variant in self.translations_of:
                        found.append(" ".join(self.translations_of[variant]))
                        used[i : i + size] = [True] * size
                        break
        return list(dict.fromkeys(found))

    def _word_known(self, folded: str) -> bool:
        """Strictly: the report has the word or its stem (is_known's prefix allowance would hide typos)."""
        if folded in self.folded:
            return True
        toks = tokenize(folded)
        return not toks or all(t in self.terms for t in toks)  # a stop word counts as known

    def _repair(self, text: str) -> str:
        words = _WORD_RE.findall(text)
        out = text
        extra: list[str] = []
        for word in words:
            f = fold(word.lower())
            if len(f) < 4 or self._word_known(f):
                continue
            siblings = self.synonyms(f)
            if siblings:
                extra += siblings
                continue
            fixed = self.correct(f)
            if fixed:
                out = re.sub(rf"\b{re.escape(word)}\b", fixed, out, count=1)
                continue
            parts = self.split(f)
            if parts:
                extra.append(" ".join(parts))
        lows = [fold(w.lower()) for w in words]
        for a, b in zip(lows, lows[1:], strict=False):
            joined = self.join(a, b)
            if joined:
                extra.append(joined)
        return f"{out} {' '.join(dict.fromkeys(extra))}".strip() if extra else out

    def synonyms(self, folded: str) -> list[str]:
        """Norwegian words the report uses that translate the same English word as an unknown Norwegian
        word (`strom` -> `elektrisitet` through `electricity`)."""
        found: list[str] = []
        for english in self._reverse.get(folded, ()):
            for words in self.translations_of.get(english, ()):
                found += [w for w in words.split() if fold(w.lower()) != folded and self._uses(w)]
        return list(dict.fromkeys(found))

    def correct(self, folded: str) -> str | None:
        """The report word one edit away (two for long words), the most frequent first; the first letter
        is kept (hurried typing rarely misses it) and `aa` read as `å`."""
        if len(folded) < MIN_TYPO:
            return None
        if "aa" in folded and folded.replace("aa", "a") in self.folded:
            return self.folded[folded.replace("aa", "a")][0]
        limit = 1 if len(folded) < 8 else 2
        best: tuple[int, int, str] | None = None
        for cand in self._by_initial.get(folded[0], ()):
            if abs(len(cand) - len(folded)) > limit:
                continue
            dist = edit_distance(folded, cand, limit)
            if dist <= limit:
                spelling, n = self.folded[cand]
                key = (dist, -n, spelling)
                best = key if best is None or key < best else best
        return best[2] if best else None

    def split(self, folded: str) -> list[str] | None:
        """A glued compound as two report words (`barnehagedekning` -> `barnehage dekning`), the split whose
        rarer part is most frequent; a linking `s` or `e` is allowed."""
        best: tuple[int, list[str]] | None = None
        for i in range(3, len(folded) - 2):
            head, tail = folded[:i], folded[i:]
            for h in (head, head[:-1] if head[-1] in "se" else ""):
                if len(h) >= 3 and h in self.folded and tail in self.folded:
                    score = min(self.folded[h][1], self.folded[tail][1])
                    if best is None or score > best[0]:
                        best = (score, [self.folded[h][0], self.folded[tail][0]])
        return best[1] if best else None

    def join(self, first: str, second: str) -> str | None:
        """Two typed words that the report writes as one (`sykehjems plasser` -> `sykehjemsplasser`)."""
        if len(first) < 3 or len(second) < 3:
            return None
        for joined in (first + second, first + "s" + second):
            if joined in self.folded:
                return self.folded[joined][0]
        return None


def edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, or limit + 1 once it is certain to exceed `limit` (only the report's words
    with the typed word's first letter and length are compared, so a plain row-by-row table is enough)."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > limit:
            return limit + 1
        prev = cur
    return prev[-1]

"""BM25 over passages: Norwegian Snowball stemming, numbers kept as tokens, æøå folded.

Folding happens before stemming on both sides, so `okonomi`, `sykefravar`, `Royken` and `larlinger`
meet `økonomi`, `sykefravær`, `Røyken` and `lærlinger`. Thousands groups and decimal commas are
normalised the way the report prints them (`97 800` -> `97800`, `9.3` -> `9,3`).
"""

from __future__ import annotations

import math
import re
from functools import lru_cache
from pathlib import Path

import bm25s
import numpy as np
import Stemmer
from bm25s.stopwords import STOPWORDS_NORWEGIAN

from .text import fold

_TOKEN = re.compile(r"\d+(?:[.,]\d+)?|[a-z]+")
_THOUSANDS = re.compile(r"(?<![\d,.])(\d{1,3})((?: \d{3})+)(?![\d,])")
STOPWORDS = frozenset(fold(w) for w in STOPWORDS_NORWEGIAN) | {
    # question words and fillers a citizen types, in bokmål and English
    "hvor", "hva", "hvem", "hvilke", "hvilken", "hvordan", "hvorfor", "mange", "mye", "stor", "var", "er",
    "kommunen", "kommune", "asker", "askers",
    "what", "how", "many", "much", "which", "who", "why", "the", "is", "are", "was", "were", "of", "in",
    "does", "do", "did", "a", "an", "to", "for", "and", "on", "at", "by", "its", "it", "has", "have",
}


@lru_cache(maxsize=1)
def _stemmer() -> Stemmer.Stemmer:
    return Stemmer.Stemmer("norwegian")


PREFIX = 6


def tokenize(text: str, keep_stopwords: bool = False, prefixes: bool = False) -> list[str]:
    t = _THOUSANDS.sub(lambda m: m.group(1) + m.group(2).replace(" ", ""), text)
    t = fold(t)
    tokens = []
    for tok in _TOKEN.findall(t):
        if tok[0].isdigit():
            tokens.append(tok.replace(".", ","))
        elif keep_stopwords or (tok not in STOPWORDS and len(tok) > 1):
            tokens.append(tok)
    stemmer = _stemmer()
    out = [tok if tok[0].isdigit() else stemmer.stemWord(tok) for tok in tokens]
    if prefixes:
        # Norwegian glues compounds together (`telefonnummeret`, `heltidsandel`): a 6-letter prefix token
        # lets `telefon` and `heltidsansatte` meet them; BM25's idf keeps common prefixes cheap.
        out += [f"{tok[:PREFIX]}~" for tok in tokens if not tok[0].isdigit() and len(tok) > PREFIX]
    return out


class Lexical:
    """BM25 index over the passage texts (with their section path as a contextual header)."""

    def __init__(self, retriever: bm25s.BM25) -> None:
        self.retriever = retriever
        self.vocab: dict[str, int] = retriever.vocab_dict

    @classmethod
    def build(cls, texts: list[str]) -> Lexical:
        retriever = bm25s.BM25(k1=1.2, b=0.75)
        retriever.index([tokenize(t, prefixes=True) for t in texts], show_progress=False)
        return cls(retriever)

    def save(self, folder: Path) -> None:
        self.retriever.save(str(folder))

    @classmethod
    def load(cls, folder: Path) -> Lexical:
        return cls(bm25s.BM25.load(str(folder)))

    def idf(self, word: str) -> float:
        """How strongly a word is tied to few passages (BM25 idf of its strongest stem); 0.0 when the report
        never uses it. The follow-up reader takes a weak word as a sign that a turn leans on its context."""
        indptr = self.retriever.scores["indptr"]
        n = self.retriever.scores["num_docs"]
        best = 0.0
        for tok in tokenize(word):
            tid = self.vocab.get(tok)
            if tid is not None:
                df = int(indptr[tid + 1] - indptr[tid])
                best = max(best, math.log(1 + (n - df + 0.5) / (df + 0.5)))
        return best

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every passage (index order) for the query; zeros when no term is known."""
        tokens = [t for t in tokenize(query, prefixes=True) if t in self.vocab]
        n = self.retriever.scores["num_docs"]
        if not tokens:
            return np.zeros(n, dtype=np.float32)
        return np.asarray(self.retriever.get_scores(tokens), dtype=np.float32)

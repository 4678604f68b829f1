"""How the engine reads a question before searching: a follow-up resolved against the conversation, the
report's own words added (glossary, service areas), and the text the encoder embeds.

One reading serves two callers: the engine (search.py) and the encoder's adaptation (adapt.py), which trains
on questions as the engine will embed them, so what the encoder learns is what it is later asked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from .areas import ServiceAreas
from .conversation import interpret
from .lexical import Lexical
from .query import Query, parse_question
from .types import Passage
from .vocabulary import Vocabulary


@dataclass(frozen=True)
class Reading:
    query: Query  # text: expanded with the report's words; raw: what the user typed
    plain: str  # tags removed, cut to the limit, æøå restored, nothing added: what the constraints are read from
    norwegian: list[str]  # an English question's Norwegian words
    dense_text: str  # what the encoder embeds
    interpreted: str  # a follow-up as read with its context, or ""


class Reader:
    """The question-side vocabulary of one report: its words, BM25 statistics and service areas."""

    def __init__(self, passages: Sequence[Passage], lexical: Lexical, max_chars: int) -> None:
        self.lexical = lexical
        self.max_chars = max_chars
        self.vocabulary = Vocabulary([p.text for p in passages], lexical.vocab)
        self.areas = ServiceAreas.of(passages, lexical.idf)

    def read(self, question: str, context: Sequence[str] = ()) -> Reading:
        """`context`: the earlier questions of the conversation, oldest first."""
        reading = interpret(question, context, self.lexical.idf)
        query = parse_question(reading.interpreted, self.max_chars)
        if reading.followup:  # what is shown and returned is what the user typed
            query = replace(query, raw=question)
        plain = self.vocabulary.restore(query.text)  # before the report's words are added
        norwegian = self.vocabulary.translations(query.text) if query.english else []
        query = replace(query, text=self.areas.expand(self.vocabulary.expand(query.text, query.english, norwegian)))
        return Reading(query=query, plain=plain, norwegian=norwegian,
                       dense_text=self.vocabulary.restore(query.text),
                       interpreted=reading.interpreted if reading.followup else "")

"""Chat callbacks as plain functions: (engine, message, history, asked) in, new state out.

Gradio calls them through ui.py; tests call them with a fake engine. What is kept per session is
bounded: the question is cut to the CLI's length limit before it is stored, and only the last
MAX_TURNS turns stay in the history.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from typing import Any

from ..contract import DEFAULT_TOP_K
from ..errors import AskerQAError
from ..query import MAX_CHARS, readable
from ..render import escape, render_answer, render_error
from ..types import Passage
from .logs import answer_status, log_question

log = logging.getLogger("askerqa.web")
MAX_TURNS = 20  # question + answer pairs kept per session
FAILED = "Beklager, noe gikk galt med dette spørsmålet. Prøv igjen, eller still det på en annen måte."
THANKS = "Takk for tilbakemeldingen!"
VOTE_LOST = "Beklager, tilbakemeldingen kunne ikke lagres."
TOO_FAST = "For mange spørsmål på kort tid. Vent litt og prøv igjen."  # as the API's 429


def clean_question(text: str | None, limit: int) -> str:
    """The question as stored and asked: cut to `limit` characters, lone surrogates (from a broken
    client) replaced by U+FFFD so neither the engine nor the log sink trips over them."""
    return readable((text or "")[:limit])


def keep_last_turns(history: list[dict], asked: list[dict], turns: int = MAX_TURNS) -> tuple[list[dict], list[dict]]:
    """The last `turns` question/answer pairs; `asked` entries point at history positions, so they shift too."""
    drop = max(0, len(history) - 2 * turns)
    if not drop:
        return history, asked
    kept = [{**a, "index": a["index"] - drop} for a in asked if a["index"] - drop >= 0]
    return history[drop:], kept


def context_of(asked: list[dict]) -> list[str]:
    """The session's earlier questions, oldest first; refused or failed ones are no topic to follow."""
    return [a["question"] for a in asked if a.get("answered", True) and a.get("question", "").strip()]


def respond(engine: Any, message: str | None, history: list | None, asked: list | None, top_k: int = DEFAULT_TOP_K,
            passages: Mapping[str, Passage] | None = None, contact: str = "", limiter: Any = None,
            client: str = "?") -> tuple[list[dict], str, list[dict]]:
    """One chat turn, read with the session's earlier questions. A failure inside one request becomes a
    chat message, never a crash. `limiter` (api.RateLimiter, shared with /api/ask) refuses a `client`
    asking faster than its rate, before the engine is called."""
    started = time.perf_counter()
    message = clean_question(message, MAX_CHARS)  # longer text is never stored
    history = list(history or [])
    asked = list(asked or [])
    context = context_of(asked)
    history.append({"role": "user", "content": escape(message) or "\u00a0"})
    passage_id, status, confidence, answered = None, "feil", None, False
    try:
        if limiter is not None and limiter.wait_s(client) > 0:
            reply, status = TOO_FAST, "for_mange"
        else:
            answer = engine.ask(message, top_k, context=context or None)
            reply = render_answer(answer, passages, contact)
            passage_id = answer.passage_id if answer.found else None
            status, confidence, answered = answer_status(answer), answer.confidence, True
    except AskerQAError as err:
        reply, status = render_error(str(err)), "avvist"
    except Exception:  # noqa: BLE001 - one bad request must not take the app down
        log.exception("spørsmålet feilet")
        reply = FAILED
    log_question("chat", status, started, confidence, message)
    history.append({"role": "assistant", "content": reply})
    asked.append({"index": len(history) - 1, "question": message, "passage_id": passage_id, "answered": answered})
    history, asked = keep_last_turns(history, asked)
    return history, "", asked


def new_conversation() -> tuple[list[dict], str, list[dict]]:
    """«Ny samtale»: an empty chat, an empty question box and no earlier questions to read the next one with."""
    return [], "", []


def vote(store: Any, asked: list | None, index: Any, liked: Any) -> str | None:
    """Store a thumbs up/down for the answer at history position `index`; the message to show, or None."""
    return cast_vote(store, asked, index, liked)[0]


def cast_vote(store: Any, asked: list | None, index: Any, liked: Any) -> tuple[str | None, list[dict]]:
    """One vote per answer: the first 👍/👎 is stored and thanked for; a change (👍 to 👎) replaces that row
    and is not thanked for again; the chosen thumb pressed again (Gradio sends `liked=""`) takes the vote
    back. Returns the message to show (or None) and the session's `asked` with the vote's row id kept."""
    index = index[0] if isinstance(index, (list, tuple)) else index
    asked = list(asked or [])
    at = next((n for n, a in enumerate(asked) if a.get("index") == index), None)
    if at is None:
        return None, asked
    entry = asked[at]
    earlier = entry.get("vote_id")
    try:
        if not isinstance(liked, bool):
            if liked == "" and earlier is not None:
                store.withdraw(earlier)
            asked[at] = {k: v for k, v in entry.items() if k not in ("vote", "vote_id")}
            return None, asked
        if earlier is None:
            saved = store.add(entry["question"], entry["passage_id"], liked)
        else:
            saved = store.add(entry["question"], entry["passage_id"], liked, replaces=earlier)
    except AskerQAError as err:  # VoteNotSaved: its message says why, in Norwegian
        log.error("tilbakemeldingen kunne ikke lagres: %s", err)
        return str(err), asked
    except Exception:  # noqa: BLE001 - the user is told; the vote is not silently lost
        log.exception("tilbakemeldingen kunne ikke lagres")
        return VOTE_LOST, asked
    asked[at] = {**entry, "vote": liked, "vote_id": getattr(saved, "id", None), "thanked": True}
    return (None if entry.get("thanked") else THANKS), asked

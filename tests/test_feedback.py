import sqlite3
import threading

from askerqa.feedback import FeedbackStore, redact


def test_personal_data_is_redacted():
    q = "Jeg heter Ola, fnr 01019912345, tlf 66 70 00 00 eller +47 912 34 567, e-post ola.n@example.no"
    out = redact(q)
    for secret in ("01019912345", "66 70 00 00", "912 34 567", "ola.n@example.no"):
        assert secret not in out
    assert "[fødselsnummer]" in out and "[telefon]" in out and "[e-post]" in out
    assert redact("Hvor høyt var sykefraværet i 2022?") == "Hvor høyt var sykefraværet i 2022?"
    assert redact("010199 12345") == "[fødselsnummer]"


def test_votes_are_stored_without_ip_or_user(tmp_path):
    store = FeedbackStore(tmp_path / "f.sqlite3")
    store.add("sykefravær 2022, ring meg på 91234567", "L01615-abc", liked=True)
    store.add("Hva heter ordføreren?", None, liked=False)
    votes = store.all()
    assert [(v.passage_id, v.vote) for v in votes] == [("L01615-abc", 1), (None, -1)]
    assert "91234567" not in votes[0].question
    cols = [r[1] for r in sqlite3.connect(tmp_path / "f.sqlite3").execute("PRAGMA table_info(feedback)")]
    assert cols == ["id", "time", "question", "passage_id", "vote"]
    assert "👍 1" in store.summary() and "ordføreren" in store.summary()


def test_concurrent_votes(tmp_path):
    store = FeedbackStore(tmp_path / "f.sqlite3")
    threads = [threading.Thread(target=store.add, args=(f"q{i}", None, i % 2 == 0)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    votes = store.all()
    assert sorted(v.question for v in votes) == sorted(f"q{i}" for i in range(20))
    assert sorted(v.vote for v in votes) == [-1] * 10 + [1] * 10


def test_a_vote_in_the_chat_stores_the_question_and_the_quoted_passage_of_that_answer(tmp_path):
    """What the browser test's click ends in, without a browser: chat turn -> 👍/👎 -> the row in SQLite."""
    from fake_engine import SICK_LEAVE, FakeEngine

    from askerqa.web import chat

    engine, store = FakeEngine(), FeedbackStore(tmp_path / "f.sqlite3")
    history, _, asked = chat.respond(engine, "Sykefraværet i 2022? Ring meg på 91234567", [], [])
    history, _, asked = chat.respond(engine, "Hva er eiendomsskatten?", history, asked)  # not found: no passage
    assert chat.vote(store, asked, [asked[0]["index"], None], True) == chat.THANKS
    assert chat.vote(store, asked, asked[1]["index"], False) == chat.THANKS
    rows = sqlite3.connect(tmp_path / "f.sqlite3").execute("SELECT question, passage_id, vote FROM feedback").fetchall()
    assert rows == [("Sykefraværet i 2022? Ring meg på [telefon]", SICK_LEAVE.id, 1), ("Hva er eiendomsskatten?", None, -1)]

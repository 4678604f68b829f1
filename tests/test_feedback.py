import logging
import shutil
import sqlite3
import threading

import pytest

from askerqa.cli import main
from askerqa.errors import AskerQAError, FeedbackError, VoteNotSaved
from askerqa.feedback import FeedbackStore, redact


def test_personal_data_is_redacted():
    q = "Jeg heter Ola, fnr 01019910004, tlf 66 70 00 00 eller +47 912 34 567, e-post ola.n@example.no"
    out = redact(q)
    for secret in ("01019910004", "66 70 00 00", "912 34 567", "ola.n@example.no"):
        assert secret not in out
    assert "[fødselsnummer]" in out and "[telefon]" in out and "[e-post]" in out
    assert redact("Hvor høyt var sykefraværet i 2022?") == "Hvor høyt var sykefraværet i 2022?"
    assert redact("010199 10004") == "[fødselsnummer]"


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


def connect_as(store, **pragmas):
    """Open the store's file the way a failing system would: read-only, or with no room to grow."""
    def connect(mode="rwc"):
        db = sqlite3.connect(f"{store.path.as_uri()}?mode={pragmas.get('mode', mode)}", uri=True)
        if "max_page_count" in pragmas:
            pages = db.execute("PRAGMA page_count").fetchone()[0]
            db.execute(f"PRAGMA max_page_count = {pages}")
        return db
    return connect


def assert_lost_vote_is_said(store, caplog, words):
    with caplog.at_level(logging.ERROR, logger="askerqa.feedback"), pytest.raises(VoteNotSaved) as err:
        store.add("Hvor høyt var sykefraværet? " + "x" * 20000, "L1", liked=True)
    message = str(err.value)
    assert message.startswith("Stemmen ble ikke lagret") and words in message and "\n" not in message
    assert isinstance(err.value, AskerQAError)
    assert any("stemme ikke lagret" in r.getMessage() for r in caplog.records)


def test_read_only_database_says_the_vote_was_not_saved(tmp_path, caplog, monkeypatch):
    store = FeedbackStore(tmp_path / "f.sqlite3")
    monkeypatch.setattr(store, "_connect", connect_as(store, mode="ro"))  # as root, chmod would not stop a write
    assert_lost_vote_is_said(store, caplog, "skrivebeskyttet")


def test_full_disk_says_the_vote_was_not_saved(tmp_path, caplog, monkeypatch):
    store = FeedbackStore(tmp_path / "f.sqlite3")
    monkeypatch.setattr(store, "_connect", connect_as(store, max_page_count=True))
    assert_lost_vote_is_said(store, caplog, "full")


def test_corrupt_database_says_the_vote_was_not_saved(tmp_path, caplog):
    store = FeedbackStore(tmp_path / "f.sqlite3")
    store.path.write_bytes(b"this is not sqlite " * 300)
    assert_lost_vote_is_said(store, caplog, "skadet")


def test_deleted_folder_says_the_vote_was_not_saved(tmp_path, caplog):
    store = FeedbackStore(tmp_path / "data" / "f.sqlite3")
    shutil.rmtree(tmp_path / "data")
    assert_lost_vote_is_said(store, caplog, "mappen")
    assert not (tmp_path / "data").exists()


def test_deleted_file_gets_the_vote_in_a_new_file(tmp_path, caplog):
    store = FeedbackStore(tmp_path / "f.sqlite3")
    store.path.unlink()
    with caplog.at_level(logging.WARNING, logger="askerqa.feedback"):
        store.add("Hva er Velferdslab?", None, liked=False)
    assert [v.vote for v in store.all()] == [-1]
    assert any("fantes ikke" in r.getMessage() for r in caplog.records)


def test_an_unusable_file_does_not_stop_the_store_from_starting(tmp_path):
    (tmp_path / "f.sqlite3").write_bytes(b"garbage" * 100)
    store = FeedbackStore(tmp_path / "f.sqlite3")  # the app starts; each vote says it failed
    with pytest.raises(VoteNotSaved):
        store.add("q", None, liked=True)


@pytest.mark.parametrize("make", ["missing", "corrupt", "directory", "foreign"])
def test_feedback_command_on_a_bad_database_prints_one_line_and_exits_2(tmp_path, monkeypatch, capsys, make):
    path = tmp_path / "f.sqlite3"
    if make == "corrupt":
        path.write_bytes(b"garbage" * 1000)
    elif make == "directory":
        path.mkdir()
    elif make == "foreign":  # a valid SQLite file without our table
        sqlite3.connect(path).execute("CREATE TABLE other (x)").connection.commit()
    monkeypatch.setenv("ASKERQA_FEEDBACK_DB", str(path))
    assert main(["feedback"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("askerqa: ") and "Traceback" not in err
    assert str(path) in err
    assert make != "missing" or not path.exists()  # reading never creates the file


def test_feedback_command_summarises_a_good_database(tmp_path, monkeypatch, capsys):
    path = tmp_path / "f.sqlite3"
    FeedbackStore(path).add("Hvor mange bibliotek?", "P1", liked=False)
    monkeypatch.setenv("ASKERQA_FEEDBACK_DB", str(path))
    assert main(["feedback"]) == 0
    assert "👎 1" in capsys.readouterr().out


def test_reading_a_bad_database_raises_a_project_error(tmp_path):
    (tmp_path / "f.sqlite3").write_bytes(b"garbage" * 1000)
    with pytest.raises(FeedbackError):
        FeedbackStore(tmp_path / "f.sqlite3", create=False).all()


def test_one_vote_per_answer_a_change_replaces_it_and_thanks_once(tmp_path):
    """👍 then 👎 on the same answer: one row, now 👎, and the thanks shown once; the thumb pressed again
    (Gradio sends liked="") takes the vote back; another answer gets its own row."""
    from fake_engine import FakeEngine

    from askerqa.web import chat

    engine, store = FakeEngine(), FeedbackStore(tmp_path / "f.sqlite3")
    history, _, asked = chat.respond(engine, "Hvor høyt var sykefraværet? fnr 01019912345", [], [])
    history, _, asked = chat.respond(engine, "Hva er eiendomsskatten?", history, asked)
    first, second = asked[0]["index"], asked[1]["index"]
    db = sqlite3.connect(tmp_path / "f.sqlite3")

    shown, asked = chat.cast_vote(store, asked, [first, None], True)
    assert shown == chat.THANKS
    shown, asked = chat.cast_vote(store, asked, [first, None], False)
    assert shown is None  # no second thanks
    rows = db.execute("SELECT question, vote FROM feedback").fetchall()
    assert rows == [("Hvor høyt var sykefraværet? fnr [fødselsnummer]", -1)]
    shown, asked = chat.cast_vote(store, asked, first, True)
    assert shown is None and db.execute("SELECT vote FROM feedback").fetchall() == [(1,)]

    shown, asked = chat.cast_vote(store, asked, second, False)
    assert shown == chat.THANKS and len(db.execute("SELECT * FROM feedback").fetchall()) == 2

    shown, asked = chat.cast_vote(store, asked, first, "")  # taken back
    assert shown is None
    assert db.execute("SELECT question, vote FROM feedback").fetchall() == [("Hva er eiendomsskatten?", -1)]
    # the session state survives the next turns (keep_last_turns keeps the row id with the answer)
    history, _, asked = chat.respond(engine, "Og i 2021?", history, asked)
    shown, asked = chat.cast_vote(store, asked, second, True)
    assert shown is None and db.execute("SELECT vote FROM feedback").fetchall() == [(1,)]


def test_a_changed_vote_whose_row_is_gone_is_stored_again(tmp_path):
    store = FeedbackStore(tmp_path / "f.sqlite3")
    vote = store.add("sykefravær", "L1", liked=True)
    (tmp_path / "f.sqlite3").unlink()  # the file replaced while the app runs
    changed = store.add("sykefravær", "L1", liked=False, replaces=vote.id)
    assert [(v.question, v.vote, v.id) for v in store.all()] == [("sykefravær", -1, changed.id)]

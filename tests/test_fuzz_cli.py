"""Fuzz `askerqa ask` in-process: any argument or stdin gives an answer or one Norwegian line, never a traceback.

Output goes to strict UTF-8 streams, as to a real pipe, so text the terminal cannot take fails here too.
"""

import contextlib
import io
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from askerqa import search
from askerqa.cli import main

pytestmark = pytest.mark.slow

QUESTIONS = ["Hvor høyt var sykefraværet i 2022?", "Hvor mange bibliotek har kommunen?", "Hva er Velferdslab?"]
ANY_CHAR = st.characters(blacklist_categories=())  # surrogates and control characters included


@pytest.fixture(scope="module", autouse=True)
def one_engine(engine):
    """Every case reuses the session's engine instead of loading the model again."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(search.Engine, "load", classmethod(lambda cls, *a, **k: engine))
        yield


def run(argv: list[str], stdin: bytes = b"") -> tuple[int, str, str]:
    out, err = io.BytesIO(), io.BytesIO()
    stdout = io.TextIOWrapper(out, encoding="utf-8", errors="strict")
    stderr = io.TextIOWrapper(err, encoding="utf-8", errors="strict")
    old_stdin = sys.stdin
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = main(argv)
            stdout.flush()
            stderr.flush()
    finally:
        sys.stdin = old_stdin
    return code, out.getvalue().decode(), err.getvalue().decode()


def argv_like(raw: bytes) -> str:
    """What Python makes of a command-line argument's bytes."""
    return raw.decode("utf-8", "surrogateescape")


ARGUMENT = st.one_of(
    st.text(ANY_CHAR, max_size=60),
    st.binary(max_size=60).map(argv_like),
    st.builds(lambda q, junk, at: q[:at] + junk + q[at:], st.sampled_from(QUESTIONS),
              st.text(ANY_CHAR, min_size=1, max_size=4), st.integers(0, 30)),
    st.sampled_from(QUESTIONS).map(lambda q: argv_like(q.encode("latin-1"))),  # a Latin-1 terminal
)


@settings(max_examples=700, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(ARGUMENT, st.booleans())
def test_any_argument_gives_an_answer_or_one_norwegian_line(question, as_json):
    code, out, err = run(["ask", *(["--json"] if as_json else []), "--", question])
    assert code in (0, 2)
    assert "Traceback" not in err
    if code == 2:
        assert err.startswith("askerqa: ") and err.count("\n") == 1 and not out
    else:
        assert out.strip()


LINE = st.one_of(st.binary(max_size=50).map(lambda b: b.replace(b"\n", b" ")),
                 st.text(ANY_CHAR, max_size=40).map(lambda t: t.encode("utf-8", "surrogatepass").replace(b"\n", b" ")),
                 st.sampled_from(QUESTIONS).map(str.encode))


@settings(max_examples=350, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True)
@given(st.lists(LINE, min_size=1, max_size=3))
def test_any_stdin_gives_one_line_per_question(lines):
    code, out, err = run(["ask", "--stdin", "--json"], stdin=b"\n".join(lines) + b"\n")
    assert code in (0, 2)
    assert "Traceback" not in err
    assert out.count("\n") == len(lines)  # by "\n" only: str.splitlines would also cut at U+0085 and U+2028


def test_latin1_argument_is_refused_in_norwegian():
    code, out, err = run(["ask", "--", "Hvor h\udcf8yt var sykefrav\udce6ret?"])
    assert code == 2 and "ikke UTF-8" in err and not out

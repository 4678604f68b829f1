"""Fuzz the Python and HTTP fronts with the real engine: any text, lone surrogates, control characters and
bytes that are not UTF-8 get an answer or one Norwegian message, never a traceback or a 500."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from askerqa.errors import AskerQAError
from askerqa.types import Answer

pytestmark = pytest.mark.slow

# text with the characters that broke fronts before: lone surrogates, controls, NUL, RTL marks, HTML
TEXT = st.text(alphabet=st.characters(codec=None, categories=None), max_size=200) | st.sampled_from(
    ["\ud800", "Hvor h\udcf8yt", "\x00", "<script>alert(1)</script>", "\u202eHvor", " " * 50, "ø" * 3000])


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                    HealthCheck.too_slow], derandomize=True)
@given(TEXT, st.lists(TEXT, max_size=3))
def test_python_front_answers_or_says_why(engine, question, context):
    try:
        answer = engine.ask(question, context=context)
    except AskerQAError as err:
        assert str(err) and "Traceback" not in str(err)
    else:
        assert isinstance(answer, Answer) and answer.status in ("found", "uncertain", "not_found")


@pytest.fixture(scope="module")
def http(engine):
    from fastapi import FastAPI
    from fastapi.testclient import TestClient

    from askerqa.web import api

    app = FastAPI()
    api.install(app, engine, api.Limits(rate_per_s=0))  # the routes and their Norwegian error handlers
    return TestClient(app, raise_server_exceptions=False)


BODY = st.one_of(
    st.builds(lambda q, c: json.dumps({"question": q, "context": c}).encode(), TEXT, st.lists(TEXT, max_size=2)),
    st.binary(max_size=300),  # anything, including bytes that are not UTF-8 or not JSON
    st.builds(lambda q: json.dumps({"question": q, "top_k": "x"}).encode(), TEXT),
)


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                    HealthCheck.too_slow], derandomize=True)
@given(BODY)
def test_http_front_answers_or_says_why(http, body):
    reply = http.post("/api/ask", content=body, headers={"content-type": "application/json"})
    assert reply.status_code in (200, 400, 413, 422), reply.text
    data = reply.json()
    if reply.status_code == 200:
        assert data["answer"]["status"] in ("found", "uncertain", "not_found")
    else:
        assert isinstance(data["error"], str) and data["error"] and "Traceback" not in data["error"]

"""Issue #15 scope 4: every kind of bad input to POST /v1/records is a clear 4xx
problem+json, and an article accepted before it is still served afterwards."""

from __future__ import annotations

import json

import pytest

from schemas.article import MAX_ARTICLE_CHARS
from tests.api.conftest import TEXT, ClientMaker, article_payload, assert_problem

JSON = "application/json"
NAV_ONLY = b"<html><head><title>Index</title></head><body><nav>Home | World</nav></body></html>"

BAD = [
    ("empty text", b'{"text": ""}', JSON, 422),
    ("whitespace only", b'{"text": "  \\n\\t "}', JSON, 422),
    ("binary body", bytes(range(256)), JSON, 422),
    ("NUL bytes in text", b'{"text": "abc\\u0000\\u0001def ghi"}', JSON, 422),
    ("non-UTF-8 JSON", b'{"text": "caf\xe9 au lait"}', JSON, 422),
    ("non-UTF-8 HTML", b"<html><body><p>caf\xe9</p></body></html>", "text/html", 422),
    ("60,001 characters", None, JSON, 422),
    ("malformed JSON", b'{"text": "abc', JSON, 422),
    ("HTML with no article", NAV_ONLY, "text/html", 422),
]


@pytest.mark.parametrize(("case", "body", "media", "status"), BAD, ids=[c[0] for c in BAD])
def test_bad_input_is_a_4xx_problem_and_loses_nothing(
    make_client: ClientMaker, case: str, body: bytes | None, media: str, status: int
) -> None:
    client = make_client()
    accepted = client.post("/v1/records", json=article_payload(text=TEXT))
    assert accepted.status_code == 200, accepted.text
    if body is None:  # one character over the limit
        body = json.dumps(article_payload(text="a" * (MAX_ARTICLE_CHARS + 1))).encode()
    answer = client.post("/v1/records", content=body, headers={"Content-Type": media})
    problem = assert_problem(answer, status)
    assert problem["detail"] and "\n" not in problem["detail"], case
    again = client.post("/v1/records", json=article_payload(text=TEXT))
    assert again.status_code == 200 and again.json() == accepted.json()

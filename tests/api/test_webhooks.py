"""Webhooks: a finished job is POSTed to its callback_url, signed, retried with backoff."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from pydantic import SecretStr

from service.api.webhooks import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign_callback, verify_callback
from tests.api.conftest import ClientMaker, article_payload, wait_for_job

SECRET = "whsec-test"


class Receiver:
    """A local webhook endpoint: answers the queued statuses (then 200) and keeps requests."""

    def __init__(self, statuses: list[int]) -> None:
        self.statuses = statuses
        self.requests: list[tuple[dict[str, str], bytes]] = []
        self.delivered = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()
                if status == 200:
                    receiver.delivered.set()

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def __enter__(self) -> Receiver:
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver([500, 503]) as r:
        yield r


def test_webhook_is_signed_and_retried_until_delivered(
    make_client: ClientMaker, receiver: Receiver
) -> None:
    client = make_client(webhook_secret=SecretStr(SECRET), webhook_backoff_s=0.05)
    cluster = {"articles": [article_payload(1), article_payload(2)], "callback_url": receiver.url}
    job = client.post("/v1/consensus?mode=async", json=cluster).json()
    assert receiver.delivered.wait(15), "webhook never delivered"
    assert len(receiver.requests) == 3  # 500, 503, then 200
    for headers, body in receiver.requests:
        assert headers[SIGNATURE_HEADER.lower()].startswith("sha256=")
        assert verify_callback(
            SECRET, headers[TIMESTAMP_HEADER.lower()], body, headers[SIGNATURE_HEADER.lower()]
        )
        assert not verify_callback(
            "wrong", headers[TIMESTAMP_HEADER.lower()], body, headers[SIGNATURE_HEADER.lower()]
        )
    payload = json.loads(receiver.requests[-1][1])
    assert payload["event"] == "job.succeeded"
    assert payload["job"]["id"] == job["id"]
    assert payload["result"]["outlets"]
    deadline = time.monotonic() + 5
    while (state := wait_for_job(client, job["id"]))["callback_state"] != "delivered":
        assert time.monotonic() < deadline
        time.sleep(0.02)
    assert state["callback_attempts"] == 3


def test_webhook_gives_up_after_the_retries(make_client: ClientMaker) -> None:
    with Receiver([500] * 10) as failing:
        client = make_client(
            webhook_secret=SecretStr(SECRET), webhook_backoff_s=0.01, webhook_retries=2
        )
        cluster = {
            "articles": [article_payload(1), article_payload(2)],
            "callback_url": failing.url,
        }
        job_id = client.post("/v1/consensus?mode=async", json=cluster).json()["id"]
        deadline = time.monotonic() + 10
        while (state := wait_for_job(client, job_id))["callback_state"] != "failed":
            assert time.monotonic() < deadline, state
            time.sleep(0.02)
        assert state["callback_attempts"] == 3 == len(failing.requests)


def test_signature_covers_timestamp_and_body() -> None:
    body = b'{"event":"job.succeeded"}'
    signature = sign_callback(SECRET, "1700000000", body)
    assert verify_callback(SECRET, "1700000000", body, signature, now=1700000010)
    assert not verify_callback(SECRET, "1700000001", body, signature, now=1700000010)
    assert not verify_callback(SECRET, "1700000000", body + b" ", signature, now=1700000010)
    assert not verify_callback(SECRET, "1700000000", body, signature, now=1700009999)  # stale

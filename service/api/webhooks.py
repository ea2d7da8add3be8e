"""Webhooks: a finished job with a `callback_url` is POSTed there, signed.

The signature is HMAC-SHA256 (`X-Corroborate-Signature: sha256=<hex>` over
`<timestamp>.<raw body>`, timestamp in `X-Corroborate-Timestamp`); deliveries are retried
with exponential backoff and jitter, and resume after a restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import random
import time
from typing import Any

import httpx

from service.api.config import ApiConfig
from service.api.jobs import job_response
from service.api.metrics import WEBHOOKS
from service.store import Job, Store

log = logging.getLogger("corroborate.api")

SIGNATURE_HEADER = "X-Corroborate-Signature"
TIMESTAMP_HEADER = "X-Corroborate-Timestamp"


def sign_callback(secret: str, timestamp: str, body: bytes) -> str:
    """The signature header value: `sha256=` + HMAC-SHA256(secret, `<timestamp>.<body>`)."""
    mac = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, "sha256")
    return "sha256=" + mac.hexdigest()


def verify_callback(
    secret: str,
    timestamp: str,
    body: bytes,
    signature: str,
    *,
    tolerance_s: float = 300.0,
    now: float | None = None,
) -> bool:
    """What a receiver does: check the signature and that the timestamp is recent."""
    try:
        age = abs((time.time() if now is None else now) - int(timestamp))
    except ValueError:
        return False
    expected = sign_callback(secret, timestamp, body)
    return age <= tolerance_s and hmac.compare_digest(expected, signature)


def callback_body(job: Job) -> bytes:
    """The JSON a job's webhook carries (`JobCallbackRequest`)."""
    events = {"succeeded": "job.succeeded", "partial": "job.partial", "failed": "job.failed"}
    event = events.get(job.status, "job.cancelled")
    payload: dict[str, Any] = {
        "event": event,
        "job": job_response(job).model_dump(mode="json"),
        "result": json.loads(job.result_json) if job.result_json else None,
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class WebhookSender:
    """Delivers finished jobs to their `callback_url`, retrying with backoff until a 2xx."""

    def __init__(self, store: Store, config: ApiConfig) -> None:
        self.store = store
        self.config = config
        self._tasks: set[asyncio.Task[None]] = set()

    def schedule(self, job: Job) -> None:
        """Start delivering `job` in the background (no-op without a callback_url)."""
        if not job.callback_url or self.config.webhook_secret is None:
            return
        task = asyncio.get_running_loop().create_task(self._deliver(job))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def resume(self) -> None:
        """Re-schedule deliveries interrupted by a restart."""
        for job in self.store.pending_callbacks():
            self.schedule(job)

    async def stop(self) -> None:
        """Abandon pending deliveries (they resume at the next start)."""
        for task in list(self._tasks):
            task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _deliver(self, job: Job) -> None:
        assert job.callback_url is not None and self.config.webhook_secret is not None
        secret = self.config.webhook_secret.get_secret_value()
        body = callback_body(job)
        attempts = job.callback_attempts
        last_try = self.config.webhook_retries + 1
        async with httpx.AsyncClient(timeout=self.config.webhook_timeout_s) as client:
            while attempts < last_try:
                attempts += 1
                timestamp = str(int(time.time()))
                headers = {
                    "Content-Type": "application/json",
                    "User-Agent": "corroborate-webhook",
                    TIMESTAMP_HEADER: timestamp,
                    SIGNATURE_HEADER: sign_callback(secret, timestamp, body),
                    "X-Corroborate-Job": job.id,
                }
                try:
                    answer = await client.post(job.callback_url, content=body, headers=headers)
                    delivered = answer.is_success
                    why = f"HTTP {answer.status_code}"
                except httpx.HTTPError as exc:
                    delivered, why = False, f"{type(exc).__name__}: {exc}"
                WEBHOOKS.labels("delivered" if delivered else "error").inc()
                if delivered:
                    self.store.set_callback_state(job.id, "delivered", attempts)
                    return
                self.store.set_callback_state(job.id, "pending", attempts)
                log.warning("webhook for job %s, try %d: %s", job.id, attempts, why)
                if attempts < last_try:
                    delay = min(self.config.webhook_backoff_s * 2 ** (attempts - 1), 300.0)
                    await asyncio.sleep(delay * (1 + random.random() / 4))
        self.store.set_callback_state(job.id, "failed", attempts)

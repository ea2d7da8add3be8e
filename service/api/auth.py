"""Who is asking, and whether they may ask again so soon.

- **Auth**: `Authorization: Bearer <key>` against the configured keys, compared as
  sha256 digests with `hmac.compare_digest`. With no keys configured, auth is OFF and
  every caller is `anonymous` (meant for a loopback-only deployment).
- **Rate limit**: a token bucket per API key (per client address when auth is off):
  `rate_limit_per_minute` requests a minute, bursts up to the same number; 0 turns it off.
  Buckets live in the process: several uvicorn workers would each allow the full rate.
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from pydantic import SecretStr

from service.api.problems import ApiProblem

ANONYMOUS = "anonymous"
"""The caller id when auth is off."""


def key_digest(key: SecretStr | str) -> str:
    """sha256 hex digest of an API key: what is kept in memory and compared."""
    raw = key.get_secret_value() if isinstance(key, SecretStr) else key
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Caller:
    """Who is asking: `key_id` owns jobs; `bucket` is charged for the rate limit."""

    key_id: str
    bucket: str


class Authenticator:
    """Bearer API keys, kept and compared as sha256 digests."""

    def __init__(self, digests: Sequence[str]) -> None:
        self._digests = tuple(digests)

    @property
    def enabled(self) -> bool:
        """False when no key is configured: every request is let in as `anonymous`."""
        return bool(self._digests)

    def identify(self, token: str | None) -> str:
        """The key id (a digest prefix) for a bearer token, or an ApiProblem (401/403)."""
        if not self.enabled:
            return ANONYMOUS
        if not token:
            raise ApiProblem(
                401,
                "unauthenticated",
                "send 'Authorization: Bearer <API key>'",
                headers={"WWW-Authenticate": 'Bearer realm="corroborate"'},
            )
        presented = key_digest(token)
        match: str | None = None
        for digest in self._digests:  # no early exit: time does not depend on which key
            if hmac.compare_digest(presented, digest):
                match = digest
        if match is None:
            raise ApiProblem(403, "forbidden", "this API key is not accepted")
        return "key-" + match[:12]


class RateLimiter:
    """Token buckets: `per_minute` tokens a minute, holding at most `per_minute`."""

    MAX_BUCKETS = 10_000

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def acquire(self, bucket: str) -> float:
        """Take one token: 0.0 when allowed, else the seconds until a token is free."""
        if self.capacity <= 0:
            return 0.0
        now = self._clock()
        with self._lock:
            tokens, last = self._buckets.get(bucket, (self.capacity, now))
            tokens = min(self.capacity, tokens + (now - last) * self.rate)
            if tokens >= 1.0:
                self._buckets[bucket] = (tokens - 1.0, now)
                self._prune(now)
                return 0.0
            self._buckets[bucket] = (tokens, now)
            return (1.0 - tokens) / self.rate

    def _prune(self, now: float) -> None:
        if len(self._buckets) <= self.MAX_BUCKETS:
            return
        full_after = self.capacity / self.rate
        for key, (_, last) in list(self._buckets.items()):
            if now - last >= full_after:  # refilled to capacity: same as a fresh bucket
                del self._buckets[key]

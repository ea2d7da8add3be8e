"""A circuit breaker for the LLM endpoint: a total outage costs one retry cycle, not one
per facet per article.

    closed ──(`failures` consecutive transport failures)──▶ open
    open ──(`cooldown_s` passed: the next caller is let through as the probe)──▶ half-open
    half-open ──(probe answered)──▶ closed      half-open ──(probe failed)──▶ open

While open (and while a probe is out) every other call is refused at once; `allow()`
says for how long. Only transport failures count (refused, reset, time-out, 429, 5xx):
an answer, even an unusable one, shows the server is up and closes the breaker.
Thread-safe: one breaker is shared by every call of one client.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Literal

BreakerState = Literal["closed", "open", "half_open"]


class CircuitBreaker:
    """Counts consecutive transport failures; refuses calls for a cool-down after too many.

    `failures=0` turns it off (every call is allowed).
    """

    def __init__(
        self,
        failures: int,
        cooldown_s: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.failures = failures
        self.cooldown_s = cooldown_s
        self._clock = clock
        self._lock = threading.Lock()
        self._state: BreakerState = "closed"
        self._consecutive = 0
        self._opened_at = 0.0
        self.opened = 0
        """How many times the breaker has opened (for logs and benchmarks)."""

    @property
    def state(self) -> BreakerState:
        """Where the breaker is now (an open breaker past its cool-down reads half-open)."""
        with self._lock:
            if self._state == "open" and self._clock() - self._opened_at >= self.cooldown_s:
                return "half_open"
            return self._state

    def allow(self) -> float | None:
        """None when a call may go out now; else the seconds until a probe may be made.

        After the cool-down the first caller becomes the probe; the others keep being
        refused until the probe has answered or failed.
        """
        if self.failures <= 0:
            return None
        with self._lock:
            if self._state == "closed":
                return None
            left = self._opened_at + self.cooldown_s - self._clock()
            if self._state == "open" and left <= 0:
                self._state = "half_open"  # this caller is the probe
                return None
            return max(left, 0.0) if self._state == "open" else self.cooldown_s

    def blocking(self) -> bool:
        """True while calls are refused (open and cooling down, or a probe is out)."""
        if self.failures <= 0:
            return False
        with self._lock:
            if self._state == "half_open":
                return True
            return self._state == "open" and self._clock() - self._opened_at < self.cooldown_s

    def success(self) -> None:
        """The endpoint answered: close."""
        with self._lock:
            self._state = "closed"
            self._consecutive = 0

    def failure(self) -> bool:
        """A transport failure; True when it opened the breaker."""
        if self.failures <= 0:
            return False
        with self._lock:
            self._consecutive += 1
            if self._state == "half_open" or (
                self._state == "closed" and self._consecutive >= self.failures
            ):
                self._state = "open"
                self._opened_at = self._clock()
                self.opened += 1
                return True
            return False


__all__ = ["BreakerState", "CircuitBreaker"]

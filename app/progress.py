"""Progress on stderr, so stdout stays machine-readable: a rich bar on a terminal, plain
lines otherwise (a log, a pipe, CI). One line per article as it finishes, then a summary."""

from __future__ import annotations

import sys
import threading
import time
from types import TracebackType
from typing import IO

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)

from schemas.record import EventRecord


def _rate(rate: float | None) -> str:
    return "n/a" if rate is None else f"{rate:.2f}"


def record_line(article_id: str, record: EventRecord) -> str:
    """What one finished record holds, in one line."""
    prov = record.provenance
    fell_back = [f"{n} ({f.error})" for n, f in (prov.facets if prov else {}).items() if f.error]
    degraded = f"; DEGRADED, fell back: {', '.join(fell_back)}" if record.degraded else ""
    return (
        f"{article_id}: {len(record.actors)} actors, {len(record.quantities)} quantities, "
        f"{len(record.quotes)} quotes, {len(record.claims)} claims, grounding "
        f"{_rate(record.grounding_rate)}, {prov.seconds if prov else 0:.1f}s{degraded}"
    )


class ArticleProgress:
    """Counts finished articles (i/N) and the time since `start`; thread-safe."""

    def __init__(self, total: int, what: str = "articles", stream: IO[str] | None = None):
        self.total = total
        self.what = what
        self.stream = stream or sys.stderr
        self.done = 0
        self._started = time.perf_counter()
        self._lock = threading.Lock()
        self._bar: Progress | None = None
        self._task: TaskID | None = None

    @property
    def elapsed(self) -> float:
        """Seconds since the progress began."""
        return time.perf_counter() - self._started

    def __enter__(self) -> ArticleProgress:
        self._started = time.perf_counter()
        if self.stream.isatty():
            self._bar = Progress(
                TextColumn("{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=Console(file=self.stream),
                transient=True,
            )
            self._bar.start()
            self._task = self._bar.add_task(self.what, total=self.total)
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None

    def note(self, message: str) -> None:
        """A line above the bar (or a plain line)."""
        with self._lock:
            self._emit(message, 0)

    def advance(self, message: str) -> None:
        """One more item done: `[i/N] message (elapsed)`."""
        with self._lock:
            self.done += 1
            self._emit(f"[{self.done}/{self.total}] {message} ({self.elapsed:.1f}s elapsed)", 1)

    def skip(self, count: int, message: str) -> None:
        """`count` items that need no work (already done): `[i/N] message`."""
        with self._lock:
            self.done += count
            self._emit(f"[{self.done}/{self.total}] {message}", count)

    def _emit(self, line: str, count: int) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.console.print(line, markup=False, highlight=False)
            self._bar.advance(self._task, count)
        else:
            self.stream.write(line + "\n")
            self.stream.flush()

    def record(self, article_id: str, record: EventRecord) -> None:
        """An article's record is done."""
        self.advance(record_line(article_id, record))

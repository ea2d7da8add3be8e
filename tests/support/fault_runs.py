"""Run one entry point (the CLI's extract, summarise, batch; the API's sync record and async
consensus) against a `FaultServer` over the real loopback socket, and say what happened:
exit code or HTTP status, which records came out degraded, which were cached, which were
written, and the LLM calls per article. Shared by tests/integration/test_fault_matrix.py
and bench/bench_faults.py.

The CLI runs in this process through `app.cli.main` (its real argument parsing, error
mapping and exit codes) with the settings in the environment; the API through its app
with the production pipeline factory (a real `OpenAICompatibleLLM`) under a `TestClient`.
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import os
import sys
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal
from unittest import mock

from schemas.article import Article
from service.settings import Settings, get_settings
from service.store import Store
from tests.support.fault_server import FaultServer, requested_schema

EntryPoint = Literal["extract", "summarise", "batch", "api-record", "api-consensus-async"]
ENTRY_POINTS: Final[tuple[EntryPoint, ...]] = (
    "extract",
    "summarise",
    "batch",
    "api-record",
    "api-consensus-async",
)

CLUSTER_KEY: Final = "ferry"
NARRATIVE: Final = "narrative"
"""The `calls` key of narrative calls (they name every outlet)."""

_TEXTS: Final = (
    (
        "harbour-post",
        "Harbour Post",
        "A ferry carrying 212 passengers ran aground off Porto Lento on Monday, the coast "
        'guard said. "The crew acted quickly," Mayor Ada Quill said.',
    ),
    (
        "valley-courier",
        "Valley Courier",
        "At least 15 people were hurt when a ferry struck rocks near Porto Lento on Monday, "
        'the coast guard said. "Everyone is safe now," Mayor Ada Quill said.',
    ),
)


def cluster_articles() -> list[Article]:
    """The two articles every run uses: figures, quotes and sourced claims in each, so
    every facet goes to the model."""
    return [
        Article(id=i, outlet=outlet, published_at="2026-03-03T09:00:00Z", text=text)
        for i, outlet, text in _TEXTS
    ]


def write_cluster(root: Path) -> Path:
    """The cluster as `<root>/clusters/ferry/*.json` (for batch; summarise takes the folder)."""
    folder = root / "clusters" / CLUSTER_KEY
    folder.mkdir(parents=True, exist_ok=True)
    for article in cluster_articles():
        (folder / f"{article.id}.json").write_text(article.model_dump_json(), encoding="utf-8")
    return folder


def fault_env(server: FaultServer, database_url: str, **overrides: Any) -> dict[str, str]:
    """Settings for a run, as environment variables: quick retries, a 3-failure breaker
    that stays open for the run, one call in flight (so 'the first k calls' are the first
    article's first facet), no `.env`."""
    values: dict[str, Any] = {
        "model": "llamacpp/fault-server",
        "base_url": server.base_url,
        "database_url": database_url,
        "timeout_s": 1.5,
        "retries": 1,
        "reasks": 1,
        "retry_backoff_s": 0.01,
        "retry_after_max_s": 0.05,
        "breaker_failures": 3,
        "breaker_cooldown_s": 60,
        "llm_concurrency": 1,
    }
    values.update(overrides)
    return {f"CORROBORATE_{k.upper()}": str(v) for k, v in values.items()}


@dataclass
class Outcome:
    """What one run of an entry point did."""

    entry: str
    code: int
    """Exit code (CLI) or HTTP status (API; for an async job, its final GET's status)."""
    detail: str = ""
    """The CLI's last stderr line, the problem's detail, or the job's status."""
    degraded: set[str] = field(default_factory=set)
    """Article ids whose record came out degraded (`provenance.degraded`)."""
    written: set[str] = field(default_factory=set)
    """Article ids whose record was written or answered (nothing accepted is lost)."""
    cached: set[str] = field(default_factory=set)
    """Article ids whose record is in the record cache after the run."""
    calls: dict[str, int] = field(default_factory=dict)
    """Chat calls the server saw, per article id ('narrative' for narratives)."""
    seconds: float = 0.0
    job_status: str | None = None
    """For an async job: where it ended (`succeeded`, `partial`, `failed`)."""
    error_status: int | None = None
    """For a failed async job: its problem's status (503, 502)."""
    retry_after: str | None = None
    """The `Retry-After` the API sent (header, or a failed job's problem member)."""

    @property
    def verdict(self) -> str:
        """Exit code or HTTP status as the fault table shows it."""
        if self.entry.startswith("api-"):
            if self.job_status is not None:
                failed = f" {self.error_status}" if self.error_status else ""
                return f"job {self.job_status}{failed}"
            return f"HTTP {self.code}"
        return f"exit {self.code}"

    @property
    def total_calls(self) -> int:
        return sum(self.calls.values())


def _calls(server: FaultServer) -> dict[str, int]:
    outlets = {outlet: article_id for article_id, outlet, _ in _TEXTS}
    counts: dict[str, int] = {}
    for body in server.requests():
        _, name, _ = requested_schema(body)
        text = json.dumps(body.get("messages", []))
        if name == "NarrativeDraft":
            key = NARRATIVE
        else:
            key = next((i for o, i in outlets.items() if o in text), "?")
        counts[key] = counts.get(key, 0) + 1
    return counts


def _cached(settings: Settings) -> set[str]:
    from service.llm import OpenAICompatibleLLM
    from service.pipeline import Pipeline

    store = Store(settings.database_url)
    try:
        pipe = Pipeline(settings, OpenAICompatibleLLM(settings))
        return {a.id for a in cluster_articles() if store.get_cached_record(pipe.cache_key(a))}
    finally:
        store.close()


@contextlib.contextmanager
def _environment(env: Mapping[str, str]) -> Iterator[Settings]:
    keep = {k: v for k, v in os.environ.items() if not k.startswith("CORROBORATE_")}
    with mock.patch.dict(os.environ, {**keep, **env}, clear=True):
        get_settings.cache_clear()
        try:
            yield Settings(_env_file=None)
        finally:
            get_settings.cache_clear()


def _records(paths: list[Path]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        out[str(data["article_id"])] = data
    return out


def _cli(args: list[str]) -> tuple[int, str]:
    from app.cli import main

    err = io.StringIO()
    code = 0
    with (
        mock.patch.object(sys, "argv", ["corroborate", *args]),
        contextlib.redirect_stderr(err),
        contextlib.redirect_stdout(io.StringIO()),
    ):
        try:
            main()
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 1
    lines = [line for line in err.getvalue().splitlines() if line.strip()]
    return code, lines[-1] if lines else ""


def run_entry(entry: EntryPoint, server: FaultServer, workdir: Path, **overrides: Any) -> Outcome:
    """Run `entry` once in `workdir` (its cache and outputs persist there across runs)."""
    database_url = f"sqlite:///{workdir / 'cache.sqlite3'}"
    env = fault_env(server, database_url, **overrides)
    folder = write_cluster(workdir)
    server.reset_stats()
    started = time.perf_counter()
    with _environment(env) as settings:
        if entry.startswith("api-"):
            outcome = _api(entry, settings)
        else:
            outcome = _cli_entry(entry, folder, workdir)
    outcome.seconds = time.perf_counter() - started
    outcome.calls = _calls(server)
    outcome.cached = _cached(settings) if entry != "extract" else set()
    if entry in ("batch", "api-consensus-async"):
        # A consensus does not say which of its records fell back: the cache does, since
        # it holds every complete record and no degraded one.
        outcome.degraded = outcome.written - outcome.cached
    return outcome


def _cli_entry(entry: str, folder: Path, workdir: Path) -> Outcome:
    out = workdir / f"out-{entry}"
    if entry == "extract":
        code, detail = _cli(["extract", str(folder), "--out", str(out)])
        records = _records(sorted(out.glob("*.json")))
    elif entry == "summarise":
        code, detail = _cli(["summarise", str(folder), "--out", str(out), "--format", "json"])
        records = _records(sorted((out / "records").glob("*.json")))
    else:
        code, detail = _cli(["batch", str(folder.parent), "--out", str(out)])
        consensus = out / f"{CLUSTER_KEY}.json"
        records = {}
        if consensus.is_file():  # its records are merged into it, one outlet each
            data = json.loads(consensus.read_text(encoding="utf-8"))
            records = {o["article_id"]: {} for o in data["outlets"]}
        if not (out / f"{CLUSTER_KEY}.key").is_file() and records:
            detail += " [not marked done]"
    degraded = {i for i, r in records.items() if r.get("degraded")}
    return Outcome(entry, code, detail, degraded=degraded, written=set(records))


def _api(entry: str, settings: Settings) -> Outcome:
    from fastapi.testclient import TestClient

    from service.api.app import create_app
    from service.api.config import ApiConfig
    from service.api.deps import pipeline_factory

    config = dataclasses.replace(ApiConfig.from_settings(settings), rate_limit_per_minute=0)
    app = create_app(settings, pipeline_factory=pipeline_factory(), config=config)
    articles = [a.model_dump(mode="json") for a in cluster_articles()]
    with TestClient(app) as client:
        if entry == "api-record":
            answer = client.post("/v1/records", json=articles[0])
            body = answer.json()
            outcome = Outcome(entry, answer.status_code)
            outcome.retry_after = answer.headers.get("retry-after")
            if answer.status_code == 200:
                outcome.written = {body["article_id"]}
                outcome.degraded = {body["article_id"]} if body["degraded"] else set()
            else:
                outcome.detail = str(body.get("detail", ""))
            return outcome
        job = client.post("/v1/consensus?mode=async", json={"articles": articles}).json()
        deadline = time.monotonic() + 60
        while True:
            status = client.get(f"/v1/jobs/{job['id']}").json()
            if status["status"] not in ("queued", "running") or time.monotonic() > deadline:
                break
            time.sleep(0.02)
        result = client.get(f"/v1/jobs/{job['id']}/result")
        outcome = Outcome(entry, result.status_code, job_status=status["status"])
        outcome.detail = status["status"]
        if status.get("error"):
            error = status["error"]
            outcome.error_status = int(error["status"])
            outcome.detail = str(error.get("detail", ""))
            retry_after = error.get("retry_after")
            outcome.retry_after = None if retry_after is None else str(retry_after)
        if result.status_code == 200:
            outcome.written = {o["article_id"] for o in result.json()["outlets"]}
        return outcome


__all__ = [
    "CLUSTER_KEY",
    "ENTRY_POINTS",
    "NARRATIVE",
    "EntryPoint",
    "Outcome",
    "cluster_articles",
    "fault_env",
    "run_entry",
    "write_cluster",
]

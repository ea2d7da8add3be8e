"""Throughput against the project's latency stub: how close the CLI, `batch` and the API come
to what the LLM's latency alone allows.

The stub is `tests.support.fault_server` on loopback: every chat completion answers a
schema-valid instance after `--latency` seconds (L), any number at once. Each figure is a
ratio to an ideal that only the latency and the cap on calls in flight set:

- `summarise` of the sample cluster (evals/datasets/dev/kim-beijing-2025), as a process,
  against its critical path: the same command with no latency (start-up, parsing, merge,
  rendering: the work no concurrency hides) plus 2 x L (a facet call, then the narrative,
  which needs every record). Median of `--repeat` runs.
- `batch` of every dev and test cluster at `--concurrency C` with the limiter at C:
  ideal = calls x L / C. Given for the whole process and for the run itself (the time
  `batch` reports, after start-up).
- the API (`corroborate serve`, limiter at `--api-limit`): sync `POST /v1/records` of every
  dataset article from N client threads; ideal = calls x L / min(limit, N x calls per
  record). Timed after one warm-up request.

    python bench/bench_throughput.py [--latency 0.5] [--batch 16] [--api 8] [--root PATH]

`--root` measures another checkout's CLI with the same workload (e.g. a worktree of an
older commit, for a before/after); the stub always comes from this one.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

# The repository root goes on the path first, so the script runs without an install.
from tests.support.fault_server import FaultServer  # noqa: E402

DATASETS = ROOT / "evals" / "datasets"
SAMPLE = DATASETS / "dev" / "kim-beijing-2025"
MODEL = "vllm/latency-stub"


def _env(root: Path, home: Path, **settings: str | int) -> dict[str, str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(home)}
    env["PYTHONPATH"] = str(root)
    env["CORROBORATE_RATE_LIMIT_PER_MINUTE"] = "0"
    env.update({f"CORROBORATE_{k.upper()}": str(v) for k, v in settings.items()})
    return env


def _run(root: Path, args: Sequence[str], env: dict[str, str]) -> tuple[float, float, str]:
    """(wall seconds, CPU seconds, stderr) of one CLI process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"corroborate {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stderr


def _calls(server: FaultServer) -> int:
    return server.stats().calls


def bench_summarise(root: Path, latency: float, repeat: int, limit: int, work: Path) -> None:
    """summarise of the sample vs its critical path."""
    walls: dict[float, list[float]] = {0.0: [], latency: []}
    calls = 0
    for n in range(repeat):
        for lat in (0.0, latency):
            with FaultServer(latency=lat) as server:
                env = _env(root, work, llm_concurrency=limit, base_url=server.base_url)
                cache = f"sqlite:///{work / f'summarise-{lat}-{n}.sqlite3'}"  # always cold
                args = ["summarise", str(SAMPLE), "--format", "json", "--model", MODEL]
                wall, _, _ = _run(root, [*args, "--cache", cache], env)
                walls[lat].append(wall)
                calls = _calls(server)
    floor = statistics.median(walls[0.0])
    critical = floor + 2 * latency
    took = statistics.median(walls[latency])
    print(
        f"summarise  sample ({calls} calls), limiter {limit}: {took:.2f} s "
        f"(median of {repeat}); critical path {critical:.2f} s = {floor:.2f} s with no "
        f"latency + 2 x {latency} s; ratio {took / critical:.2f}x "
        f"(all calls one after another: {floor + calls * latency:.1f} s)"
    )


def _clusters(work: Path) -> Path:
    root = work / "clusters"
    for articles in sorted(DATASETS.glob("*/*/articles")):
        shutil.copytree(articles, root / articles.parent.name)
    return root


def bench_batch(root: Path, latency: float, concurrency: int, work: Path) -> None:
    """batch of every dataset cluster at `concurrency`, the limiter at the same."""
    clusters = _clusters(work / f"batch-{concurrency}")
    with FaultServer(latency=latency) as server:
        env = _env(root, work, llm_concurrency=concurrency, base_url=server.base_url)
        out = work / f"batch-{concurrency}" / "out"
        cache = f"sqlite:///{work / f'batch-{concurrency}.sqlite3'}"
        args = ["batch", str(clusters), "--out", str(out), "--concurrency", str(concurrency)]
        wall, cpu, stderr = _run(root, [*args, "--model", MODEL, "--cache", cache], env)
        calls = _calls(server)
        peak = server.stats().max_in_flight
    ideal = calls * latency / concurrency
    found = re.search(r"done in ([\d.]+)s", stderr)
    inner = ""
    if found:
        run = float(found[1])
        inner = f"; the run itself {run:.2f} s = {ideal / run:.0%}"
    print(
        f"batch      {len(list(clusters.iterdir()))} clusters, concurrency {concurrency}: "
        f"{calls} calls, ideal {ideal:.2f} s; process {wall:.2f} s = {ideal / wall:.0%} of "
        f"ideal{inner}; peak in flight {peak}; CPU {cpu:.1f} s"
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _articles() -> list[dict[str, Any]]:
    paths = sorted(DATASETS.glob("*/*/articles/*.json"))
    return [json.loads(p.read_text(encoding="utf-8")) for p in paths]


def bench_api(root: Path, latency: float, clients: int, limit: int, work: Path) -> None:
    """Sync POST /v1/records of every dataset article from `clients` threads."""
    import httpx

    articles = _articles()
    port = _free_port()
    with FaultServer(latency=latency) as server:
        env = _env(
            root,
            work,
            llm_concurrency=limit,
            base_url=server.base_url,
            model=MODEL,
            database_url=f"sqlite:///{work / f'api-{clients}.sqlite3'}",
        )
        process = subprocess.Popen(
            [sys.executable, "-m", "app.cli", "serve", "--port", str(port)],
            cwd=root,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline or process.poll() is not None:
                    raise SystemExit("the API did not start")
                time.sleep(0.2)
            warm, *measured = articles
            httpx.post(f"{base}/v1/records", json=warm, timeout=120).raise_for_status()
            before = _calls(server)
            statuses: list[int] = []
            lock = threading.Lock()

            def post(article: dict[str, Any]) -> None:
                answer = httpx.post(f"{base}/v1/records", json=article, timeout=120)
                with lock:
                    statuses.append(answer.status_code)

            started = time.perf_counter()
            with ThreadPoolExecutor(clients) as pool:
                list(pool.map(post, measured))
            wall = time.perf_counter() - started
            calls = _calls(server) - before
        finally:
            process.terminate()
            process.wait(30)
    per_record = calls / len(measured)
    in_flight = min(limit, clients * per_record)
    ideal = calls * latency / in_flight
    ok = statuses.count(200)
    print(
        f"api        {len(measured)} records, {clients} clients, limiter {limit}: "
        f"{wall:.2f} s = {len(measured) / wall:.2f} records/s; ideal {ideal:.2f} s "
        f"({calls} calls / {in_flight:g} in flight) = {ideal / wall:.0%} of ideal; "
        f"{ok} answered 200, {len(statuses) - ok} otherwise"
    )


def _ints(value: str) -> list[int]:
    return [int(v) for v in value.split(",") if v]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--latency", type=float, default=0.5, help="stub seconds per call (L)")
    parser.add_argument("--repeat", type=int, default=3, help="summarise runs per figure")
    parser.add_argument(
        "--summarise-limit", type=int, default=32, help="limiter for summarise (>= its width)"
    )
    parser.add_argument("--batch", type=_ints, default=[16], help="batch concurrencies: 1,4,16")
    parser.add_argument("--api", type=_ints, default=[8], help="API client concurrencies: 1,8,32")
    parser.add_argument("--api-limit", type=int, default=8, help="the API's limiter")
    parser.add_argument("--only", default="summarise,batch,api", help="which parts to run")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to measure")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    only = set(args.only.split(","))
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"L = {args.latency} s; measuring {root}; {os.cpu_count()} CPUs, load average {load}")
    with tempfile.TemporaryDirectory(prefix="bench-throughput-") as tmp:
        work = Path(tmp)
        if "summarise" in only:
            bench_summarise(root, args.latency, args.repeat, args.summarise_limit, work)
        if "batch" in only:
            for concurrency in args.batch:
                bench_batch(root, args.latency, concurrency, work)
        if "api" in only:
            for clients in args.api:
                bench_api(root, args.latency, clients, args.api_limit, work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

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
  `batch` reports, after start-up), with when the first call came and how many were in
  flight on average; then the same batch with no latency at all, whose wall time is the
  floor the CPU work sets, and its CPU time (every process of the command: the mining
  workers too). Medians of `--batch-repeat` runs each.

  The ideal is what the latency alone allows: every call counted (the narratives too),
  the limiter full from the process's first instant to its last, and no time for
  anything else: not the start-up before the first call can go out, not the CPU work
  (parsing, merging, writing), not a narrative's wait for its cluster's records. It is
  a lower bound on the wall time, and the target (>= 90 %) is stated against it. When
  the CPU work alone takes longer than the ideal, no schedule reaches it; so the batch
  line also gives the bound that CPU work sets, max(ideal, the wall time with no
  latency), and the process's time as a share of that: how much of the latency the run
  hid behind its CPU work. That share is a diagnosis, not the target.
- the API (`corroborate serve`, limiter at `--api-limit`): sync `POST /v1/records` of every
  dataset article from N client threads; ideal = calls x L / min(limit, N x calls per
  record). Timed after one warm-up request.

    python bench/bench_throughput.py [--latency 0.5] [--batch 16] [--api 8] [--root PATH]
                                     [--mine-workers N]

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
    if "CORROBORATE_MINE_WORKERS" in os.environ:  # --mine-workers
        env["CORROBORATE_MINE_WORKERS"] = os.environ["CORROBORATE_MINE_WORKERS"]
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


class _Watch:
    """Samples the stub's calls while a command runs: when the first call came (seconds
    after `start`) and the mean number in flight from then until the last one came."""

    def __init__(self, server: FaultServer) -> None:
        self.server = server
        self.first: float | None = None
        self.last = 0.0
        self._in_flight: list[int] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._seen = 0

    def __enter__(self) -> _Watch:
        self.started = time.perf_counter()
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            stats = self.server.stats()
            now = time.perf_counter() - self.started
            if stats.calls and self.first is None:
                self.first = now
            if stats.calls > self._seen:
                self._seen, self.last = stats.calls, now
            if self.first is not None:
                self._in_flight.append(stats.in_flight)

    @property
    def mean_in_flight(self) -> float:
        return statistics.mean(self._in_flight) if self._in_flight else 0.0


def bench_batch(root: Path, latency: float, concurrency: int, work: Path, runs: int) -> None:
    """batch of every dataset cluster at `concurrency`, the limiter at the same: `runs`
    runs with the latency, then `runs` with none (the CPU-bound floor), medians."""
    walls: dict[float, list[float]] = {latency: [], 0.0: []}
    inner: dict[float, list[float]] = {latency: [], 0.0: []}
    cpus: dict[float, list[float]] = {latency: [], 0.0: []}
    firsts: dict[float, list[float]] = {latency: [], 0.0: []}
    means: list[float] = []
    calls = peak = clusters_n = 0
    for n in range(runs):
        for lat in (latency, 0.0) if latency else (0.0,):
            tag = f"batch-{concurrency}-{lat}-{n}"
            clusters = _clusters(work / tag)
            clusters_n = len(list(clusters.iterdir()))
            with FaultServer(latency=lat) as server:
                env = _env(root, work, llm_concurrency=concurrency, base_url=server.base_url)
                out = work / tag / "out"
                cache = f"sqlite:///{work / f'{tag}.sqlite3'}"
                args = ["batch", str(clusters), "--out", str(out), "--model", MODEL]
                args += ["--concurrency", str(concurrency), "--cache", cache]
                with _Watch(server) as watch:
                    wall, cpu, stderr = _run(root, args, env)
                calls = _calls(server)
                peak = max(peak, server.stats().max_in_flight)
            walls[lat].append(wall)
            cpus[lat].append(cpu)
            firsts[lat].append(watch.first or float("nan"))
            if lat:
                means.append(watch.mean_in_flight)
            found = re.search(r"done in ([\d.]+)s", stderr)
            if found:
                inner[lat].append(float(found[1]))
    med = statistics.median
    ideal = calls * latency / concurrency
    spread = f"{min(walls[latency] or [0]):.2f}-{max(walls[latency] or [0]):.2f}"
    if latency:
        run = f"; the run itself {med(inner[latency]):.2f} s = {ideal / med(inner[latency]):.0%}"
        print(
            f"batch      {clusters_n} clusters, concurrency {concurrency}: {calls} calls, "
            f"ideal {ideal:.2f} s; process {med(walls[latency]):.2f} s ({spread}, median of "
            f"{runs}) = {ideal / med(walls[latency]):.0%} of ideal{run}; first call after "
            f"{med(firsts[latency]):.2f} s; in flight {statistics.mean(means):.1f} on average "
            f"from then, peak {peak}; CPU {med(cpus[latency]):.1f} s"
        )
    print(
        f"batch      the same with no latency: {med(walls[0.0]):.2f} s "
        f"({min(walls[0.0]):.2f}-{max(walls[0.0]):.2f}), the run itself "
        f"{med(inner[0.0]):.2f} s, first call after {med(firsts[0.0]):.2f} s; "
        f"CPU {med(cpus[0.0]):.1f} s (every process of the command)"
    )
    if latency:
        bound = max(ideal, med(walls[0.0]))
        print(
            f"batch      bound the CPU work sets: max(ideal, no-latency wall) = {bound:.2f} s; "
            f"the process took {med(walls[latency]) / bound:.2f}x that bound "
            f"(the target stays {ideal:.2f} s / 0.9 = {ideal / 0.9:.2f} s)"
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
    parser.add_argument("--batch-repeat", type=int, default=3, help="batch runs per figure")
    parser.add_argument(
        "--mine-workers",
        type=int,
        default=None,
        help="CORROBORATE_MINE_WORKERS for every command (default: the setting's default)",
    )
    parser.add_argument("--api", type=_ints, default=[8], help="API client concurrencies: 1,8,32")
    parser.add_argument("--api-limit", type=int, default=8, help="the API's limiter")
    parser.add_argument("--only", default="summarise,batch,api", help="which parts to run")
    parser.add_argument("--root", type=Path, default=ROOT, help="the checkout to measure")
    args = parser.parse_args(argv)
    root = args.root.resolve()
    only = set(args.only.split(","))
    if args.mine_workers is not None:
        os.environ["CORROBORATE_MINE_WORKERS"] = str(args.mine_workers)
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"L = {args.latency} s; measuring {root}; {os.cpu_count()} CPUs, load average {load}")
    with tempfile.TemporaryDirectory(prefix="bench-throughput-") as tmp:
        work = Path(tmp)
        if "summarise" in only:
            bench_summarise(root, args.latency, args.repeat, args.summarise_limit, work)
        if "batch" in only:
            for concurrency in args.batch:
                bench_batch(root, args.latency, concurrency, work, args.batch_repeat)
        if "api" in only:
            for clients in args.api:
                bench_api(root, args.latency, clients, args.api_limit, work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

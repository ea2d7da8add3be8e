"""`make stack`: the scale-out stack as plain processes on one machine (no Docker engine).

The same processes as `compose.yaml`: one model server, `--workers` Celery workers, one API
(`corroborate serve`), over this machine's Redis (the broker) and PostgreSQL (jobs and
records). The model server is the embedded llama.cpp one, started here, unless
`CORROBORATE_BASE_URL` names an OpenAI-compatible endpoint already running. Every other
setting comes from the environment as usual (`CORROBORATE_*`).

    python -m app.stack --workers 2 --port 8000 \\
        --broker redis://127.0.0.1:6379/0 --database postgresql://127.0.0.1:5432/test

It prints one line when the API answers, and runs until Ctrl-C or SIGTERM, or until one of
its processes exits; then it stops the others (workers finish the task they run).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from contextlib import ExitStack
from types import FrameType

import httpx

from service.llm import local_endpoint
from service.settings import Settings


def _spawn(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "app.cli", *args], env=env)


def _stop(procs: list[subprocess.Popen[bytes]]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 30
    for proc in procs:
        try:
            proc.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _wait_healthy(url: str, procs: list[subprocess.Popen[bytes]], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(p.poll() is not None for p in procs):
            return False
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return True
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    return False


def main(argv: list[str] | None = None) -> int:
    """Run the stack until interrupted; the exit code is 1 if a process died on its own."""
    parser = argparse.ArgumentParser(prog="python -m app.stack", description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=2, help="Celery worker processes")
    parser.add_argument("--port", type=int, default=8000, help="the API's port (127.0.0.1)")
    parser.add_argument("--broker", default="redis://127.0.0.1:6379/0", help="broker URL")
    parser.add_argument(
        "--database", default="postgresql://127.0.0.1:5432/test", help="database URL"
    )
    args = parser.parse_args(argv)

    stopping = False

    def on_signal(signum: int, frame: FrameType | None) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    env = dict(os.environ)
    env.update({"CORROBORATE_BROKER_URL": args.broker, "CORROBORATE_DATABASE_URL": args.database})
    settings = Settings()
    with ExitStack() as stack:
        if not settings.base_url and settings.is_local:
            print(f"stack: starting the embedded model server ({settings.model})", flush=True)
            env["CORROBORATE_BASE_URL"] = stack.enter_context(local_endpoint(settings))
        procs = [
            _spawn(["worker", "--name", f"worker{n}"], env) for n in range(1, args.workers + 1)
        ]
        procs.append(_spawn(["serve", "--host", "127.0.0.1", "--port", str(args.port)], env))
        stack.callback(_stop, procs)
        api = f"http://127.0.0.1:{args.port}"
        if not _wait_healthy(f"{api}/healthz", procs, timeout=300):
            print("stack: the API did not come up", file=sys.stderr, flush=True)
            return 1
        print(
            f"stack: API {api} with {args.workers} worker(s); broker {args.broker}; "
            f"database {args.database}; model at {env.get('CORROBORATE_BASE_URL')}",
            flush=True,
        )
        while not stopping:
            if any(p.poll() is not None for p in procs):
                print("stack: a process exited; stopping the others", file=sys.stderr, flush=True)
                return 1
            time.sleep(0.5)
        print("stack: stopping", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

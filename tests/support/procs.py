"""Real processes for the scale-out tests and benchmarks: API servers and Celery workers.

Each is a `corroborate` subprocess (`python -m app.cli ...`) with its own environment
(only the CORROBORATE_* variables given, over the caller's environment) and its output in
a log file, so a test can wait for a line, read what a worker did, or kill it with
SIGKILL mid-task.
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path
from types import TracebackType

import httpx

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A loopback port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def unique_queue() -> str:
    """A broker queue name of its own, so runs sharing a Redis never take each other's tasks."""
    return f"corroborate-test-{uuid.uuid4().hex[:10]}"


def service_env(**settings: str) -> dict[str, str]:
    """The caller's environment without CORROBORATE_* variables, plus `settings` as
    CORROBORATE_<NAME> variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CORROBORATE_")}
    env.update({f"CORROBORATE_{k.upper()}": v for k, v in settings.items()})
    env["PYTHONUNBUFFERED"] = "1"
    return env


class Proc:
    """One `corroborate` subprocess with its output in `log`."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.args, self.log = args, log
        self._out = log.open("wb")
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "app.cli", *args],
            cwd=ROOT,
            env=env,
            stdout=self._out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def text(self) -> str:
        """Everything it printed so far."""
        return self.log.read_text(encoding="utf-8", errors="replace")

    def wait_for(self, pattern: str, timeout: float = 60.0) -> re.Match[str]:
        """The first match of `pattern` in its output; fails if it exits or time runs out."""
        deadline = time.monotonic() + timeout
        while True:
            found = re.search(pattern, self.text())
            if found:
                return found
            if self.popen.poll() is not None:
                raise AssertionError(
                    f"{self.args[0]} exited ({self.popen.returncode}):\n" + self.text()[-3000:]
                )
            if time.monotonic() > deadline:
                raise AssertionError(f"no {pattern!r} in {timeout} s:\n" + self.text()[-3000:])
            time.sleep(0.1)

    def kill9(self) -> None:
        """SIGKILL, no goodbye: what a crashed machine does."""
        os.killpg(self.popen.pid, signal.SIGKILL)
        self.popen.wait(10)

    def stop(self) -> None:
        """SIGTERM (a worker finishes its running tasks), then SIGKILL after 20 s."""
        if self.popen.poll() is None:
            os.killpg(self.popen.pid, signal.SIGTERM)
            try:
                self.popen.wait(20)
            except subprocess.TimeoutExpired:
                self.kill9()
        self._out.close()

    def __enter__(self) -> Proc:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


def start_workers(
    env: dict[str, str], logs: Path, names: list[str], *, concurrency: int = 1
) -> list[Proc]:
    """Workers started side by side, returned once Celery says each is ready for tasks."""
    procs = [
        Proc(["worker", "--name", n, "--concurrency", str(concurrency)], env, logs / f"{n}.log")
        for n in names
    ]
    try:
        for proc in procs:
            proc.wait_for(r"ready\.", timeout=180)
    except BaseException:
        for proc in procs:
            proc.stop()
        raise
    return procs


def start_api(env: dict[str, str], log: Path, *, port: int) -> Proc:
    """An API server on 127.0.0.1:`port`, returned once `/healthz` answers."""
    proc = Proc(["serve", "--host", "127.0.0.1", "--port", str(port)], env, log)
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        if proc.popen.poll() is not None or time.monotonic() > deadline:
            proc.stop()
            raise AssertionError("API did not come up:\n" + proc.text()[-3000:])
        time.sleep(0.2)

"""What the project's LLM client does under each fault of the fault server.

For every fault, on the first call only and on every call, one `OpenAICompatibleLLM.complete`
(default retries and re-asks; `--timeout` instead of the 300 s default so a hang ends)
asks for a `CoreDraft`. Prints a Markdown table: the exception (or `ok`), the calls the
server saw, and the seconds taken. Real back-off waits, so it takes a minute or two.

    python bench/bench_faults.py [--timeout 2] [--retry-after 5] [--only 429,hang]
"""

from __future__ import annotations

import argparse
import itertools
import logging
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# The repository root goes on the path first, so the script runs without an install.
from schemas.extraction import CoreDraft
from service.llm import OpenAICompatibleLLM
from tests.support.fault_server import FAULT_KINDS, Fault, FaultServer
from tests.support.fixtures import fault_settings

MESSAGES = [{"role": "user", "content": "Extract the event."}]


def run_case(fault: Fault, timeout: float) -> tuple[str, int, float, str]:
    """(outcome, calls, seconds, gaps between calls) for one fault rule."""
    with FaultServer(faults=[fault]) as server:
        llm = OpenAICompatibleLLM(fault_settings(server, timeout_s=timeout))
        started = time.perf_counter()
        try:
            llm.complete(MESSAGES, CoreDraft)
            outcome = "ok"
        except Exception as exc:
            outcome = type(exc).__name__
        seconds = time.perf_counter() - started
        arrivals = server.arrivals()
        gaps = ", ".join(f"{b - a:.1f}" for a, b in itertools.pairwise(arrivals))
        return outcome, server.stats().calls, seconds, gaps


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--timeout", type=float, default=2.0, help="CORROBORATE_TIMEOUT_S")
    parser.add_argument("--retry-after", type=float, default=5.0, help="for 429")
    parser.add_argument("--only", default="", help="comma-separated fault kinds")
    args = parser.parse_args()
    logging.disable(logging.ERROR)  # instructor logs every failed attempt at ERROR
    kinds = [k for k in FAULT_KINDS if k != "ok"]
    if args.only:
        kinds = [k for k in kinds if k in args.only.split(",")]
    print("| fault | on | outcome | calls | seconds | gaps between calls (s) |")
    print("|---|---|---|---|---|---|")
    for kind in kinds:
        for times in (1, None):
            if kind == "outage":
                # Refused calls never reach the server: an outage is timed, not counted.
                fault = Fault.parse(f"outage={1.5 if times else 3600}")
            else:
                retry_after = args.retry_after if kind == "429" else None
                fault = Fault.parse(kind)
                fault = Fault(fault.kind, times, retry_after=retry_after)
            outcome, calls, seconds, gaps = run_case(fault, args.timeout)
            on = ("first 1.5 s" if times else "all") if kind == "outage" else f"{times or 'all'}"
            print(f"| {kind} | {on} | {outcome} | {calls} | {seconds:.1f} | {gaps} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

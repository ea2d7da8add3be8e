"""What Corroborate does under each fault of the fault server, as the operator sees it.

Default: the fault table. For every fault, on `once` (the first call only: a retry should
fix it), `facet` (enough calls to fail one facet of the first article: a partial result)
and `all` (every call: the LLM never answers), every entry point (CLI extract, summarise,
batch; API sync record, async consensus job) runs the two-article cluster of
`tests.support.fault_runs` against it, from an empty cache, with the default settings
(retries, back-off, `Retry-After`, circuit breaker) except a `--timeout` instead of the
300 s default, so that a hang ends. Prints a Markdown table: fault → exit/HTTP → records
cached of those asked → LLM calls the server saw → seconds; then the same entry points
once the model has recovered (calls made for the degraded records only).

`--client`: the LLM client alone, one `complete()` per fault on the first call and on
every call: the exception, the calls the server saw, the seconds and the gaps between
calls. Real back-off waits: both take minutes.

    python bench/bench_faults.py [--timeout 2] [--only 503,hang] [--entries summarise,api-record]
    python bench/bench_faults.py --client [--timeout 2] [--retry-after 5] [--only 429,hang]
"""

from __future__ import annotations

import argparse
import itertools
import logging
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

# The repository root goes on the path first, so the script runs without an install.
from schemas.extraction import CoreDraft
from service.llm import OpenAICompatibleLLM
from service.settings import Settings
from tests.support.fault_runs import ENTRY_POINTS, NARRATIVE, EntryPoint, Outcome, run_entry
from tests.support.fault_server import FAULT_KINDS, Fault, FaultKind, FaultServer
from tests.support.fixtures import fault_settings

MESSAGES = [{"role": "user", "content": "Extract the event."}]
TRANSPORT = ("hang", "429", "500", "503", "reset")
MODES = ("once", "facet", "all")


def run_client_case(fault: Fault, timeout: float) -> tuple[str, int, float, str]:
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


def client_table(kinds: list[str], timeout: float, retry_after: float) -> None:
    print("| fault | on | outcome | calls | seconds | gaps between calls (s) |")
    print("|---|---|---|---|---|---|")
    for kind in kinds:
        for times in (1, None):
            if kind == "outage":
                # Refused calls never reach the server: an outage is timed, not counted.
                fault = Fault.parse(f"outage={1.5 if times else 3600}")
            else:
                wait = retry_after if kind == "429" else None
                fault = Fault(Fault.parse(kind).kind, times, retry_after=wait)
            outcome, calls, seconds, gaps = run_client_case(fault, timeout)
            on = ("first 1.5 s" if times else "all") if kind == "outage" else f"{times or 'all'}"
            print(f"| {kind} | {on} | {outcome} | {calls} | {seconds:.1f} | {gaps} |", flush=True)


def _facet_calls(kind: str, settings: Settings) -> int:
    """Calls that fail one facet: every transport retry, every re-ask, or the longer try."""
    if kind in TRANSPORT:
        return settings.retries + 1
    if kind == "truncated":
        return 2
    return settings.reasks + 1


def _inject(server: FaultServer, kind: FaultKind, mode: str, settings: Settings) -> None:
    server.clear()
    server.restore()
    if kind == "outage":
        server.outage(None if mode == "all" else 1.0)  # 'once'/'facet': a 1 s outage
        return
    times = {"once": 1, "facet": _facet_calls(kind, settings), "all": None}[mode]
    server.set_faults([Fault(kind, times, retry_after=5 if kind == "429" else None)])


def _cached(outcome: Outcome, entry: EntryPoint) -> str:
    if entry == "extract":
        return "no cache"
    asked = 1 if entry == "api-record" else 2
    return f"{len(outcome.cached)}/{asked}"


def _record_calls(outcome: Outcome) -> str:
    records = sum(n for k, n in outcome.calls.items() if k != NARRATIVE)
    narrative = outcome.calls.get(NARRATIVE, 0)
    return f"{records} + {narrative}" if narrative else f"{records}"


def entry_table(kinds: list[str], entries: list[EntryPoint], timeout: float) -> None:
    settings = Settings(_env_file=None)
    overrides = {
        "timeout_s": timeout,
        "retries": settings.retries,
        "reasks": settings.reasks,
        "retry_backoff_s": settings.retry_backoff_s,
        "retry_after_max_s": settings.retry_after_max_s,
        "breaker_failures": settings.breaker_failures,
        "breaker_cooldown_s": settings.breaker_cooldown_s,
    }
    print(
        f"settings: retries {settings.retries}, re-asks {settings.reasks}, time-out {timeout:g} "
        f"s, back-off {settings.retry_backoff_s:g} s doubling, Retry-After up to "
        f"{settings.retry_after_max_s:g} s, breaker after {settings.breaker_failures} failures "
        f"for {settings.breaker_cooldown_s:g} s, concurrency 1; cluster of 2 articles "
        "(4 facets each; summarise, batch and the consensus job narrate: '+ 1')\n"
    )
    print(
        "| fault | on | entry point | exit / HTTP | records cached | LLM calls | seconds "
        "| after recovery | calls then |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    with FaultServer() as server, tempfile.TemporaryDirectory() as tmp:
        run_entry("summarise", server, Path(tmp) / "warm-up")  # imports, parser load
        for kind, mode, entry in itertools.product(kinds, MODES, entries):
            if kind == "outage" and mode == "facet":
                continue  # an outage is timed: 'once' is a 1 s outage
            work = Path(tmp) / f"{kind}-{mode}-{entry}"
            _inject(server, kind, mode, settings)  # type: ignore[arg-type]
            first = run_entry(entry, server, work, **overrides)
            server.clear()
            server.restore()
            again = run_entry(entry, server, work, **overrides)
            on = {"once": "1st call", "facet": "1 facet", "all": "all"}[mode]
            if kind == "outage":
                on = "1 s" if mode == "once" else "all"
            print(
                f"| {kind} | {on} | {entry} | {first.verdict} | {_cached(first, entry)} | "
                f"{_record_calls(first)} | {first.seconds:.1f} | {again.verdict} | "
                f"{_record_calls(again)} |",
                flush=True,
            )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--timeout", type=float, default=2.0, help="CORROBORATE_TIMEOUT_S")
    parser.add_argument("--retry-after", type=float, default=5.0, help="for 429 (--client)")
    parser.add_argument("--only", default="", help="comma-separated fault kinds")
    parser.add_argument("--entries", default="", help="comma-separated entry points")
    parser.add_argument("--client", action="store_true", help="the LLM client alone")
    args = parser.parse_args()
    logging.disable(logging.WARNING)  # one warning per failed call: the table says it
    kinds = [k for k in FAULT_KINDS if k != "ok"]
    if args.only:
        kinds = [k for k in kinds if k in args.only.split(",")]
    if args.client:
        client_table(kinds, args.timeout, args.retry_after)
        return 0
    entries = [e for e in ENTRY_POINTS if not args.entries or e in args.entries.split(",")]
    entry_table(kinds, entries, args.timeout)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Does the embedded llama.cpp server go faster with several slots? One slot with an
article's facet calls one after another (what the pipeline does: `limiter.EMBEDDED_DEFAULT`
is 1) against N slots with the facet calls all in flight at once.

Replays the real requests of the sample cluster's recorded prompt-v1 exchanges
(tests/integration/cassettes/eval/kim-beijing-2025) against a fresh embedded server
(`service.embedded.LocalServer`) for each setting, and prints per article the wall time,
the prompt tokens the server evaluated and took from its cache, and the tokens it
generated (llama.cpp's own `timings`).

    python bench/bench_slots.py [--slots 1,4] [--articles kim-seoul-desk,kim-kyiv-ledger]

It needs the embedded model (`make run` assembles it) and an otherwise idle machine:
anything else running shares the two cores and skews the comparison.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from service.embedded import LocalServer, ensure_model  # noqa: E402
from service.settings import DEFAULT_MODEL, Settings  # noqa: E402

CASSETTES = ROOT / "tests" / "integration" / "cassettes" / "eval" / "kim-beijing-2025"
V1_HASH = "030a943d78c1"
"""The file-name suffix of the sample's prompt-v1 cassettes (prompt+schema hash)."""


def _requests(article: str) -> list[str]:
    path = CASSETTES / f"{article}-{V1_HASH}.yaml"
    interactions = yaml.safe_load(path.read_text(encoding="utf-8"))["interactions"]
    return [str(x["request"]["body"]) for x in interactions]


def _call(client: httpx.Client, url: str, body: str) -> dict[str, Any]:
    started = time.perf_counter()
    reply = client.post(url, content=body, headers={"content-type": "application/json"})
    reply.raise_for_status()
    timings = reply.json().get("timings", {})
    return {
        "seconds": time.perf_counter() - started,
        "evaluated": int(timings.get("prompt_n", 0)),
        "cached": int(timings.get("cache_n", 0)),
        "generated": int(timings.get("predicted_n", 0)),
    }


def run(slots: int, articles: Sequence[str], model: Path) -> float:
    """Seconds for `articles` with `slots` slots (1: facets in order; more: all at once)."""
    total = 0.0
    with LocalServer(model, n_parallel=slots) as server, httpx.Client(timeout=1800) as client:
        url = f"{server.base_url}/chat/completions"
        for article in articles:
            bodies = _requests(article)
            started = time.perf_counter()
            if slots == 1:
                calls = [_call(client, url, body) for body in bodies]
            else:
                with ThreadPoolExecutor(len(bodies)) as pool:
                    calls = list(pool.map(lambda body: _call(client, url, body), bodies))
            wall = time.perf_counter() - started
            total += wall
            sums = {k: sum(c[k] for c in calls) for k in ("evaluated", "cached", "generated")}
            print(
                f"slots {slots}  {article}: {wall:.1f} s for {len(bodies)} calls; "
                f"prompt tokens evaluated {sums['evaluated']}, from cache {sums['cached']}; "
                f"generated {sums['generated']}",
                flush=True,
            )
    print(f"slots {slots}  total {total:.1f} s over {len(articles)} articles", flush=True)
    return total


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--slots", default="1,4", help="slot counts to compare, e.g. 1,2,4")
    parser.add_argument("--articles", default="kim-seoul-desk,kim-kyiv-ledger")
    args = parser.parse_args(argv)
    model = ensure_model(DEFAULT_MODEL, Settings().cache_dir / "models")
    articles = [a for a in args.articles.split(",") if a]
    totals = {n: run(n, articles, model) for n in (int(s) for s in args.slots.split(","))}
    base, first = next(iter(totals.items()))
    print(json.dumps({f"slots_{n}": round(t, 1) for n, t in totals.items()}))
    for n, seconds in totals.items():
        print(f"slots {n}: {seconds / first:.2f}x the time of slots {base}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

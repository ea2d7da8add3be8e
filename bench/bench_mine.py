"""Time the miner on the built-in articles: milliseconds per article, and per 1,000
characters, over several runs (the spaCy parse included; the first run warms it).

    python bench/bench_mine.py [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from service.inputs import expand_paths, read_article
from service.mine import mine

ROOT = Path(__file__).resolve().parents[1] / "evals" / "datasets"


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    articles = [read_article(p) for p in expand_paths(sorted(ROOT.glob("*/*/articles")))]
    for article in articles:
        mine(article)  # warm the parser and the regex caches
    per_article: list[float] = []
    chars = sum(len(a.text) for a in articles)
    for _ in range(args.runs):
        started = time.perf_counter()
        for article in articles:
            mine(article)
        per_article.append((time.perf_counter() - started) / len(articles))
    best = min(per_article)
    print(f"{len(articles)} articles, {chars:,} characters, {args.runs} runs")
    median = statistics.median(per_article)
    per_kchar = best * 1000 * len(articles) / (chars / 1000)
    print(
        f"per article: best {best * 1000:.1f} ms, median {median * 1000:.1f} ms;"
        f" per 1,000 characters: {per_kchar:.1f} ms"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

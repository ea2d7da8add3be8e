"""Event clustering at scale, and the sensitivity table its thresholds were chosen from.

    python bench/bench_cluster.py                 # 1k / 2k / 5k / 10k synthetic articles
    python bench/bench_cluster.py --sensitivity   # thresholds on dev (and held-out) data

**Scale.** A synthetic stream (fixed seed): events of 3 to 7 articles, 10 new events a day,
each article ~300 words: common English words, words of its topic (200 topics, shared by
many events), words and invented names of its own event, a headline from those. Each size
is clustered in a fresh process, for time and peak memory:

- batch: `cluster_articles` over the whole stream (what `corroborate cluster` runs);
- online: `OnlineClusterer.add` one article at a time into a new SQLite store (what
  `POST /v1/articles` runs), at the sizes up to `--online-max`.

The growth ratio is the time at 10k over the time at 1k: 10 is linear, 100 quadratic.
B-cubed F1 against the generated events checks that the clusters are the right ones.

**Sensitivity.** Each `ClusterSettings` threshold moved alone around its default, on the
mixed ECB+ documents and the built-in datasets; event and topic B-cubed F1 on the dev
topics / datasets (what the defaults were chosen on) and, for information, on the
held-out ones. Needs `../shared/external/ecbplus` (or `--ecbplus PATH`).
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evals.clustering import (  # noqa: E402
    DEFAULT_ECBPLUS,
    load_builtin_items,
    load_ecbplus_items,
    predict,
    score_items,
)
from evals.scorers.partitions import score_partition  # noqa: E402
from schemas.article import Article  # noqa: E402
from service.cluster import cluster_articles  # noqa: E402
from service.settings import ClusterSettings  # noqa: E402

SEED = 20251203
SIZES = (1_000, 2_000, 5_000, 10_000)
EVENTS_PER_DAY = 10
TOPICS = 200
TARGET_SECONDS = 60.0
_SYLLABLES = (
    "ka", "lo", "mer", "vin", "tas", "dro", "pel", "zu", "ran", "fe", "gor", "bi",
    "sel", "tor", "ami", "qui", "bex", "nor", "hal", "ust", "ob", "cre", "lin", "pav",
)  # fmt: skip
"""Invented names: 3 or 4 of these, about 350,000 possible, so events rarely share one."""


def _vocabulary() -> tuple[list[str], list[str]]:
    """Common words (for filler) and mid-frequency words (for topics and events)."""
    from wordfreq import top_n_list

    words = [w for w in top_n_list("en", 25_000) if w.isalpha() and len(w) > 3]
    return words[:5_000], words[5_000:]


def _name(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(3, 4))).capitalize()


def synthetic_stream(n: int, seed: int = SEED) -> tuple[list[Article], dict[str, int]]:
    """`n` articles of synthetic events (shuffled) and each article's event number."""
    rng = random.Random(seed)
    common, rare = _vocabulary()
    topics = [rng.sample(rare, 15) for _ in range(TOPICS)]
    start = date(2025, 1, 1)
    articles: list[Article] = []
    gold: dict[str, int] = {}
    event = 0
    while len(articles) < n:
        topic = topics[rng.randrange(TOPICS)]
        own = rng.sample(rare, 10)
        names = [_name(rng) for _ in range(5)]
        day = start + timedelta(days=event // EVENTS_PER_DAY)
        for k in range(rng.randint(3, 7)):
            if len(articles) == n:
                break
            sentences = []
            for _ in range(20):
                words = rng.choices(common, k=8)
                words += rng.sample(topic, 2) + rng.sample(own, 2)
                words.insert(rng.randrange(1, len(words)), rng.choice(names))
                rng.shuffle(words[1:])
                sentences.append(" ".join(words).capitalize() + ".")
            title = " ".join([rng.choice(names), *rng.sample(own, 3), *rng.sample(topic, 2)])
            article_id = f"ev{event:05d}-{k}"
            articles.append(
                Article(
                    id=article_id,
                    title=title.capitalize(),
                    text=" ".join(sentences),
                    published_at=day + timedelta(days=rng.randint(0, 2)),
                )
            )
            gold[article_id] = event
        event += 1
    rng.shuffle(articles)
    return articles, gold


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def measure(n: int, path: str) -> dict[str, float]:
    """One size in this process: seconds, memory growth (MB) and B-cubed F1."""
    articles, gold = synthetic_stream(n)
    settings = ClusterSettings()
    before = _rss_mb()
    save_seconds = save_cpu = float("nan")
    if path != "batch":
        save_seconds = save_cpu = 0.0
    started = time.perf_counter()
    cpu = time.process_time()
    if path == "batch":
        clusters = cluster_articles(articles, settings)
        assigned = {a: c.id for c in clusters for a in c.article_ids}
    else:
        from service.cluster.online import OnlineClusterer
        from service.cluster.store import ClusterStore
        from service.store import Store

        with tempfile.TemporaryDirectory() as tmp:
            store = Store(f"sqlite:///{tmp}/bench.sqlite3")
            clusterer = OnlineClusterer(ClusterStore(store), settings)
            save = clusterer.store.save

            def timed_save(*args: Any, **kwargs: Any) -> None:
                # The share of the stored writes, each commit synced to disk (wall time).
                nonlocal save_seconds, save_cpu
                began, began_cpu = time.perf_counter(), time.process_time()
                save(*args, **kwargs)
                save_seconds += time.perf_counter() - began
                save_cpu += time.process_time() - began_cpu

            clusterer.store.save = timed_save  # type: ignore[method-assign]
            for article in articles:
                clusterer.add(article)
            assigned = dict(clusterer._cluster)  # the final assignment (after re-splits)
            store.close()
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    ids = sorted(gold)
    scores = score_partition([assigned[i] for i in ids], [gold[i] for i in ids])
    return {
        "seconds": seconds,
        "cpu_seconds": cpu,
        "memory_mb": _peak_mb() - before,
        "f1": scores.bcubed_f1,
        "save_seconds": save_seconds,
        "save_cpu_seconds": save_cpu,
    }


def scale(online_max: int) -> int:
    rows: dict[tuple[str, int], dict[str, float]] = {}
    for path in ("batch", "online"):
        for n in SIZES:
            if path == "online" and n > online_max:
                continue
            done = subprocess.run(
                [sys.executable, __file__, "--one", str(n), "--path", path],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            rows[(path, n)] = json.loads(done.stdout.strip().splitlines()[-1])
            r = rows[(path, n)]
            print(
                f"{path:6} {n:>6,} articles: {r['seconds']:7.2f} s wall, "
                f"{r.get('cpu_seconds', float('nan')):7.2f} s CPU "
                f"({1000 * r['seconds'] / n:5.2f} ms/article), peak memory +{r['memory_mb']:6.1f} "
                f"MB, B-cubed F1 {r['f1']:.3f}"
                + (
                    f"; saves {r['save_seconds']:.2f} s wall, {r['save_cpu_seconds']:.2f} s CPU"
                    if path == "online"
                    else ""
                ),
                flush=True,
            )
    failed = 0
    for path in ("batch", "online"):
        sizes = [n for n in SIZES if (path, n) in rows]
        if len(sizes) < 2:
            continue
        steps = []
        for a, b in itertools.pairwise(sizes):
            wall = rows[(path, b)]["seconds"] / rows[(path, a)]["seconds"]
            cpu = rows[(path, b)]["cpu_seconds"] / rows[(path, a)]["cpu_seconds"]
            steps.append(f"{a:,} → {b:,} time x{wall:.1f} CPU x{cpu:.1f} (articles x{b / a:.1f})")
        print(f"{path}: growth per step: " + "; ".join(steps))
        low, high = sizes[0], sizes[-1]
        ratio = rows[(path, high)]["seconds"] / rows[(path, low)]["seconds"]
        cpu = rows[(path, high)]["cpu_seconds"] / rows[(path, low)]["cpu_seconds"]
        print(
            f"{path}: growth {low:,} → {high:,} articles: time x{ratio:.1f}, CPU x{cpu:.1f} "
            f"(linear x{high / low:.0f}, quadratic x{(high / low) ** 2:.0f})"
        )
    online = [n for n in SIZES if ("online", n) in rows]
    if online:
        r = rows[("online", online[-1])]
        waits = r["save_seconds"] - r["save_cpu_seconds"]
        print(
            f"online {online[-1]:,} articles: {r['seconds']:.1f} s wall, of which "
            f"{waits:.1f} s in saves off the CPU (wall minus CPU: one synced commit an article, "
            f"{1000 * waits / online[-1]:.2f} ms each) and {r['cpu_seconds']:.1f} s CPU "
            f"(saves {r['save_cpu_seconds']:.1f} s)"
        )
    top = rows[("batch", SIZES[-1])]["seconds"]
    verdict = "ok" if top < TARGET_SECONDS else "OVER TARGET"
    print(
        f"batch {SIZES[-1]:,} articles in {top:.1f} s (target < {TARGET_SECONDS:.0f} s): {verdict}"
    )
    failed += top >= TARGET_SECONDS
    return 1 if failed else 0


GRID: dict[str, tuple[float, ...]] = {
    "event_threshold": (0.16, 0.18, 0.2, 0.22, 0.24, 0.26, 0.3),
    "story_threshold": (0.03, 0.04, 0.05, 0.06, 0.08),
    "name_weight": (0.0, 0.5, 1.0, 1.5),
    "window_days": (7, 30, 60, 180, 365),
    "near_days": (0, 1, 3, 7, 14, 30),
    "near_weight": (1.0, 1.1, 1.2, 1.3, 1.4, 1.6),
    "index_keys": (4, 8, 12, 20),
    "lead_chars": (1_500, 3_000, 6_000),
}


def sensitivity(ecbplus: Path) -> int:
    ecb = load_ecbplus_items(ecbplus) if ecbplus.exists() else []
    builtin = load_builtin_items(ROOT / "evals" / "datasets")
    if not ecb:
        print(f"no ECB+ at {ecbplus}: built-in datasets only")
    default = ClusterSettings()
    print(
        "each setting moved alone; B-cubed F1 on dev (chosen on) | held-out test (never "
        "tuned on)\n"
        f"{'setting':>16} {'value':>7} | {'ECB+ event':>10} {'topic':>6} {'builtin':>7} "
        f"| {'ECB+ event':>10} {'topic':>6} {'builtin':>7}"
    )
    for name, values in GRID.items():
        for value in values:
            settings = default.model_copy(update={name: type(getattr(default, name))(value)})
            cells = []
            on_ecb = predict(ecb, settings, 1) if ecb else {}
            on_builtin = predict(builtin, settings, 1)
            for split in ("dev", "test"):
                row = [float("nan")] * 2
                if ecb:
                    got = score_items([i for i in ecb if i.split == split], on_ecb)
                    row = [got["event"].bcubed_f1, got["topic"].bcubed_f1]
                got = score_items([i for i in builtin if i.split == split], on_builtin)
                row.append(got["event"].bcubed_f1)
                cells.append(" ".join(f"{v:>{w}.3f}" for v, w in zip(row, (10, 6, 7), strict=True)))
            mark = " *" if value == getattr(default, name) else ""
            print(f"{name:>16} {value:>7} | {cells[0]} | {cells[1]}{mark}", flush=True)
    print("* the default")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sensitivity", action="store_true")
    parser.add_argument("--ecbplus", type=Path, default=DEFAULT_ECBPLUS)
    parser.add_argument("--online-max", type=int, default=SIZES[-1])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--path", default="batch", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(args.one, args.path)))
        return 0
    if args.sensitivity:
        return sensitivity(args.ecbplus)
    return scale(args.online_max)


if __name__ == "__main__":
    raise SystemExit(main())

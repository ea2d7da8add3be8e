"""Where an article's time goes with the embedded model: per facet, prompt tokens the
server evaluated, prompt tokens it reused from its prefix cache, tokens it generated and
the seconds each took, read from llama.cpp's own `timings` in recorded exchanges.

The cassettes under tests/integration/cassettes/eval were recorded from the real
llama.cpp server (`make record`), so these are measured numbers, not estimates; they hold
for the machine and load of the recording. Point it at another recording to compare:

    python bench/bench_llm_timings.py [CASSETTE_DIR ...]

Cassettes of different prompt versions sit side by side (the prompt hash is in the file
name): each prompt version's recordings are reported apart, oldest version first.

Seconds depend on the load the recording ran under (the 2 cores are shared); the token
counts do not. `--speeds PROMPT_TPS GEN_TPS` also prints the seconds per article those
token counts take at the given speeds (e.g. the ones measured on an idle machine):

    python bench/bench_llm_timings.py --speeds 57 18.3 [CASSETTE_DIR ...]

It also prints the floor of the current design: one pass over each article's first
prompt (the prefix every later facet reuses) at the measured prompt speed, and the
generated tokens at the measured generation speed.
"""

from __future__ import annotations

import json
import statistics
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DIR = ROOT / "tests" / "integration" / "cassettes" / "eval"
TARGET_SECONDS = 45.0


@dataclass
class Call:
    facet: str
    prompt_n: int
    cache_n: int
    predicted_n: int
    prompt_s: float
    predicted_s: float


@dataclass
class Article:
    cluster: str
    name: str
    prompt: str
    calls: list[Call] = field(default_factory=list)

    @property
    def seconds(self) -> float:
        return sum(c.prompt_s + c.predicted_s for c in self.calls)


def _facet(request: dict[str, object]) -> str:
    response_format = request.get("response_format")
    if isinstance(response_format, dict):
        schema = response_format.get("json_schema")
        if isinstance(schema, dict) and isinstance(schema.get("name"), str):
            return str(schema["name"])
    tools = request.get("tools")
    if isinstance(tools, list) and tools:
        return str(tools[0].get("function", {}).get("name", "?"))
    return "?"


def read(path: Path) -> Article | None:
    """One article's recorded calls; None for a cassette without llama.cpp timings."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    name, _, hash12 = path.stem.rpartition("-")
    article = Article(path.parent.name, name, hash12)
    for interaction in data.get("interactions", []):
        body = json.loads(interaction["response"]["body"]["string"])
        timings = body.get("timings")
        if not timings:
            return None
        request = json.loads(interaction["request"]["body"])
        article.calls.append(
            Call(
                _facet(request),
                int(timings.get("prompt_n", 0)),
                int(timings.get("cache_n", 0)),
                int(timings.get("predicted_n", 0)),
                float(timings.get("prompt_ms", 0.0)) / 1000,
                float(timings.get("predicted_ms", 0.0)) / 1000,
            )
        )
    return article if article.calls else None


def prompt_versions() -> dict[str, str]:
    """The first 12 characters of each extract_event version's prompt hash → the version."""
    import prompts
    from service.structure import prompt_hash

    return {
        prompt_hash(prompts.load("extract_event", v))[:12]: v
        for v in prompts.available("extract_event")
    }


def main(argv: list[str]) -> int:
    speeds: tuple[float, float] | None = None
    if argv[:1] == ["--speeds"]:
        speeds, argv = (float(argv[1]), float(argv[2])), argv[3:]
    dirs = [Path(a) for a in argv] or [DEFAULT_DIR]
    articles = [
        found
        for d in dirs
        for path in sorted(d.rglob("*.yaml"))
        if not path.name.startswith("_") and (found := read(path)) is not None
    ]
    if not articles:
        print("no recorded exchanges with llama.cpp timings found", file=sys.stderr)
        return 1
    versions = prompt_versions()
    by_prompt: dict[str, list[Article]] = defaultdict(list)
    for a in articles:
        by_prompt[a.prompt].append(a)
    for i, (hash12, group) in enumerate(
        sorted(by_prompt.items(), key=lambda kv: (versions.get(kv[0], "~"), kv[0]))
    ):
        print(("\n" if i else "") + f"== prompt {versions.get(hash12, 'unknown')} ({hash12})")
        report(group, speeds)
    return 0


def _at(article: Article, speeds: tuple[float, float]) -> float:
    """Seconds of `article`'s calls had the server evaluated and generated at `speeds`."""
    prompt_tps, gen_tps = speeds
    return sum(c.prompt_n / prompt_tps + c.predicted_n / gen_tps for c in article.calls)


def _per_article(members: list[Article], speeds: tuple[float, float] | None = None) -> str:
    secs = [a.seconds for a in members]
    evaluated = statistics.mean(sum(c.prompt_n for c in a.calls) for a in members)
    generated = statistics.mean(sum(c.predicted_n for c in a.calls) for a in members)
    return (
        f"n={len(members):2d} mean {statistics.mean(secs):6.1f}  min {min(secs):6.1f}"
        f"  max {max(secs):6.1f}  tokens evaluated {evaluated:5.0f} generated {generated:4.0f}"
        + (
            f"  at the given speeds {statistics.mean(_at(a, speeds) for a in members):5.1f}"
            f" (max {max(_at(a, speeds) for a in members):5.1f})"
            if speeds
            else ""
        )
    )


def report(articles: list[Article], speeds: tuple[float, float] | None = None) -> None:
    """Speeds, the per-facet table, seconds per article and the floor of one recording."""
    calls = [c for a in articles for c in a.calls]
    prompt_rate = sum(c.prompt_n for c in calls) / sum(c.prompt_s for c in calls)
    gen_rate = sum(c.predicted_n for c in calls) / sum(c.predicted_s for c in calls)

    print(f"{len(articles)} articles, {len(calls)} calls")
    print(f"measured speeds: prompt {prompt_rate:.1f} tok/s, generation {gen_rate:.1f} tok/s\n")
    print("per facet (mean per call)")
    print(
        f"{'facet':16s} {'calls':>5s} {'evaluated':>9s} {'reused':>7s} {'generated':>9s}"
        f" {'prompt s':>8s} {'gen s':>6s} {'share':>6s}"
    )
    by_facet: dict[str, list[Call]] = defaultdict(list)
    for c in calls:
        by_facet[c.facet].append(c)
    total = sum(c.prompt_s + c.predicted_s for c in calls)
    for facet, group in sorted(
        by_facet.items(), key=lambda kv: -sum(c.prompt_s + c.predicted_s for c in kv[1])
    ):
        seconds = sum(c.prompt_s + c.predicted_s for c in group)
        print(
            f"{facet:16s} {len(group):5d} {statistics.mean(c.prompt_n for c in group):9.0f}"
            f" {statistics.mean(c.cache_n for c in group):7.0f}"
            f" {statistics.mean(c.predicted_n for c in group):9.0f}"
            f" {statistics.mean(c.prompt_s for c in group):8.1f}"
            f" {statistics.mean(c.predicted_s for c in group):6.1f} {seconds / total:6.0%}"
        )

    at = f"; at prompt {speeds[0]:g} and generation {speeds[1]:g} tok/s" if speeds else ""
    print(f"\nper article (seconds as recorded{at})")
    by_cluster: dict[str, list[Article]] = defaultdict(list)
    for a in articles:
        by_cluster[a.cluster].append(a)
    for cluster, members in sorted(by_cluster.items()):
        print(f"{cluster:24s} {_per_article(members, speeds)}")
    print(f"{'all':24s} {_per_article(articles, speeds)}")

    # The floor of one pass: each article's first prompt once, nothing else evaluated,
    # at the measured prompt speed; what is generated comes on top.
    first = [a.calls[0].prompt_n + a.calls[0].cache_n for a in articles]
    generated = [sum(c.predicted_n for c in a.calls) for a in articles]
    one_pass = statistics.mean(first) / prompt_rate
    print(
        f"\nfloor: one pass over the first prompt {statistics.mean(first):.0f} tokens ="
        f" {one_pass:.1f} s; the {statistics.mean(generated):.0f} generated tokens add"
        f" {statistics.mean(generated) / gen_rate:.1f} s"
    )
    budget = max(0.0, (TARGET_SECONDS - one_pass) * gen_rate)
    print(f"a {TARGET_SECONDS:.0f} s article leaves room for ~{budget:.0f} generated tokens")


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

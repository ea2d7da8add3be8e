"""The eval runner: `corroborate eval` / `python -m evals.run`.

Runs the pipeline over datasets, scores every record against its gold and every
cluster's merged consensus against the consensus gold (facts and statuses, and what an
editor reads: `evals.editor`), prints per-field tables, writes JSON / Markdown / HTML
reports and compares the run with the baseline (`evals/baseline/`). Built-in clusters sit in a split
(`evals.builtin`): every table is given for all clusters, for `dev` and for the held-out
`test`; `--split dev|test` runs one split only.

Modes:

* `replay` (default): the LLM answers come from recorded cassettes,
  `tests/integration/cassettes/eval/<dataset>/<article_id>-<prompthash12>.yaml`, matched
  on method, path and the canonical JSON body. A prompt, schema or input change finds no
  recording and fails with `ReplayMissError` (exit 6). The narrative's cassette
  (`_consensus-<narratehash12>.yaml`) holds merge output, so after a merge change it goes
  stale: the facts are still scored, the narrative's scores (`NARRATIVE_FIELDS`) are
  unscored with the reason `STALE_NARRATIVE`, and one line says so; `make
  record-consensus` re-records it.
* `live`: the embedded model, or any endpoint given by `CORROBORATE_BASE_URL`;
  `--record` also writes the cassettes that `replay` reads.
* `baseline`: no LLM, mined candidates only.

Exit codes: 0 ok; 2 bad input; 5 LLM failure; 6 replay miss; 7 a score regressed
against the baseline (`REGRESSION_EXIT_CODE`).
"""

from __future__ import annotations

import inspect
import subprocess
import time
from collections.abc import Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, Final, Literal

import typer
from rich.console import Console

from evals import external
from evals.builtin import (
    BUILTIN_DATASETS,
    SPLIT_CHOICES,
    SplitChoice,
    cluster_dirs,
    has_clusters,
    in_split,
    is_builtin_cluster,
    load_builtin_cluster,
)
from evals.replay import (
    CONSENSUS_TAPE,
    DEFAULT_CASSETTES,
    REPLAY_BASE_URL,
    cassette,
    cassette_path,
)
from evals.report import (
    DEFAULT_TOLERANCE,
    GOLD_MERGE_PREFIX,
    REGRESSION_EXIT_CODE,
    CaseResult,
    ClusterResult,
    Diff,
    EvalReport,
    Header,
    diff_reports,
    load_baseline,
    print_report,
    score_json,
    summarise,
    summary_keys,
    updated_baseline,
    write_baseline,
    write_reports,
)
from evals.scorers import SCORER_VERSION, Cluster, Score, load_embedder, unscored
from schemas.article import Article
from schemas.consensus import Consensus
from schemas.record import EventRecord
from service import errors
from service.errors import CorroborateError, InputError, ReplayMissError, exit_code
from service.merge import merge_records
from service.pipeline import Pipeline, open_pipeline
from service.settings import Settings, get_settings

EVALS_DIR: Final = Path(__file__).resolve().parent
REPO_ROOT: Final = EVALS_DIR.parent
DEFAULT_BASELINE: Final = EVALS_DIR / "baseline"
DEFAULT_SEEDS_GOLD: Final = EVALS_DIR / "seeds_gold.json"

Mode = Literal["replay", "live", "baseline"]
LLM_ERROR_FIELDS: Final = ("model", "attempt", "raw_output")
NARRATIVE_FIELDS: Final = ("consensus.citations", "consensus.narrative_kept")
"""Consensus scores that rest on the narrative rather than on the merged facts."""
STALE_NARRATIVE: Final = "narrative cassette stale: make record-consensus"


# -- datasets --------------------------------------------------------------------------------


@dataclass
class EvalOptions:
    """Everything one eval run is asked to do."""

    datasets: list[Path] = field(default_factory=lambda: [BUILTIN_DATASETS])
    mode: Mode = "replay"
    model: str | None = None
    prompt_version: str | None = None
    record: bool = False
    record_consensus: bool = False
    update_baseline: bool = False
    out: Path | None = None
    baseline: Path = DEFAULT_BASELINE
    cassettes: Path = DEFAULT_CASSETTES
    seeds_gold: Path = DEFAULT_SEEDS_GOLD
    limit_clusters: int | None = None
    limit_docs: int | None = None
    tolerance: float = DEFAULT_TOLERANCE
    split: SplitChoice = "all"
    """Which built-in clusters run: `dev`, `test` (held out) or `all`."""
    settings: Settings | None = None


def load_datasets(options: EvalOptions, console: Console) -> tuple[list[Cluster], list[str]]:
    """Clusters of every dataset path that run under `options.split`; paths that do not
    exist are reported and skipped, and so (with `--split dev|test`) are clusters of the
    other split and datasets without one (ad-hoc paths, ECB+, seeds)."""
    embedder = load_embedder()
    clusters: list[Cluster] = []
    skipped: list[str] = []
    choice = options.split
    for path in options.datasets:
        if not path.exists():
            console.print(f"[yellow]skipped[/yellow] {path}: no such dataset path")
            skipped.append(str(path))
            continue
        found: list[Cluster]
        if external.is_ecbplus(path):
            found = external.load_ecbplus(
                path,
                limit_clusters=options.limit_clusters,
                limit_docs=options.limit_docs,
                embedder=embedder,
            )
        elif is_builtin_cluster(path):
            found = [load_builtin_cluster(path, limit_docs=options.limit_docs, embedder=embedder)]
        elif has_clusters(path):
            found = [
                load_builtin_cluster(p, limit_docs=options.limit_docs, embedder=embedder)
                for p in cluster_dirs(path, choice)
            ][: options.limit_clusters]
        elif external.is_seeds(path, options.seeds_gold):
            found = external.load_seeds(
                path, options.seeds_gold, limit_docs=options.limit_docs, embedder=embedder
            )
        else:
            raise InputError(
                f"{path}: not a dataset (expected a built-in cluster with articles/ and gold/, "
                "a folder of them, an ECB+ folder with gold.json, or the seeds folder)",
                source=str(path),
            )
        kept = [c for c in found if in_split(c.split, choice)]
        if len(kept) < len(found):
            names = ", ".join(c.key for c in found if c not in kept)
            console.print(
                f"[yellow]skipped[/yellow] {names}: not in the {choice} split (--split {choice})",
                soft_wrap=True,
            )
        clusters.extend(kept)
    return clusters, skipped


# -- running ---------------------------------------------------------------------------------


def git_sha() -> str:
    """HEAD of the repository, '-dirty' when tracked files changed; 'unknown' without git."""
    try:
        sha = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "rev-parse", "HEAD"],
            capture_output=True, text=True, check=True, timeout=10,
        ).stdout.strip()  # fmt: skip
        dirty = subprocess.run(
            ["git", "-C", str(REPO_ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True, text=True, check=True, timeout=10,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return "unknown"
    return sha + ("-dirty" if dirty else "")


def _settings(options: EvalOptions) -> Settings:
    base = options.settings or get_settings()
    if options.model:
        base = base.model_copy(update={"model": options.model})
    if options.mode == "replay":
        base = base.model_copy(update={"base_url": REPLAY_BASE_URL, "retries": 0})
    return base


def build_consensus(
    pipe: Pipeline, records: Sequence[EventRecord], articles: Sequence[Article]
) -> Consensus:
    """The cluster's consensus the way the product builds it: `Pipeline.summarise(articles,
    records=...)` (merge + narrative) for two or more articles, else `merge_records`."""
    summarise = getattr(pipe, "summarise", None)
    if (
        callable(summarise)
        and len(articles) >= 2
        and "records" in inspect.signature(summarise).parameters
    ):
        result = summarise(list(articles), records=list(records))
        if isinstance(result, Consensus):
            return result
    return merge_records(list(records), articles=list(articles))


class _Runner:
    def __init__(self, options: EvalOptions, console: Console) -> None:
        self.options = options
        self.console = console
        self.replaying = options.mode == "replay"
        self.recording = options.record
        self.warned: set[str] = set()
        self.stale_narratives: list[str] = []

    def tape(self, pipe: Pipeline, cluster: Cluster, name: str, prompt_hash: str = "") -> Any:
        # --record-consensus: extraction replays, only the narrative is recorded anew
        # (a merge change alters the facts the narrator is shown, not the extraction).
        record = self.recording or (self.options.record_consensus and name == CONSENSUS_TAPE)
        if not (self.replaying or record or self.options.record_consensus):
            return nullcontext()
        root = self.options.cassettes
        if cluster.suite != "builtin" and root.resolve().is_relative_to(REPO_ROOT):
            # Cassettes hold the request bodies, i.e. the article texts: third-party texts
            # (ECB+, seeds) must not end up in the repository.
            if self.replaying:
                raise InputError(
                    f"{cluster.key}: external datasets are not replayed from the repository's "
                    "cassettes (their texts must not be committed); use --mode live or "
                    "baseline, or --cassettes DIR outside the repository"
                )
            if cluster.key not in self.warned:
                self.warned.add(cluster.key)
                self.console.print(
                    f"[yellow]note[/yellow] {cluster.key}: live run, cassettes not written "
                    "into the repository (third-party text); pass --cassettes DIR outside it"
                )
            return nullcontext()
        path = cassette_path(root, cluster.key, name, prompt_hash or pipe.prompt_hash)
        return cassette(path, record=record)

    def run_cluster(
        self, pipe: Pipeline, cluster: Cluster
    ) -> tuple[list[CaseResult], list[dict[str, Score]], ClusterResult | None, dict[str, Score]]:
        records: list[EventRecord] = []
        results: list[CaseResult] = []
        all_scores: list[dict[str, Score]] = []
        for case in cluster.cases:
            started = time.perf_counter()
            try:
                with self.tape(pipe, cluster, case.case_id):
                    predicted = pipe.extract(case.article)
            except ReplayMissError as exc:
                path = cassette_path(
                    self.options.cassettes, cluster.key, case.case_id, pipe.prompt_hash
                )
                raise ReplayMissError(
                    f"{cluster.key}/{case.case_id}: {exc.message} (cassette {path}"
                    f"{'' if path.is_file() else ', which does not exist'}); re-record with "
                    "`corroborate eval --mode live --record`",
                    model=exc.model,
                    attempt=exc.attempt,
                    raw_output=exc.raw_output,
                    **{k: v for k, v in exc.context.items() if k not in LLM_ERROR_FIELDS},
                ) from exc
            records.append(predicted)
            scores = case.score(predicted)
            all_scores.append(scores)
            results.append(
                CaseResult(
                    id=f"{cluster.key}/{case.case_id}",
                    suite=cluster.suite,
                    split=cluster.split,
                    cluster=cluster.key,
                    article_id=case.case_id,
                    gold=case.gold,
                    predicted=predicted.model_dump(mode="json"),
                    scores=score_json(scores),
                    seconds=round(time.perf_counter() - started, 3),
                )
            )
            self.console.print(
                f"[dim]{cluster.key}/{case.case_id}: {time.perf_counter() - started:.1f}s[/dim]"
            )
        if cluster.score_consensus is None or not records:
            return results, all_scores, None, {}
        articles = [case.article for case in cluster.cases]
        # The narrative's LLM calls (if any) replay from one cassette per cluster, named by
        # the narrate prompt's hash when the pipeline has one.
        try:
            with self.tape(pipe, cluster, CONSENSUS_TAPE, str(getattr(pipe, "narrate_hash", ""))):
                consensus = build_consensus(pipe, records, articles)
        except ReplayMissError:
            if not self.replaying:
                raise
            # The narrator is shown merge output: after a merge change its cassette no longer
            # matches. The facts are still scored; what rests on the narrative is not.
            self.stale_narratives.append(cluster.key)
            consensus = merge_records(list(records), articles=list(articles))
        scores = dict(cluster.score_consensus(consensus))
        if cluster.key in self.stale_narratives:
            for name in NARRATIVE_FIELDS:
                if name in scores:
                    scores[name] = unscored(STALE_NARRATIVE)
        gold_merge_facts = 0
        if cluster.gold_records:
            gold_consensus = merge_records(list(cluster.gold_records), articles=articles)
            gold_merge_facts = len(gold_consensus.facts)
            for name, score in cluster.score_consensus(gold_consensus).items():
                scores[GOLD_MERGE_PREFIX + name] = score
        result = ClusterResult(
            id=cluster.key,
            suite=cluster.suite,
            split=cluster.split,
            scores=score_json(scores),
            facts=len(consensus.facts),
            gold_merge_facts=gold_merge_facts,
        )
        return results, all_scores, result, scores


def run(options: EvalOptions, console: Console | None = None) -> tuple[EvalReport, Diff]:
    """Run the eval; return the report and its diff against the baseline."""
    console = console or Console(stderr=True)
    if options.record or options.record_consensus:
        if options.mode == "baseline":
            raise InputError("--record needs a model: use --mode live")
        options.mode = "live"
    clusters, skipped = load_datasets(options, console)
    settings = _settings(options)
    started = time.perf_counter()
    runner = _Runner(options, console)
    cases: list[CaseResult] = []
    cluster_results: list[ClusterResult] = []
    groups: list[tuple[tuple[str, ...], dict[str, Score], Any]] = []
    prompt_tokens = completion_tokens = 0
    with open_pipeline(
        settings, use_llm=options.mode != "baseline", prompt_version=options.prompt_version
    ) as pipe:
        for cluster in clusters:
            results, scores, cluster_result, cluster_scores = runner.run_cluster(pipe, cluster)
            cases.extend(results)
            keys = summary_keys(cluster.suite, cluster.split)
            for case, case_scores in zip(cluster.cases, scores, strict=True):
                groups.append((keys, case_scores, case.fields))
            if cluster_result is not None:
                cluster_results.append(cluster_result)
                fields = dict(cluster.consensus_fields)
                fields |= {GOLD_MERGE_PREFIX + k: v for k, v in cluster.consensus_fields.items()}
                groups.append((keys, cluster_scores, fields))
        stats = getattr(pipe, "stats", None)  # counts the narrative's calls too
        if stats is not None:
            prompt_tokens = int(getattr(stats, "prompt_tokens", 0))
            completion_tokens = int(getattr(stats, "completion_tokens", 0))
        else:
            for case_result in cases:
                provenance = (case_result.predicted or {}).get("provenance") or {}
                prompt_tokens += int(provenance.get("prompt_tokens", 0))
                completion_tokens += int(provenance.get("completion_tokens", 0))
        header = Header(
            mode=options.mode,
            model=pipe.model_id,
            prompt_name=pipe.prompt.name,
            prompt_version=pipe.prompt.version,
            prompt_hash=pipe.prompt_hash,
            scorer_version=SCORER_VERSION,
            git_sha=git_sha(),
            timestamp=datetime.now(UTC).isoformat(timespec="seconds"),
            prompt_tokens=prompt_tokens,
            completion_tokens=completion_tokens,
            cost=round(
                prompt_tokens / 1000 * settings.price_per_1k_prompt
                + completion_tokens / 1000 * settings.price_per_1k_completion,
                6,
            ),
            seconds=round(time.perf_counter() - started, 2),
            datasets=sorted({c.key for c in clusters}),
            skipped=skipped,
            recorded=options.record,
            split=options.split,
        )
    if runner.stale_narratives:
        console.print(
            f"[yellow]note[/yellow] {STALE_NARRATIVE} ({', '.join(runner.stale_narratives)}: "
            "facts scored, narrative scores unscored)",
            soft_wrap=True,
        )
    report = EvalReport(
        header=header, summary=summarise(groups), cases=cases, clusters=cluster_results
    )
    document = load_baseline(options.baseline)
    diff = diff_reports(document, report, options.tolerance)
    if options.update_baseline and clusters:
        write_baseline(options.baseline, updated_baseline(document, report))
    return report, diff


# -- command line ----------------------------------------------------------------------------

app = typer.Typer(add_completion=False, help="Score the pipeline against gold datasets.")


@app.command()
def eval_command(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Dataset paths (default: the built-in datasets)."),
    ] = None,
    dataset: Annotated[
        list[Path] | None,
        typer.Option(
            "--dataset",
            help="A dataset path (repeatable): a built-in cluster or folder of clusters, "
            "../shared/external/ecbplus (or one tNN cluster), ../shared/seeds.",
        ),
    ] = None,
    mode: Annotated[
        str, typer.Option("--mode", help="replay (cassettes), live (a model) or baseline (no LLM).")
    ] = "replay",
    model: Annotated[
        str | None, typer.Option("--model", help="Model id; env CORROBORATE_MODEL.")
    ] = None,
    prompt_version: Annotated[
        str | None,
        typer.Option("--prompt-version", help="Prompt version (default: v1; v2 is faster)."),
    ] = None,
    record: Annotated[
        bool,
        typer.Option("--record", help="Live run that (re)writes the cassettes replay reads."),
    ] = False,
    record_consensus: Annotated[
        bool,
        typer.Option(
            "--record-consensus",
            help="Replay extraction, re-record only the narrative cassettes (after a merge "
            "change); needs the model like --record.",
        ),
    ] = False,
    update_baseline: Annotated[
        bool, typer.Option("--update-baseline", help="Write this run into evals/baseline/.")
    ] = False,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Directory for report.json, report.md, report.html, diff.json."),
    ] = None,
    baseline: Annotated[Path, typer.Option("--baseline", help="Baseline file.")] = DEFAULT_BASELINE,
    cassettes: Annotated[
        Path, typer.Option("--cassettes", help="Cassette root for replay and --record.")
    ] = DEFAULT_CASSETTES,
    seeds_gold: Annotated[
        Path, typer.Option("--seeds-gold", help="Hand labels for the seeds folder.")
    ] = DEFAULT_SEEDS_GOLD,
    limit_clusters: Annotated[
        int | None, typer.Option("--limit-clusters", min=1, help="Score the first N clusters.")
    ] = None,
    limit_docs: Annotated[
        int | None, typer.Option("--limit-docs", min=1, help="Score the first N docs per cluster.")
    ] = None,
    tolerance: Annotated[
        float, typer.Option("--tolerance", min=0.0, help="Score changes below this are noise.")
    ] = DEFAULT_TOLERANCE,
    task: Annotated[
        str,
        typer.Option(
            "--task",
            help="extraction (records and consensus) or clustering (the datasets' documents "
            "mixed and sorted into events; default datasets: ECB+ and the built-in ones).",
        ),
    ] = "extraction",
    split: Annotated[
        str,
        typer.Option(
            "--split",
            help="Which built-in clusters run: dev, test (held out) or all. With dev or test, "
            "datasets without a split (ad-hoc paths, ECB+, seeds) are skipped.",
        ),
    ] = "all",
) -> None:
    """Run the pipeline on gold datasets, score it, report, and compare with the baseline.

    Exit codes: 0 ok, 2 bad input, 5 LLM failure, 6 replay miss (re-record), 7 regression.
    """
    if task not in ("extraction", "clustering"):
        raise InputError(f"--task: {task!r} is not one of extraction, clustering")
    if task == "clustering":
        clustering_command(
            [*(paths or []), *(dataset or [])], out, baseline, tolerance, update_baseline
        )
        return
    if mode not in ("replay", "live", "baseline"):
        raise InputError(f"--mode: {mode!r} is not one of replay, live, baseline")
    if split not in SPLIT_CHOICES:
        raise InputError(f"--split: {split!r} is not one of {', '.join(SPLIT_CHOICES)}")
    options = EvalOptions(
        datasets=[*(paths or []), *(dataset or [])] or [BUILTIN_DATASETS],
        mode=mode,  # type: ignore[arg-type]  # checked above
        model=model,
        prompt_version=prompt_version,
        record=record,
        record_consensus=record_consensus,
        update_baseline=update_baseline,
        out=out,
        baseline=baseline,
        cassettes=cassettes,
        seeds_gold=seeds_gold,
        limit_clusters=limit_clusters,
        limit_docs=limit_docs,
        tolerance=tolerance,
        split=split,  # narrowed by the check above
    )
    console = Console(stderr=True)
    report, diff = run(options, console)
    print_report(report, diff, Console(width=max(Console().width, 110)))
    if out is not None:
        for path in write_reports(report, diff, out):
            console.print(f"wrote {path}")
    if update_baseline:
        console.print(f"updated {baseline} [{report.header.baseline_key}]")
    elif diff.has_regressions:
        message = (
            f"{len(diff.regressed)} scores regressed against {baseline} [{diff.key}] "
            f"(exit {REGRESSION_EXIT_CODE}); accept them with --update-baseline"
        )
        raise errors.EvalRegressionError(
            message, baseline=str(baseline), regressed=len(diff.regressed)
        )


def clustering_command(
    paths: list[Path], out: Path | None, baseline: Path, tolerance: float, update: bool
) -> None:
    """`--task clustering`: score the clustering, report, and compare with the baseline."""
    from evals.clustering import DEFAULT_ECBPLUS, run_clustering

    console = Console(stderr=True)
    report = run_clustering(
        paths or [DEFAULT_ECBPLUS, BUILTIN_DATASETS], get_settings().cluster, git_sha=git_sha()
    )
    for skipped in report.header.skipped:
        console.print(f"[yellow]skipped[/yellow] {skipped}: no such dataset path")
    document = load_baseline(baseline)
    diff = diff_reports(document, report, tolerance)
    if update and report.clusters:
        write_baseline(baseline, updated_baseline(document, report))
    print_report(report, diff, Console(width=max(Console().width, 110)))
    if out is not None:
        for written in write_reports(report, diff, out):
            console.print(f"wrote {written}")
    if update:
        console.print(f"updated {baseline} [{report.header.baseline_key}]")
    elif diff.has_regressions:
        raise errors.EvalRegressionError(
            f"{len(diff.regressed)} scores regressed against {baseline} [{diff.key}] "
            f"(exit {REGRESSION_EXIT_CODE}); accept them with --update-baseline",
            baseline=str(baseline),
            regressed=len(diff.regressed),
        )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the eval command line; return its exit code (errors → one line + code)."""
    try:
        result = app(
            args=list(argv) if argv is not None else None,
            standalone_mode=False,
            prog_name="corroborate eval",
        )
    except CorroborateError as exc:
        typer.echo(f"error: {exc}", err=True)
        return exit_code(exc)
    except KeyboardInterrupt:
        typer.echo("interrupted", err=True)
        return 130
    except Exception as exc:
        # click (as vendored by typer) usage errors and Exit/Abort carry their exit code
        code = getattr(exc, "exit_code", None)
        if type(exc).__name__ == "Abort":
            typer.echo("interrupted", err=True)
            return 130
        if not isinstance(code, int):
            raise
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        return code
    return result if isinstance(result, int) else 0


if __name__ == "__main__":
    raise SystemExit(main())

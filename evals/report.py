"""Eval reports: the JSON report, terminal tables, Markdown, one HTML file, baseline diffs.

`EvalReport` is the single source every rendering reads. `evals/baseline/` keeps one
compact snapshot per *baseline key* (`baseline` for the no-LLM run, `llm/<model>` for
replayed or live model runs), so a replay is compared with the last accepted replay of
the same model and a prompt change that lowers a score shows up as a regression (a rise,
for the fields of `evals.editor.LOWER_IS_BETTER`).

Every aggregate is given per summary group: the suite as a whole (`builtin`: all its
clusters) and, for clusters with a split, the suite's split (`builtin/dev`,
`builtin/test`); the held-out `test` group is labelled as such wherever it is shown.
"""

from __future__ import annotations

import html
import json
import math
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from pydantic import BaseModel, Field
from rich.console import Console
from rich.table import Table

from evals.builtin import HELD_OUT, SPLITS
from evals.editor import LOWER_IS_BETTER
from evals.scorers import Score, aggregate

REGRESSION_EXIT_CODE: Final = 7
"""Exit code of an eval whose scores fell below the baseline (EvalRegressionError)."""

DEFAULT_TOLERANCE: Final = 1e-6
"""Score changes at or below this are float noise, not improvements or regressions."""

BASELINE_FORMAT: Final = 1

GOLD_MERGE_PREFIX: Final = "gold_merge."
"""Prefix of consensus fields scored on the merge of the gold records."""


def lower_is_better(name: str) -> bool:
    """Whether a rise of this field is a regression (false alarms, single-source share)."""
    return name.removeprefix(GOLD_MERGE_PREFIX) in LOWER_IS_BETTER


def _num(value: float) -> float | None:
    return None if math.isnan(value) else round(value, 6)


class Header(BaseModel):
    """What produced the report."""

    mode: str = Field(description="replay, live or baseline.")
    model: str
    prompt_name: str
    prompt_version: str
    prompt_hash: str
    scorer_version: str
    git_sha: str
    timestamp: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cost: float = 0.0
    seconds: float = 0.0
    datasets: list[str] = Field(default_factory=list)
    skipped: list[str] = Field(default_factory=list, description="Dataset paths not found.")
    recorded: bool = False
    split: str = Field(default="all", description="`--split`: dev, test or all.")

    @property
    def baseline_key(self) -> str:
        """Which baseline section this run compares with."""
        if self.mode in ("baseline", "clustering"):
            return self.mode
        return f"llm/{self.model}"


class CaseResult(BaseModel):
    """One article: gold, prediction and every field's score with its details."""

    id: str
    suite: str
    split: str | None = Field(default=None, description="dev, test (held out) or none.")
    cluster: str
    article_id: str
    gold: Any = None
    predicted: Any = None
    scores: dict[str, dict[str, Any]] = Field(default_factory=dict)
    seconds: float = 0.0


class ClusterResult(BaseModel):
    """One cluster's consensus scores (predicted records merged, and gold records merged)."""

    id: str
    suite: str
    split: str | None = Field(default=None, description="dev, test (held out) or none.")
    scores: dict[str, dict[str, Any]] = Field(default_factory=dict)
    facts: int = 0
    gold_merge_facts: int = 0


class EvalReport(BaseModel):
    """Everything one eval run produced."""

    header: Header
    summary: dict[str, dict[str, dict[str, float | None]]] = Field(
        default_factory=dict,
        description="group → field → metric → value; a group is a suite ('builtin': all its "
        "clusters) or a suite's split ('builtin/dev', 'builtin/test': held out).",
    )
    cases: list[CaseResult] = Field(default_factory=list)
    clusters: list[ClusterResult] = Field(default_factory=list)


def summary_keys(suite: str, split: str | None) -> tuple[str, ...]:
    """The summary groups a case or cluster counts in: its suite, and its suite's split."""
    return (suite,) if split is None else (suite, f"{suite}/{split}")


def _group_rank(keys: Iterable[str]) -> dict[str, tuple[int, int, str]]:
    """Suites in first-seen order, each followed by its splits (dev, then test)."""
    suites = list(dict.fromkeys(k.partition("/")[0] for k in keys))
    order = {"": 0} | {split: i + 1 for i, split in enumerate(SPLITS)}
    rank = {}
    for key in keys:
        suite, _, split = key.partition("/")
        rank[key] = (suites.index(suite), order.get(split, len(order)), split)
    return rank


def summarise(
    groups: Iterable[tuple[tuple[str, ...], Mapping[str, Score], Mapping[str, tuple[str, ...]]]],
) -> dict[str, dict[str, dict[str, float | None]]]:
    """Aggregate scores per summary group and field with each field's declared metrics.

    `groups` yields (summary groups, field → score, field → metrics) for each case or
    cluster; `summary_keys` gives its groups.
    """
    collected: dict[str, dict[str, list[Score]]] = {}
    metrics_of: dict[str, tuple[str, ...]] = {}
    for keys, scores, fields in groups:
        for key in keys:
            per_field = collected.setdefault(key, {})
            for name, score in scores.items():
                per_field.setdefault(name, []).append(score)
                metrics_of.setdefault(name, fields.get(name, ("n", "mean")))
    rank = _group_rank(collected)
    return {
        key: {
            name: {k: _num(v) for k, v in aggregate(scores, metrics_of[name]).items()}
            for name, scores in collected[key].items()
        }
        for key in sorted(collected, key=rank.__getitem__)
    }


def group_title(key: str, keys: Iterable[str] = ()) -> str:
    """How a summary group is shown: 'builtin · all', 'builtin · dev',
    'builtin · test (held out: never tuned on)'; a suite without splits by its name."""
    suite, _, split = key.partition("/")
    if split == HELD_OUT:
        return f"{suite} · {split} (held out: never tuned on)"
    if split:
        return f"{suite} · {split}"
    if any(k.startswith(f"{suite}/") for k in keys):
        return f"{suite} · all"
    return suite


# -- baseline and diff -------------------------------------------------------------------------


class Change(BaseModel):
    """One score that moved between the baseline and this run."""

    id: str
    field: str
    old: float | None
    new: float | None

    @property
    def delta(self) -> float:
        return (self.new or 0.0) - (self.old or 0.0)


class Diff(BaseModel):
    """This run against its baseline section."""

    key: str
    found: bool = False
    improved: list[Change] = Field(default_factory=list)
    regressed: list[Change] = Field(default_factory=list)
    fields: list[Change] = Field(
        default_factory=list, description="Suite-level mean changes; id is the suite."
    )
    notes: list[str] = Field(default_factory=list)

    @property
    def has_regressions(self) -> bool:
        return bool(self.regressed)


def snapshot(report: EvalReport) -> dict[str, Any]:
    """The compact form of a report kept in `evals/baseline/`."""
    h = report.header
    return {
        "header": {
            "mode": h.mode,
            "model": h.model,
            "prompt_version": h.prompt_version,
            "prompt_hash": h.prompt_hash,
            "scorer_version": h.scorer_version,
            "git_sha": h.git_sha,
            "timestamp": h.timestamp,
        },
        "cases": {
            c.id: {name: s.get("value") for name, s in sorted(c.scores.items())}
            for c in report.cases
        },
        "clusters": {
            c.id: {name: s.get("value") for name, s in sorted(c.scores.items())}
            for c in report.clusters
        },
        "summary": {
            suite: {name: m.get("mean") for name, m in sorted(fields.items())}
            for suite, fields in report.summary.items()
        },
    }


def load_baseline(path: Path) -> dict[str, Any]:
    """The baseline document: from a folder of per-cluster files (`evals/baseline/`), or a
    single JSON file; an empty one when neither exists."""
    if path.is_dir():
        return _load_folder(path)
    if not path.is_file():
        return {"format": BASELINE_FORMAT, "runs": {}}
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("runs"), dict):
        raise ValueError(f"{path}: not a baseline file (no 'runs' mapping)")
    return data


def _owner(case_id: str) -> str:
    """The cluster a case belongs to ('cluster/article' → 'cluster')."""
    return case_id.rsplit("/", 1)[0]


def updated_baseline(document: Mapping[str, Any], report: EvalReport) -> dict[str, Any]:
    """The baseline with this run's section replaced for the cases and clusters it ran.

    Cases and clusters of datasets this run did not cover are kept as they were. Each
    cluster keeps the header of the run that last changed its scores (`owners`), so a
    re-run that changes nothing leaves its file as it was.
    """
    runs = dict(document.get("runs", {}))
    new = snapshot(report)
    old = runs.get(report.header.baseline_key, {})
    ran = {c.cluster for c in report.cases} | {c.id for c in report.clusters}

    def keep(section: str, owner: Any) -> dict[str, Any]:
        return {k: v for k, v in old.get(section, {}).items() if owner(k) not in ran}

    cases = keep("cases", _owner) | new["cases"]
    clusters = keep("clusters", lambda k: k) | new["clusters"]
    summary = dict(old.get("summary", {})) | new["summary"]
    old_owners: dict[str, Any] = dict(old.get("owners", {}))
    owners: dict[str, Any] = {}
    for owner in {_owner(k) for k in cases} | set(clusters):
        if owner not in ran or _owned(old, owner) == _owned(new, owner):
            owners[owner] = old_owners.get(owner, old.get("header", new["header"]))
        else:
            owners[owner] = new["header"]
    runs[report.header.baseline_key] = {
        "header": new["header"],
        "cases": dict(sorted(cases.items())),
        "clusters": dict(sorted(clusters.items())),
        "summary": summary,
        "owners": dict(sorted(owners.items())),
    }
    return {"format": BASELINE_FORMAT, "runs": dict(sorted(runs.items()))}


def _owned(section: Mapping[str, Any], owner: str) -> dict[str, Any]:
    """One cluster's part of a baseline section: its own scores and its cases'."""
    cases = {k: v for k, v in section.get("cases", {}).items() if _owner(k) == owner}
    return {"cluster": section.get("clusters", {}).get(owner), "cases": cases}


def write_baseline(path: Path, document: Mapping[str, Any]) -> None:
    """Write the baseline: one file per run and cluster under a folder (the default,
    `evals/baseline/<run>/<cluster>.json`, so that work on different clusters never
    touches the same file), or one JSON file when `path` ends in `.json`. Stable key
    order, one trailing newline; a folder's files that no longer own anything go."""
    if path.suffix == ".json":
        plain = {
            "format": document.get("format", BASELINE_FORMAT),
            "runs": {
                key: {k: v for k, v in section.items() if k != "owners"}
                for key, section in document.get("runs", {}).items()
            },
        }
        path.write_text(json.dumps(plain, indent=1, sort_keys=False) + "\n", encoding="utf-8")
        return
    for key, section in document.get("runs", {}).items():
        folder = path / _slug(key)
        folder.mkdir(parents=True, exist_ok=True)
        owners: Mapping[str, Any] = section.get("owners", {})
        names = {_owner(k) for k in section.get("cases", {})} | set(section.get("clusters", {}))
        wanted: set[Path] = set()
        for owner in sorted(names):
            owned = _owned(section, owner)
            body = {
                "format": BASELINE_FORMAT,
                "run": key,
                "owner": owner,
                "header": owners.get(owner, section.get("header", {})),
                **({"cluster": owned["cluster"]} if owned["cluster"] is not None else {}),
                "cases": owned["cases"],
            }
            file = folder / f"{_slug(owner)}.json"
            wanted.add(file)
            text = json.dumps(body, indent=1, sort_keys=False) + "\n"
            if not file.is_file() or file.read_text(encoding="utf-8") != text:
                file.write_text(text, encoding="utf-8")
        for stale in set(folder.glob("*.json")) - wanted:
            stale.unlink()


def _slug(key: str) -> str:
    """A run key or cluster id as one file name ('llm/local/m' → 'llm__local__m')."""
    return key.replace("/", "__")


def _load_folder(root: Path) -> dict[str, Any]:
    runs: dict[str, dict[str, Any]] = {}
    for file in sorted(root.glob("*/*.json")):
        body = json.loads(file.read_text(encoding="utf-8"))
        if not isinstance(body, dict) or "run" not in body or "owner" not in body:
            raise ValueError(f"{file}: not a baseline file (no 'run' and 'owner')")
        section = runs.setdefault(
            body["run"], {"header": {}, "cases": {}, "clusters": {}, "summary": {}, "owners": {}}
        )
        section["owners"][body["owner"]] = body.get("header", {})
        if "cluster" in body:
            section["clusters"][body["owner"]] = body["cluster"]
        section["cases"].update(body.get("cases", {}))
    for section in runs.values():  # the run's header: the latest any cluster was written by
        headers = list(section["owners"].values())
        section["header"] = max(headers, key=lambda h: str(h.get("timestamp", "")), default={})
        section["cases"] = dict(sorted(section["cases"].items()))
    return {"format": BASELINE_FORMAT, "runs": dict(sorted(runs.items()))}


def _compare(
    id_: str,
    old: Mapping[str, Any],
    new: Mapping[str, Any],
    tolerance: float,
    diff: Diff,
) -> None:
    for name in sorted(set(old) | set(new)):
        before, after = old.get(name), new.get(name)
        if before is None or after is None:
            if before is not None and name in new:
                diff.notes.append(f"{id_} {name}: no longer scored (was {before:.3f})")
            continue
        worse = after - before if lower_is_better(name) else before - after
        if worse > tolerance:  # for a lower-is-better field, a rise is the regression
            diff.regressed.append(Change(id=id_, field=name, old=before, new=after))
        elif worse < -tolerance:
            diff.improved.append(Change(id=id_, field=name, old=before, new=after))


def diff_reports(
    document: Mapping[str, Any], report: EvalReport, tolerance: float = DEFAULT_TOLERANCE
) -> Diff:
    """Compare a run with its baseline section, case by case and field by field.

    Only cases and clusters present in both are compared: a run limited to some datasets
    is not a regression for the others.
    """
    key = report.header.baseline_key
    diff = Diff(key=key)
    section = document.get("runs", {}).get(key)
    if not section:
        diff.notes.append(f"no baseline for {key!r}: nothing to compare")
        return diff
    diff.found = True
    old_header = section.get("header", {})
    if old_header.get("scorer_version") != report.header.scorer_version:
        diff.notes.append(
            f"scorer version changed ({old_header.get('scorer_version')} → "
            f"{report.header.scorer_version}): score changes may come from the scorers"
        )
    if old_header.get("prompt_hash") != report.header.prompt_hash:
        diff.notes.append(
            f"prompt changed ({old_header.get('prompt_version')} "
            f"{str(old_header.get('prompt_hash'))[:12]} → {report.header.prompt_version} "
            f"{report.header.prompt_hash[:12]})"
        )
    current = snapshot(report)
    for group in ("cases", "clusters"):
        old_group: Mapping[str, Any] = section.get(group, {})
        for id_, scores in current[group].items():
            if id_ in old_group:
                _compare(id_, old_group[id_], scores, tolerance, diff)
            else:
                diff.notes.append(f"{id_}: new, not in the baseline")
    for suite, fields in current["summary"].items():
        old_fields = section.get("summary", {}).get(suite, {})
        for name, after in fields.items():
            before = old_fields.get(name)
            if before is not None and after is not None and abs(after - before) > tolerance:
                diff.fields.append(Change(id=suite, field=name, old=before, new=after))
    return diff


# -- renderings ------------------------------------------------------------------------------

COLUMNS: Final = ("n", "mean", "precision", "recall", "f1")


def _fmt(value: float | None, metric: str = "mean") -> str:
    if value is None:
        return "-"
    return f"{value:.0f}" if metric == "n" else f"{value:.3f}"


def _split_label(split: str | None) -> str:
    if split is None:
        return "no split"
    return f"{split} (held out)" if split == HELD_OUT else split


def _datasets_line(report: EvalReport) -> str:
    """The datasets that ran, by split when they have one."""
    split_of = {c.cluster: c.split for c in report.cases} | {c.id: c.split for c in report.clusters}
    names = report.header.datasets
    if not any(split_of.get(n) for n in names):
        return ", ".join(names) or "none"
    by_split: dict[str | None, list[str]] = {}
    for name in names:
        by_split.setdefault(split_of.get(name), []).append(name)
    ordered = sorted(by_split, key=lambda s: (s is None, SPLITS.index(s) if s in SPLITS else 9))
    return "; ".join(f"{_split_label(s)}: {', '.join(by_split[s])}" for s in ordered)


def _header_lines(report: EvalReport) -> list[tuple[str, str]]:
    h = report.header
    return [
        ("mode", h.mode + (" (recorded)" if h.recorded else "")),
        ("model", h.model),
        ("prompt", f"{h.prompt_name} {h.prompt_version}"),
        ("prompt+schema hash", h.prompt_hash),
        ("scorer version", h.scorer_version),
        ("git", h.git_sha),
        ("tokens", f"{h.prompt_tokens} prompt + {h.completion_tokens} completion"),
        ("cost", f"{h.cost:.4f}"),
        ("time", f"{h.seconds:.1f} s"),
        ("timestamp", h.timestamp),
        ("split", h.split),
        ("datasets", _datasets_line(report)),
    ] + ([("skipped", ", ".join(h.skipped))] if h.skipped else [])


LOWER_MARK: Final = " ↓"
"""Shown after a lower-is-better field's name in the tables."""
LEGEND: Final = "↓: lower is better (a count or share of false alarms; a rise is a regression)."


def _shown(name: str) -> str:
    return name + (LOWER_MARK if lower_is_better(name) else "")


def print_report(report: EvalReport, diff: Diff | None, console: Console | None = None) -> None:
    """Per-suite field tables (P/R/F1) and the baseline diff, on the terminal."""
    console = console or Console()
    for key, value in _header_lines(report):
        console.print(f"[bold]{key}[/bold]: {value}", soft_wrap=True)
    for group, fields in report.summary.items():
        table = Table(
            title=f"{group_title(group, report.summary)}: per-field scores",
            caption=LEGEND if any(lower_is_better(n) for n in fields) else None,
            show_lines=False,
        )
        table.add_column("field", style="bold")
        for column in COLUMNS:
            table.add_column(column, justify="right")
        for name, metrics in fields.items():
            table.add_row(_shown(name), *(_fmt(metrics.get(c), c) for c in COLUMNS))
        console.print(table)
    if diff is not None:
        _print_diff(diff, console)


def _print_diff(diff: Diff, console: Console) -> None:
    for note in diff.notes[:20]:
        console.print(f"[dim]note:[/dim] {note}")
    if len(diff.notes) > 20:
        console.print(f"[dim]... {len(diff.notes) - 20} more notes in the JSON report[/dim]")
    if not diff.found:
        return
    console.print(
        f"baseline {diff.key!r}: {len(diff.improved)} improved, {len(diff.regressed)} regressed"
    )
    for change in diff.regressed[:40]:
        console.print(
            f"[red]regressed[/red] {change.id} {change.field}: "
            f"{_fmt(change.old)} → {_fmt(change.new)}"
        )
    for change in diff.improved[:40]:
        console.print(
            f"[green]improved[/green] {change.id} {change.field}: "
            f"{_fmt(change.old)} → {_fmt(change.new)}"
        )


def _md_table(fields: Mapping[str, Mapping[str, float | None]]) -> list[str]:
    lines = ["| field | " + " | ".join(COLUMNS) + " |", "|---" * (len(COLUMNS) + 1) + "|"]
    for name, metrics in fields.items():
        cells = " | ".join(_fmt(metrics.get(c), c) for c in COLUMNS)
        mark = LOWER_MARK if lower_is_better(name) else ""
        lines.append(f"| `{name}`{mark} | {cells} |")
    if any(lower_is_better(n) for n in fields):
        lines += ["", LEGEND]
    return lines


CLUSTER_COLUMNS: Final = {
    "consensus.fact_recall": "fact recall",
    "consensus.status": "status F1",
    "editor.conflicts": "conflicts F1",
    "editor.conflicts.confident": "confident F1",
    "editor.revisions": "revisions F1",
    "editor.false_conflicts": "false conflicts ↓",
    "editor.false_date_place": "false date/place ↓",
    "editor.single_source_shown": "single-source shown ↓",
}
"""The per-cluster consensus scores the Markdown report tabulates (all are in the JSON)."""


def _md_clusters(clusters: Sequence[ClusterResult]) -> list[str]:
    """Per-cluster tables of the consensus scores: predicted records merged, gold merged."""
    lines: list[str] = []
    for title, prefix in (
        ("predicted records merged", ""),
        ("gold records merged", GOLD_MERGE_PREFIX),
    ):
        columns = [c for c in CLUSTER_COLUMNS if any(prefix + c in k.scores for k in clusters)]
        if not columns:
            continue
        lines += [
            "",
            f"## Clusters: {title}",
            "",
            "| cluster | split | " + " | ".join(CLUSTER_COLUMNS[c] for c in columns) + " |",
            "|---|---" + "|---" * len(columns) + "|",
        ]
        for cluster in clusters:
            cells = " | ".join(
                _fmt(cluster.scores.get(prefix + c, {}).get("value")) for c in columns
            )
            lines.append(f"| `{cluster.id}` | {_split_label(cluster.split)} | {cells} |")
    return lines


def render_markdown(report: EvalReport, diff: Diff | None) -> str:
    """The report as Markdown: header, per-suite tables, diff, weakest cases."""
    lines = ["# Corroborate eval", ""]
    lines += [f"- **{k}**: {v}" for k, v in _header_lines(report)]
    for group, fields in report.summary.items():
        lines += ["", f"## {group_title(group, report.summary)}", "", *_md_table(fields)]
    if diff is not None:
        lines += ["", f"## Baseline diff ({diff.key})", ""]
        if not diff.found:
            lines.append("No baseline section for this run.")
        for title, changes in (("Regressed", diff.regressed), ("Improved", diff.improved)):
            if changes:
                lines += [
                    "",
                    f"### {title}",
                    "",
                    "| case | field | old | new |",
                    "|---|---|---|---|",
                ]
                lines += [
                    f"| {c.id} | `{c.field}` | {_fmt(c.old)} | {_fmt(c.new)} |" for c in changes
                ]
        if diff.notes:
            lines += ["", "### Notes", ""] + [f"- {n}" for n in diff.notes]
    lines += _md_clusters(report.clusters)
    lines += ["", "## Cases", ""]
    for case in report.cases:
        values = {k: v.get("value") for k, v in case.scores.items()}
        shown = ", ".join(f"{k} {_fmt(v)}" for k, v in values.items() if v is not None)
        lines.append(f"- `{case.id}` ({_split_label(case.split)}): {shown}")
    return "\n".join(lines) + "\n"


_CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em;max-width:1200px;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:3px 8px}
th{background:#f3f3f3}td.num{text-align:right;font-variant-numeric:tabular-nums}
.bad{background:#fde2e2}.good{background:#e2f5e2}.mid{background:#fff6d6}
details{margin:.3em 0}summary{cursor:pointer}code,pre{font-size:12px}
pre{background:#f7f7f7;padding:.5em;overflow:auto;max-height:30em}
.label-match{color:#1a7f37}.label-wrong,.label-missing,.label-extra,.label-mismatch{color:#b42318}
.label-partial{color:#9a6700}
"""


def _cls(value: float | None) -> str:
    if value is None:
        return ""
    return "good" if value >= 0.8 else ("mid" if value >= 0.5 else "bad")


def _html_fields(fields: Mapping[str, Mapping[str, float | None]]) -> str:
    head = "".join(f"<th>{c}</th>" for c in ("field", *COLUMNS))
    rows = []
    for name, metrics in fields.items():
        # a lower-is-better count has no good/bad scale: left uncoloured
        plain = lower_is_better(name)
        cells = "".join(
            f'<td class="num {_cls(metrics.get(c)) if c != "n" and not plain else ""}">'
            f"{_fmt(metrics.get(c), c)}</td>"
            for c in COLUMNS
        )
        mark = html.escape(LOWER_MARK) if plain else ""
        rows.append(f"<tr><td><code>{html.escape(name)}</code>{mark}</td>{cells}</tr>")
    legend = f"<p>{html.escape(LEGEND)}</p>" if any(lower_is_better(n) for n in fields) else ""
    return f"<table><tr>{head}</tr>{''.join(rows)}</table>{legend}"


def _html_scores(scores: Mapping[str, Mapping[str, Any]]) -> str:
    parts = []
    for name, score in scores.items():
        value = score.get("value")
        details = score.get("details") or []
        rows = "".join(
            f'<tr><td class="label-{html.escape(str(d.get("label")))}">'
            f"{html.escape(str(d.get('label')))}</td>"
            f"<td>{html.escape(str(d.get('gold') or ''))}</td>"
            f"<td>{html.escape(str(d.get('predicted') or ''))}</td>"
            f"<td>{html.escape(str(d.get('reason') or ''))}</td></tr>"
            for d in details
        )
        table = (
            f"<table><tr><th>label</th><th>gold</th><th>predicted</th><th>reason</th></tr>{rows}</table>"
            if rows
            else ""
        )
        parts.append(
            f"<details><summary><code>{html.escape(name)}</code> "
            f'<span class="{"" if lower_is_better(name) else _cls(value)}">'
            f"{_fmt(value)}</span> {html.escape(str(score.get('explanation', '')))}</summary>"
            f"{table}</details>"
        )
    return "".join(parts)


def render_html(report: EvalReport, diff: Diff | None) -> str:
    """The report as one self-contained HTML page (inline CSS, no scripts, no links out)."""
    header = "".join(
        f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>"
        for k, v in _header_lines(report)
    )
    body = [f"<h1>Corroborate eval</h1><table>{header}</table>"]
    for group, fields in report.summary.items():
        title = html.escape(group_title(group, report.summary))
        body.append(f"<h2>{title}</h2>{_html_fields(fields)}")
    if diff is not None:
        body.append(f"<h2>Baseline diff ({html.escape(diff.key)})</h2>")
        if not diff.found:
            body.append("<p>No baseline section for this run.</p>")
        for title, changes in (("Regressed", diff.regressed), ("Improved", diff.improved)):
            if changes:
                rows = "".join(
                    f"<tr><td>{html.escape(c.id)}</td><td><code>{html.escape(c.field)}</code></td>"
                    f'<td class="num">{_fmt(c.old)}</td><td class="num">{_fmt(c.new)}</td></tr>'
                    for c in changes
                )
                body.append(
                    f"<h3>{title}</h3><table><tr><th>case</th><th>field</th><th>old</th>"
                    f"<th>new</th></tr>{rows}</table>"
                )
        if diff.notes:
            body.append(
                "<ul>" + "".join(f"<li>{html.escape(n)}</li>" for n in diff.notes) + "</ul>"
            )
    body.append("<h2>Clusters</h2>")
    for cluster in report.clusters:
        body.append(
            f"<details><summary><b>{html.escape(cluster.id)}</b> "
            f"({html.escape(_split_label(cluster.split))}; {cluster.facts} facts; "
            f"{cluster.gold_merge_facts} from gold records)</summary>"
            f"{_html_scores(cluster.scores)}</details>"
        )
    body.append("<h2>Cases</h2>")
    for case in report.cases:
        gold = html.escape(json.dumps(case.gold, indent=1, ensure_ascii=False, default=str))
        predicted = html.escape(
            json.dumps(case.predicted, indent=1, ensure_ascii=False, default=str)
        )
        body.append(
            f"<details><summary><b>{html.escape(case.id)}</b> "
            f"({html.escape(_split_label(case.split))})</summary>"
            f"{_html_scores(case.scores)}"
            f"<details><summary>gold</summary><pre>{gold}</pre></details>"
            f"<details><summary>predicted</summary><pre>{predicted}</pre></details></details>"
        )
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Corroborate eval {html.escape(report.header.timestamp)}</title>"
        f"<style>{_CSS}</style></head><body>{''.join(body)}</body></html>\n"
    )


def write_reports(report: EvalReport, diff: Diff | None, out: Path) -> list[Path]:
    """Write report.json (per case: gold, predicted, labels, reasons), report.md, report.html
    and diff.json into `out`; return the paths."""
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "report.json": report.model_dump_json(indent=1),
        "report.md": render_markdown(report, diff),
        "report.html": render_html(report, diff),
    }
    if diff is not None:
        paths["diff.json"] = diff.model_dump_json(indent=1)
    written = []
    for name, text in paths.items():
        path = out / name
        path.write_text(text if text.endswith("\n") else text + "\n", encoding="utf-8")
        written.append(path)
    return written


def score_json(scores: Mapping[str, Score]) -> dict[str, dict[str, Any]]:
    """Scores as JSON-able dicts (NaN → null)."""
    return {name: score.to_json() for name, score in scores.items()}


def field_order(names: Sequence[str], declared: Sequence[str]) -> list[str]:
    """Field names in declaration order, unknown ones last (sorted)."""
    known = [n for n in declared if n in names]
    return known + sorted(n for n in names if n not in declared)

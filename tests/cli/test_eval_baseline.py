"""`corroborate eval --mode baseline`: reports, baseline update, regression exit code."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from evals import run as eval_run
from evals.report import REGRESSION_EXIT_CODE

ROOT = Path(__file__).resolve().parents[2]
CLUSTER = ROOT / "evals" / "datasets" / "dev" / "port-deal"
HELD_OUT = ROOT / "evals" / "datasets" / "test" / "rally-seoul-2024"


def _args(tmp_path: Path, *extra: str) -> list[str]:
    return [
        "--mode", "baseline", "--dataset", str(CLUSTER),
        "--baseline", str(tmp_path / "baseline.json"), *extra,
    ]  # fmt: skip


def test_baseline_mode_writes_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out"
    assert eval_run.main(_args(tmp_path, "--out", str(out))) == 0
    printed = capsys.readouterr().out
    assert "builtin · dev: per-field scores" in printed and "quantities" in printed
    assert "editor.false_conflicts ↓" in printed
    report = json.loads((out / "report.json").read_text())
    assert list(report["summary"]) == ["builtin", "builtin/dev"]
    header = report["header"]
    assert header["mode"] == "baseline" and header["model"] == "none"
    assert len(header["prompt_hash"]) == 64 and header["scorer_version"]
    assert header["git_sha"] and header["timestamp"]
    assert {c["article_id"] for c in report["cases"]} == {
        "port-harbor-gazette", "port-markets-daily", "port-northstar-wire",
        "port-tidewater-business",
    }  # fmt: skip
    case = report["cases"][0]
    assert case["gold"] and case["predicted"]
    quantities = case["scores"]["quantities"]
    assert quantities["details"] and {"label", "gold", "predicted", "reason"} <= set(
        quantities["details"][0]
    )
    cluster = report["clusters"][0]
    assert cluster["split"] == "dev" and case["split"] == "dev"
    assert "consensus.status.agreed" in cluster["scores"]
    assert "gold_merge.consensus.status.agreed" in cluster["scores"]
    assert {"editor.conflicts", "gold_merge.editor.false_conflicts"} <= set(cluster["scores"])
    assert (out / "report.html").read_text().startswith("<!doctype html>")
    assert "| `quantities` |" in (out / "report.md").read_text()


def test_dev_and_test_are_reported_apart(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    args = [*_args(tmp_path, "--out", str(out)), "--dataset", str(HELD_OUT)]
    assert eval_run.main(args) == 0
    printed = capsys.readouterr().out
    assert "builtin · test (held out: never tuned on): per-field scores" in printed
    report = json.loads((out / "report.json").read_text())
    summary = report["summary"]
    assert list(summary) == ["builtin", "builtin/dev", "builtin/test"]
    n = {group: fields["headline"]["n"] for group, fields in summary.items()}
    assert n == {"builtin": 9, "builtin/dev": 4, "builtin/test": 5}
    assert summary["builtin/test"]["editor.conflicts"]["n"] == 1
    assert {c["id"]: c["split"] for c in report["clusters"]} == {
        "port-deal": "dev", "rally-seoul-2024": "test",
    }  # fmt: skip
    markdown = (out / "report.md").read_text()
    assert "## builtin · test (held out: never tuned on)" in markdown
    assert "| `rally-seoul-2024` | test (held out) |" in markdown
    assert "test (held out)" in (out / "report.html").read_text()


def test_split_option_chooses_the_clusters(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    args = [*_args(tmp_path, "--out", str(out)), "--dataset", str(HELD_OUT), "--split", "test"]
    assert eval_run.main(args) == 0
    assert "not in the test split" in " ".join(capsys.readouterr().err.split())
    report = json.loads((out / "report.json").read_text())
    assert report["header"]["split"] == "test"
    assert [c["id"] for c in report["clusters"]] == ["rally-seoul-2024"]
    assert list(report["summary"]) == ["builtin", "builtin/test"]
    assert eval_run.main([*args, "--split", "holdout"]) == 2


def test_update_baseline_then_regression_exits_7(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    baseline = tmp_path / "baseline.json"
    assert eval_run.main(_args(tmp_path, "--update-baseline")) == 0
    document = json.loads(baseline.read_text())
    section = document["runs"]["baseline"]
    assert "port-deal/port-harbor-gazette" in section["cases"]
    assert eval_run.main(_args(tmp_path)) == 0  # same run, same scores: no regression

    # Pretend the accepted run scored higher: this run is now a regression.
    section["cases"]["port-deal/port-harbor-gazette"]["quantities"] = 1.5
    baseline.write_text(json.dumps(document))
    capsys.readouterr()
    assert eval_run.main(_args(tmp_path)) == REGRESSION_EXIT_CODE
    captured = capsys.readouterr()
    assert "regressed" in captured.out and "port-deal/port-harbor-gazette" in captured.out
    assert f"exit {REGRESSION_EXIT_CODE}" in captured.err

    # A looser tolerance absorbs it; --update-baseline accepts it.
    assert eval_run.main(_args(tmp_path, "--tolerance", "1")) == 0
    assert eval_run.main(_args(tmp_path, "--update-baseline")) == 0
    assert eval_run.main(_args(tmp_path)) == 0


def test_missing_dataset_is_skipped(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = eval_run.main(
        ["--mode", "baseline", "--dataset", str(tmp_path / "nowhere"),
         "--baseline", str(tmp_path / "b.json")]
    )  # fmt: skip
    assert code == 0
    # rich wraps long lines at the console width: compare with whitespace folded
    assert "no such dataset path" in " ".join(capsys.readouterr().err.split())


def test_bad_arguments(tmp_path: Path) -> None:
    assert eval_run.main(["--mode", "sideways", "--baseline", str(tmp_path / "b.json")]) == 2
    assert eval_run.main(["--record", "--mode", "baseline"]) == 2
    assert eval_run.main(["--no-such-flag"]) == 2
    assert eval_run.main(["--help"]) == 0


def test_corroborate_eval_command(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "app.cli", "eval", *_args(tmp_path)],
        capture_output=True, text=True, cwd=ROOT, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "per-field scores" in done.stdout
    helped = subprocess.run(
        [sys.executable, "-m", "app.cli", "eval", "--help"],
        capture_output=True, text=True, cwd=ROOT, timeout=300, check=False,
    )  # fmt: skip
    assert helped.returncode == 0 and "--limit-docs" in helped.stdout and "--split" in helped.stdout

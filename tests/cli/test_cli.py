"""The command line: exit codes, one-line errors, and resumable batch runs."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from app.batch import load_clusters, run_batch
from service.errors import InputError
from service.pipeline import Pipeline
from service.settings import Settings
from service.store import Store
from tests.fakes import FakeLLM
from tests.unit.test_structure_pipeline import responder

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "evals" / "datasets" / "dev" / "kim-beijing-2025"


def cli(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "app.cli", *args],
        cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": str(cwd), **(env or {})},
    )  # fmt: skip


def test_extract_without_llm_writes_one_record_per_article(tmp_path: Path) -> None:
    done = cli("extract", str(SAMPLE), "--no-llm", "--out", str(tmp_path / "r"), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    files = sorted((tmp_path / "r").glob("*.json"))
    assert len(files) == 5
    record = json.loads(files[0].read_text())
    assert record["provenance"]["model"] == "none" and record["provenance"]["prompt_hash"]


def test_bad_input_exits_2_with_one_line_and_writes_nothing(tmp_path: Path) -> None:
    good = tmp_path / "good.txt"
    good.write_text("A ferry docked in Porto Lento on Friday after a long crossing.")
    bad = tmp_path / "bad.json"
    bad.write_text('{"text": ""}')
    done = cli("extract", str(good), str(bad), "--no-llm", "--out", str(tmp_path / "o"),
               cwd=tmp_path)  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("error: ")
    assert "bad.json" in done.stderr
    assert not (tmp_path / "o").exists()  # validated before any work: nothing half-done
    missing = cli("summarise", str(tmp_path / "nope.txt"), "--no-llm", cwd=tmp_path)
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_summarise_without_llm_prints_json_consensus(tmp_path: Path) -> None:
    done = cli("summarise", str(SAMPLE), "--no-llm", "--format", "json",
               "--cache", f"sqlite:///{tmp_path / 'c.sqlite3'}", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    consensus = json.loads(done.stdout)
    assert {f["status"] for f in consensus["facts"]} >= {"agreed", "single_source"}
    assert consensus["narrative_mode"] == "template"
    # the cache is closed at the end: SQLite leaves no write-ahead log files beside it
    assert sorted(p.name for p in tmp_path.glob("c.sqlite3*")) == ["c.sqlite3"]
    assert [p["name"] for p in consensus["provenance"]["prompts"]] == ["narrate"] or any(
        p["name"] == "extract_event" for p in consensus["provenance"]["prompts"]
    )


def _clusters(tmp_path: Path) -> Path:
    root = tmp_path / "clusters"
    for name in ("kim-beijing-2025", "river-flood"):
        shutil.copytree(ROOT / "evals" / "datasets" / "dev" / name / "articles", root / name)
    return root


def test_batch_second_run_makes_no_llm_call(tmp_path: Path) -> None:
    settings = Settings(_env_file=None)
    store = Store(f"sqlite:///{tmp_path / 'cache.sqlite3'}")
    clusters = load_clusters(_clusters(tmp_path))
    first = run_batch(Pipeline(settings, FakeLLM(responder), store=store), clusters, tmp_path / "o")
    assert first.llm_calls > 0 and not first.failed and first.skipped == 0
    assert (tmp_path / "o" / "river-flood.md").read_text().startswith("# ")
    fake = FakeLLM(responder)
    second = run_batch(Pipeline(settings, fake, store=store), clusters, tmp_path / "o")
    assert second.llm_calls == 0 and fake.calls == [] and second.skipped == 2


def test_interrupted_batch_resumes_from_cached_records(tmp_path: Path) -> None:
    settings = Settings(_env_file=None)
    store = Store(f"sqlite:///{tmp_path / 'cache.sqlite3'}")
    clusters = load_clusters(_clusters(tmp_path))
    kim = next(c for c in clusters if c.key == "kim-beijing-2025")
    pipe = Pipeline(settings, FakeLLM(responder), store=store)
    for article in kim.articles[:3]:  # work done before an interruption
        pipe.extract(article)
    fake = FakeLLM(responder)
    resumed = run_batch(Pipeline(settings, fake, store=store), [kim], tmp_path / "o")
    assert resumed.cache_hits == 3 and resumed.records == 5


def test_batch_jsonl_needs_cluster_keys(tmp_path: Path) -> None:
    lines = tmp_path / "a.jsonl"
    lines.write_text(json.dumps({"text": "no cluster here"}) + "\n")
    with pytest.raises(InputError, match="cluster"):
        load_clusters(lines)


def test_an_unknown_prompt_version_exits_2_with_one_line(tmp_path: Path) -> None:
    done = cli("extract", str(SAMPLE), "--no-llm", "--prompt-version", "v9", cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr == (
        "error: prompt 'extract_event' has no version 'v9'; have ['v1', 'v2', 'v3']\n"
    )


def test_cluster_writes_one_line_per_event_and_a_summary_line(tmp_path: Path) -> None:
    stream = tmp_path / "stream"
    stream.mkdir()
    for folder in ("kim-beijing-2025", "river-flood"):
        for file in (ROOT / "evals" / "datasets" / "dev" / folder / "articles").glob("*.json"):
            shutil.copy(file, stream / file.name)
    out = tmp_path / "clusters.jsonl"
    done = cli("cluster", str(stream), "--out", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert sorted(len(c["article_ids"]) for c in lines) == [4, 5]
    first = lines[0]
    assert first["label"] and first["first_date"] <= first["last_date"]
    assert first["method"] and len(first["settings_hash"]) == 64
    assert "articles: 9; clusters: 2" in done.stderr


def test_cluster_refuses_a_missing_path(tmp_path: Path) -> None:
    done = cli("cluster", str(tmp_path / "nowhere"), cwd=tmp_path)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines()[-1].startswith("error:")


def test_the_process_entry_leaves_at_once_but_runs_exit_handlers_and_flushes(
    tmp_path: Path,
) -> None:
    """`console` skips the interpreter's teardown, not what a command needs: exit
    handlers run, the streams are flushed and the exit code is the command's."""
    script = (
        "import atexit, sys; import app.cli; "
        "atexit.register(lambda: print('exit handler ran', flush=True)); "
        "sys.argv = ['corroborate', *sys.argv[1:]]; app.cli.console()"
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)}
    for args, code in ((["--help"], 0), (["extract", str(tmp_path / "none.json")], 2)):
        done = subprocess.run(
            [sys.executable, "-c", script, *args],
            cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False, env=env,
        )  # fmt: skip
        assert done.returncode == code, done.stderr
        assert "exit handler ran" in done.stdout
    assert "no such file" in done.stderr


def test_a_command_collects_young_objects_less_often(tmp_path: Path) -> None:
    """Start-up's imports are long-lived objects: a command raises the collector's
    young-generation threshold (`app.cli.GC_YOUNG_THRESHOLD`), and keeps the older ones."""
    script = (
        "import atexit, gc, sys; import app.cli; default = gc.get_threshold(); "
        "atexit.register(lambda: print(default, gc.get_threshold(), flush=True)); "
        "sys.argv = ['corroborate', '--help']; app.cli.console()"
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=True, env=env,
    )  # fmt: skip
    default, now = done.stdout.strip().splitlines()[-1].split(") (")
    before = [int(x) for x in default.strip("()").split(", ")]
    after = [int(x) for x in now.strip("()").split(", ")]
    assert after == [50_000, *before[1:]]

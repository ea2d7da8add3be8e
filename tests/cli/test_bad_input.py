"""Issue #15 scope 4: bad input to `extract`, `summarise` and `batch` exits 2 with one
line and writes nothing; a cluster folder's notes files are skipped and reported; a
malformed setting is one line naming the variable, not a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from schemas.article import MAX_ARTICLE_CHARS
from service.errors import SettingError, exit_code
from service.inputs import expand_paths
from tests.cli.test_cli import ROOT, SAMPLE, cli

NAV_ONLY = "<html><head><title>Index</title></head><body><nav>Home | World</nav></body></html>"

BAD: list[tuple[str, str, bytes]] = [
    ("empty text", "a.txt", b""),
    ("whitespace only", "a.txt", b"  \n\t \n"),
    ("binary", "a.txt", bytes(range(256))),
    ("NUL bytes in UTF-8", "a.txt", b"A ferry docked.\x00\x00\x01"),
    ("non-UTF-8 bytes", "a.txt", "Caf\u00e9 au lait in Porto Lento.".encode("latin-1")),
    ("60,001 characters", "a.txt", b"a" * (MAX_ARTICLE_CHARS + 1)),
    ("malformed JSON", "a.json", b'{"text": "abc'),
    ("HTML with no article", "a.html", NAV_ONLY.encode()),
]


def _one_error_line(stderr: str) -> str:
    errors = [line for line in stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1 and "Traceback" not in stderr, stderr
    return errors[0]


@pytest.mark.parametrize(("case", "name", "data"), BAD, ids=[c[0] for c in BAD])
@pytest.mark.parametrize("command", ["extract", "summarise", "batch"])
def test_bad_input_exits_2_with_one_line(
    tmp_path: Path, command: str, case: str, name: str, data: bytes
) -> None:
    folder = tmp_path / "in" / "cluster"
    shutil.copytree(SAMPLE / "articles", folder)
    (folder / name).write_bytes(data)
    target = folder.parent if command == "batch" else folder
    out = tmp_path / "out"
    done = cli(command, str(target), "--no-llm", "--out", str(out), cwd=tmp_path)
    assert done.returncode == 2, done.stderr
    assert name in _one_error_line(done.stderr), case
    assert not out.exists() or not any(out.iterdir())  # all read before any work


def test_unknown_prompt_version_exits_2_with_one_line(tmp_path: Path) -> None:
    done = cli("extract", str(SAMPLE), "--no-llm", "--prompt-version", "v9", cwd=tmp_path)
    assert done.returncode == 2
    assert "v9" in _one_error_line(done.stderr)


def test_notes_and_hidden_files_in_a_cluster_folder_are_skipped_and_reported(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "cluster"
    shutil.copytree(SAMPLE / "articles", folder)
    articles = sorted(p.name for p in folder.iterdir())
    (folder / "README.md").write_text("# Kim in Beijing\n\nFive outlets, collected by hand.\n")
    (folder / "labels.md").write_text("kim: agreed\nxi: single\nparade: agreed\n")
    (folder / "todo.md").write_text("- [ ] check the figures\n")
    (folder / ".DS_Store").write_bytes(b"\x00\x01")
    (folder / "scores.csv").write_text("a,b\n1,2\n")
    skipped: list[tuple[Path, str]] = []
    read = expand_paths([folder], skipped)
    assert [p.name for p in read] == articles
    assert {p.name for p, _ in skipped} == {
        "README.md", "labels.md", "todo.md", ".DS_Store", "scores.csv"
    }  # fmt: skip
    done = cli("summarise", str(folder), "--no-llm", "--format", "json",
               "--cache", f"sqlite:///{tmp_path / 'c.sqlite3'}", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    line = next(x for x in done.stderr.splitlines() if x.startswith("read "))
    assert line.startswith(f"read {len(articles)} files; skipped ") and "labels.md" in line
    assert "labels" not in done.stdout.split('"facts"')[0]  # not an outlet, not a headline


def test_a_labels_file_named_explicitly_is_still_read(tmp_path: Path) -> None:
    labels = tmp_path / "labels.md"
    labels.write_text("kim: agreed\n")
    assert expand_paths([labels]) == [labels]


@pytest.mark.parametrize(
    ("variable", "value", "expected"),
    [
        ("CORROBORATE_API_KEYS", "secret", "JSON list"),
        ("CORROBORATE_LLM_CONCURRENCY", "many", "integer"),
        ("CORROBORATE_CLUSTER__EVENT_THRESHOLD", "high", "number"),
    ],
)
@pytest.mark.parametrize("command", [["extract", str(SAMPLE), "--no-llm"], ["serve"]])
def test_a_malformed_setting_exits_2_with_one_line_naming_it(
    tmp_path: Path, command: list[str], variable: str, value: str, expected: str
) -> None:
    done = cli(*command, cwd=tmp_path, env={variable: value})
    assert done.returncode == 2, done.stderr
    line = _one_error_line(done.stderr)
    assert line.startswith(f"error: {variable}: ") and expected in line
    assert done.stdout == ""


def test_setting_error_is_exit_2() -> None:
    assert exit_code(SettingError("CORROBORATE_X: expected a JSON list")) == 2
    assert ROOT.is_dir()

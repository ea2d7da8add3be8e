"""Progress goes to stderr, one line per finished article, and stdout stays machine-readable."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from app.progress import ArticleProgress
from tests.cli.test_cli import SAMPLE, cli


def test_extract_shows_each_article_on_stderr_and_prints_only_json(tmp_path: Path) -> None:
    done = cli("extract", str(SAMPLE), "--no-llm", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)) == 5  # stdout is the JSON array alone
    lines = done.stderr.splitlines()
    assert lines[0] == "extract: 5 articles (no LLM)"
    counted = [line for line in lines if re.match(r"\[\d/5\] ", line)]
    assert [c[:5] for c in counted] == [f"[{i}/5]" for i in range(1, 6)]
    assert all(re.search(r"\(\d+\.\ds elapsed\)$", c) for c in counted)
    assert re.match(r"done in \d+\.\ds: 5 records \(0 from cache", lines[-1])


def test_plain_lines_when_stderr_is_no_terminal() -> None:
    stream = io.StringIO()
    with ArticleProgress(3, stream=stream) as progress:
        progress.note("starting")
        progress.advance("a: done")
        progress.skip(2, "b, c: already done")
    lines = stream.getvalue().splitlines()
    assert lines[0] == "starting"
    assert re.fullmatch(r"\[1/3\] a: done \(\d+\.\ds elapsed\)", lines[1])
    assert lines[2] == "[3/3] b, c: already done" and progress.done == 3

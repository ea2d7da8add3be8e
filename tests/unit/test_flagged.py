"""`evals.flagged`: what the merge flags on ECB+-shaped clusters, for reading."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from evals.flagged import main, report


def _cluster(root: Path, name: str, texts: dict[str, str]) -> None:
    folder = root / name
    (folder / "articles").mkdir(parents=True)
    for doc, text in texts.items():
        (folder / "articles" / f"{doc}.txt").write_text(text, encoding="utf-8")
    gold = {"cluster_id": name, "docs": sorted(texts), "instances": [], "consensus": {}}
    (folder / "gold.json").write_text(json.dumps(gold), encoding="utf-8")


def test_flagged_lists_a_clusters_conflicts_and_counts_every_fact(tmp_path: Path) -> None:
    (tmp_path / "index.json").write_text("{}", encoding="utf-8")
    _cluster(
        tmp_path,
        "t01_ecb",
        {
            "1_1ecb": "The earthquake killed 12 people in the town, police said on Monday.",
            "1_2ecb": "The earthquake killed 30 people in the town, officials said on Monday.",
        },
    )
    out = io.StringIO()
    counts = report([tmp_path], out)
    lines = out.getvalue().splitlines()
    assert any(
        line.startswith("t01_ecb\tquantity\tconflicting\t") and "12" in line and "30" in line
        for line in lines
    ), lines
    assert counts[("quantity", "conflicting")] == 1
    assert "1 clusters; facts by kind and status:" in lines


def test_flagged_refuses_a_folder_that_is_not_ecbplus(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stop:
        main([str(tmp_path)])
    assert stop.value.code == 2
    assert "not an ECB+ folder" in capsys.readouterr().err

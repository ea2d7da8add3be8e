"""Where the review page is written: `batch` puts `<cluster>.html` beside the JSON."""

from __future__ import annotations

import shutil
from pathlib import Path

from app.batch import load_clusters, run_batch
from service.pipeline import Pipeline
from service.settings import Settings
from service.store import Store

ROOT = Path(__file__).resolve().parents[2]


def test_batch_writes_the_review_page_beside_the_json(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "evals" / "datasets" / "dev" / "kim-beijing-2025" / "articles",
                    tmp_path / "clusters" / "kim")  # fmt: skip
    settings = Settings(_env_file=None)
    store = Store(f"sqlite:///{tmp_path / 'cache.sqlite3'}")
    clusters = load_clusters(tmp_path / "clusters")
    summary = run_batch(Pipeline(settings, None, store=store), clusters, tmp_path / "o")
    assert not summary.failed
    page = (tmp_path / "o" / "kim.html").read_text(encoding="utf-8")
    assert (tmp_path / "o" / "kim.json").is_file()
    assert page.startswith("<!doctype html>") and 'id="conflicts"' in page
    assert 'data-article="kim-seoul-desk"' in page  # the articles' texts are in the page

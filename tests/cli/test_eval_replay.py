"""Record → replay round trip of `corroborate eval` against a fake OpenAI-compatible server,
and the loud failure of a replay whose prompt or request changed since recording."""

from __future__ import annotations

import dataclasses
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

import prompts
from evals import run as eval_run
from evals.report import EvalReport
from prompts import Prompt
from service.settings import Settings

CLUSTER = Path(__file__).resolve().parents[2] / "evals" / "datasets" / "dev" / "port-deal"


def _instance(schema: dict[str, Any], defs: dict[str, Any]) -> Any:
    """A small instance satisfying a JSON schema (enough for the response models)."""
    if "$ref" in schema:
        return _instance(defs[schema["$ref"].split("/")[-1]], defs)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            options = [s for s in schema[key] if s.get("type") != "null"] or schema[key]
            return _instance(options[0], defs)
    if "const" in schema:
        return schema["const"]
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type", "object")
    if kind == "object":
        props = schema.get("properties", {})
        return {name: _instance(props[name], defs) for name in schema.get("required", props)}
    if kind == "array":
        item = schema.get("items", {"type": "string"})
        return [_instance(item, defs) for _ in range(schema.get("minItems", 0))]
    if kind == "integer":
        return int(schema.get("minimum", 0))
    if kind == "number":
        return float(schema.get("minimum", 0))
    if kind == "boolean":
        return False
    if kind == "null":
        return None
    return "x" * int(schema.get("minLength", 0)) if "pattern" not in schema else ""


class _FakeOpenAI(BaseHTTPRequestHandler):
    calls = 0

    def log_message(self, *args: Any) -> None:  # keep test output quiet
        pass

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).calls += 1
        fmt = body.get("response_format") or {}
        schema = (fmt.get("json_schema") or {}).get("schema") or {}
        content = json.dumps(_instance(schema, schema.get("$defs", {})) if schema else {})
        answer = {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": 0,
            "model": body.get("model", "fake"),
            "choices": [
                {
                    "index": 0,
                    "finish_reason": "stop",
                    "message": {"role": "assistant", "content": content},
                }
            ],
            "usage": {"prompt_tokens": 100, "completion_tokens": 10, "total_tokens": 110},
        }
        data = json.dumps(answer).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def fake_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _FakeOpenAI)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


def _options(tmp_path: Path, settings: Settings, **changes: Any) -> eval_run.EvalOptions:
    base = eval_run.EvalOptions(
        datasets=[CLUSTER],
        mode="replay",
        cassettes=tmp_path / "cassettes",
        baseline=tmp_path / "baseline.json",
        limit_docs=1,
        settings=settings,
    )
    return dataclasses.replace(base, **changes)


def _scores(report: EvalReport) -> dict[str, Any]:
    return {c.id: {k: v["value"] for k, v in c.scores.items()} for c in report.cases}


def test_record_then_replay_gives_the_same_records(tmp_path: Path, fake_server: str) -> None:
    settings = Settings(_env_file=None, model="test/fake", base_url=fake_server, retries=0)
    recorded, _ = eval_run.run(_options(tmp_path, settings, record=True))
    assert recorded.header.mode == "live" and recorded.header.recorded
    assert recorded.header.prompt_tokens > 0
    files = sorted((tmp_path / "cassettes" / "port-deal").glob("*.yaml"))
    hash12 = recorded.header.prompt_hash[:12]
    assert [f.name for f in files] == [
        f"_consensus-{hash12}.yaml",
        f"port-harbor-gazette-{hash12}.yaml",
    ] or [f.name for f in files] == [f"port-harbor-gazette-{hash12}.yaml"]
    calls = _FakeOpenAI.calls

    replayed, _ = eval_run.run(_options(tmp_path, settings, mode="replay"))
    assert _FakeOpenAI.calls == calls  # nothing reached the server
    assert replayed.header.model == recorded.header.model
    assert _scores(replayed) == _scores(recorded)
    strip = {"provenance"}
    before = {k: v for k, v in recorded.cases[0].predicted.items() if k not in strip}
    after = {k: v for k, v in replayed.cases[0].predicted.items() if k not in strip}
    assert before == after


def test_replay_after_a_prompt_change_fails_loudly(
    tmp_path: Path,
    fake_server: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings = Settings(_env_file=None, model="test/fake", base_url=fake_server, retries=0)
    eval_run.run(_options(tmp_path, settings, record=True))

    original = prompts.load

    def edited(name: str, version: str | None = None) -> Prompt:
        prompt = original(name, version)
        parts = {**prompt.parts, "system": prompt.parts["system"] + "\nBe terse."}
        return dataclasses.replace(prompt, text=prompt.text + "#", sha256="0" * 64, parts=parts)

    monkeypatch.setattr(prompts, "load", edited)
    monkeypatch.setattr(eval_run, "get_settings", lambda: settings)
    code = eval_run.main(
        [str(CLUSTER), "--mode", "replay", "--limit-docs", "1",
         "--cassettes", str(tmp_path / "cassettes"), "--baseline", str(tmp_path / "b.json")]
    )  # fmt: skip
    assert code == 6
    err = capsys.readouterr().err
    assert "not in the cassette" in err and "does not exist" in err and "--record" in err


def test_replay_with_a_changed_request_body_fails_loudly(tmp_path: Path, fake_server: str) -> None:
    settings = Settings(_env_file=None, model="test/fake", base_url=fake_server, retries=0)
    eval_run.run(_options(tmp_path, settings, record=True))
    # Same prompt hash (same cassette file), different request body: fewer candidates shown.
    changed = settings.model_copy(update={"max_candidates": 1})
    from service.errors import ReplayMissError

    with pytest.raises(ReplayMissError, match="not in the cassette"):
        eval_run.run(_options(tmp_path, changed, mode="replay"))


def test_replay_without_cassettes_exits_6(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = eval_run.main(
        [str(CLUSTER), "--limit-docs", "1", "--cassettes", str(tmp_path / "none"),
         "--baseline", str(tmp_path / "b.json")]
    )  # fmt: skip
    assert code == 6
    assert "does not exist" in " ".join(capsys.readouterr().err.split())


def test_external_datasets_are_not_replayed_from_the_repository(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "s1.txt").write_text("Alpha beta gamma delta.\n", encoding="utf-8")
    gold = tmp_path / "seeds_gold.json"
    gold.write_text(
        json.dumps(
            {"published_at": "2025-09-02",
             "articles": {"s1": {"headline_keywords": [["alpha"]], "event_type": ["other"]}}}
        ),
        encoding="utf-8",
    )  # fmt: skip
    code = eval_run.main(
        [str(seeds), "--seeds-gold", str(gold), "--baseline", str(tmp_path / "b.json")]
    )
    assert code == 2  # replay of third-party text from the repo's cassettes: refused


def test_a_stale_narrative_cassette_leaves_the_facts_scored(
    tmp_path: Path,
    fake_server: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    settings = Settings(_env_file=None, model="test/fake", base_url=fake_server, retries=0)
    recorded, _ = eval_run.run(_options(tmp_path, settings, record=True, limit_docs=2))
    assert list((tmp_path / "cassettes" / "port-deal").glob("_consensus-*.yaml"))

    from service.merge import merge_records as merge

    def changed_merge(*args: Any, **kwargs: Any) -> Any:  # a merge-only change
        consensus = merge(*args, **kwargs)
        consensus.event.headline += " (merged anew)"
        return consensus

    monkeypatch.setattr("service.pipeline.merge_records", changed_merge)
    replayed, _ = eval_run.run(_options(tmp_path, settings, mode="replay", limit_docs=2))
    assert _scores(replayed) == _scores(recorded)  # extraction replayed as recorded
    cluster = replayed.clusters[0].scores
    assert cluster["consensus.citations"]["value"] is None
    assert cluster["consensus.citations"]["explanation"] == eval_run.STALE_NARRATIVE
    before = {k: v["value"] for k, v in recorded.clusters[0].scores.items()}
    after = {k: v["value"] for k, v in cluster.items()}
    assert cluster["consensus.narrative_kept"]["explanation"] == eval_run.STALE_NARRATIVE
    assert {k: v for k, v in after.items() if k not in eval_run.NARRATIVE_FIELDS} == {
        k: v for k, v in before.items() if k not in eval_run.NARRATIVE_FIELDS
    }
    err = " ".join(capsys.readouterr().err.split())
    assert "narrative cassette stale: make record-consensus (port-deal" in err

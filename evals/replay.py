"""Recorded LLM exchanges (VCR cassettes): replay them, or record them anew.

A cassette holds the LLM requests and answers of one article's extraction
(`<root>/<dataset>/<article_id>-<prompthash12>.yaml`) or of one cluster's narrative
(`<root>/<dataset>/_consensus-<narratehash12>.yaml`). Requests match on method, path and
the canonical JSON body (VCR ignores bodies by default, which would replay stale answers),
and the prompt hash is in the file name, so a changed prompt or schema finds no recording
and fails loudly with `ReplayMissError`. The eval runner and the tests use the same helpers.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

from service.errors import ConfigError, ReplayMissError

REPO_ROOT: Final = Path(__file__).resolve().parents[1]
DEFAULT_CASSETTES: Final = REPO_ROOT / "tests" / "integration" / "cassettes" / "eval"
REPLAY_BASE_URL: Final = "http://127.0.0.1:9/v1"
"""Where replayed requests pretend to go: nothing listens there, VCR answers first."""
CONSENSUS_TAPE: Final = "_consensus"
"""Cassette name (per cluster) of the narrative's LLM call."""


def _canonical(body: Any) -> Any:
    if body is None:
        return None
    if isinstance(body, bytes):
        body = body.decode("utf-8", errors="replace")
    try:
        return json.dumps(json.loads(body), sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError):
        return body


def canonical_body_matcher(r1: Any, r2: Any) -> None:
    """VCR matcher: JSON bodies equal after key sorting (VCR ignores bodies by default)."""
    assert _canonical(r1.body) == _canonical(r2.body), "request bodies differ"


def cassette_path(root: Path, cluster_key: str, article_id: str, prompt_hash: str) -> Path:
    """`<root>/<dataset>/<article_id>-<prompthash12>.yaml`: a new prompt, a new file."""
    return root / cluster_key / f"{article_id}-{prompt_hash[:12]}.yaml"


def _request_key(request: Any) -> tuple[str, str, Any]:
    return (str(request.method).upper(), str(request.path), _canonical(request.body))


@contextmanager
def cassette(path: Path, *, record: bool) -> Iterator[None]:
    """Replay (record mode `none`) or record (`all`, after removing the old file) one
    cassette around the LLM calls made inside the block.

    In replay, a request the cassette does not hold raises `ReplayMissError` when the
    block ends, even if the caller swallowed the transport error on the way: a stale
    cassette must never degrade silently into mined-only records.
    """
    try:
        import vcr
    except ImportError as exc:  # vcrpy is a dev dependency
        raise ConfigError(
            "replay and --record need vcrpy: pip install -e '.[dev]'", setting="mode"
        ) from exc
    if record:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.unlink(missing_ok=True)
    seen: dict[tuple[str, str, Any], None] = {}

    def note(request: Any) -> Any:
        seen.setdefault(_request_key(request), None)
        return request

    recorder = vcr.VCR(
        record_mode="all" if record else "none",
        match_on=("method", "path", "canonical_body"),
        filter_headers=["authorization", "api-key", "x-api-key", "cookie"],
        decode_compressed_response=True,
        before_record_request=note,
    )
    recorder.register_matcher("canonical_body", canonical_body_matcher)
    with recorder.use_cassette(str(path)) as tape:
        failure: BaseException | None = None
        try:
            yield
        except Exception as exc:
            failure = exc
        if not record:
            held = {_request_key(request) for request in tape.requests}
            missed = [key for key in seen if key not in held]
            if missed:
                method, url_path, _ = missed[0]
                raise ReplayMissError(
                    f"{len(missed)} LLM request(s) not in the cassette (first: {method} "
                    f"{url_path}): the prompt, schema, model or input changed since it was "
                    "recorded",
                    cassette=str(path),
                ) from failure
        if failure is not None:
            raise failure

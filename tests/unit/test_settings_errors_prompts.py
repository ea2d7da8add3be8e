"""Settings, the error tree's two mappings, and the prompt loader."""

from __future__ import annotations

from pathlib import Path

import pytest

import prompts
from service.errors import (
    ArticleTooLongError,
    CorroborateError,
    InputError,
    LLMOutputError,
    LLMUnavailableError,
    ModelNotInstalledError,
    NotFoundError,
    PromptNotFoundError,
    ReplayMissError,
    UnsupportedInputError,
    exit_code,
    http_status,
)
from service.llm import endpoint_model_name
from service.pipeline import Pipeline
from service.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def test_every_setting_is_documented_in_env_example() -> None:
    documented = (ROOT / ".env.example").read_text()
    for name in Settings.model_fields:
        assert f"CORROBORATE_{name.upper()}" in documented, name


def test_settings_read_prefixed_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CORROBORATE_MODEL", "ollama/qwen2.5:7b")
    monkeypatch.setenv("CORROBORATE_BASE_URL", "http://127.0.0.1:11434/v1")
    monkeypatch.setenv("CORROBORATE_API_KEY", "sekrit")
    s = Settings(_env_file=None)
    assert s.model == "ollama/qwen2.5:7b" and not s.is_local
    assert "sekrit" not in repr(s)
    assert endpoint_model_name(s.model) == "qwen2.5:7b"
    assert endpoint_model_name("my-model") == "my-model"


@pytest.mark.parametrize(
    ("error", "code", "status"),
    [
        (InputError("bad"), 2, 422),
        (ArticleTooLongError("long"), 2, 422),
        (UnsupportedInputError("pdf"), 2, 415),
        (NotFoundError("job"), 2, 404),
        (PromptNotFoundError("no v9"), 2, 422),
        (ModelNotInstalledError("local/x", "pip install y"), 4, 503),
        (LLMUnavailableError("down"), 5, 503),
        (LLMOutputError("garbled"), 5, 502),
        (ReplayMissError("stale"), 6, 502),
        (CorroborateError("bug"), 1, 500),
    ],
)
def test_error_tree_maps_to_exit_codes_and_http_statuses(
    error: CorroborateError, code: int, status: int
) -> None:
    assert exit_code(error) == code
    assert http_status(error) == status


def test_prompt_loader_returns_text_version_and_hash() -> None:
    prompt = prompts.load("extract_event", "v1")
    assert prompt.version == "v1" and len(prompt.sha256) == 64
    assert "$text" in prompt.parts["article"]
    assert prompts.load("extract_event").version == prompts.available("extract_event")[-1]
    with pytest.raises(prompts.PromptNotFoundError):
        prompts.load("extract_event", "v999")
    with pytest.raises(KeyError):
        prompt.render("article", text="only one of the placeholders")


def test_an_unknown_prompt_is_the_callers_mistake_in_the_error_tree() -> None:
    with pytest.raises(PromptNotFoundError) as caught:
        Pipeline(Settings(_env_file=None), None, prompt_version="v999")
    assert isinstance(caught.value, InputError) and exit_code(caught.value) == 2
    assert isinstance(caught.value, prompts.PromptNotFoundError)  # the loader's error too
    assert caught.value.context == {"prompt": "extract_event", "version": "v999"}


def test_llm_errors_carry_model_attempt_and_raw_output_as_attributes() -> None:
    error = LLMOutputError("garbled", model="local/m", attempt=2, raw_output="{oops")
    assert (error.model, error.attempt, error.raw_output) == ("local/m", 2, "{oops")
    assert error.context == {"model": "local/m", "attempt": 2, "raw_output": "{oops"}
    bare = LLMUnavailableError("down")
    assert (bare.model, bare.attempt, bare.raw_output, bare.context) == (None, None, None, {})
    miss = ReplayMissError("stale", model="local/m", cassette="a.yaml")
    assert miss.model == "local/m" and miss.context == {"model": "local/m", "cassette": "a.yaml"}

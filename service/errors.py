"""Every error Corroborate raises on purpose, as one tree.

    CorroborateError                     (exit 1, HTTP 500)  our own bug or an unclassified failure
    ├── InputError                       caller's mistake                    (exit 2, HTTP 422)
    │   ├── ArticleTooLongError          text over the accepted length       (exit 2, HTTP 422)
    │   ├── UnsupportedInputError        a file or media type we can't read  (exit 2, HTTP 415)
    │   ├── PromptNotFoundError          an unknown prompt name or version   (exit 2, HTTP 422)
    │   └── NotFoundError                an unknown job or resource          (exit 2, HTTP 404)
    ├── ConfigError                      bad settings                        (exit 3, HTTP 500)
    │   └── SettingError                 a malformed CORROBORATE_* value      (exit 2)
    ├── ModelError                       the model could not be had          (exit 4, HTTP 503)
    │   ├── ModelNotInstalledError       a model part package is missing
    │   ├── ModelIntegrityError          assembled model hash mismatch
    │   └── ServerStartError             llama.cpp server did not come up
    ├── EvalRegressionError              eval scores fell below the baseline (exit 7)
    ├── DegradedResultError              partial: some LLM calls failed      (exit 8, HTTP 200*)
    └── LLMError                         an upstream LLM call failed         (exit 5, HTTP 502)
        ├── LLMUnavailableError          transport: refused, timeout, 429, 5xx,
        │                                or the circuit breaker is open      (exit 5, HTTP 503**)
        ├── LLMOutputError               output failed validation after re-asks (exit 5, HTTP 502)
        └── ReplayMissError              a recorded exchange is missing      (exit 6, HTTP 502)

Errors carry their context as attributes. The mapping to exit codes lives in
`EXIT_CODES` below; the mapping to HTTP statuses in `HTTP_STATUS`; nowhere else.

Outage, partial and success, per entry point. A facet whose LLM call fails falls back to
the mined candidates and makes its record `degraded` (`provenance.facets[...].state ==
"fallback"`); degraded records are never cached, so a re-run redoes exactly those.

    what happened                          CLI extract/summarise/batch   HTTP API
    every LLM call answered                exit 0                        200; job `succeeded`
    some calls failed (degraded records)   exit 8 (outputs written)      200 + `degraded: true`;
                                                                         job `partial`
    the LLM never answered (outage)        exit 5 (outputs written)      503 + Retry-After**,
                                                                         problem+json; job `failed`
    the LLM answered only unusable output  exit 5 (outputs written)      502, problem+json

`*` `DegradedResultError` is the CLI's verdict on a run; the API never raises it: a
partial result is an answer (200) that says `degraded: true`.
`**` An `LLMUnavailableError` carries `retry_after` (seconds: the server's `Retry-After`,
or the circuit breaker's cool-down), sent as the `Retry-After` header.
"""

from __future__ import annotations

from pathlib import Path

import prompts


class CorroborateError(Exception):
    """Root of the tree. `title` is a short human label used in problem bodies."""

    title = "Internal error"

    def __init__(self, message: str, **context: object) -> None:
        super().__init__(message)
        self.message = message
        self.context = context

    def __str__(self) -> str:
        return self.message


class InputError(CorroborateError):
    """The caller's input is invalid."""

    title = "Invalid input"


class ArticleTooLongError(InputError):
    """An article is longer than the accepted maximum; it is rejected, not truncated."""

    title = "Article too long"


class UnsupportedInputError(InputError):
    """A file or media type we cannot read."""

    title = "Unsupported input"


class PromptNotFoundError(InputError, prompts.PromptNotFoundError):
    """No prompt of that name or version (e.g. `--prompt-version v9`); also a
    `prompts.PromptNotFoundError`, which the prompt loader raises and the service re-raises
    as this one."""

    title = "Unknown prompt"


class NotFoundError(InputError):
    """A job or resource that does not exist."""

    title = "Not found"


class ConfigError(CorroborateError):
    """A setting is missing or contradictory."""

    title = "Configuration error"


class SettingError(ConfigError):
    """A setting's value cannot be parsed (e.g. `CORROBORATE_API_KEYS=secret`, not a JSON
    list): the caller's mistake, so exit 2; the message names the variable and the form."""

    title = "Malformed setting"


class ModelError(CorroborateError):
    """The embedded model could not be made available."""

    title = "Model unavailable"


class _ModelPartsError(ModelError):
    """A problem with an embedded model's part packages; `detail` says what to do."""

    def __init__(self, model_id: str, detail: str) -> None:
        super().__init__(f"{model_id}: {detail}", model_id=model_id)
        self.model_id = model_id
        self.detail = detail


class ModelNotInstalledError(_ModelPartsError):
    """A part package of the embedded model is not installed; `detail` names the pip command."""


class ModelIntegrityError(_ModelPartsError):
    """The assembled model file does not have the sha256 its spec pins."""


class ServerStartError(ModelError):
    """The local llama.cpp server died or did not become healthy; `detail` ends with its log."""

    def __init__(self, model_path: Path, detail: str) -> None:
        super().__init__(f"{model_path.name}: {detail}", model_path=str(model_path))
        self.model_path = model_path
        self.detail = detail


class EvalRegressionError(CorroborateError):
    """An eval run scored below the committed baseline on some case or field."""

    title = "Eval regression"


class DegradedResultError(CorroborateError):
    """A run finished, outputs written, but some records are degraded: a facet's LLM call
    failed and the mined candidates stand in. Re-run once the model answers: only the
    degraded records are redone (they are never cached)."""

    title = "Partial result"


class LLMError(CorroborateError):
    """An LLM call failed; `model`, `attempt` and `raw_output` say how (None when unknown)."""

    title = "LLM call failed"

    def __init__(
        self,
        message: str,
        *,
        model: str | None = None,
        attempt: int | None = None,
        raw_output: str | None = None,
        **context: object,
    ) -> None:
        known = {"model": model, "attempt": attempt, "raw_output": raw_output}
        super().__init__(message, **{k: v for k, v in known.items() if v is not None}, **context)
        self.model = model
        self.attempt = attempt
        self.raw_output = raw_output


class LLMUnavailableError(LLMError):
    """The LLM endpoint could not be reached or answered 5xx after retries."""

    title = "LLM unavailable"


class LLMOutputError(LLMError):
    """The LLM's output failed schema validation after all re-asks."""

    title = "LLM output invalid"


class ReplayMissError(LLMError):
    """Replay mode met a request that no cassette holds (prompt changed without re-recording)."""

    title = "No recorded LLM exchange"


EXIT_CODES: dict[type[CorroborateError], int] = {
    InputError: 2,
    SettingError: 2,
    ConfigError: 3,
    ModelError: 4,
    LLMError: 5,
    ReplayMissError: 6,
    EvalRegressionError: 7,
    DegradedResultError: 8,
    CorroborateError: 1,
}

HTTP_STATUS: dict[type[CorroborateError], int] = {
    NotFoundError: 404,
    UnsupportedInputError: 415,
    InputError: 422,
    ConfigError: 500,
    ModelError: 503,
    LLMUnavailableError: 503,
    LLMError: 502,
    CorroborateError: 500,
}


def _lookup(table: dict[type[CorroborateError], int], error: CorroborateError) -> int:
    for cls in type(error).__mro__:
        if cls in table:
            return table[cls]
    return table[CorroborateError]


def exit_code(error: CorroborateError) -> int:
    """CLI exit code for an error: the entry of its nearest class in `EXIT_CODES`."""
    return _lookup(EXIT_CODES, error)


def http_status(error: CorroborateError) -> int:
    """HTTP status for an error: the entry of its nearest class in `HTTP_STATUS`."""
    return _lookup(HTTP_STATUS, error)

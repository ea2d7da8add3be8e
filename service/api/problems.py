"""Every error answer is an RFC 9457 problem (`application/problem+json`).

Three kinds of failure reach a client, and each has one handler here:

- our own `CorroborateError` tree: the status comes from `service.errors.http_status()`
  and nowhere else; `title` from the class, `type` from the class name, and the error's
  context (model, attempt, source...) as extra members;
- HTTP-level conditions the API itself decides (401, 403, 409, 413, 429...): raised as
  `ApiProblem`, and FastAPI/Starlette's own 404 and 405 (`HTTPException`);
- request validation (422): `errors` lists every failing location.

Anything else is our bug: a generic 500 problem, logged with its traceback.

Problem `type`s are `tag:` URIs (RFC 4151, as in RFC 9457's examples): stable names, not
links. `about:blank` is used when the HTTP status says everything.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from service.errors import CorroborateError, http_status

log = logging.getLogger("corroborate.api")

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "tag:corroborate,2025:problem/"
"""Prefix of every problem type Corroborate defines; the slug follows."""

API_PROBLEMS: dict[str, str] = {
    "unauthenticated": "Authentication required",
    "forbidden": "API key not accepted",
    "rate-limited": "Rate limit exceeded",
    "body-too-large": "Request body too large",
    "bad-request": "Bad request",
    "idempotency-key-reused": "Idempotency key reused",
    "job-not-finished": "Job not finished",
    "job-failed": "Job failed",
    "job-cancelled": "Job cancelled",
    "job-finished": "Job already finished",
    "validation": "Invalid request",
    "not-ready": "Not ready",
    "queue-unavailable": "Job queue unavailable",
    "internal": "Internal error",
    "article-id-reused": "Article id reused",
    "cluster-too-small": "Cluster too small",
}
"""The problem types the API layer defines (slug → title). Errors of the
`CorroborateError` tree add theirs, named after the class: `article-too-long`,
`unsupported-input`, `not-found`, `llm-unavailable`, `replay-miss`..."""

_HIDDEN_CONTEXT = frozenset({"raw_output"})
"""Error context kept out of problem bodies: model output can be long and echo input."""


def problem_type(slug: str) -> str:
    """The `type` URI of one of our problems, e.g. 'rate-limited'."""
    return PROBLEM_TYPE_BASE + slug


def _slug(name: str) -> str:
    # ArticleTooLongError → article-too-long, LLMUnavailableError → llm-unavailable
    base = name.removesuffix("Error") or name
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "-", base).lower()


def status_title(status: int) -> str:
    """The HTTP reason phrase, e.g. 404 → 'Not Found'."""
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem_body(
    status: int,
    *,
    title: str | None = None,
    detail: str | None = None,
    type_: str = "about:blank",
    instance: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    """A problem object as a JSON-ready dict."""
    body: dict[str, Any] = {
        "type": type_,
        "title": title or status_title(status),
        "status": status,
    }
    if detail is not None:
        body["detail"] = detail
    if instance is not None:
        body["instance"] = instance
    body.update({k: v for k, v in extra.items() if v is not None})
    return jsonable_encoder(body)  # type: ignore[no-any-return]


def problem_response(
    body: Mapping[str, Any], *, headers: Mapping[str, str] | None = None
) -> JSONResponse:
    """Serve a problem body with its status and media type; a 503 whose body says
    `retry_after` (an `LLMUnavailableError`'s) gets the `Retry-After` header too."""
    sent = dict(headers or {})
    if int(body["status"]) == 503 and isinstance(body.get("retry_after"), int):
        sent.setdefault("Retry-After", str(body["retry_after"]))
    return JSONResponse(
        dict(body),
        status_code=int(body["status"]),
        media_type=PROBLEM_MEDIA_TYPE,
        headers=sent,
    )


class ApiProblem(StarletteHTTPException):
    """An HTTP-level refusal the API decides itself (auth, rate limit, conflict, size).

    Not part of the `CorroborateError` tree: these are properties of the HTTP exchange,
    not of the pipeline's work.
    """

    def __init__(
        self,
        status: int,
        slug: str,
        detail: str,
        *,
        title: str | None = None,
        headers: Mapping[str, str] | None = None,
        **extra: Any,
    ) -> None:
        super().__init__(status_code=status, detail=detail, headers=dict(headers or {}))
        self.title = title or API_PROBLEMS.get(slug) or status_title(status)
        self.type = problem_type(slug)
        self.extra = extra


def error_problem(error: CorroborateError, *, instance: str | None = None) -> dict[str, Any]:
    """The problem body of one of our errors; the status comes from `http_status()` only."""
    context = {
        k: v
        for k, v in error.context.items()
        if k not in _HIDDEN_CONTEXT and isinstance(v, str | int | float | bool)
    }
    return problem_body(
        http_status(error),
        title=error.title,
        detail=str(error),
        type_=problem_type(_slug(type(error).__name__)),
        instance=instance,
        **context,
    )


def internal_problem(*, instance: str | None = None) -> dict[str, Any]:
    """The problem body of a bug: no detail leaks to the client."""
    return problem_body(
        500,
        title=API_PROBLEMS["internal"],
        detail="an unexpected error occurred; it has been logged",
        type_=problem_type("internal"),
        instance=instance,
    )


def validation_errors(errors: Sequence[Any]) -> list[dict[str, Any]]:
    """pydantic/FastAPI error dicts reduced to `loc`, `msg`, `type` (no echoed input)."""
    out = []
    for err in errors:
        loc = [p if isinstance(p, int) else str(p) for p in err.get("loc", ())]
        out.append({"loc": loc, "msg": str(err.get("msg", "")), "type": str(err.get("type", ""))})
    return out


def validation_problem(errors: Sequence[Any], *, instance: str | None = None) -> dict[str, Any]:
    """A 422 problem listing every validation error."""
    items = validation_errors(errors)
    detail = (
        "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in items[:5])
        or "the request is invalid"
    )
    if any(e["type"] == "string_too_long" and e["loc"][-1:] == ["text"] for e in items):
        detail += " (over-long articles are rejected, not truncated or chunked: split them)"
    return problem_body(
        422,
        title=API_PROBLEMS["validation"],
        detail=detail,
        type_=problem_type("validation"),
        instance=instance,
        errors=items,
    )


async def _on_corroborate_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, CorroborateError)
    body = error_problem(exc, instance=request.url.path)
    if body["status"] >= 500:
        log.warning("%s %s: %s", request.method, request.url.path, exc)
    return problem_response(body)


async def _on_http_exception(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    if isinstance(exc, ApiProblem):
        body = problem_body(
            exc.status_code,
            title=exc.title,
            detail=str(exc.detail),
            type_=exc.type,
            instance=request.url.path,
            **exc.extra,
        )
    else:
        status = exc.status_code
        detail: str | None = exc.detail if isinstance(exc.detail, str) else None
        if detail == status_title(status):
            detail = None
        if status == 404 and detail is None:
            detail = f"no route {request.url.path}"
        if status == 405 and detail is None:
            detail = f"{request.method} is not allowed on {request.url.path}"
        body = problem_body(status, detail=detail, instance=request.url.path)
    headers = dict(exc.headers or {})
    if exc.status_code == 405 and (allowed := _allowed_methods(request)):
        headers["Allow"] = ", ".join(allowed)
    return problem_response(body, headers=headers)


_OPERATIONS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def _allowed_methods(request: Request) -> list[str]:
    # Starlette's Allow lists the methods of the first route matching the path only, and
    # GET and DELETE /v1/jobs/{id} are two routes: answer from the OpenAPI paths instead,
    # so Allow always equals what the document declares.
    methods: set[str] = set()
    for template, item in request.app.openapi().get("paths", {}).items():
        pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))
        if re.fullmatch(pattern, request.url.path):
            methods |= {m.upper() for m in item if m in _OPERATIONS}
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


async def _on_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return problem_response(validation_problem(exc.errors(), instance=request.url.path))


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return problem_response(internal_problem(instance=request.url.path))


def install_problem_handlers(app: FastAPI) -> None:
    """Make every error answer of `app` a problem document."""
    app.add_exception_handler(CorroborateError, _on_corroborate_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_exception)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(Exception, _on_unexpected)


PROBLEM_SCHEMA_REF = {"$ref": "#/components/schemas/ProblemResponse"}


def problem_openapi(openapi: dict[str, Any]) -> dict[str, Any]:
    """Rewrite every 4xx/5xx response of an OpenAPI document to a problem+json body."""
    for path_item in openapi.get("paths", {}).values():
        for operation in path_item.values():
            if not isinstance(operation, dict):
                continue
            for code, response in operation.get("responses", {}).items():
                if code[:1] in {"4", "5"}:
                    response["content"] = {PROBLEM_MEDIA_TYPE: {"schema": PROBLEM_SCHEMA_REF}}
    schemas = openapi.get("components", {}).get("schemas", {})
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return openapi

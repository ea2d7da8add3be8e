"""The HTTP routes: `/v1` (records, consensus, jobs) and the operational ones.

Request bodies are read by hand so that one route can take JSON or HTML and so that a
wrong media type is a 415, not a confusing 422. They are declared in the OpenAPI
document all the same (`openapi_extra`).
"""

from __future__ import annotations

import codecs
import hashlib
from datetime import date, datetime
from typing import Annotated, Any, Literal

import anyio.to_thread
from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from pydantic import BaseModel, ValidationError

from schemas.api import (
    ConsensusRequest,
    ConsensusResponse,
    HealthResponse,
    JobKind,
    JobResponse,
    ReadyResponse,
    RecordRequest,
    RecordResponse,
)
from schemas.article import Article
from service.api.auth import Caller
from service.api.deps import Services, get_caller, get_services, llm_reachable
from service.api.jobs import job_response
from service.api.problems import (
    API_PROBLEMS,
    ApiProblem,
    problem_body,
    problem_response,
    problem_type,
)
from service.api.review import HTML_RESULT, REVIEW_PAGE, VARY_ACCEPT, prefers_html, review_response
from service.errors import InputError, NotFoundError, UnsupportedInputError
from service.inputs import article_from_html
from service.store import Job

Mode = Literal["sync", "async"]

JSON_TYPES = ("application/json",)
HTML_TYPES = ("text/html", "application/xhtml+xml")


def _problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI entries for problem answers (their bodies are set by `problem_openapi`)."""
    described = {
        400: "Malformed request.",
        401: "No API key: send `Authorization: Bearer <key>`.",
        403: "Unknown API key.",
        404: "No such job (or not yours).",
        409: "Idempotency-Key reused with another body, or the job has no result.",
        413: "Body over the size limit (checked before parsing).",
        415: "Unsupported Content-Type.",
        422: "Invalid body or parameters; `errors` lists each.",
        429: "Rate limit exceeded; retry after `Retry-After` seconds.",
        500: "Our bug or a configuration error.",
        502: "The model answered with unusable output only.",
        503: "The model could not be reached (never answered); retry after `Retry-After` s.",
    }
    out: dict[int | str, dict[str, Any]] = {}
    for code in codes:
        entry: dict[str, Any] = {"description": described[code]}
        if code == 401:
            entry["headers"] = {"WWW-Authenticate": {"schema": {"type": "string"}}}
        if code in (429, 503):
            entry["headers"] = {"Retry-After": {"schema": {"type": "integer"}}}
        out[code] = entry
    return out


_ACCEPTED: dict[int | str, dict[str, Any]] = {
    202: {
        "description": "Still running (async mode, or the sync wait timed out): the job.",
        "model": JobResponse,
        "headers": {"Location": {"description": "The job's URL.", "schema": {"type": "string"}}},
    }
}
_V1_PROBLEMS = (401, 403, 429)
_SUBMIT_PROBLEMS = (*_V1_PROBLEMS, 409, 413, 415, 422, 500, 502, 503)


def _body(json_model: type[BaseModel], *, html: bool = False) -> dict[str, Any]:
    content: dict[str, Any] = {
        "application/json": {"schema": {"$ref": f"#/components/schemas/{json_model.__name__}"}}
    }
    if html:
        content["text/html"] = {"schema": {"type": "string", "minLength": 1}}
    return {"requestBody": {"required": True, "content": content}}


v1 = APIRouter(prefix="/v1", tags=["v1"])
ops = APIRouter(tags=["ops"])

ServicesDep = Annotated[Services, Depends(get_services)]
CallerDep = Annotated[Caller, Depends(get_caller)]
ModeQuery = Annotated[
    Mode,
    Query(description="`sync` waits for the result (up to a timeout); `async` answers 202."),
]
IdempotencyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=255,
        description="Makes a POST safe to retry: same key + same body → same job and answer.",
    ),
]
JobIdPath = Annotated[str, Path(max_length=64, description="The job id.")]
AcceptHeader = Annotated[str | None, Header(description="`text/html`: the review page.")]


# -- body parsing ---------------------------------------------------------------------------


def _media_type(request: Request) -> str:
    raw = request.headers.get("content-type")
    return raw.split(";", 1)[0].strip().lower() if raw else "application/json"


def _validate(model: type[Any], body: bytes) -> Any:
    if not body.strip():
        raise RequestValidationError(
            [{"loc": ("body",), "msg": "a request body is required", "type": "missing"}]
        )
    try:
        return model.model_validate_json(body)
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_input=False)]
        ) from None


def _charset(request: Request) -> str:
    for param in request.headers.get("content-type", "").split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip('"')
            try:
                codecs.lookup(charset)
            except LookupError:
                break
            return charset
    return "utf-8"


def _is_json(media: str) -> bool:
    return media in JSON_TYPES or media.endswith("+json")


def _unsupported(media: str, accepted: tuple[str, ...]) -> UnsupportedInputError:
    return UnsupportedInputError(
        f"Content-Type {media!r} is not accepted here; send one of: {', '.join(accepted)}",
        media_type=media,
    )


def _body_hash(kind: JobKind, request_json: str) -> str:
    # Over the validated, re-serialised request: same content → same hash, whatever the
    # whitespace or key order of the bytes sent.
    return hashlib.sha256(f"{kind}\n{request_json}".encode()).hexdigest()


# -- answering with a job -------------------------------------------------------------------


def _outcome(job: Job, mode: Mode, *, replayed: bool) -> Response:
    """The answer to a submitting request, given its job as it stands."""
    headers = {"Location": f"/v1/jobs/{job.id}"}
    if replayed:
        headers["Idempotent-Replayed"] = "true"
    if mode == "async" or job.is_open:
        body = job_response(job).model_dump(mode="json")
        return JSONResponse(body, status_code=202, headers=headers)
    if job.has_result and job.result_json is not None:
        headers["Content-Location"] = f"/v1/jobs/{job.id}/result"
        return Response(job.result_json, media_type="application/json", headers=headers)
    if job.status == "failed" and job.error is not None:
        return problem_response(job.error, headers=headers)
    raise ApiProblem(409, "job-cancelled", f"job {job.id} was cancelled", job_id=job.id)


async def _submit(
    services: Services,
    caller: Caller,
    *,
    kind: JobKind,
    request_json: str,
    mode: Mode,
    idempotency_key: str | None,
    callback_url: str | None = None,
) -> Response:
    body_hash = _body_hash(kind, request_json)
    job, created = services.store.create_job(
        kind=kind,
        request_json=request_json,
        api_key_id=caller.key_id,
        idempotency_key=idempotency_key,
        body_hash=body_hash,
        callback_url=callback_url,
    )
    if not created and job.body_hash != body_hash:
        raise ApiProblem(
            409,
            "idempotency-key-reused",
            "this Idempotency-Key was already used with a different request; "
            "use a new key for a new request",
            job_id=job.id,
        )
    if created:
        services.runner.submit(job.id)
    if mode == "sync" and job.is_open:
        job = await services.runner.wait(job.id, services.config.sync_timeout_s) or job
    return _outcome(job, mode, replayed=not created)


# -- /v1 ------------------------------------------------------------------------------------


@v1.post(
    "/records",
    summary="One article → its event record",
    response_model=RecordResponse,
    responses={**_ACCEPTED, **_problems(*_SUBMIT_PROBLEMS)},
    openapi_extra=_body(RecordRequest, html=True),
)
async def create_record(
    request: Request,
    services: ServicesDep,
    caller: CallerDep,
    mode: ModeQuery = "sync",
    idempotency_key: IdempotencyHeader = None,
    outlet: Annotated[
        str | None, Query(max_length=200, description="Outlet, for an HTML body.")
    ] = None,
    url: Annotated[
        str | None, Query(max_length=2_000, description="Page URL, for an HTML body.")
    ] = None,
    published_at: Annotated[
        datetime | date | None, Query(description="Publication time, for an HTML body.")
    ] = None,
) -> Response:
    """Extract the span-grounded event record of one article.

    Send the article as JSON (`RecordRequest`), or a news page as `text/html` (its main
    text is extracted with trafilatura; `outlet`, `url`, `published_at` override what the
    page says). Articles over 60,000 characters are rejected with 422, not chunked.
    """
    body = await request.body()
    media = _media_type(request)
    if _is_json(media):
        article: Article = _validate(RecordRequest, body)
    elif media in HTML_TYPES:
        html = body.decode(_charset(request), errors="replace")
        extra = {
            "outlet": outlet,
            "url": url,
            "published_at": published_at.isoformat() if published_at else None,
        }
        try:
            article = article_from_html(html, source="body", extra=extra)
        except UnsupportedInputError as exc:  # the media type is fine; the page is not
            raise InputError(str(exc), source="body") from exc
    else:
        raise _unsupported(media, (*JSON_TYPES, *HTML_TYPES))
    return await _submit(
        services,
        caller,
        kind="record",
        request_json=article.model_dump_json(),
        mode=mode,
        idempotency_key=idempotency_key,
    )


@v1.post(
    "/consensus",
    summary="A cluster of 2 to 50 articles → their consensus",
    response_model=ConsensusResponse,
    responses={**_ACCEPTED, **_problems(*_SUBMIT_PROBLEMS)},
    openapi_extra=_body(ConsensusRequest),
)
async def create_consensus(
    request: Request,
    services: ServicesDep,
    caller: CallerDep,
    mode: ModeQuery = "sync",
    idempotency_key: IdempotencyHeader = None,
) -> Response:
    """Extract every article's record, merge them into facts, and narrate the consensus.

    Long clusters are better sent with `?mode=async` (and optionally a `callback_url`).
    """
    body = await request.body()
    media = _media_type(request)
    if not _is_json(media):
        raise _unsupported(media, JSON_TYPES)
    cluster: ConsensusRequest = _validate(ConsensusRequest, body)
    callback = str(cluster.callback_url) if cluster.callback_url else None
    if callback and services.config.webhook_secret is None:
        raise InputError(
            "callback_url is not available: this server has no webhook secret configured",
            field="callback_url",
        )
    return await _submit(
        services,
        caller,
        kind="consensus",
        request_json=cluster.model_dump_json(),
        mode=mode,
        idempotency_key=idempotency_key,
        callback_url=callback,
    )


def _owned_job(services: Services, caller: Caller, job_id: str) -> Job:
    job = services.store.get_job(job_id, api_key_id=caller.key_id)
    if job is None:  # someone else's job is as absent as a missing one
        raise NotFoundError(f"no job {job_id!r}", job_id=job_id)
    return job


@v1.get(
    "/jobs/{job_id}",
    summary="A job's status",
    response_model=JobResponse,
    responses=_problems(*_V1_PROBLEMS, 404, 422),
)
async def get_job(job_id: JobIdPath, services: ServicesDep, caller: CallerDep) -> JobResponse:
    """The job: `status`, timestamps, attempts, webhook state and, when failed, `error`."""
    return job_response(_owned_job(services, caller, job_id))


@v1.get(
    "/jobs/{job_id}/result",
    summary="A finished job's result",
    response_model=RecordResponse | ConsensusResponse,
    responses={**_problems(*_V1_PROBLEMS, 404, 409, 422), **HTML_RESULT},
)
async def get_job_result(
    job_id: JobIdPath, services: ServicesDep, caller: CallerDep, accept: AcceptHeader = None
) -> Response:
    """The record or consensus of a succeeded job (or a `partial` one: its result says
    `degraded: true`); 409 while it runs, or if it failed or was cancelled (`job_status`
    and, for a failure, `job_error` say which). A consensus comes as its HTML review page
    when `Accept` prefers `text/html`."""
    job = _owned_job(services, caller, job_id)
    if job.has_result and job.result_json is not None:
        if job.kind == "consensus" and prefers_html(accept):
            return review_response(job)
        return Response(job.result_json, media_type="application/json", headers=VARY_ACCEPT)
    slugs = {"failed": "job-failed", "cancelled": "job-cancelled"}
    slug = slugs.get(job.status, "job-not-finished")
    raise ApiProblem(
        409,
        slug,
        f"job {job.id} is {job.status}: it has no result",
        job_id=job.id,
        job_status=job.status,
        job_error=job.error,
    )


@v1.get(
    "/jobs/{job_id}/result.html",
    summary="A finished consensus job's review page",
    response_class=HTMLResponse,
    responses={**_problems(*_V1_PROBLEMS, 404, 409, 422), **REVIEW_PAGE},
)
async def get_job_review(job_id: JobIdPath, services: ServicesDep, caller: CallerDep) -> Response:
    """The consensus with its evidence as one self-contained HTML page; 406 for a record
    job, 409 as for `/result`."""
    job = _owned_job(services, caller, job_id)
    if job.has_result and job.result_json is not None:
        return review_response(job)
    return await get_job_result(job_id, services, caller)


@v1.delete(
    "/jobs/{job_id}",
    summary="Cancel a job",
    response_model=JobResponse,
    responses=_problems(*_V1_PROBLEMS, 404, 409, 422),
)
async def cancel_job(job_id: JobIdPath, services: ServicesDep, caller: CallerDep) -> JobResponse:
    """Cancel a queued or running job (a running one's result is discarded when its model
    call returns). Cancelling a cancelled job is a no-op; a finished one gives 409."""
    job = _owned_job(services, caller, job_id)
    cancelled = services.store.cancel_job(job.id)
    if cancelled is not None:
        services.runner.finished(job.id)
        services.webhooks.schedule(cancelled)
        return job_response(cancelled)
    job = _owned_job(services, caller, job_id)
    if job.status == "cancelled":
        return job_response(job)
    raise ApiProblem(409, "job-finished", f"job {job.id} already {job.status}", job_id=job.id)


# -- operations -----------------------------------------------------------------------------


@ops.get("/healthz", summary="Liveness", response_model=HealthResponse)
async def healthz() -> HealthResponse:
    """The process answers."""
    return HealthResponse()


@ops.get(
    "/readyz",
    summary="Readiness",
    response_model=ReadyResponse,
    responses={503: {"description": "The store or the model does not answer."}},
)
async def readyz(services: ServicesDep) -> Response:
    """The store answers and the model can be reached (pinged when it has an endpoint)."""
    store_ok = await anyio.to_thread.run_sync(services.store.ping)
    llm_ok = await anyio.to_thread.run_sync(llm_reachable, services.pipeline)
    if store_ok and llm_ok:
        ready = ReadyResponse(
            model=services.pipeline.model_id,
            store=True,
            llm=True,
            queued_jobs=services.store.count_jobs("queued"),
        )
        return JSONResponse(ready.model_dump(mode="json"))
    failing = [name for name, ok in (("store", store_ok), ("model", llm_ok)) if not ok]
    body = problem_body(
        503,
        title=API_PROBLEMS["not-ready"],
        detail=f"not reachable: {', '.join(failing)}",
        type_=problem_type("not-ready"),
        instance="/readyz",
        store=store_ok,
        llm=llm_ok,
        model=services.pipeline.model_id,
    )
    return problem_response(body)


@ops.get(
    "/metrics",
    summary="Prometheus metrics",
    response_class=PlainTextResponse,
    responses={200: {"content": {"text/plain": {"schema": {"type": "string"}}}}},
)
async def metrics() -> Response:
    """Requests by route and status, latencies, LLM calls and tokens, cache hits, jobs."""
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)

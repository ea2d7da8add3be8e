"""What the HTTP API accepts and returns. Names end in `Request` / `Response`.

Every error body is a `ProblemResponse` (RFC 9457, media type `application/problem+json`).
The record and consensus bodies are the pipeline's own models, so the API, the CLI and the
evals return byte-for-byte the same shapes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AnyHttpUrl, BaseModel, ConfigDict, Field

from schemas.article import Article
from schemas.consensus import Consensus
from schemas.record import EventRecord

MIN_CLUSTER = 2
"""Fewest articles a consensus request may carry."""

MAX_CLUSTER = 50
"""Most articles a consensus request may carry."""

JobStatus = Literal["queued", "running", "succeeded", "partial", "failed", "cancelled"]
"""Where a job is: `queued` (waiting for the model), `running`, or finished as `succeeded`,
`partial` (a result with `degraded: true`: some LLM calls failed and mined candidates stand
in; re-submit once the model answers), `failed` (see `error`) or `cancelled`."""

JobKind = Literal["record", "consensus"]
"""What a job computes: one article's record, or a cluster's consensus."""

CallbackState = Literal["none", "pending", "delivered", "failed"]
"""Webhook delivery: `none` (no callback_url), `pending` (not yet acknowledged with a 2xx),
`delivered`, or `failed` (every retry was refused)."""


class RecordRequest(Article):
    """One article to turn into an event record (`POST /v1/records`, `application/json`).

    The same object the CLI reads from a `.json` file. A text longer than
    `MAX_ARTICLE_CHARS` (60,000) characters is rejected with 422; it is never truncated or
    chunked: split a very long article into several.
    """


class RecordResponse(EventRecord):
    """The span-grounded event record of one article, with its provenance."""


class ConsensusRequest(BaseModel):
    """A cluster of articles about one event (`POST /v1/consensus`)."""

    model_config = ConfigDict(extra="forbid")

    articles: list[Article] = Field(
        min_length=MIN_CLUSTER,
        max_length=MAX_CLUSTER,
        description=f"{MIN_CLUSTER} to {MAX_CLUSTER} articles about the same event.",
    )
    callback_url: AnyHttpUrl | None = Field(
        default=None,
        description="Where to POST a signed `JobCallbackRequest` when the job finishes.",
    )


class ConsensusResponse(Consensus):
    """What the cluster's outlets say about the event, fact by fact."""


class JobLinksResponse(BaseModel):
    """Where to look next."""

    self: str = Field(description="This job: `GET` to poll, `DELETE` to cancel.")
    result: str = Field(description="The job's result once `status` is `succeeded` (or `partial`).")


class ValidationErrorResponse(BaseModel):
    """One reason a request body or parameter was rejected."""

    loc: list[str | int] = Field(description="Where: e.g. ['body', 'articles', 0, 'text'].")
    msg: str = Field(description="What is wrong, for a human.")
    type: str = Field(description="Machine-readable error type, e.g. 'string_too_long'.")


class ProblemResponse(BaseModel):
    """An RFC 9457 problem: the body of every 4xx and 5xx answer."""

    model_config = ConfigDict(extra="allow")

    type: str = Field(
        default="about:blank",
        description="URI naming the problem type; 'about:blank' when the status says it all.",
    )
    title: str = Field(description="Short summary of the problem type.")
    status: int = Field(ge=400, le=599, description="The HTTP status code.")
    detail: str | None = Field(default=None, description="What went wrong this time.")
    instance: str | None = Field(default=None, description="The request path that failed.")
    errors: list[ValidationErrorResponse] | None = Field(
        default=None, description="Every validation error, for 422 answers."
    )


class JobResponse(BaseModel):
    """A unit of model work, as `POST ...?mode=async` and `GET /v1/jobs/{id}` return it."""

    id: str
    kind: JobKind
    status: JobStatus
    created_at: datetime
    updated_at: datetime
    attempts: int = Field(ge=0, description="How many times a worker started the job.")
    callback_url: str | None = None
    callback_state: CallbackState = "none"
    callback_attempts: int = Field(default=0, ge=0, description="Webhook deliveries tried.")
    error: ProblemResponse | None = Field(
        default=None, description="Why the job failed, when `status` is `failed`."
    )
    links: JobLinksResponse


class JobCallbackRequest(BaseModel):
    """The body Corroborate POSTs to a job's `callback_url` when the job finishes.

    Signed: `X-Corroborate-Signature: sha256=<hex>` is HMAC-SHA256, keyed with the server's
    webhook secret, over `<X-Corroborate-Timestamp>.<raw body>`.
    """

    event: Literal["job.succeeded", "job.partial", "job.failed", "job.cancelled"]
    job: JobResponse
    result: RecordResponse | ConsensusResponse | None = Field(
        default=None, description="The job's result when it succeeded (or is partial)."
    )


class HealthResponse(BaseModel):
    """Liveness: the process answers."""

    status: Literal["ok"] = "ok"


class ReadyResponse(BaseModel):
    """Readiness: the store answers and the model can be reached."""

    status: Literal["ready"] = "ready"
    model: str = Field(description="Model id the service runs, or 'none' (mined-only).")
    store: bool = Field(description="True when the database answered.")
    llm: bool = Field(description="True when the model answered (or none is configured).")
    queued_jobs: int = Field(ge=0, description="Jobs waiting for the model.")

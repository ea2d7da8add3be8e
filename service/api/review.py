"""The review page over HTTP: a finished consensus job's result as one HTML page.

`GET /v1/jobs/{id}/result` answers with the page when the client prefers `text/html`
(a browser does; `curl` and API clients get JSON), and `GET /v1/jobs/{id}/result.html`
always does. The page is built from the job's stored request (the articles) and result
(the consensus), so it is the same page `corroborate summarise --format html` writes.
"""

from __future__ import annotations

from typing import Any

from fastapi.responses import HTMLResponse

from service.api.problems import ApiProblem
from service.review import content_security_policy, page_from_job
from service.store import Job

HTML_MEDIA_TYPE = "text/html"
VARY_ACCEPT = {"Vary": "Accept"}
"""`/result` answers JSON or HTML by the `Accept` header: caches must key on it."""

HTML_RESULT: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The result; a consensus job's review page as HTML when asked for.",
        "content": {HTML_MEDIA_TYPE: {"schema": {"type": "string"}}},
    },
}
"""OpenAPI: the result route's 200 may also be HTML."""

REVIEW_PAGE: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The consensus with its evidence, as one self-contained HTML page.",
        "content": {HTML_MEDIA_TYPE: {"schema": {"type": "string"}}},
    },
    406: {"description": "A record job has no review page: ask for its JSON result."},
}
"""OpenAPI: the responses of the `.html` route beyond the shared problems."""


def _quality(params: list[str]) -> float:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                return float(value)
            except ValueError:
                return 0.0
    return 1.0


def prefers_html(accept: str | None) -> bool:
    """True when an `Accept` header ranks `text/html` above `application/json`."""
    if not accept:
        return False
    html = json = 0.0
    for media_range in accept.split(","):
        media, *params = media_range.split(";")
        media = media.strip().lower()
        q = _quality(params)
        if media in ("text/html", "application/xhtml+xml"):
            html = max(html, q)
        elif media in ("application/json", "application/*", "*/*"):
            json = max(json, q + (0.001 if media == "application/json" else 0.0))
    return html > 0 and html > json


def review_response(job: Job) -> HTMLResponse:
    """The review page of a succeeded job; 406 for a record job, which has none."""
    if job.kind != "consensus" or job.result_json is None:
        raise ApiProblem(
            406,
            "no-review-page",
            f"job {job.id} is a {job.kind} job: it has a JSON result, no review page",
            job_id=job.id,
        )
    page = page_from_job(job.request_json, job.result_json)
    # The page's own policy (also in its <meta> tag), sent as a header too.
    headers = {"Content-Security-Policy": content_security_policy(), **VARY_ACCEPT}
    return HTMLResponse(page, headers=headers)

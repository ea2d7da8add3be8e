"""The clustering routes: `POST /v1/articles` assigns an article to an event cluster,
`GET /v1/clusters` lists recent clusters, `GET /v1/clusters/{id}` shows one and
`POST /v1/clusters/{id}/consensus` starts its consensus job.

Clusters are shared by every API key (one newsroom's stream); the state lives in the
configured database (`service.cluster.store`), so a restart loses nothing.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated

import anyio.to_thread
from fastapi import APIRouter, Path, Query, Request, Response
from fastapi.responses import JSONResponse

from schemas.api import MAX_CLUSTER, ConsensusRequest, ConsensusResponse, RecordRequest
from schemas.article import Article
from schemas.clusters import (
    ArticleClusterResponse,
    ClusterArticleResponse,
    ClusterListResponse,
    ClusterResponse,
)
from service.api.problems import ApiProblem
from service.api.routes import (
    _ACCEPTED,
    _SUBMIT_PROBLEMS,
    _V1_PROBLEMS,
    JSON_TYPES,
    CallerDep,
    IdempotencyHeader,
    ModeQuery,
    ServicesDep,
    _body,
    _is_json,
    _media_type,
    _problems,
    _submit,
    _unsupported,
    _validate,
)
from service.cluster.store import ClusterRow, ClusterStore
from service.errors import NotFoundError

clusters = APIRouter(prefix="/v1", tags=["clusters"])

ClusterIdPath = Annotated[str, Path(max_length=64, description="The cluster id.")]


def _day(day: int | None) -> date | None:
    return date.fromordinal(day) if day is not None else None


def _cluster(row: ClusterRow, articles: list[Article] | None = None) -> ClusterResponse:
    return ClusterResponse(
        id=row.id,
        story_id=row.story_id,
        label=row.label,
        size=row.size,
        first_date=_day(row.first_day),
        last_date=_day(row.last_day),
        updated_at=row.updated_at,
        articles=[
            ClusterArticleResponse(
                id=a.id, title=a.title, outlet=a.outlet, url=a.url, published_at=a.published_at
            )
            for a in articles or []
        ],
    )


def _live(store: ClusterStore, cluster_id: str) -> ClusterRow:
    """The cluster, following merges to the one that took its articles; 404 if unknown."""
    row = store.cluster(cluster_id)
    for _ in range(100):  # merges form chains, never cycles; the bound is a safety net
        if row is None or row.merged_into is None:
            break
        row = store.cluster(row.merged_into)
    if row is None or row.merged_into is not None:
        raise NotFoundError(f"no cluster {cluster_id!r}", cluster_id=cluster_id)
    return row


@clusters.post(
    "/articles",
    summary="One article → its event cluster",
    status_code=201,
    response_model=ArticleClusterResponse,
    responses={
        200: {"description": "Posted before: where it is now.", "model": ArticleClusterResponse},
        **_problems(*_V1_PROBLEMS, 409, 413, 415, 422, 500),
    },
    openapi_extra=_body(RecordRequest),
)
async def post_article(request: Request, services: ServicesDep, caller: CallerDep) -> JSONResponse:
    """Assign an article to an existing or a new event cluster, and store it.

    The answer is 201 with the cluster id; posting the same article again answers 200 with
    where it is now; the same id with other content is a 409 (the first one is kept).
    Articles may come in any order: they end in the same clusters as `corroborate cluster`
    over the same articles.
    """
    media = _media_type(request)
    if not _is_json(media):
        raise _unsupported(media, JSON_TYPES)
    article: Article = _validate(RecordRequest, await request.body())
    article = Article.model_validate(article.model_dump())
    done = await anyio.to_thread.run_sync(services.clusters.add, article)
    if not done.same_content:
        raise ApiProblem(
            409,
            "article-id-reused",
            f"article {article.id!r} was posted before with other content; "
            "give a new article a new id",
            article_id=article.id,
            cluster_id=done.cluster_id,
        )
    body = ArticleClusterResponse(
        article_id=done.article_id,
        cluster_id=done.cluster_id,
        story_id=done.story_id,
        cluster_size=done.cluster_size,
        created=done.created,
        cluster_url=f"/v1/clusters/{done.cluster_id}",
    )
    return JSONResponse(
        body.model_dump(mode="json"),
        status_code=201 if done.created else 200,
        headers={"Location": body.cluster_url},
    )


@clusters.get(
    "/clusters",
    summary="Recent event clusters",
    response_model=ClusterListResponse,
    responses=_problems(*_V1_PROBLEMS, 422),
)
async def list_clusters(
    services: ServicesDep,
    caller: CallerDep,
    limit: Annotated[int, Query(ge=1, le=200, description="Clusters per page.")] = 20,
    offset: Annotated[int, Query(ge=0, description="Clusters to skip.")] = 0,
) -> ClusterListResponse:
    """Live clusters, the most recently changed first (a cluster changes when an article
    joins it or it is re-split), a page at a time."""
    rows, total = ClusterStore(services.store).recent(limit=limit, offset=offset)
    following = offset + len(rows)
    return ClusterListResponse(
        clusters=[_cluster(r) for r in rows],
        total=total,
        limit=limit,
        offset=offset,
        next=f"/v1/clusters?limit={limit}&offset={following}" if following < total else None,
    )


@clusters.get(
    "/clusters/{cluster_id}",
    summary="One event cluster with its articles",
    response_model=ClusterResponse,
    responses=_problems(*_V1_PROBLEMS, 404, 422),
)
async def get_cluster(
    cluster_id: ClusterIdPath, services: ServicesDep, caller: CallerDep
) -> ClusterResponse:
    """The cluster and its articles; the id of a cluster merged into another answers with
    that other cluster (its `id` says which)."""
    store = ClusterStore(services.store)
    row = _live(store, cluster_id)
    return _cluster(row, store.members(row.id))


@clusters.post(
    "/clusters/{cluster_id}/consensus",
    summary="Start the consensus of an event cluster",
    response_model=ConsensusResponse,
    responses={**_ACCEPTED, **_problems(*_SUBMIT_PROBLEMS, 404)},
)
async def cluster_consensus(
    cluster_id: ClusterIdPath,
    services: ServicesDep,
    caller: CallerDep,
    mode: ModeQuery = "async",
    idempotency_key: IdempotencyHeader = None,
) -> Response:
    """A consensus job over the cluster's articles (its newest 50 when it has more): 202
    with the job (`?mode=sync` waits like `POST /v1/consensus`). A cluster of one article
    has nothing to corroborate: 409."""
    store = ClusterStore(services.store)
    row = _live(store, cluster_id)
    articles = store.members(row.id)
    if len(articles) < 2:
        raise ApiProblem(
            409,
            "cluster-too-small",
            f"cluster {row.id} has {len(articles)} article: a consensus needs two or more",
            cluster_id=row.id,
        )
    request = ConsensusRequest(articles=articles[-MAX_CLUSTER:])
    return await _submit(
        services,
        caller,
        kind="consensus",
        request_json=request.model_dump_json(),
        mode=mode,
        idempotency_key=idempotency_key,
    )

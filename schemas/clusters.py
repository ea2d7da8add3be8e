"""What the clustering routes of the HTTP API return (`/v1/articles`, `/v1/clusters`)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, Field


class ArticleClusterResponse(BaseModel):
    """Where a posted article landed (`POST /v1/articles`)."""

    article_id: str = Field(description="The article's id (given, or the hash of its text).")
    cluster_id: str = Field(description="The event cluster it now belongs to.")
    story_id: str = Field(description="The story (events of the same kind, same people).")
    cluster_size: int = Field(description="Articles in that cluster, this one included.")
    created: bool = Field(description="False when this article had been posted before.")
    cluster_url: str = Field(description="`GET` it for the cluster's articles.")


class ClusterArticleResponse(BaseModel):
    """One article of a cluster, as listed."""

    id: str
    title: str | None
    outlet: str | None
    url: str | None
    published_at: datetime | date | None


class ClusterResponse(BaseModel):
    """One event cluster (`GET /v1/clusters/{id}`; a merged id answers with the cluster
    that took its articles)."""

    id: str
    story_id: str
    label: str = Field(description="The headline of the cluster's most central article.")
    size: int
    first_date: date | None
    last_date: date | None
    updated_at: datetime = Field(description="When an article last joined or moved.")
    articles: list[ClusterArticleResponse] = Field(
        default_factory=list, description="Oldest publication first (undated last)."
    )


class ClusterListResponse(BaseModel):
    """Recent clusters, most recently changed first (`GET /v1/clusters`)."""

    clusters: list[ClusterResponse] = Field(description="This page (without article lists).")
    total: int = Field(description="Live clusters in all.")
    limit: int
    offset: int
    next: str | None = Field(description="The next page's URL, or null on the last page.")

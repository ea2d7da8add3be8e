"""The online clustering's state in the configured database (tables in `service.store`).

`ClusterStore` reads everything back at startup (`load`), and writes each assignment in
one transaction (`save`): the new article, every article whose component or cluster
moved, and every cluster that changed. A restart therefore loses nothing.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pydantic_core
import sqlalchemy as sa

from schemas.article import Article
from service.cluster.features import Features
from service.store import Store, aware_utc, cluster_articles, event_clusters


@dataclass(frozen=True)
class StoredArticle:
    """One clustered article as kept: its features and where it sits."""

    features: Features
    component: str
    cluster_id: str


@dataclass(frozen=True)
class ClusterRow:
    """One event cluster as kept."""

    id: str
    story_id: str
    label: str
    size: int
    first_day: int | None
    last_day: int | None
    merged_into: str | None
    created_at: datetime
    updated_at: datetime


# A save's statements, built once: each execution only binds its rows (executemany
# where several rows go), so SQLAlchemy neither builds nor compiles a statement per save.
_INSERT_ARTICLE = sa.insert(cluster_articles)
_INSERT_CLUSTER = sa.insert(event_clusters)
_MOVE = (
    sa.update(cluster_articles)
    .where(cluster_articles.c.article_id == sa.bindparam("b_id"))
    .values(component=sa.bindparam("b_component"), cluster_id=sa.bindparam("b_cluster"))
)
_UPDATE_CLUSTER = (
    sa.update(event_clusters)
    .where(event_clusters.c.id == sa.bindparam("b_id"))
    .values(
        {
            c: sa.bindparam(c)
            for c in (
                "story_id", "label", "size", "first_day", "last_day", "merged_into", "updated_at"
            )
        }
    )
)  # fmt: skip
_MERGE = (
    sa.update(event_clusters)
    .where(event_clusters.c.id == sa.bindparam("b_id"))
    .values(merged_into=sa.bindparam("b_into"), size=0, updated_at=sa.bindparam("b_now"))
)


def _values(row: ClusterRow, now: datetime) -> dict[str, Any]:
    """The columns a save writes for a live cluster."""
    return {
        "story_id": row.story_id,
        "label": row.label,
        "size": row.size,
        "first_day": row.first_day,
        "last_day": row.last_day,
        "merged_into": None,
        "updated_at": now,
    }


def _row(row: sa.Row[Any]) -> ClusterRow:
    m = row._mapping
    return ClusterRow(
        id=m["id"],
        story_id=m["story_id"],
        label=m["label"],
        size=m["size"],
        first_day=m["first_day"],
        last_day=m["last_day"],
        merged_into=m["merged_into"],
        created_at=aware_utc(m["created_at"]),
        updated_at=aware_utc(m["updated_at"]),
    )


class ClusterStore:
    """Clustered articles and event clusters over the store's engine."""

    def __init__(self, store: Store) -> None:
        self.engine = store.engine

    def load(self) -> list[StoredArticle]:
        """Every clustered article (to rebuild the index after a restart)."""
        query = sa.select(
            cluster_articles.c.features_json,
            cluster_articles.c.component,
            cluster_articles.c.cluster_id,
        ).order_by(cluster_articles.c.article_id)
        with self.engine.connect() as conn:
            return [
                StoredArticle(Features.from_json(json.loads(f)), component, cluster)
                for f, component, cluster in conn.execute(query)
            ]

    def live(self) -> list[ClusterRow]:
        """Every cluster not merged into another."""
        query = sa.select(event_clusters).where(event_clusters.c.merged_into.is_(None))
        with self.engine.connect() as conn:
            return [_row(r) for r in conn.execute(query)]

    def article(self, article_id: str) -> tuple[Article, str] | None:
        """A clustered article and its cluster id, or None."""
        query = sa.select(cluster_articles.c.article_json, cluster_articles.c.cluster_id).where(
            cluster_articles.c.article_id == article_id
        )
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return (Article.model_validate_json(row[0]), row[1]) if row is not None else None

    def save(
        self,
        article: Article,
        features: Features,
        moved: dict[str, tuple[str, str]],
        clusters: Sequence[ClusterRow],
        created: Collection[str],
        merged: dict[str, str],
    ) -> None:
        """Store a new article and the moves it caused, all or nothing.

        `moved` maps article id → (component, cluster id) for the new article and every
        article that moved; `clusters` are the clusters that changed, as they now stand
        (those whose id is in `created` are new rows, the others are updated); `merged`
        maps each cluster that disappeared to the cluster that took its articles. Only
        these rows are written, in one transaction of at most five statements.
        """
        now = datetime.now(UTC)
        new_component, new_cluster = moved[article.id]
        moves = [
            {"b_id": a, "b_component": component, "b_cluster": cluster}
            for a, (component, cluster) in moved.items()
            if a != article.id
        ]
        stale = [{"b_id": row.id, **_values(row, now)} for row in clusters if row.id not in created]
        fresh = [
            {"id": row.id, "created_at": now, **_values(row, now)}
            for row in clusters
            if row.id in created
        ]
        gone = [{"b_id": old, "b_into": new, "b_now": now} for old, new in merged.items()]
        with self.engine.begin() as conn:
            conn.execute(
                _INSERT_ARTICLE,
                {
                    "article_id": article.id,
                    "article_json": article.model_dump_json(),
                    # pydantic's encoder: the same JSON values (floats written to round
                    # trip), several times faster than json.dumps on 80 floats.
                    "features_json": pydantic_core.to_json(features.to_json()).decode(),
                    "component": new_component,
                    "cluster_id": new_cluster,
                    "created_at": now,
                },
            )
            if moves:
                conn.execute(_MOVE, moves)
            if stale:
                conn.execute(_UPDATE_CLUSTER, stale)
            if fresh:
                conn.execute(_INSERT_CLUSTER, fresh)
            if gone:
                conn.execute(_MERGE, gone)

    def cluster(self, cluster_id: str) -> ClusterRow | None:
        """A cluster by id (merged ones included), or None."""
        query = sa.select(event_clusters).where(event_clusters.c.id == cluster_id)
        with self.engine.connect() as conn:
            row = conn.execute(query).first()
        return _row(row) if row is not None else None

    def recent(self, *, limit: int, offset: int) -> tuple[list[ClusterRow], int]:
        """Live clusters, most recently changed first, and how many there are."""
        live = event_clusters.c.merged_into.is_(None)
        query = (
            sa.select(event_clusters)
            .where(live)
            .order_by(event_clusters.c.updated_at.desc(), event_clusters.c.id)
            .limit(limit)
            .offset(offset)
        )
        count = sa.select(sa.func.count()).select_from(event_clusters).where(live)
        with self.engine.connect() as conn:
            rows = [_row(r) for r in conn.execute(query)]
            total = int(conn.execute(count).scalar_one())
        return rows, total

    def members(self, cluster_id: str) -> list[Article]:
        """The articles of a cluster, oldest publication first (undated last), then id."""
        query = sa.select(cluster_articles.c.article_json).where(
            cluster_articles.c.cluster_id == cluster_id
        )
        with self.engine.connect() as conn:
            articles = [Article.model_validate_json(raw) for (raw,) in conn.execute(query)]
        return sorted(articles, key=_published_order)

    def clusters(self, ids: Iterable[str]) -> dict[str, ClusterRow]:
        """Several clusters by id."""
        wanted = list(ids)
        if not wanted:
            return {}
        query = sa.select(event_clusters).where(event_clusters.c.id.in_(wanted))
        with self.engine.connect() as conn:
            return {r.id: r for r in map(_row, conn.execute(query))}


def _published_order(article: Article) -> tuple[bool, str, str]:
    day = article.published_date
    return (day is None, day.isoformat() if day else "", article.id)

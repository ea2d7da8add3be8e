"""Event clustering: the articles posted to `/v1/articles` and their event clusters.

`cluster_articles` keeps each article with its features, its component (the articles it
is linked to) and its cluster; `event_clusters` keeps each event with its story, label,
size and dates. A cluster merged into another keeps its row with `merged_into` set.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision: str | None = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create `cluster_articles` and `event_clusters` with their indexes."""
    op.create_table(
        "cluster_articles",
        sa.Column("article_id", sa.String(128), primary_key=True),
        sa.Column("article_json", sa.Text, nullable=False),
        sa.Column("features_json", sa.Text, nullable=False),
        sa.Column("component", sa.String(128), nullable=False),
        sa.Column("cluster_id", sa.String(36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_cluster_articles_component", "cluster_articles", ["component"])
    op.create_index("ix_cluster_articles_cluster_id", "cluster_articles", ["cluster_id"])
    op.create_table(
        "event_clusters",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("story_id", sa.String(36), nullable=False),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("first_day", sa.Integer, nullable=True),
        sa.Column("last_day", sa.Integer, nullable=True),
        sa.Column("merged_into", sa.String(36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_event_clusters_updated_at", "event_clusters", ["updated_at"])


def downgrade() -> None:
    """Drop them."""
    op.drop_table("event_clusters")
    op.drop_table("cluster_articles")

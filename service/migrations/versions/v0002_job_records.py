"""Per-job records: each article's record of a job, written once (first write wins).

A distributed job extracts its articles in separate tasks; a task that is delivered twice
(a worker killed mid-task, the broker redelivering) writes the same key again and the
write is a no-op, so the merge sees one record per article whatever happened.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision: str | None = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create `job_records`, keyed by job and article hash."""
    op.create_table(
        "job_records",
        sa.Column(
            "job_id", sa.String(36), sa.ForeignKey("jobs.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("article_hash", sa.String(64), primary_key=True),
        sa.Column("record_json", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    """Drop it."""
    op.drop_table("job_records")

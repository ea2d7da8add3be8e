"""The narrative cache: a cluster's narrative, keyed by what the narrator is shown.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision: str | None = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create `narrative_cache`, keyed by the narration key (`service.narrate.narration_key`)."""
    op.create_table(
        "narrative_cache",
        sa.Column("narration_key", sa.String(64), primary_key=True),
        sa.Column("narrative_json", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    """Drop it."""
    op.drop_table("narrative_cache")

"""Schema migrations (Alembic) for the store: `upgrade(engine)` brings a database to head.

The revisions live in `versions/`, one file each, numbered; `env.py` runs them on the
connection `upgrade`/`downgrade` hand it. `Store` calls `upgrade` when it opens, so a
fresh SQLite file or PostgreSQL database is created, and an older one moved forward,
before the first query. On PostgreSQL the run holds a transaction-level advisory lock, so
several API processes or workers starting at once migrate one after the other (the later
ones find nothing to do). A database made before migrations existed (tables, no
`alembic_version`) is stamped at the first revision, whose tables it has.

A new table or column is a new revision (`alembic -c service/migrations/alembic.ini
revision -m "..."`, then write `upgrade` and `downgrade` by hand) and the matching change to
`service.store`'s tables; `tests/services/test_postgres_store.py` checks they agree.
"""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

HERE = Path(__file__).resolve().parent
BASELINE = "0001"
"""The revision whose tables a pre-migration database already has."""

_LOCK_KEY = 0x636F72726F62  # 'corrob': the advisory lock key migrations hold on PostgreSQL


def config() -> Config:
    """The Alembic config over this package's scripts (no ini file needed)."""
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE))
    return cfg


def head() -> str:
    """The newest revision."""
    revision = ScriptDirectory.from_config(config()).get_current_head()
    assert revision is not None
    return revision


def current(engine: sa.Engine) -> str | None:
    """The revision the database is at (None: not migrated)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: sa.Engine, revision: str = "head") -> None:
    """Migrate the database forward to `revision` (default: head); a no-op when there."""
    _run(engine, lambda cfg: command.upgrade(cfg, revision))


def downgrade(engine: sa.Engine, revision: str) -> None:
    """Migrate the database back to `revision` ('base': no tables at all)."""
    _run(engine, lambda cfg: command.downgrade(cfg, revision))


def _run(engine: sa.Engine, step: object) -> None:
    assert callable(step)
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_LOCK_KEY)))
        inspector = sa.inspect(conn)
        if inspector.has_table("jobs") and not inspector.has_table("alembic_version"):
            # Made by `create_all` before migrations: it has the baseline's tables.
            cfg = config()
            cfg.attributes["connection"] = conn
            command.stamp(cfg, BASELINE)
        cfg = config()
        cfg.attributes["connection"] = conn
        step(cfg)

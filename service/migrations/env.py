"""Alembic's entry: run the migrations on the connection `service.migrations` passes in.

Only online migrations on a given connection are supported; there is no ini-configured URL.
"""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError(
        "run migrations through service.migrations.upgrade(engine) (Store does it on open)"
    )
context.configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()

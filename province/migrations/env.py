"""Alembic environment of the province database: runs on the connection ``province.db.upgrade`` hands over."""
from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `hallctl province migrate` (it passes the connection)")
context.configure(connection=connection, target_metadata=None)
with context.begin_transaction():
    context.run_migrations()

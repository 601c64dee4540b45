"""Alembic environment: runs on the connection the store hands over (see ``Store.upgrade``)."""
from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import queue_server.store.front_tables
import queue_server.store.tables  # noqa: F401  (registers the tables on the metadata)

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through `hallctl db upgrade` (it passes the connection)")
context.configure(connection=connection, target_metadata=SQLModel.metadata,
                  render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()

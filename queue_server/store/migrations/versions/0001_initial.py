"""The first tables: tickets, numbering, windows, staff, audit, hall metadata.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from queue_server.store.tables import AwareDateTime

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ticket",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("day", sa.Date(), nullable=False, index=True),
        sa.Column("number", sa.String(16), nullable=False),
        sa.Column("queue", sa.String(4), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("priority", sa.String(16), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("issued_at", AwareDateTime(), nullable=False),
        sa.Column("queued_at", AwareDateTime(), nullable=False),
        sa.Column("item", sa.String(32)),
        sa.Column("source", sa.String(64)),
        sa.Column("holder", sa.String(64)),
        sa.Column("holder_ref", sa.String(128)),
        sa.Column("request_id", sa.String(128), unique=True),
        sa.Column("window", sa.Integer()),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("called_at", AwareDateTime()),
        sa.Column("started_at", AwareDateTime()),
        sa.Column("ended_at", AwareDateTime()),
        sa.Column("hop", sa.Integer(), nullable=False),
        sa.Column("origin_id", sa.String(40)),
        sa.Column("clerk", sa.String(64)),
    )
    op.create_index("ix_ticket_day_state", "ticket", ["day", "state"])
    op.create_table(
        "ticket_counter",
        sa.Column("day", sa.Date(), primary_key=True),
        sa.Column("queue", sa.String(4), primary_key=True),
        sa.Column("last", sa.Integer(), nullable=False),
    )
    op.create_table(
        "window_state",
        sa.Column("number", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("queues", sa.String(64), nullable=False),
        sa.Column("current_id", sa.String(40)),
        sa.Column("since", AwareDateTime()),
        sa.Column("clerk", sa.String(64)),
    )
    op.create_table(
        "staff",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("username", sa.String(64), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(256), nullable=False),
        sa.Column("role", sa.String(16), nullable=False),
        sa.Column("window", sa.Integer()),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", AwareDateTime(), nullable=False),
    )
    op.create_table(
        "audit",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("at", AwareDateTime(), nullable=False, index=True),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("subject", sa.String(64), nullable=False),
        sa.Column("detail", sa.Text(), nullable=False),
    )
    op.create_table(
        "hall_meta",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Text(), nullable=False),
    )


def downgrade() -> None:
    for table in ("hall_meta", "audit", "staff", "window_state", "ticket_counter", "ticket"):
        op.drop_table(table)

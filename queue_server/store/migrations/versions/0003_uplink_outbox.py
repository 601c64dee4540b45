"""The province uplink's outbox: events with a per-hall sequence, the counter and the relay's mark.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from queue_server.store.tables import AwareDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "uplink_outbox",
        sa.Column("hall", sa.String(64), primary_key=True),
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("type", sa.String(16), nullable=False),
        sa.Column("at", AwareDateTime(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
    )
    op.create_table(
        "uplink_seq",
        sa.Column("hall", sa.String(64), primary_key=True),
        sa.Column("last", sa.Integer(), nullable=False),
    )
    op.create_table(
        "uplink_sent",
        sa.Column("hall", sa.String(64), primary_key=True),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("at", AwareDateTime(), nullable=False),
    )


def downgrade() -> None:
    for table in ("uplink_sent", "uplink_seq", "uplink_outbox"):
        op.drop_table(table)

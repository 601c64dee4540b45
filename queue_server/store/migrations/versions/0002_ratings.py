"""好差评 ratings: one row per finished visit put to the window's evaluator.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from queue_server.store.tables import AwareDateTime

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rating",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("ticket_id", sa.String(40), nullable=False, unique=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("number", sa.String(16), nullable=False),
        sa.Column("queue", sa.String(4), nullable=False),
        sa.Column("window", sa.Integer(), nullable=False),
        sa.Column("clerk", sa.String(64)),
        sa.Column("item", sa.String(32)),
        sa.Column("requested_at", AwareDateTime(), nullable=False),
        sa.Column("deadline", AwareDateTime(), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("rating", sa.Integer()),
        sa.Column("reason", sa.String(64)),
        sa.Column("source", sa.String(64)),
        sa.Column("answered_at", AwareDateTime()),
        sa.Column("follow_up", sa.String(16)),
        sa.Column("follow_up_note", sa.String(500)),
        sa.Column("follow_up_by", sa.String(64)),
        sa.Column("follow_up_at", AwareDateTime()),
    )
    op.create_index("ix_rating_day_window", "rating", ["day", "window"])


def downgrade() -> None:
    op.drop_index("ix_rating_day_window", "rating")
    op.drop_table("rating")

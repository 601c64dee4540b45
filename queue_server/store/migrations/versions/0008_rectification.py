"""整改 cases: one per negative rating or complaint, with owner, due date, extension and feedback.

Revision ID: 0008_rectification
Revises: 0004_identity
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from queue_server.store.tables import AwareDateTime

revision = "0008_rectification"
down_revision = "0004_identity"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rectification",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("rating_id", sa.Integer(), unique=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("number", sa.String(16)),
        sa.Column("window", sa.Integer()),
        sa.Column("owner", sa.String(64)),
        sa.Column("opened_at", AwareDateTime(), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("summary", sa.String(500), nullable=False, server_default=""),
        sa.Column("contact", sa.String(32)),
        sa.Column("state", sa.String(8), nullable=False),
        sa.Column("extended_by", sa.String(64)),
        sa.Column("extended_at", AwareDateTime()),
        sa.Column("extension_reason", sa.String(200)),
        sa.Column("feedback", sa.String(500)),
        sa.Column("closed_by", sa.String(64)),
        sa.Column("closed_at", AwareDateTime()),
    )
    op.create_index("ix_rectification_state", "rectification", ["state"])


def downgrade() -> None:
    op.drop_index("ix_rectification_state", "rectification")
    op.drop_table("rectification")

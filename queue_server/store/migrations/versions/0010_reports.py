"""The front office: a rating's details (reasons by dimension, comment, call-back phone) and the clerks'
requests for prior authorisation (事前授权).

Revision ID: 0010_reports
Revises: 0005_documents
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from queue_server.store.tables import AwareDateTime

revision = "0010_reports"
down_revision = "0005_documents"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rating_detail",
        sa.Column("rating_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("reasons", sa.String(200), nullable=False, server_default=""),
        sa.Column("text", sa.String(300)),
        sa.Column("phone", sa.String(20)),
        sa.Column("phone_masked", sa.String(20)),
        sa.Column("at", AwareDateTime(), nullable=False),
    )
    op.create_table(
        "authorisation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("asked_at", AwareDateTime(), nullable=False),
        sa.Column("window", sa.Integer(), nullable=False),
        sa.Column("clerk", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("number", sa.String(16)),
        sa.Column("reason", sa.String(300), nullable=False),
        sa.Column("state", sa.String(16), nullable=False, server_default="pending"),
        sa.Column("answered_by", sa.String(64)),
        sa.Column("answered_at", AwareDateTime()),
        sa.Column("answer_note", sa.String(300)),
    )
    op.create_index("ix_authorisation_asked_at", "authorisation", ["asked_at"])
    op.create_index("ix_authorisation_state", "authorisation", ["state"])


def downgrade() -> None:
    op.drop_index("ix_authorisation_state", "authorisation")
    op.drop_index("ix_authorisation_asked_at", "authorisation")
    op.drop_table("authorisation")
    op.drop_table("rating_detail")

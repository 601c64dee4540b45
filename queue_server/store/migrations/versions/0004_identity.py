"""Identity: staff token generations (logout, revocation) and the rating tablets paired to windows.

The token signing key moves out of the database into the hall's key file (0600), so the
database's copy is dropped: a backup no longer lets anyone mint a token.

Revision ID: 0004_identity
Revises: 0009_frontdesk
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from queue_server.store.tables import AwareDateTime

revision = "0004_identity"
down_revision = "0009_frontdesk"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("staff") as batch:
        batch.add_column(sa.Column("token_gen", sa.Integer(), nullable=False, server_default="0"))
    op.create_table(
        "rating_tablet",
        sa.Column("window", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("paired_at", AwareDateTime(), nullable=False),
        sa.Column("paired_by", sa.String(64), nullable=False),
    )
    op.execute(sa.text("DELETE FROM hall_meta WHERE key = 'secret_key'"))


def downgrade() -> None:
    op.drop_table("rating_tablet")
    with op.batch_alter_table("staff") as batch:
        batch.drop_column("token_gen")

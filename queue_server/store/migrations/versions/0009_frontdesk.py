"""The front office: staff profiles (name, staff number, photo, window kind), 代办 records, feedback and
complaints registered at the guide desk, appointment slots and bookings.

Revision ID: 0009_frontdesk
Revises: 0010_reports
Create Date: 2026-12-01
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from queue_server.store.tables import AwareDateTime

revision = "0009_frontdesk"
down_revision = "0010_reports"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "staff_profile",
        sa.Column("username", sa.String(64), primary_key=True),
        sa.Column("display_name", sa.String(32)),
        sa.Column("staff_no", sa.String(32)),
        sa.Column("window_kind", sa.String(16)),
        sa.Column("photo_mime", sa.String(32)),
        sa.Column("photo", sa.LargeBinary()),
        sa.Column("updated_at", AwareDateTime(), nullable=False),
    )
    op.create_table(
        "ticket_proxy",
        sa.Column("ticket_id", sa.String(40), primary_key=True),
        sa.Column("day", sa.Date(), nullable=False, index=True),
        sa.Column("number", sa.String(16), nullable=False),
        sa.Column("proxy_name", sa.String(16), nullable=False),
        sa.Column("proxy_id", sa.String(32), nullable=False),
        sa.Column("relation", sa.String(16), nullable=False),
        sa.Column("by", sa.String(64), nullable=False),
        sa.Column("at", AwareDateTime(), nullable=False),
    )
    op.create_table(
        "desk_feedback",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("day", sa.Date(), nullable=False, index=True),
        sa.Column("at", AwareDateTime(), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("category", sa.String(32), nullable=False),
        sa.Column("text", sa.String(500), nullable=False),
        sa.Column("contact", sa.String(32)),
        sa.Column("number", sa.String(16)),
        sa.Column("window", sa.Integer()),
        sa.Column("by", sa.String(64), nullable=False),
        sa.Column("case_id", sa.Integer()),
    )
    op.create_table(
        "appointment_slot",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("day", sa.Date(), nullable=False, index=True),
        sa.Column("start", sa.String(5), nullable=False),
        sa.Column("end", sa.String(5), nullable=False),
        sa.Column("queue", sa.String(4), nullable=False),
        sa.Column("item", sa.String(32)),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.UniqueConstraint("day", "start", "queue", "item", name="uq_appointment_slot"),
    )
    op.create_table(
        "appointment",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(16), nullable=False, unique=True),
        sa.Column("slot_id", sa.Integer(), nullable=False, index=True),
        sa.Column("day", sa.Date(), nullable=False, index=True),
        sa.Column("starts_at", AwareDateTime(), nullable=False),
        sa.Column("queue", sa.String(4), nullable=False),
        sa.Column("item", sa.String(32)),
        sa.Column("holder", sa.String(16)),
        sa.Column("holder_id", sa.String(32)),
        sa.Column("holder_ref", sa.String(128), index=True),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("ext_ref", sa.String(64), unique=True),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("ticket", sa.String(16)),
        sa.Column("checked_in_at", AwareDateTime()),
        sa.Column("created_at", AwareDateTime(), nullable=False),
    )


def downgrade() -> None:
    for table in ("appointment", "appointment_slot", "desk_feedback", "ticket_proxy", "staff_profile"):
        op.drop_table(table)

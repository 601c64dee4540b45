"""The front office's tables (created by the migration ``0009_frontdesk``), in the store's metadata."""
from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import SQLModel

from queue_server.store.tables import AwareDateTime

_md = SQLModel.metadata

profile_t = sa.Table(
    "staff_profile", _md,
    sa.Column("username", sa.String(64), primary_key=True),
    sa.Column("display_name", sa.String(32)),
    sa.Column("staff_no", sa.String(32)),
    sa.Column("window_kind", sa.String(16)),
    sa.Column("photo_mime", sa.String(32)),
    sa.Column("photo", sa.LargeBinary()),
    sa.Column("updated_at", AwareDateTime(), nullable=False),
)

proxy_t = sa.Table(
    "ticket_proxy", _md,
    sa.Column("ticket_id", sa.String(40), primary_key=True),
    sa.Column("day", sa.Date(), nullable=False),
    sa.Column("number", sa.String(16), nullable=False),
    sa.Column("proxy_name", sa.String(16), nullable=False),
    sa.Column("proxy_id", sa.String(32), nullable=False),
    sa.Column("relation", sa.String(16), nullable=False),
    sa.Column("by", sa.String(64), nullable=False),
    sa.Column("at", AwareDateTime(), nullable=False),
)

feedback_t = sa.Table(
    "desk_feedback", _md,
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column("day", sa.Date(), nullable=False),
    sa.Column("at", AwareDateTime(), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("category", sa.String(32), nullable=False),
    sa.Column("text", sa.String(500), nullable=False),
    sa.Column("contact", sa.String(32)),
    sa.Column("number", sa.String(16)),
    sa.Column("window", sa.Integer()),
    sa.Column("by", sa.String(64), nullable=False),
    #: the 整改 case this complaint was handed to (None: not picked up yet)
    sa.Column("case_id", sa.Integer()),
)

slot_t = sa.Table(
    "appointment_slot", _md,
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column("day", sa.Date(), nullable=False),
    sa.Column("start", sa.String(5), nullable=False),
    sa.Column("end", sa.String(5), nullable=False),
    sa.Column("queue", sa.String(4), nullable=False),
    sa.Column("item", sa.String(32)),
    sa.Column("capacity", sa.Integer(), nullable=False),
)

appointment_t = sa.Table(
    "appointment", _md,
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column("code", sa.String(16), nullable=False, unique=True),
    sa.Column("slot_id", sa.Integer(), nullable=False),
    sa.Column("day", sa.Date(), nullable=False),
    sa.Column("starts_at", AwareDateTime(), nullable=False),
    sa.Column("queue", sa.String(4), nullable=False),
    sa.Column("item", sa.String(32)),
    sa.Column("holder", sa.String(16)),
    sa.Column("holder_id", sa.String(32)),
    sa.Column("holder_ref", sa.String(128)),
    #: api (booked here), province (imported from the provincial platform's CSV)
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("ext_ref", sa.String(64), unique=True),
    #: booked, checked_in, late (came after the window: a normal ticket), cancelled
    sa.Column("state", sa.String(16), nullable=False),
    sa.Column("ticket", sa.String(16)),
    sa.Column("checked_in_at", AwareDateTime()),
    sa.Column("created_at", AwareDateTime(), nullable=False),
)

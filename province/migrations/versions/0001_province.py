"""The province's tables: events (the record), visits and ratings derived from them, windows, each
hall's progress, parked events. ``event``, ``visit`` and ``rating`` are partitioned by the hall's business day.

Revision ID: p0001
Revises:
Create Date: 2026-12-01
"""
from __future__ import annotations

from alembic import op

revision = "p0001"
down_revision = None
branch_labels = None
depends_on = None

TABLES = """
CREATE TABLE event (
    hall_id text NOT NULL,
    seq bigint NOT NULL,
    day date NOT NULL,
    type text NOT NULL,
    at timestamptz NOT NULL,
    received_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    body jsonb NOT NULL,
    PRIMARY KEY (hall_id, seq, day)
) PARTITION BY RANGE (day);

CREATE TABLE visit (
    hall_id text NOT NULL,
    day date NOT NULL,
    ticket_id text NOT NULL,
    number text,
    queue text,
    item text,
    priority text,
    hop int,
    issued_at timestamptz,
    queued_at timestamptz,
    called_at timestamptz,
    wait_s double precision,
    target_wait_s double precision,
    attempts int NOT NULL DEFAULT 0,
    window_no int,
    clerk text,
    outcome text,
    ended_at timestamptz,
    service_s double precision,
    PRIMARY KEY (hall_id, day, ticket_id)
) PARTITION BY RANGE (day);

CREATE TABLE rating (
    hall_id text NOT NULL,
    day date NOT NULL,
    ticket_id text NOT NULL,
    rating_id bigint,
    number text,
    queue text,
    item text,
    window_no int,
    clerk text,
    level int,
    reason text,
    rated_at timestamptz,
    follow_up text,
    follow_seq bigint NOT NULL DEFAULT 0,
    follow_at timestamptz,
    follow_by text,
    PRIMARY KEY (hall_id, day, ticket_id)
) PARTITION BY RANGE (day);

CREATE TABLE hall_window (
    hall_id text NOT NULL,
    window_no int NOT NULL,
    name text,
    kind text,
    status text NOT NULL,
    queues text[] NOT NULL DEFAULT '{}',
    clerk text,
    seq bigint NOT NULL,
    at timestamptz NOT NULL,
    PRIMARY KEY (hall_id, window_no)
);

-- each aggregator adds to its own slot's row (no two commit on one row), readers add the slots up
CREATE TABLE hall_progress (
    hall_id text NOT NULL,
    slot int NOT NULL,
    first_seen timestamptz NOT NULL DEFAULT clock_timestamp(),
    events bigint NOT NULL DEFAULT 0,
    last_seq bigint NOT NULL DEFAULT 0,
    last_at timestamptz,
    last_received_at timestamptz,
    last_lag_s double precision,
    PRIMARY KEY (hall_id, slot)
);

CREATE VIEW hall AS
SELECT hall_id, min(first_seen) AS first_seen, sum(events)::bigint AS events, max(last_seq) AS last_seq,
       (array_agg(last_at ORDER BY last_seq DESC))[1] AS last_at,
       max(last_received_at) AS last_received_at,
       (array_agg(last_lag_s ORDER BY last_seq DESC))[1] AS last_lag_s
FROM hall_progress GROUP BY hall_id;

CREATE TABLE parked (
    id bigserial PRIMARY KEY,
    received_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    subject text NOT NULL,
    hall_id text,
    seq bigint,
    reason text NOT NULL,
    raw bytea NOT NULL
);
CREATE INDEX ix_parked_received ON parked (received_at);
"""


def upgrade() -> None:
    for statement in TABLES.split(";"):
        if statement.strip():
            op.execute(statement)


def downgrade() -> None:
    op.execute("DROP VIEW hall")
    for table in ("parked", "hall_progress", "hall_window", "rating", "visit", "event"):
        op.execute(f"DROP TABLE {table} CASCADE")

"""Personal data is kept only as long as configured; the figures stay.

After ``retention.personal_data_days`` days a ticket loses its masked holder and its holder
reference, and a rating loses the manager's free-text follow-up note and the citizen's comment and
call-back phone. Counts, waits, service
times, ratings and outcomes are untouched, so every report of those days still adds up.
"""
from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from queue_server.store.front_tables import rating_detail_t
from queue_server.store.tables import audit_t, rating_t, ticket_t


def purge_personal_data(engine: Engine, today: date, keep_days: int, now: datetime,
                        actor: str = "system") -> dict[str, Any]:
    """Blank personal data of days before ``today - keep_days``; one audit row says what was done."""
    cutoff = today - timedelta(days=keep_days)
    with engine.begin() as conn:
        tickets = conn.execute(
            ticket_t.update()
            .where(ticket_t.c.day < cutoff, sa.or_(ticket_t.c.holder.is_not(None), ticket_t.c.holder_ref.is_not(None)))
            .values(holder=None, holder_ref=None)).rowcount
        ratings = conn.execute(
            rating_t.update().where(rating_t.c.day < cutoff, rating_t.c.follow_up_note.is_not(None))
            .values(follow_up_note=None)).rowcount
        ratings += conn.execute(  # a rating's comment and call-back phone
            rating_detail_t.update()
            .where(rating_detail_t.c.at < datetime.combine(cutoff, time(), UTC),
                   sa.or_(rating_detail_t.c.phone.is_not(None), rating_detail_t.c.text.is_not(None)))
            .values(phone=None, phone_masked=None, text=None)).rowcount
        result = {"before": cutoff.isoformat(), "tickets": tickets, "ratings": ratings}
        if tickets or ratings:
            conn.execute(audit_t.insert().values(at=now, actor=actor, action="purge_personal_data",
                                                 subject=f"before {cutoff.isoformat()}", detail=json.dumps(result)))
    return result

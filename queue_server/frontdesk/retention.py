"""The front office keeps personal data as long as the tickets do (``retention.personal_data_days``): then
a booking loses its masked holder and reference, a 代办 record its masked proxy, feedback its masked phone.
Counts (bookings, check-ins, missed, complaints by category) stay."""
from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from queue_server.frontdesk.tables import appointment_t, feedback_t, proxy_t
from queue_server.service import Event, HallService
from queue_server.store.tables import audit_t

log = logging.getLogger(__name__)


def purge(engine: Engine, today: date, keep_days: int, now: datetime) -> dict[str, Any]:
    cutoff = today - timedelta(days=keep_days)
    a = appointment_t.c
    with engine.begin() as conn:
        bookings = conn.execute(appointment_t.update().where(a.day < cutoff, sa.or_(
            a.holder.is_not(None), a.holder_id.is_not(None), a.holder_ref.is_not(None)))
            .values(holder=None, holder_id=None, holder_ref=None)).rowcount
        proxies = conn.execute(proxy_t.update().where(proxy_t.c.day < cutoff, proxy_t.c.proxy_id != "")
                               .values(proxy_name="", proxy_id="")).rowcount
        contacts = conn.execute(feedback_t.update().where(feedback_t.c.day < cutoff, feedback_t.c.contact.is_not(None))
                                .values(contact=None)).rowcount
        result = {"before": cutoff.isoformat(), "bookings": bookings, "proxies": proxies, "contacts": contacts}
        if bookings or proxies or contacts:
            conn.execute(audit_t.insert().values(at=now, actor="system:day", action="purge_front_office",
                                                 subject=f"before {cutoff.isoformat()}", detail=json.dumps(result)))
    return result


def purge_each_day(svc: HallService) -> Callable[[Event], None]:
    """Purge now, and a service listener that purges again when a new day starts (off the service's lock)."""
    keep = svc.settings.retention.personal_data_days

    def run() -> None:
        try:
            now = svc.now()
            purge(svc.store.engine, now.date(), keep, now)
        except Exception:
            log.exception("front-office retention purge failed")

    run()

    def on_event(event: Event) -> None:
        if event.action == "expire_day":
            threading.Thread(target=run, name="frontdesk-purge", daemon=True).start()

    return on_event

"""After the retention period the front office's masked personal data is blanked; the figures stay."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from queue_server.frontdesk.appointments import AppointmentBook
from queue_server.frontdesk.retention import purge
from queue_server.frontdesk.tables import appointment_t, feedback_t, proxy_t
from tests.frontdesk._clocked import MORNING, OLD_ID, PROXY_ID, YOUNG_ID, ClockedHall


def test_masked_data_goes_after_the_retention_period_and_the_figures_stay(desk_hall: ClockedHall) -> None:
    hall = desk_hall
    assert hall.runtime is not None and hall.runtime.store is not None and hall.runtime.service is not None
    engine, svc = hall.runtime.store.engine, hall.runtime.service
    guide = hall.staff("guide1", "guide")
    hall.api("POST", "/api/desk/tickets", {"queue": "A", "id_number": YOUNG_ID, "proxy": {
        "name": "王五", "id_number": PROXY_ID, "relation": "spouse"}}, token=guide)
    hall.api("POST", "/api/desk/feedback", {"kind": "complaint", "category": "quality", "text": "材料退回两次",
                                            "contact": "13812345678"}, token=guide)
    hall.api("POST", "/api/appointments", {"date": MORNING.date().isoformat(), "start": "09:00", "queue": "A",
                                           "id_number": OLD_ID, "name": "张三"})
    book = AppointmentBook(svc, engine, svc.settings.appointments)
    before = book.figures(MORNING.date())

    assert purge(engine, MORNING.date() + timedelta(days=90), 90, MORNING)["bookings"] == 0  # day 90: kept
    later = MORNING + timedelta(days=91)
    done = purge(engine, later.date(), 90, later)
    assert (done["bookings"], done["proxies"], done["contacts"]) == (1, 1, 1)
    with engine.connect() as conn:
        assert conn.execute(sa.select(appointment_t.c.holder, appointment_t.c.holder_id,
                                      appointment_t.c.holder_ref)).one() == (None, None, None)
        assert conn.execute(sa.select(proxy_t.c.proxy_name, proxy_t.c.proxy_id, proxy_t.c.relation)).one() == (
            "", "", "spouse")
        assert conn.execute(sa.select(feedback_t.c.contact, feedback_t.c.category)).one() == (None, "quality")
    assert book.figures(MORNING.date()) == before

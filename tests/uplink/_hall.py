"""A hall service on a real database, for the outbox tests (no broker, no HTTP)."""
from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa

from queue_server.service import HallService
from queue_server.settings import Settings, load_settings
from queue_server.store import Store
from queue_server.store.outbox import outbox_t
from tests.peers import ROOT


def hall_settings(db_url: str, hall_id: str = "hall-1", **env: str) -> Settings:
    return load_settings(ROOT / "config" / "hall.toml", env={"HALL_ID": hall_id, "HALL_DATABASE_URL": db_url, **env})


def hall_service(db_url: str, hall_id: str = "hall-1") -> HallService:
    s = hall_settings(db_url, hall_id)
    store = Store(s.server.database_url)
    store.upgrade()
    return HallService(s, store)


def outbox_events(store: Store, hall_id: str = "hall-1") -> list[dict[str, Any]]:
    with store.engine.connect() as conn:
        rows = conn.execute(sa.select(outbox_t.c.seq, outbox_t.c.body).where(outbox_t.c.hall == hall_id)
                            .order_by(outbox_t.c.seq))
        out = []
        for seq, body in rows:
            ev = json.loads(body)
            assert ev["seq"] == seq
            out.append(ev)
        return out

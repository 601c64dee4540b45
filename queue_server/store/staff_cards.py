"""How a staff member is named to citizens and in reports (亮牌): the display name, staff number and photo
when the staff records carry them, else the login name. Read from whatever columns ``staff`` has, so the
records can grow those columns without this module changing."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from queue_server.store.tables import staff_t, window_t


def _card(m: Any) -> dict[str, Any]:
    photo = m.get("photo") or m.get("photo_url")
    return {"username": m["username"], "name": m.get("display_name") or m["username"],
            "staff_no": m.get("staff_no"), "photo": f"/api/staff/{m['username']}/photo" if photo else None}


def staff_cards(engine: Engine) -> dict[str, dict[str, Any]]:
    with engine.connect() as conn:
        return {r._mapping["username"]: _card(r._mapping) for r in conn.execute(sa.select(staff_t))}


def staff_card(engine: Engine, username: str | None) -> dict[str, Any] | None:
    if not username:
        return None
    with engine.connect() as conn:
        row = conn.execute(sa.select(staff_t).where(staff_t.c.username == username)).first()
    return _card(row._mapping) if row is not None else {"username": username, "name": username, "staff_no": None,
                                                         "photo": None}


def window_clerk(engine: Engine, n: int) -> str | None:
    """The clerk who last opened or worked window ``n`` (as the window's state is stored)."""
    with engine.connect() as conn:
        return conn.execute(sa.select(window_t.c.clerk).where(window_t.c.number == n)).scalar()

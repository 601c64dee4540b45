"""亮牌 on MQTT: the staff record's display name and staff number of a window's clerk, which the
window's retained state carries instead of the login name (every device on the broker reads the
window topics; :class:`queue_server.mqtt.publisher.StatePublisher` asks :meth:`Badges.badge`).

A clerk without a display name in the staff record is published as ``clerk_name: null`` (the staff
number, when recorded, still goes out). Records are read at most every ``ttl_s`` per clerk, so a
window state published under the service's lock seldom waits for the database.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy.engine import Engine

from queue_server.frontdesk.profiles import ProfileStore

log = logging.getLogger(__name__)

Badge = tuple[str | None, str | None]  # display name, staff number


class Badges:
    def __init__(self, engine: Engine, *, ttl_s: float = 30.0,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.profiles = ProfileStore(engine)
        self.ttl_s = ttl_s
        self.clock = clock
        self._cache: dict[str, tuple[float, Badge]] = {}
        self._lock = threading.Lock()

    def badge(self, username: str) -> Badge:
        now = self.clock()
        with self._lock:
            hit = self._cache.get(username)
            if hit is not None and now - hit[0] < self.ttl_s:
                return hit[1]
        try:
            p = self.profiles.get(username)
        except Exception:  # the database is away: the last badge known, else none (never the login)
            log.warning("staff record of a window's clerk unreadable", exc_info=True)
            return hit[1] if hit is not None else (None, None)
        badge: Badge = (p.display_name, p.staff_no) if p is not None else (None, None)
        with self._lock:
            self._cache[username] = (now, badge)
        return badge


__all__ = ["Badges"]

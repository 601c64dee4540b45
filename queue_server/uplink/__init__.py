"""The province uplink of the hall: the outbox's events go to NATS JetStream (``hallctl uplink``).

:func:`hall_outbox` builds the outbox the service writes to; the relay is in :mod:`.relay`
(it imports nats-py, this module does not).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from queue_server.store.outbox import Backlog, Outbox, backlog

if TYPE_CHECKING:
    from queue_server.settings import Settings
    from queue_server.store import Store


def hall_outbox(settings: Settings, store: Store) -> Outbox:
    targets = {q.code: float(q.target_wait_s) for q in settings.queues}
    return Outbox(settings.hall.id, settings.hall.tz(), targets, store.engine.dialect)


__all__ = ["Backlog", "Outbox", "backlog", "hall_outbox"]

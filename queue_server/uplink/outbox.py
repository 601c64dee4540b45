"""The hall's outbox as the server builds it from its configuration, and its backlog."""
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

"""The hall's outbox and its backlog, as the uplink sees them (the store keeps them)."""
from __future__ import annotations

from queue_server.store.outbox import Backlog, Outbox, backlog, hall_outbox

__all__ = ["Backlog", "Outbox", "backlog", "hall_outbox"]

"""The hall's shared words: ticket states, priority classes, window kinds and states.

Every app and every surface (MQTT payloads, the HTTP API, the province uplink, the queue
engine) uses these values; they are the contract's, so no app defines its own.
"""
from __future__ import annotations

from enum import StrEnum


class TicketState(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"
    #: called, never started, and ended by the window's next call (not served, no rating)
    NOT_STARTED = "not_started"
    TRANSFERRED = "transferred"
    CANCELLED = "cancelled"
    EXPIRED = "expired"

    @property
    def active(self) -> bool:
        return self in (TicketState.WAITING, TicketState.CALLED, TicketState.SERVING)


#: A ticket's final states; each issued ticket ends in exactly one of them.
FINAL_STATES = frozenset(s for s in TicketState if not s.active)


class Priority(StrEnum):
    NORMAL = "normal"
    ELDERLY = "elderly"
    DISABLED = "disabled"
    APPOINTMENT = "appointment"


class WindowKind(StrEnum):
    ACCEPT = "accept"
    QUERY = "query"
    BULK = "bulk"
    ELASTIC = "elastic"


class WindowStatus(StrEnum):
    OPEN = "open"
    PAUSED = "paused"
    CLOSED = "closed"


#: The queue a dedicated window serves; an elastic window serves what the manager assigns.
KIND_QUEUE: dict[WindowKind, str] = {WindowKind.ACCEPT: "A", WindowKind.QUERY: "B", WindowKind.BULK: "C"}


"""The hall service: the one way into the hall's state (commands, reads, events).

See :mod:`.hall_service` for the command path, :mod:`.reads` for the read side and
:mod:`.views` for what both hand out.
"""
from queue_server.actor import Actor, ActorKind
from queue_server.service.hall_service import HallService, StoreUnavailable
from queue_server.service.views import (
    CurrentTicket,
    Event,
    HallGauges,
    Issued,
    Listener,
    RetainedState,
    WindowInfo,
    WindowOutcome,
)

__all__ = [
    "Actor", "ActorKind", "CurrentTicket", "Event", "HallGauges", "HallService", "Issued", "Listener",
    "RetainedState", "StoreUnavailable", "WindowInfo", "WindowOutcome",
]

"""What the hall service hands out: contract payloads and immutable views, never engine state.

Every view is built under the service's lock, so it shows one consistent moment of the hall.
Tickets in an :class:`Event` are copies taken at the commit; changing one changes nothing.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NamedTuple

from hall_contract import protocol as p
from queue_server.engine import Call, Ticket


@dataclass(frozen=True)
class Event:
    """What listeners hear after a commit (or a change of advice), in commit order.

    The payloads are the state right after the change, built under the service's lock;
    ``version`` grows with every event, so a later view is never mistaken for an older one.
    """

    version: int
    #: the engine's action (``issue``, ``call_next``, …); None when only state or advice changed
    action: str | None = None
    #: the tickets the change touched, as committed (copies)
    tickets: tuple[Ticket, ...] = ()
    call: Call | None = None
    #: ``call`` as the ``calls`` payload
    call_message: p.CallMessage | None = None
    #: the state of every window the change touched
    windows: tuple[p.WindowState, ...] = ()
    #: the queues whose state may have changed
    queues: frozenset[str] = frozenset()
    #: the advice payload, when the advice changed
    advice: p.Advice | None = None
    #: hall-wide state (issuing, notice, a reload) changed
    state_only: bool = False


Listener = Callable[[Event], None]


class Issued(NamedTuple):
    """A ticket issued, or (``new`` False) the first answer to a repeated ``request_id``."""

    ticket: p.TicketPublic
    new: bool


@dataclass(frozen=True)
class WindowOutcome:
    """What a window command did: the engine's action, the window after it, the ticket acted on.

    ``ticket`` is the ticket called (``call_next``; None when nobody waits; the current one again when
    ``action`` is ``call_guarded``, a double press that changed nothing), recalled, started,
    finished, marked no-show or (``transfer``) now waiting in its new queue; None for the
    window's status and queue commands. It carries the masked holder."""

    action: str
    window: p.WindowState
    ticket: p.TicketPublic | None = None


@dataclass(frozen=True)
class WindowInfo:
    """A window as configured (what does not change during the day)."""

    number: int
    name: str
    kind: str


@dataclass(frozen=True)
class CurrentTicket:
    """A window with its current ticket, as the clerk sees it."""

    window: p.WindowState
    ticket: p.TicketPublic | None
    #: the current ticket's wait from its place in line to its call
    waited_s: int | None
    at: str


@dataclass(frozen=True)
class HallGauges:
    """Counts for monitoring: people waiting per queue, windows open per kind."""

    waiting: dict[str, int] = field(default_factory=dict)
    open_windows: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class RetainedState:
    """What the retained MQTT topics show, stamped with the event ``version`` it reflects."""

    version: int
    windows: tuple[p.WindowState, ...] = ()
    queues: tuple[p.QueueState, ...] = ()
    board: p.Board | None = None
    advice: p.Advice | None = None

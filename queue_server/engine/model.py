"""The hall's nouns: tickets, queues, windows, service items and the engine's policy.

Plain dataclasses and enums; no I/O, no framework. Times are timezone-aware datetimes
passed in by the caller.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from hall_contract.vocabulary import KIND_QUEUE, Priority, TicketState, WindowKind, WindowStatus


@dataclass(frozen=True)
class QueueSpec:
    code: str
    name: str
    target_wait_s: float
    #: mean window time per ticket before any service has been observed today
    prior_service_s: float = 600.0
    name_en: str = ""


@dataclass(frozen=True)
class ItemSpec:
    code: str
    name: str
    queue: str
    mean_service_s: float = 600.0
    board: str = ""
    self_service: bool = False


@dataclass(frozen=True)
class WindowSpec:
    number: int
    name: str
    kind: WindowKind
    #: the queues an elastic window serves when first opened (the manager may change them)
    default_queues: tuple[str, ...] = ()

    def initial_queues(self) -> tuple[str, ...]:
        if self.kind is WindowKind.ELASTIC:
            return self.default_queues
        return (KIND_QUEUE[self.kind],)


@dataclass(frozen=True)
class Policy:
    #: at most this many priority tickets are called in a row from one queue while a
    #: normal ticket of that queue waits
    max_priority_streak: int = 2
    #: recalls allowed after the first call; one more recall marks the ticket no-show
    max_recalls: int = 2
    #: calls kept for the board (newest first)
    recent_calls: int = 8
    #: finished services per queue that the wait prediction averages over
    service_sample: int = 20
    #: seconds of arrivals per queue that the advisor's arrival rate looks back over
    arrival_window_s: float = 1800.0
    #: a call-next this soon after the window's last call, with the ticket not yet started,
    #: is taken as a double press: it changes nothing and answers the current call
    call_guard_s: float = 5.0


@dataclass(eq=False)
class Ticket:
    """One visit in one queue. A transfer ends this ticket and starts a new one (same number)."""

    id: str
    day: date
    number: str
    queue: str
    seq: int
    priority: Priority
    issued_at: datetime
    #: the time that orders the ticket in its queue (its first issue time after a transfer)
    queued_at: datetime
    item: str | None = None
    state: TicketState = TicketState.WAITING
    source: str | None = None
    holder: str | None = None
    holder_ref: str | None = None
    request_id: str | None = None
    window: int | None = None
    attempts: int = 0
    called_at: datetime | None = None
    started_at: datetime | None = None
    ended_at: datetime | None = None
    hop: int = 0
    origin_id: str | None = None
    clerk: str | None = None

    @property
    def is_priority(self) -> bool:
        return self.priority is not Priority.NORMAL

    def waited_s(self, now: datetime) -> float:
        end = self.called_at if self.called_at is not None else now
        return max(0.0, (end - self.queued_at).total_seconds())


@dataclass(eq=False)
class Window:
    spec: WindowSpec
    status: WindowStatus = WindowStatus.CLOSED
    queues: tuple[str, ...] = ()
    current: Ticket | None = None
    since: datetime | None = None
    clerk: str | None = None
    served_today: int = 0
    #: when this window last called (or recalled) a number; not stored (after a restart the
    #: current ticket's call time stands in)
    last_call_at: datetime | None = None

    @property
    def number(self) -> int:
        return self.spec.number


@dataclass(frozen=True)
class Call:
    """A number called (or recalled) to a window: the ``calls`` payload."""

    number: str
    queue: str
    window: int
    window_name: str
    attempt: int
    at: datetime
    ticket_id: str = ""
    priority: Priority = Priority.NORMAL


@dataclass
class Change:
    """What one engine operation touched: the store persists it, the publisher announces it."""

    action: str
    tickets: list[Ticket] = field(default_factory=list)
    windows: list[Window] = field(default_factory=list)
    call: Call | None = None
    counters: dict[str, int] = field(default_factory=dict)
    day: date | None = None

"""Read-only views of the hall (what boards, tickets and the API show) and restoring state.

Views are computed from the engine's state at a given ``now``; nothing here mutates a ticket.
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from queue_server.engine.hall import Hall
from queue_server.engine.model import Call, Ticket, TicketState, Window, WindowStatus
from queue_server.engine.prediction import predict_wait_s, servers_for


@dataclass(frozen=True)
class QueueView:
    code: str
    name: str
    waiting: int
    predicted_wait_s: int
    last_called: str | None
    longest_wait_s: int
    target_wait_s: int
    service_s: float
    servers: float


@dataclass(frozen=True)
class TicketView:
    ticket: Ticket
    ahead: int
    predicted_wait_s: int


def queue_servers(hall: Hall, code: str) -> float:
    """Windows open for ``code``, or the windows configured for it when none is open yet."""
    servers = servers_for(code, hall.windows.values())
    if servers > 0:
        return servers
    configured = servers_for(code, hall.windows.values(), (WindowStatus.OPEN, WindowStatus.PAUSED,
                                                           WindowStatus.CLOSED))
    return max(1.0, configured)


def queue_view(hall: Hall, code: str, now: datetime) -> QueueView:
    line = hall.lines[code]
    spec = hall.queues[code]
    service = hall.service.mean_s(code)
    servers = queue_servers(hall, code)
    oldest = line.oldest()
    return QueueView(
        code=code, name=spec.name, waiting=len(line),
        predicted_wait_s=round(predict_wait_s(len(line), service, servers)),
        last_called=hall.last_called.get(code),
        longest_wait_s=round(oldest.waited_s(now)) if oldest else 0,
        target_wait_s=round(spec.target_wait_s), service_s=service, servers=servers)


def ticket_view(hall: Hall, t: Ticket) -> TicketView:
    if t.state is not TicketState.WAITING or t.day != hall.day:
        return TicketView(t, 0, 0)
    line = hall.lines[t.queue]
    ahead = line.ahead_of(t)
    wait = predict_wait_s(ahead, hall.service.mean_s(t.queue), queue_servers(hall, t.queue))
    return TicketView(t, ahead, round(wait))


def recent_calls(hall: Hall) -> list[Call]:
    return list(hall.recent)


def restore(hall: Hall, tickets: Iterable[Ticket], windows: Iterable[tuple[int, str, tuple[str, ...],
            str | None, datetime | None, str | None]], counters: dict[str, int], issuing: bool = True) -> None:
    """Load a day's state (from the store) into a freshly built ``hall`` of the same day.

    ``windows`` rows are ``(number, status, queues, current ticket id, since, clerk)``.
    Open tickets of earlier days are left to the caller to expire (``Hall.rollover``).
    """
    hall.issuing = issuing
    ordered = sorted(tickets, key=lambda t: (t.issued_at, t.hop))
    for t in ordered:
        hall._register(t)  # the engine's own index; restore is part of the engine
        if t.state is TicketState.WAITING:
            hall.lines[t.queue].add(t)
        if t.hop == 0:
            hall.arrivals.add(t.queue, t.issued_at)
            if hall.first_issue is None or t.issued_at < hall.first_issue:
                hall.first_issue = t.issued_at
    for code, last in counters.items():
        if code in hall.counters:
            hall.counters[code] = max(hall.counters[code], last)
    for t in sorted((t for t in ordered if t.state is TicketState.DONE and t.ended_at and t.called_at),
                    key=lambda t: t.ended_at or t.issued_at):
        hall.service.add(t.queue, ((t.ended_at or t.issued_at) - (t.called_at or t.issued_at)).total_seconds())
        if t.window in hall.windows:
            hall.windows[t.window].served_today += 1
    called = sorted((t for t in ordered if t.called_at is not None), key=lambda t: t.called_at or t.issued_at)
    for t in called:
        hall.last_called[t.queue] = t.number
        w = hall.windows.get(t.window or 0)
        if w is not None:
            hall.recent.appendleft(Call(t.number, t.queue, w.number, w.spec.name, max(1, t.attempts),
                                        t.called_at or t.issued_at, t.id, t.priority))
    by_id = {t.id: t for t in ordered}
    for number, status, queues, current_id, since, clerk in windows:
        w = hall.windows.get(number)
        if w is None:
            continue
        _restore_window(w, status, queues, by_id.get(current_id or ""), since, clerk)


def _restore_window(w: Window, status: str, queues: tuple[str, ...], current: Ticket | None,
                    since: datetime | None, clerk: str | None) -> None:
    w.status = WindowStatus(status)
    w.queues = queues if queues or w.spec.kind.value == "elastic" else w.queues
    w.current = current if current is not None and current.state.active else None
    w.since, w.clerk = since, clerk

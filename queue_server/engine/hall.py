"""The hall as a state machine: tickets in queues, windows calling them.

Every operation takes the current time ``now`` and returns a :class:`Change` naming what it
touched, for the store to persist and the publisher to announce. The engine never reads the
clock, never blocks and never does I/O, so a business day replays in a second.

Ticket life: ``waiting → called → serving → done``; from ``called`` also ``no_show``; from
``waiting``/``called``/``serving`` also ``transferred`` and ``cancelled``; ``expired`` when the
business day ends with the ticket still open. Numbers run ``A001, A002, …`` per queue per
business day (the day in the hall's time zone).

Transfer rule: the ticket ends as ``transferred`` and a new ticket with the *same number*
waits in the target queue, keeping its priority class and its place by the issue time of its
first ticket. It therefore goes ahead of everyone who took a ticket after the citizen did,
and the citizen never starts over at the back of the line.
"""
from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Sequence
from datetime import date, datetime, tzinfo

from queue_server.engine import errors
from queue_server.engine.model import (
    Call,
    Change,
    ItemSpec,
    Policy,
    Priority,
    QueueSpec,
    Ticket,
    TicketState,
    Window,
    WindowKind,
    WindowSpec,
    WindowStatus,
)
from queue_server.engine.prediction import Arrivals, ServiceTimes
from queue_server.engine.routing import QueueLine, choose_line


def ticket_id(day: date, number: str, hop: int) -> str:
    return f"{day:%Y%m%d}-{number}-{hop}"


class Hall:
    """All queues and windows of one hall for one business day (rolling to the next)."""

    def __init__(self, queues: Sequence[QueueSpec], windows: Sequence[WindowSpec],
                 items: Sequence[ItemSpec], policy: Policy, tz: tzinfo, day: date) -> None:
        self.tz = tz
        self.policy = policy
        self.queues = {q.code: q for q in queues}
        self.items = {i.code: i for i in items}
        self.windows = {w.number: Window(w, queues=w.initial_queues()) for w in windows}
        self.issuing = True
        self.service = ServiceTimes(policy.service_sample, {q.code: q.prior_service_s for q in queues})
        self._start_day(day)

    def _start_day(self, day: date) -> None:
        self.day = day
        self.lines = {c: QueueLine(q, self.policy.max_priority_streak) for c, q in self.queues.items()}
        self.tickets: dict[str, Ticket] = {}
        self._by_number: dict[str, Ticket] = {}
        self._by_request: dict[str, Ticket] = {}
        self.counters = {c: 0 for c in self.queues}
        self.recent: deque[Call] = deque(maxlen=self.policy.recent_calls)
        self.last_called: dict[str, str | None] = {c: None for c in self.queues}
        self.arrivals = Arrivals(self.policy.arrival_window_s)
        self.first_issue: datetime | None = None
        for w in self.windows.values():
            w.served_today = 0

    # -- lookups ---------------------------------------------------------------------------

    def business_day(self, now: datetime) -> date:
        return now.astimezone(self.tz).date()

    def window(self, n: int) -> Window:
        try:
            return self.windows[n]
        except KeyError:
            raise errors.UnknownWindow(zh=f"窗口 {n} 不存在", en=f"no window {n}", window=n) from None

    def find(self, number: str) -> Ticket:
        """Today's ticket with this number (after a transfer: the one in its new queue)."""
        t = self._by_number.get(number.upper())
        if t is None:
            raise errors.TicketNotFound(zh=f"今天没有 {number} 号", en=f"no ticket {number} today", number=number)
        return t

    def by_request(self, request_id: str) -> Ticket | None:
        return self._by_request.get(request_id)

    def waiting_tickets(self, queue: str) -> list[Ticket]:
        return list(self.lines[queue])

    def _register(self, t: Ticket) -> None:
        self.tickets[t.id] = t
        self._by_number[t.number] = t
        if t.request_id:
            self._by_request[t.request_id] = t

    # -- the business day ------------------------------------------------------------------

    def rollover(self, now: datetime) -> Change | None:
        """End the business day when ``now`` is on a later day: every open ticket expires."""
        day = self.business_day(now)
        if day <= self.day:
            return None
        change = Change("expire_day", day=day)
        for t in self.tickets.values():
            if t.state.active:
                t.state, t.ended_at = TicketState.EXPIRED, now
                change.tickets.append(t)
        for w in self.windows.values():
            if w.current is not None:
                w.current = None
                change.windows.append(w)
        self._start_day(day)
        change.counters = dict(self.counters)
        return change

    def _roll(self, now: datetime, change: Change) -> Change:
        rolled = self.rollover(now)
        if rolled is not None:
            change.tickets[:0] = rolled.tickets
            change.windows[:0] = rolled.windows
            change.counters.update(rolled.counters)
            change.day = rolled.day
        return change

    # -- issuing ---------------------------------------------------------------------------

    def resolve_queue(self, queue: str | None, item: str | None) -> tuple[str, str | None]:
        if item is not None:
            spec = self.items.get(item)
            if spec is None:
                raise errors.UnknownItem(zh=f"没有事项 {item}", en=f"no service item {item}", item=item)
            if queue is not None and queue.upper() != spec.queue:
                raise errors.UnknownQueue(zh=f"事项 {item} 属于 {spec.queue} 队列",
                                          en=f"item {item} is served in queue {spec.queue}, not {queue}",
                                          item=item, queue=queue)
            return spec.queue, item
        if queue is None:
            raise errors.UnknownQueue(zh="请指定队列或事项", en="give a queue or a service item")
        code = queue.upper()
        if code not in self.queues:
            raise errors.UnknownQueue(zh=f"没有 {queue} 队列", en=f"no queue {queue}", queue=queue)
        return code, None

    def issue(self, now: datetime, *, queue: str | None = None, item: str | None = None,
              priority: Priority = Priority.NORMAL, source: str | None = None,
              holder: str | None = None, holder_ref: str | None = None,
              request_id: str | None = None, seq: int | None = None) -> tuple[Ticket, Change | None]:
        """A new ticket, or the first answer again for a repeated ``request_id`` (no change).

        ``seq`` lets the store hand out the number (so two processes never share one); when
        given it must be higher than any number this engine has issued today.
        """
        change = self._roll(now, Change("issue"))
        if request_id and request_id in self._by_request:
            return self._by_request[request_id], (change if change.tickets or change.day else None)
        code, item_code = self.resolve_queue(queue, item)
        if not self.issuing:
            raise errors.IssuingStopped()
        if holder_ref:
            for other in self.tickets.values():
                if (other.holder_ref == holder_ref and other.queue == code
                        and other.state in (TicketState.WAITING, TicketState.CALLED)):
                    raise errors.AlreadyWaiting(zh=f"您已有 {other.number} 号在等候",
                                               en=f"you already hold ticket {other.number}", number=other.number)
        if seq is None:
            seq = self.counters[code] + 1
        elif seq <= self.counters[code]:
            raise ValueError(f"number {code}{seq:03d} was already issued today")
        number = f"{code}{seq:03d}"
        t = Ticket(id=ticket_id(self.day, number, 0), day=self.day, number=number, queue=code, seq=seq,
                   priority=Priority(priority), issued_at=now, queued_at=now, item=item_code,
                   source=source, holder=holder, holder_ref=holder_ref, request_id=request_id)
        self._register(t)
        self.lines[code].add(t)
        self.arrivals.add(code, now)
        self.counters[code] = seq
        if self.first_issue is None:
            self.first_issue = now
        change.tickets.append(t)
        change.counters[code] = seq
        return t, change

    def set_issuing(self, now: datetime, issuing: bool) -> Change:
        self.issuing = issuing
        return self._roll(now, Change("resume_issuing" if issuing else "stop_issuing"))

    # -- a window's work -------------------------------------------------------------------

    def _finish(self, now: datetime, w: Window, t: Ticket) -> None:
        t.started_at = t.started_at or t.called_at or now
        t.state, t.ended_at = TicketState.DONE, now
        if t.called_at is not None:
            self.service.add(t.queue, (now - t.called_at).total_seconds())
        w.served_today += 1
        w.current = None

    def call_next(self, now: datetime, n: int, clerk: str | None = None, *, call_starts: bool = False) -> Change:
        """Call the next ticket to window ``n``; ``change.call`` is None when nobody waits.

        A press within ``policy.call_guard_s`` of the window's last call, its ticket not yet
        started, is a double press: nothing changes (action ``call_guarded``, the current
        ticket in ``change.tickets``). Otherwise a current ticket being served counts as
        served; one called but never started ends as ``not_started`` (no service, no rating),
        unless ``call_starts`` (a caller keypad has no start key: its call is the start)."""
        change = self._roll(now, Change("call_next"))
        w = self.window(n)
        if w.status is not WindowStatus.OPEN:
            raise errors.WindowNotOpen(zh=f"{w.spec.name}未开放", en=f"window {n} is {w.status}", window=n)
        cur = w.current
        if cur is not None and cur.state is TicketState.CALLED:
            last = w.last_call_at or cur.called_at
            if last is not None and (now - last).total_seconds() < self.policy.call_guard_s:
                change.action = "call_guarded"
                change.tickets.append(cur)
                return change
        if cur is not None:
            change.tickets.append(cur)
            if cur.state is TicketState.CALLED and not call_starts:
                cur.state, cur.ended_at = TicketState.NOT_STARTED, now
                w.current = None
            else:
                self._finish(now, w, cur)
        line = choose_line([self.lines[q] for q in w.queues if q in self.lines], now)
        if clerk is not None:
            w.clerk = clerk
        change.windows.append(w)
        if line is None:
            return change
        t = line.next_ticket()
        assert t is not None
        line.take(t)
        t.state, t.window, t.called_at, t.attempts = TicketState.CALLED, n, now, 1
        t.clerk = clerk or w.clerk
        w.current = t
        self.last_called[t.queue] = t.number
        change.tickets.append(t)
        change.call = self._announce(now, w, t)
        return change

    def _announce(self, now: datetime, w: Window, t: Ticket) -> Call:
        call = Call(number=t.number, queue=t.queue, window=w.number, window_name=w.spec.name,
                    attempt=t.attempts, at=now, ticket_id=t.id, priority=t.priority)
        w.last_call_at = now
        self.recent.appendleft(call)
        return call

    def _current(self, n: int, *allowed: TicketState) -> tuple[Window, Ticket]:
        w = self.window(n)
        t = w.current
        if t is None:
            raise errors.NoCurrentTicket(zh=f"{w.spec.name}没有正在办理的号", en=f"window {n} has no current ticket",
                                         window=n)
        if allowed and t.state not in allowed:
            raise errors.InvalidTransition(zh=f"{t.number} 当前状态为 {t.state}", en=f"ticket {t.number} is {t.state}",
                                           number=t.number, state=str(t.state))
        return w, t

    def recall(self, now: datetime, n: int) -> Change:
        """Call the current ticket again; past ``max_recalls`` recalls it becomes a no-show."""
        change = self._roll(now, Change("recall"))
        w, t = self._current(n, TicketState.CALLED)
        if t.attempts > self.policy.max_recalls:
            return self._no_show(now, w, t, change)
        t.attempts += 1
        change.tickets.append(t)
        change.windows.append(w)
        change.call = self._announce(now, w, t)
        return change

    def _no_show(self, now: datetime, w: Window, t: Ticket, change: Change) -> Change:
        t.state, t.ended_at = TicketState.NO_SHOW, now
        w.current = None
        change.action = "no_show"
        change.tickets.append(t)
        change.windows.append(w)
        return change

    def no_show(self, now: datetime, n: int) -> Change:
        change = self._roll(now, Change("no_show"))
        w, t = self._current(n, TicketState.CALLED)
        return self._no_show(now, w, t, change)

    def start(self, now: datetime, n: int) -> Change:
        change = self._roll(now, Change("start"))
        w, t = self._current(n, TicketState.CALLED)
        t.state, t.started_at = TicketState.SERVING, now
        change.tickets.append(t)
        change.windows.append(w)
        return change

    def finish(self, now: datetime, n: int) -> Change:
        change = self._roll(now, Change("finish"))
        w, t = self._current(n, TicketState.CALLED, TicketState.SERVING)
        self._finish(now, w, t)
        change.tickets.append(t)
        change.windows.append(w)
        return change

    def transfer(self, now: datetime, n: int, queue: str) -> Change:
        """Move window ``n``'s current ticket to ``queue`` (see the module's transfer rule)."""
        change = self._roll(now, Change("transfer"))
        w, t = self._current(n)
        new = self._transfer(now, t, self._target(t, queue))
        w.current = None
        change.tickets += [t, new]
        change.windows.append(w)
        return change

    def transfer_ticket(self, now: datetime, number: str, queue: str) -> Change:
        """Move any open ticket (waiting, or at a window) to ``queue``; the manager's transfer."""
        change = self._roll(now, Change("transfer"))
        t = self._open_ticket(number)
        code = self._target(t, queue)
        self._detach(t, change)
        change.tickets += [t, self._transfer(now, t, code)]
        return change

    def _open_ticket(self, number: str) -> Ticket:
        t = self.find(number)
        if not t.state.active:
            raise errors.InvalidTransition(zh=f"{t.number} 已结束", en=f"ticket {t.number} is {t.state}",
                                           number=t.number)
        return t

    def _detach(self, t: Ticket, change: Change) -> None:
        """Take an open ticket out of its queue line, or off the window that has it."""
        if t.state is TicketState.WAITING:
            self.lines[t.queue].remove(t)
        elif t.window is not None and self.windows[t.window].current is t:
            self.windows[t.window].current = None
            change.windows.append(self.windows[t.window])

    def _target(self, t: Ticket, queue: str) -> str:
        code = queue.upper()
        if code not in self.queues:
            raise errors.UnknownQueue(zh=f"没有 {queue} 队列", en=f"no queue {queue}", queue=queue)
        if code == t.queue:
            raise errors.InvalidTransition(zh=f"{t.number} 已在 {code} 队列", en=f"already in queue {code}",
                                           number=t.number)
        return code

    def _transfer(self, now: datetime, t: Ticket, code: str) -> Ticket:
        t.state, t.ended_at = TicketState.TRANSFERRED, now
        new = Ticket(id=ticket_id(self.day, t.number, t.hop + 1), day=self.day, number=t.number,
                     queue=code, seq=t.seq, priority=t.priority, issued_at=now, queued_at=t.queued_at,
                     item=t.item, source=t.source, holder=t.holder, holder_ref=t.holder_ref,
                     hop=t.hop + 1, origin_id=t.id)
        self._register(new)
        self.lines[code].add(new)
        return new

    def cancel(self, now: datetime, number: str) -> Change:
        change = self._roll(now, Change("cancel"))
        t = self._open_ticket(number)
        self._detach(t, change)
        t.state, t.ended_at = TicketState.CANCELLED, now
        change.tickets.append(t)
        return change

    # -- window status ---------------------------------------------------------------------

    def _set_status(self, now: datetime, n: int, status: WindowStatus, action: str,
                    clerk: str | None = None) -> Change:
        change = self._roll(now, Change(action))
        w = self.window(n)
        if status is WindowStatus.CLOSED and w.current is not None and w.current.state.active:
            raise errors.InvalidTransition(
                zh=f"{w.spec.name}仍有 {w.current.number} 号，请先办结或转移",
                en=f"finish or transfer {w.current.number} before closing window {n}", window=n,
                number=w.current.number)
        if w.status is not status:
            w.status, w.since = status, now
        if clerk is not None:
            w.clerk = clerk
        change.windows.append(w)
        return change

    def open_window(self, now: datetime, n: int, clerk: str | None = None,
                    queues: Iterable[str] | None = None) -> Change:
        change = self._set_status(now, n, WindowStatus.OPEN, "open_window", clerk)
        if queues is not None:
            self._assign(self.window(n), queues)
        return change

    def pause_window(self, now: datetime, n: int) -> Change:
        return self._set_status(now, n, WindowStatus.PAUSED, "pause_window")

    def close_window(self, now: datetime, n: int) -> Change:
        return self._set_status(now, n, WindowStatus.CLOSED, "close_window")

    def assign_queues(self, now: datetime, n: int, queues: Iterable[str]) -> Change:
        change = self._roll(now, Change("assign_queues"))
        w = self.window(n)
        self._assign(w, queues)
        change.windows.append(w)
        return change

    def _assign(self, w: Window, queues: Iterable[str]) -> None:
        codes = tuple(dict.fromkeys(q.upper() for q in queues))
        for c in codes:
            if c not in self.queues:
                raise errors.UnknownQueue(zh=f"没有 {c} 队列", en=f"no queue {c}", queue=c)
        if w.spec.kind is not WindowKind.ELASTIC and codes != w.queues:
            raise errors.InvalidTransition(
                zh=f"{w.spec.name}是固定窗口，只办理 {''.join(w.queues)} 队列",
                en=f"window {w.number} is a {w.spec.kind} window; only elastic windows take other queues",
                window=w.number)
        w.queues = codes

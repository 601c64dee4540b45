"""Engine objects → contract payloads (the same shapes on MQTT and over HTTP)."""
from __future__ import annotations

from datetime import datetime, tzinfo

from hall_contract import protocol as p
from queue_server.engine import Advice, Call, Hall, Ticket, Window, queue_view, ticket_view


def iso(dt: datetime | None, tz: tzinfo) -> str | None:
    return None if dt is None else dt.astimezone(tz).isoformat(timespec="seconds")


def ticket_public(hall: Hall, t: Ticket, status_url: str = "") -> p.TicketPublic:
    view = ticket_view(hall, t)
    item = hall.items.get(t.item or "")
    w = hall.windows.get(t.window or 0)
    return p.TicketPublic(
        number=t.number, queue=t.queue, queue_name=hall.queues[t.queue].name if t.queue in hall.queues else "",
        item=t.item, item_name=item.name if item else None, priority=t.priority.value, state=t.state.value,
        issued_at=iso(t.issued_at, hall.tz) or "", window=t.window, window_name=w.spec.name if w else None,
        ahead=view.ahead, predicted_wait_s=view.predicted_wait_s, attempts=t.attempts,
        called_at=iso(t.called_at, hall.tz), holder=t.holder,
        status_url=status_url.replace("{number}", t.number) if status_url else None)


def call_message(call: Call, tz: tzinfo) -> p.CallMessage:
    return p.CallMessage(number=call.number, queue=call.queue, window=call.window, window_name=call.window_name,
                         attempt=call.attempt, at=iso(call.at, tz) or "", priority=call.priority.value)


def queue_state(hall: Hall, code: str, now: datetime) -> p.QueueState:
    v = queue_view(hall, code, now)
    return p.QueueState(code=v.code, name=v.name, waiting=v.waiting, predicted_wait_s=v.predicted_wait_s,
                        last_called=v.last_called, longest_wait_s=v.longest_wait_s, target_wait_s=v.target_wait_s)


def window_state(w: Window, tz: tzinfo) -> p.WindowState:
    return p.WindowState(number=w.number, name=w.spec.name, kind=w.spec.kind.value, status=w.status.value,
                         queues=list(w.queues), current=w.current.number if w.current else None,
                         since=iso(w.since, tz), current_state=w.current.state.value if w.current else None,
                         served_today=w.served_today, clerk=w.clerk)


def board(hall: Hall, now: datetime, hall_id: str, hall_name: str, notice: str | None) -> p.Board:
    return p.Board(hall=hall_id, hall_name=hall_name, at=iso(now, hall.tz) or "",
                   calls=[call_message(c, hall.tz) for c in hall.recent],
                   queues=[queue_state(hall, c, now) for c in hall.queues], notice=notice, issuing=hall.issuing)


def advice_message(advice: Advice, tz: tzinfo, auto_apply: bool, dismissed: set[str]) -> p.Advice:
    items = [p.AdviceItem(id=r.id, action="open" if r.action == "open" else "close", window=r.window,
                          window_name=r.window_name, queue=r.queue, reason=r.reason, reason_en=r.reason_en)
             for r in advice.recommendations if r.id not in dismissed]
    msg = p.Advice(at=iso(advice.at, tz) or "", recommendations=items, auto_apply=auto_apply)
    if items:
        first = items[0]
        msg.action, msg.window, msg.queue = first.action, first.window, first.queue
        msg.reason, msg.reason_en = first.reason, first.reason_en
    else:
        msg.reason, msg.reason_en = advice.status, advice.status_en  # true to the queues (the advisor checks)
    return msg

"""预约: slots with a capacity per queue or item, bookings with a booking code, check-in around the slot.

A booking checked in from ``early_min`` before its slot until ``late_min`` after the slot starts gets an
``appointment`` ticket; later, a normal ticket and a message saying why; earlier, nothing yet (the
answer says from when). A booking never checked in is ``missed`` once its check-in window has passed.
"""
from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from hall_contract.protocol import IssueTicketArgs, TicketPublic
from queue_server.actor import Actor
from queue_server.appointment_settings import AppointmentsConfig
from queue_server.frontdesk.citizens import hall_salt, holder_ref, mask_id, masked_name, normal_id
from queue_server.frontdesk.tables import appointment_t, slot_t
from queue_server.service import HallService

log = logging.getLogger(__name__)
#: booking codes are digits, for the kiosk's keypad
_CODE_DIGITS = 8


class BookingError(ValueError):
    """A booking or check-in that cannot be done; ``code`` and ``status`` say how the API answers."""

    def __init__(self, code: str, message: str, status: int = 409) -> None:
        super().__init__(message)
        self.code, self.status = code, status


@dataclass(frozen=True)
class CheckIn:
    ticket: TicketPublic
    on_time: bool
    message: str
    booking: dict[str, Any]


class AppointmentBook:
    def __init__(self, svc: HallService, engine: Engine, cfg: AppointmentsConfig) -> None:
        self.svc, self.engine, self.cfg = svc, engine, cfg
        self.tz = svc.tz
        self.salt = hall_salt(cfg.holder_salt, svc.settings.hall.id)

    # -- slots -----------------------------------------------------------------------------

    def _target(self, queue: str | None, item: str | None) -> tuple[str, str | None]:
        """The queue of a queue code or a service item of the hall's configuration."""
        s = self.svc.settings
        if item:
            found = next((i for i in s.items if i.code == item), None)
            if found is None:
                raise BookingError("unknown_item", f"没有事项 {item} (no service item {item})", 422)
            if queue and queue.upper() != found.queue:  # as a ticket's: an item is booked in its own queue
                raise BookingError("unknown_queue", f"事项 {item} 属于 {found.queue} 队列 "
                                   f"(item {item} belongs to queue {found.queue})", 422)
            return found.queue, item
        code = (queue or "").upper()
        if code not in {q.code for q in s.queues}:
            raise BookingError("unknown_queue", f"没有队列 {queue} (no queue {queue})", 422)
        return code, None

    def ensure_day(self, conn: Connection, day: date) -> None:
        """The configured slots exist on ``day`` (made the first time the day is looked at, from today to
        ``days_ahead``: a look at any other day writes nothing)."""
        today = self.svc.now().date()
        if not today <= day <= today + timedelta(days=self.cfg.days_ahead):
            return
        have = {(r.start, r.queue, r.item) for r in conn.execute(
            sa.select(slot_t.c.start, slot_t.c.queue, slot_t.c.item).where(slot_t.c.day == day))}
        for t in self.cfg.slots:
            try:
                queue, item = self._target(t.queue, t.item)
            except BookingError as err:  # a slot for a queue or item the hall does not have: said, left out
                log.warning("[appointments] slot at %s left out: %s", t.start, err)
                continue
            if (t.start, queue, item) not in have:
                conn.execute(slot_t.insert().values(day=day, start=t.start, end=t.end, queue=queue, item=item,
                                                    capacity=t.capacity))

    def add_slot(self, day: date, start: str, end: str, queue: str | None, item: str | None,
                 capacity: int) -> dict[str, Any]:
        queue_code, item = self._target(queue, item)
        if end <= start:
            raise BookingError("invalid_slot", "结束时间须晚于开始时间 (a slot ends after it starts)")
        with self.engine.begin() as conn:
            self.ensure_day(conn, day)
            r = conn.execute(sa.select(slot_t).where(slot_t.c.day == day, slot_t.c.start == start,
                                                     slot_t.c.queue == queue_code, _is(slot_t.c.item, item))).first()
            if r is not None:
                conn.execute(slot_t.update().where(slot_t.c.id == r.id).values(end=end, capacity=capacity))
            else:
                conn.execute(slot_t.insert().values(day=day, start=start, end=end, queue=queue_code, item=item,
                                                    capacity=capacity))
        return next(s for s in self.slots(day) if s["start"] == start and s["queue"] == queue_code
                    and s["item"] == item)

    def slots(self, day: date) -> list[dict[str, Any]]:
        with self.engine.begin() as conn:
            self.ensure_day(conn, day)
            taken: dict[int, int] = dict(conn.execute(sa.select(appointment_t.c.slot_id, sa.func.count())
                                      .where(appointment_t.c.day == day, appointment_t.c.state != "cancelled")
                                      .group_by(appointment_t.c.slot_id)).all())
            rows = conn.execute(sa.select(slot_t).where(slot_t.c.day == day).order_by(slot_t.c.start, slot_t.c.queue))
            return [{"id": r.id, "date": day.isoformat(), "start": r.start, "end": r.end, "queue": r.queue,
                     "item": r.item, "capacity": r.capacity, "booked": int(taken.get(r.id, 0)),
                     "free": max(r.capacity - int(taken.get(r.id, 0)), 0)} for r in rows]

    # -- bookings --------------------------------------------------------------------------

    def book(self, day: date, start: str, queue: str | None, item: str | None, id_number: str,
             name: str | None = None, source: str = "api", ext_ref: str | None = None,
             conn: Connection | None = None) -> dict[str, Any]:
        """Book a place in the slot at ``start`` (one booking per person and slot)."""
        number = normal_id(id_number)
        queue_code, item = self._target(queue, item)
        if source == "api" and day > self.svc.now().date() + timedelta(days=self.cfg.days_ahead):
            raise BookingError("too_far_ahead", f"只能预约 {self.cfg.days_ahead} 天内 "
                               f"(bookings up to {self.cfg.days_ahead} days ahead)")
        if conn is None:
            with self.engine.begin() as c:
                return self.book(day, start, queue, item, number, name, source, ext_ref, c)
        self.ensure_day(conn, day)
        slot = conn.execute(sa.select(slot_t).where(slot_t.c.day == day, slot_t.c.start == start,
                                                    slot_t.c.queue == queue_code, _is(slot_t.c.item, item))
                            .with_for_update()).first()
        if slot is None:
            raise BookingError("no_slot", f"{day} {start} 没有可预约的时段 (no slot at {day} {start})", 404)
        ref = holder_ref(number, self.salt)
        live = appointment_t.c.state != "cancelled"
        booked = conn.execute(sa.select(sa.func.count()).where(appointment_t.c.slot_id == slot.id, live)).scalar_one()
        if conn.execute(sa.select(appointment_t.c.id).where(appointment_t.c.slot_id == slot.id, live,
                                                            appointment_t.c.holder_ref == ref)).first():
            raise BookingError("already_booked", "该时段已有此人的预约 (this person already has this slot)")
        if booked >= slot.capacity:
            raise BookingError("slot_full", f"{start} 时段已约满 (the {start} slot is full)")
        hh, mm = (int(x) for x in start.split(":"))
        row = {"code": _new_code(conn), "slot_id": slot.id, "day": day, "queue": queue_code, "item": item,
               "starts_at": datetime.combine(day, time(hh, mm), self.tz), "holder": masked_name(name),
               "holder_id": mask_id(number), "holder_ref": ref, "source": source, "ext_ref": ext_ref,
               "state": "booked", "created_at": self.svc.now()}
        conn.execute(appointment_t.insert().values(**row))
        return self._out(row)

    def cancel(self, code: str) -> dict[str, Any]:
        """Cancel a booking not yet checked in (its place is free again)."""
        with self.engine.begin() as conn:
            r = conn.execute(sa.select(appointment_t).where(appointment_t.c.code == code.strip())).first()
            if r is None:
                raise BookingError("booking_not_found", "没有此预约 (no such booking)", 404)
            if r.state != "booked" or self.svc.now() > self._closes(r.starts_at):
                raise BookingError("not_cancellable", "此预约已签到或已过期，不能取消 "
                                   "(the booking was checked in or has passed)")
            conn.execute(appointment_t.update().where(appointment_t.c.id == r.id).values(state="cancelled"))
        return self._out({**r._mapping, "state": "cancelled"})

    def bookings(self, day: date) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(appointment_t).where(appointment_t.c.day == day)
                                .order_by(appointment_t.c.starts_at, appointment_t.c.id))
            return [self._out(dict(r._mapping)) for r in rows]

    def _out(self, r: dict[str, Any]) -> dict[str, Any]:
        state = r["state"]
        if state == "booked" and self.svc.now() > self._closes(r["starts_at"]):
            state = "missed"
        return {"code": r["code"], "date": r["day"].isoformat(), "start": r["starts_at"].astimezone(self.tz)
                .strftime("%H:%M"), "queue": r["queue"], "item": r["item"], "holder": r["holder"],
                "holder_id": r["holder_id"], "source": r["source"], "ext_ref": r["ext_ref"], "state": state,
                "ticket": r.get("ticket")}

    def _opens(self, starts_at: datetime) -> datetime:
        return starts_at - timedelta(minutes=self.cfg.early_min)

    def _closes(self, starts_at: datetime) -> datetime:
        return starts_at + timedelta(minutes=self.cfg.late_min)

    # -- check-in --------------------------------------------------------------------------

    def check_in(self, actor: Actor, code: str | None = None, id_number: str | None = None,
                 ref: str | None = None) -> CheckIn:
        """Check in today's booking by its code, a typed ID number or a kiosk's holder reference."""
        now = self.svc.now()
        cond: Any
        if code:
            cond = appointment_t.c.code == code.strip().upper()
        elif id_number or ref:
            cond = appointment_t.c.holder_ref == (ref or holder_ref(normal_id(id_number or ""), self.salt))
        else:
            raise BookingError("invalid_request", "请出示预约码或身份证 (a booking code or an ID card is needed)", 422)
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(appointment_t).where(cond, appointment_t.c.day == now.date(),
                                                               appointment_t.c.state == "booked")
                                .order_by(appointment_t.c.starts_at)).all()
        if not rows:
            return self._again(cond, now)
        r = next((x for x in rows if now <= self._closes(x.starts_at)), rows[-1])
        if now < self._opens(r.starts_at):
            opens = self._opens(r.starts_at).astimezone(self.tz).strftime("%H:%M")
            raise BookingError("too_early", f"预约时间未到，请于 {opens} 后签到 (check-in opens at {opens})")
        on_time = now <= self._closes(r.starts_at)
        args = IssueTicketArgs(queue=r.queue, item=r.item, priority="appointment" if on_time else "normal",
                               source="appointment", holder=r.holder, request_id=f"appointment:{r.code}")
        ticket, _ = self.svc.issue(args, actor)
        with self.engine.begin() as conn:
            conn.execute(appointment_t.update().where(appointment_t.c.id == r.id).values(
                state="checked_in" if on_time else "late", ticket=ticket.number, checked_in_at=now))
        start = r.starts_at.astimezone(self.tz).strftime("%H:%M")
        if on_time:
            msg = (f"预约签到成功，请留意 {ticket.number} 号叫号 "
                   f"(checked in: your appointment ticket is {ticket.number})")
        else:
            late = int((now - r.starts_at).total_seconds() // 60)
            msg = (f"您预约的是 {start}，已超过签到时间 {late - self.cfg.late_min} 分钟，"
                   f"已为您取普通号 {ticket.number} "
                   f"(your booking was for {start}; check-in closed {self.cfg.late_min} min after it, "
                   f"so {ticket.number} is a normal ticket)")
        booking = self._out({**r._mapping, "state": "checked_in" if on_time else "late", "ticket": ticket.number})
        return CheckIn(ticket, on_time, msg, booking)

    def _again(self, cond: Any, now: datetime) -> CheckIn:
        """A booking checked in before (a retried request, a second visit to the kiosk): its ticket again."""
        with self.engine.connect() as conn:
            r = conn.execute(sa.select(appointment_t).where(cond, appointment_t.c.day == now.date(),
                                                            appointment_t.c.state.in_(("checked_in", "late")))
                             .order_by(appointment_t.c.checked_in_at.desc())).first()
        if r is None or r.ticket is None:
            raise BookingError("booking_not_found", "没有找到今天的预约 (no booking for today was found)", 404)
        ticket = self.svc.ticket_public(r.ticket)
        msg = f"您已签到，号码 {r.ticket} (already checked in: your ticket is {r.ticket})"
        return CheckIn(ticket, r.state == "checked_in", msg, self._out(dict(r._mapping)))

    def figures(self, day: date) -> dict[str, int]:
        """The day's bookings: booked, checked in on time, late, missed, still to come."""
        out = {"booked": 0, "checked_in": 0, "late": 0, "missed": 0, "pending": 0, "cancelled": 0}
        for b in self.bookings(day):
            state = b["state"]
            out["booked"] += state != "cancelled"
            key = "pending" if state == "booked" else state
            out[key] = out.get(key, 0) + 1
        return out


def _is(col: Any, value: str | None) -> Any:
    return col.is_(None) if value is None else col == value


def _new_code(conn: Connection) -> str:
    while True:
        code = "".join(secrets.choice("0123456789") for _ in range(_CODE_DIGITS))
        if conn.execute(sa.select(appointment_t.c.id).where(appointment_t.c.code == code)).first() is None:
            return code

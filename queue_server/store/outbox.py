"""The uplink outbox: every event for the province, written in the transaction of its change.

:meth:`Outbox.record_change` runs inside :meth:`Store.persist` (tickets issued, called, ended;
windows opened and closed); :meth:`record_rating` and :meth:`record_follow_up` inside the
rating desk's transactions. Nothing else feeds the uplink, so an event exists exactly when its
change was committed.

Sequence numbers come from one counter row per hall, raised by an upsert inside the same
transaction (``uplink_seq.last + k ... RETURNING``): the row lock holds a second process back
until the first commits or rolls back, so numbers never repeat, never skip, and are committed
in order (the relay never sees 7 before 6). The relay's progress is ``uplink_sent``: every
event up to its ``seq`` was acknowledged by the province's stream.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Field, SQLModel

from hall_contract.uplink import (
    FollowUpData,
    RatingData,
    TicketCalled,
    TicketIssued,
    VisitEnded,
    WindowStatus,
    _Data,
    make_event,
)
from queue_server.engine.model import Change, Ticket, TicketState
from queue_server.store.fastpath import RawStatement
from queue_server.store.tables import AwareDateTime

#: ticket changes that make a new ticket (a first issue, or the new ticket of a transfer)
NEW_TICKET_ACTIONS = frozenset({"issue", "transfer"})
#: changes whose windows are reported (their status, queues or clerk changed)
WINDOW_ACTIONS = frozenset({"open_window", "pause_window", "close_window", "assign_queues", "init_windows"})

if TYPE_CHECKING:
    from queue_server.settings import Settings
    from queue_server.store import Store


class OutboxRow(SQLModel, table=True):
    __tablename__ = "uplink_outbox"

    hall: str = Field(primary_key=True, max_length=64)
    seq: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    day: date
    type: str = Field(max_length=16)
    at: datetime = Field(sa_type=AwareDateTime)
    body: str


class OutboxSeq(SQLModel, table=True):
    __tablename__ = "uplink_seq"

    hall: str = Field(primary_key=True, max_length=64)
    last: int = 0


class OutboxSent(SQLModel, table=True):
    __tablename__ = "uplink_sent"

    hall: str = Field(primary_key=True, max_length=64)
    seq: int = 0
    at: datetime = Field(sa_type=AwareDateTime)


outbox_t = OutboxRow.__table__  # type: ignore[attr-defined]
seq_t = OutboxSeq.__table__  # type: ignore[attr-defined]
sent_t = OutboxSent.__table__  # type: ignore[attr-defined]

Event = tuple[str, date, _Data]


def _insert(dialect: str, table: sa.Table) -> Any:
    return postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)


def _secs(a: datetime | None, b: datetime | None) -> float | None:
    return None if a is None or b is None else round(max(0.0, (b - a).total_seconds()), 6)


def _ticket(t: Ticket) -> dict[str, Any]:
    return {"ticket_id": t.id, "number": t.number, "queue": t.queue, "item": t.item, "priority": str(t.priority),
            "hop": t.hop, "window": t.window}


def change_events(change: Change, targets: dict[str, float], tz: tzinfo) -> list[Event]:
    """The uplink events of one engine change, in the order they happened (pure)."""
    out: list[Event] = []
    seen: dict[str, Ticket] = {t.id: t for t in change.tickets}
    for t in seen.values():
        base = _ticket(t)
        if t.state is TicketState.WAITING and change.action in NEW_TICKET_ACTIONS:
            out.append(("ticket_issued", t.day, TicketIssued(**base, issued_at=t.issued_at.astimezone(tz),
                                                             queued_at=t.queued_at.astimezone(tz), source=t.source)))
        elif t.state.active and change.call is not None and change.call.ticket_id == t.id:
            first = change.call.attempt == 1
            out.append(("ticket_called", t.day, TicketCalled(
                **base, attempt=change.call.attempt, clerk=t.clerk, called_at=change.call.at.astimezone(tz),
                wait_s=_secs(t.queued_at, t.called_at) if first else None,
                target_wait_s=targets.get(t.queue) if first else None)))
        elif not t.state.active and t.ended_at is not None:
            done = t.state is TicketState.DONE
            out.append(("visit_ended", t.day, VisitEnded(
                **base, outcome=t.state.value, ended_at=t.ended_at.astimezone(tz),  # type: ignore[arg-type]
                called_at=t.called_at.astimezone(tz) if t.called_at else None,
                wait_s=_secs(t.queued_at, t.called_at), service_s=_secs(t.called_at, t.ended_at) if done else None,
                clerk=t.clerk)))
    if change.action in WINDOW_ACTIONS:
        for w in {w.number: w for w in change.windows}.values():
            out.append(("window_status", change.day or _day_of(change, tz), WindowStatus(
                window=w.number, name=w.spec.name[:64], kind=str(w.spec.kind), status=str(w.status),  # type: ignore[arg-type]
                queues=list(w.queues), clerk=w.clerk)))
    return out


def _day_of(change: Change, tz: tzinfo) -> date:
    for w in change.windows:
        if w.since is not None:
            return w.since.astimezone(tz).date()
    return datetime.now(tz).date()


def rating_event(rec: Any) -> Event:
    """A rated visit (``rec`` is a :class:`~queue_server.store.ratings.RatingRecord`)."""
    return ("rating", rec.day, RatingData(
        ticket_id=rec.ticket_id, rating_id=rec.id, number=rec.number, queue=rec.queue, item=rec.item,
        window=rec.window, clerk=rec.clerk, level=rec.rating, reason=rec.reason, source=rec.source,
        follow_up=rec.follow_up))


def follow_up_event(rec: Any) -> Event:
    return ("follow_up", rec.day, FollowUpData(
        ticket_id=rec.ticket_id, rating_id=rec.id, number=rec.number, window=rec.window, clerk=rec.clerk,
        level=rec.rating, state=rec.follow_up, by=(rec.follow_up_by or "")[:64]))


class Outbox:
    """Writes one hall's events; every method runs on the caller's open transaction."""

    def __init__(self, hall_id: str, tz: tzinfo, targets: dict[str, float], dialect: sa.engine.Dialect) -> None:
        self.hall_id = hall_id
        self.tz = tz
        self.targets = targets
        ins = _insert(dialect.name, seq_t)
        self._reserve = RawStatement(ins.on_conflict_do_update(
            index_elements=["hall"], set_={"last": seq_t.c.last + ins.excluded.last}).returning(seq_t.c.last),
            dialect, ["hall", "last"])
        self._append = RawStatement(outbox_t.insert(), dialect, ["hall", "seq", "day", "type", "at", "body"])

    def record_change(self, conn: Connection, change: Change, at: datetime) -> int:
        return self.append(conn, change_events(change, self.targets, self.tz), at)

    def record_rating(self, conn: Connection, rec: Any, at: datetime) -> int:
        return self.append(conn, [rating_event(rec)], at)

    def record_follow_up(self, conn: Connection, rec: Any, at: datetime) -> int:
        return self.append(conn, [follow_up_event(rec)], at)

    def append(self, conn: Connection, events: list[Event], at: datetime) -> int:
        """Number the events and write them; the last sequence number (0 when there were none)."""
        if not events:
            return 0
        last = int(self._reserve.scalar(conn, {"hall": self.hall_id, "last": len(events)}))
        local = at.astimezone(self.tz)
        rows = []
        for i, (kind, day, data) in enumerate(events):
            seq = last - len(events) + 1 + i
            env = make_event(self.hall_id, seq, day, kind, local, data)
            rows.append({"hall": self.hall_id, "seq": seq, "day": day, "type": kind, "at": at,
                         "body": env.to_json().decode()})
        self._append.executemany(conn, rows)
        return last


# -- the relay's side ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Backlog:
    """Events written but not yet acknowledged by the province's stream."""

    hall: str
    last_seq: int
    sent_seq: int
    oldest_at: datetime | None
    sent_at: datetime | None

    @property
    def waiting(self) -> int:
        return self.last_seq - self.sent_seq

    def oldest_age_s(self, now: datetime | None = None) -> float:
        if self.oldest_at is None:
            return 0.0
        return max(0.0, ((now or datetime.now(UTC)) - self.oldest_at).total_seconds())


def backlog(engine: Engine, hall_id: str) -> Backlog:
    """The uplink's backlog of ``hall_id``: for ``/metrics``, ``hallctl doctor`` and the console."""
    with engine.connect() as conn:
        last = conn.execute(sa.select(seq_t.c.last).where(seq_t.c.hall == hall_id)).scalar() or 0
        sent = conn.execute(sa.select(sent_t.c.seq, sent_t.c.at).where(sent_t.c.hall == hall_id)).first()
        sent_seq, sent_at = (int(sent[0]), sent[1]) if sent is not None else (0, None)
        oldest = None
        if last > sent_seq:
            oldest = conn.execute(sa.select(outbox_t.c.at).where(outbox_t.c.hall == hall_id,
                                                                 outbox_t.c.seq == sent_seq + 1)).scalar()
    return Backlog(hall_id, int(last), sent_seq, oldest, sent_at)


def pending(engine: Engine, hall_id: str, after: int, limit: int = 500) -> list[tuple[int, str, str]]:
    """``(seq, type, body)`` of the events after ``after``, in order."""
    with engine.connect() as conn:
        rows = conn.execute(sa.select(outbox_t.c.seq, outbox_t.c.type, outbox_t.c.body)
                            .where(outbox_t.c.hall == hall_id, outbox_t.c.seq > after)
                            .order_by(outbox_t.c.seq).limit(limit))
        return [(int(s), str(t), str(b)) for s, t, b in rows]


def sent_seq(engine: Engine, hall_id: str) -> int:
    with engine.connect() as conn:
        return int(conn.execute(sa.select(sent_t.c.seq).where(sent_t.c.hall == hall_id)).scalar() or 0)


def mark_sent(engine: Engine, hall_id: str, seq: int, at: datetime | None = None) -> None:
    """Every event up to ``seq`` was acknowledged (the mark only moves forward)."""
    with engine.begin() as conn:
        ins = _insert(conn.dialect.name, sent_t).values(hall=hall_id, seq=seq, at=at or datetime.now(UTC))
        conn.execute(ins.on_conflict_do_update(index_elements=["hall"], set_={"seq": ins.excluded.seq,
                                                                            "at": ins.excluded.at},
                                               where=sent_t.c.seq < ins.excluded.seq))


def prune_sent(engine: Engine, hall_id: str, before: date) -> int:
    """Drop acknowledged events of days before ``before`` (the province keeps them)."""
    done = sent_seq(engine, hall_id)
    with engine.begin() as conn:
        res = conn.execute(outbox_t.delete().where(outbox_t.c.hall == hall_id, outbox_t.c.seq <= done,
                                                   outbox_t.c.day < before))
        return int(res.rowcount or 0)


def hall_outbox(settings: Settings, store: Store) -> Outbox:
    """The outbox of the hall ``settings`` describe, on ``store``'s database."""
    targets = {q.code: float(q.target_wait_s) for q in settings.queues}
    return Outbox(settings.hall.id, settings.hall.tz(), targets, store.engine.dialect)

"""The hall service: one engine, one database, one lock.

Every command runs under the lock: the engine decides, the store commits (with an audit row),
and only then listeners (MQTT, live pages) hear of it. If the database fails, the engine is
rebuilt from the database, so memory never holds what the database does not.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from queue_server.engine import Advice, Change, Hall, Priority, Ticket, advise, restore
from queue_server.engine.errors import EngineError
from queue_server.hall_factory import build_hall
from queue_server.protocol import IssueTicketArgs
from queue_server.settings import Settings
from queue_server.store import Store
from queue_server.store.repo import expire_rows
from queue_server.uplink.outbox import hall_outbox

log = logging.getLogger(__name__)


class StoreUnavailable(EngineError):
    code = "store_unavailable"
    status = 503


@dataclass
class Event:
    """What listeners hear after a commit."""

    change: Change | None = None
    advice: Advice | None = None
    state_only: bool = False
    queues: set[str] = field(default_factory=set)
    windows: set[int] = field(default_factory=set)


Listener = Callable[[Event], None]


class HallService:
    def __init__(self, settings: Settings, store: Store, clock: Callable[[], datetime] | None = None) -> None:
        self.settings = settings
        self.store = store
        self.tz = settings.hall.tz()
        store.outbox = store.outbox or hall_outbox(settings, store)
        self._clock = clock or (lambda: datetime.now(UTC))
        self.lock = threading.RLock()
        self.listeners: list[Listener] = []
        self.notice: str | None = None
        self.dismissed: set[str] = set()
        self.hall = self._load()
        self.advice = Advice(self.now())
        self.purge(self.now())

    def now(self) -> datetime:
        return self._clock().astimezone(self.tz)

    # -- loading ---------------------------------------------------------------------------

    def _load(self) -> Hall:
        now = self.now()
        hall = build_hall(self.settings, hall_day := now.date())
        stale = self.store.open_tickets_before(hall_day)
        if stale:
            with self.store.transaction() as conn:
                expired = expire_rows(stale, now)
                self.store.persist(conn, Change("expire_day", tickets=expired), "system", "", at=now)
        issuing = self.store.get_meta("issuing") != "stopped"
        self.notice = self.store.get_meta("notice") or None
        restore(hall, self.store.load_tickets(hall_day), self.store.load_windows(),
                self.store.load_counters(hall_day), issuing)
        known = {row[0] for row in self.store.load_windows()}
        missing = [w for n, w in hall.windows.items() if n not in known]
        if missing:
            with self.store.transaction() as conn:
                self.store.persist(conn, Change("init_windows", windows=missing), "system", "", at=now)
        return hall

    def reload(self) -> None:
        with self.lock:
            self.hall = self._load()
        self._emit(Event(state_only=True, queues=set(self.hall.queues), windows=set(self.hall.windows)))

    # -- the command path ------------------------------------------------------------------

    def _emit(self, event: Event) -> None:
        for listener in list(self.listeners):
            try:
                listener(event)
            except Exception:  # a listener's fault must not undo a committed change
                log.exception("listener failed")

    def _event(self, change: Change) -> Event:
        ev = Event(change=change)
        for t in change.tickets:
            ev.queues.add(t.queue)
        for w in change.windows:
            ev.windows.add(w.number)
            ev.queues.update(w.queues)
        if change.day is not None:
            ev.queues.update(self.hall.queues)
            ev.windows.update(self.hall.windows)
        return ev

    def run(self, actor: str, subject: str, op: Callable[[Connection, datetime], Change | None],
            detail: dict[str, Any] | None = None) -> Change | None:
        """Run ``op`` under the lock in one transaction; commit, then tell the listeners."""
        with self.lock:
            now = self.now()
            self._roll(now)
            try:
                with self.store.transaction() as conn:
                    change = op(conn, now)
                    if change is not None:
                        self.store.persist(conn, change, actor, subject, detail, at=now)
            except EngineError:
                raise
            except SQLAlchemyError as err:
                log.error("database failed during %s: %s; reloading state", subject or actor, err)
                self._reload_after_failure()
                raise StoreUnavailable("数据库暂不可用，请稍后再试 (the database is unavailable; try again)") from err
            if change is not None:
                self._emit(self._event(change))
            return change

    def _reload_after_failure(self) -> None:
        try:
            self.hall = self._load()
        except SQLAlchemyError:
            log.exception("reload after a database failure failed")

    def _roll(self, now: datetime) -> None:
        if now.date() <= self.hall.day:
            return
        change = self.hall.rollover(now)
        if change is None:
            return
        with self.store.transaction() as conn:
            self.store.persist(conn, change, "system", "day", at=now)
        self.dismissed.clear()
        self._emit(self._event(change))
        self.purge(now)

    def purge(self, now: datetime) -> dict[str, object]:
        """Blank personal data older than the retention period (at start-up and each new day)."""
        from queue_server.store.retention import purge_personal_data

        return purge_personal_data(self.store.engine, now.date(), self.settings.retention.personal_data_days, now)

    # -- tickets ---------------------------------------------------------------------------

    def issue(self, args: IssueTicketArgs, actor: str = "anonymous") -> tuple[Ticket, bool]:
        """Issue a ticket; ``(ticket, False)`` when ``request_id`` was answered before."""
        with self.lock:
            if args.request_id:
                known = self.hall.by_request(args.request_id)
                if known is not None:
                    return known, False
            result: list[Ticket] = []

            def op(conn: Connection, now: datetime) -> Change | None:
                code, _ = self.hall.resolve_queue(args.queue, args.item)
                seq = self.store.reserve_number(conn, self.hall.day, code)
                ticket, change = self.hall.issue(
                    now, queue=code, item=args.item, priority=Priority(args.priority), source=args.source,
                    holder=args.holder, holder_ref=args.holder_ref, request_id=args.request_id, seq=seq)
                result.append(ticket)
                return change

            try:
                self.run(actor, args.source or "", op)
            except StoreUnavailable as err:
                if isinstance(err.__cause__, IntegrityError) and args.request_id:
                    other = self.store.ticket_by_request(args.request_id)
                    if other is not None:  # another process answered this request first
                        return other, False
                raise
            return result[0], True

    def find(self, number: str) -> Ticket:
        with self.lock:
            return self.hall.find(number)

    def cancel(self, number: str, actor: str) -> Change | None:
        return self.run(actor, number, lambda c, now: self.hall.cancel(now, number))

    def transfer_ticket(self, number: str, queue: str, actor: str) -> Change | None:
        return self.run(actor, number, lambda c, now: self.hall.transfer_ticket(now, number, queue))

    # -- windows ---------------------------------------------------------------------------

    def window_op(self, n: int, action: str, actor: str, **kw: Any) -> Change | None:
        ops: dict[str, Callable[[datetime], Change]] = {
            "call_next": lambda now: self.hall.call_next(now, n, clerk=kw.get("clerk", actor)),
            "recall": lambda now: self.hall.recall(now, n),
            "no_show": lambda now: self.hall.no_show(now, n),
            "start": lambda now: self.hall.start(now, n),
            "finish": lambda now: self.hall.finish(now, n),
            "transfer": lambda now: self.hall.transfer(now, n, kw["queue"]),
            "open": lambda now: self.hall.open_window(now, n, clerk=kw.get("clerk"), queues=kw.get("queues")),
            "pause": lambda now: self.hall.pause_window(now, n),
            "close": lambda now: self.hall.close_window(now, n),
            "assign": lambda now: self.hall.assign_queues(now, n, kw["queues"]),
        }
        return self.run(actor, f"window {n}", lambda c, now: ops[action](now), detail={"window": n, **kw})

    # -- hall-wide -------------------------------------------------------------------------

    def set_issuing(self, issuing: bool, actor: str) -> None:
        def op(conn: Connection, now: datetime) -> Change:
            self.store.set_meta(conn, "issuing", "open" if issuing else "stopped")
            return self.hall.set_issuing(now, issuing)
        self.run(actor, "issuing", op)
        self._emit(Event(state_only=True, queues=set(self.hall.queues)))

    def set_notice(self, text: str | None, actor: str) -> None:
        def op(conn: Connection, now: datetime) -> Change:
            self.store.set_meta(conn, "notice", text or "")
            return Change("set_notice")
        self.run(actor, "notice", op, detail={"notice": text})
        self.notice = text or None
        self._emit(Event(state_only=True, queues=set(self.hall.queues)))

    # -- the advisor -----------------------------------------------------------------------

    def tick(self) -> None:
        """Periodic work: day rollover and fresh advice (applied when configured to)."""
        with self.lock:
            now = self.now()
            self._roll(now)
            advice = advise(self.hall, now) if self.settings.advisor.enabled else Advice(now)
            changed = advice.key() != self.advice.key()
            self.advice = advice
        if changed:
            self.dismissed &= set(advice.key())
            self._emit(Event(advice=advice))
            if self.settings.advisor.auto_apply:
                for rec in advice.recommendations:
                    self.accept_advice(rec.id, "advisor")

    def accept_advice(self, rec_id: str, actor: str) -> Change | None:
        with self.lock:
            rec = next((r for r in self.advice.recommendations if r.id == rec_id), None)
            if rec is None:
                raise EngineError(f"建议已过期 (no current advice {rec_id})", advice=rec_id)
            if rec.action == "open":
                change = self.window_op(rec.window, "open", actor, queues=[rec.queue])
            else:
                change = self.window_op(rec.window, "close", actor)
            self.advice = Advice(self.now(), tuple(r for r in self.advice.recommendations if r.id != rec_id),
                                 self.advice.loads)
        self._emit(Event(advice=self.advice))
        return change

    def dismiss_advice(self, rec_id: str, actor: str) -> None:
        with self.lock:
            if rec_id not in self.advice.key():
                raise EngineError(f"建议已过期 (no current advice {rec_id})", advice=rec_id)
            self.dismissed.add(rec_id)
            with self.store.transaction() as conn:
                self.store.audit(conn, actor, "dismiss_advice", rec_id, {"advice": rec_id}, self.now())
        self._emit(Event(advice=self.advice))

"""The hall service: one engine, one database, one lock.

Every command runs under the lock: the engine decides, the store commits (with an audit row
naming the :class:`Actor`), and then, still under the lock, the listeners hear of it with the
payloads of the state right after the commit, so every listener hears changes in commit order.
If the database fails, the engine is rebuilt from the database, so memory never holds what the
database does not.

Nothing outside the service touches the lock or the engine: the read side (:mod:`.reads`)
answers payloads and views, and each command answers what its caller shows.
"""
from __future__ import annotations

import contextlib
import copy
import logging
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from hall_contract import protocol as p
from hall_contract.errors import HallError
from hall_contract.protocol import IssueTicketArgs
from queue_server import payloads
from queue_server.actor import ADVISOR, DAY, STARTUP, Actor, ActorKind
from queue_server.engine import Advice, Change, Hall, Priority, Ticket, restore
from queue_server.engine.errors import AdviceExpired
from queue_server.hall_factory import build_hall
from queue_server.keyfile import rekey_holder
from queue_server.service import issuing_gate
from queue_server.service.advisor_desk import AdvisorDesk
from queue_server.service.advisor_errors import NoDispatch, NotDispatched
from queue_server.service.reads import HallReads
from queue_server.service.views import Event, Issued, Listener, WindowOutcome
from queue_server.settings import Settings
from queue_server.store import Store
from queue_server.store.outbox import hall_outbox
from queue_server.store.repo import expire_rows

log = logging.getLogger(__name__)

Op = Callable[[Connection, datetime], Change | None]


class StoreUnavailable(HallError):
    code = "store_unavailable"
    message_zh, message_en = "数据库暂不可用，请稍后再试", "the database is unavailable; try again"


class HallService(HallReads):
    def __init__(self, settings: Settings, store: Store, clock: Callable[[], datetime] | None = None) -> None:
        self.settings = settings
        self.store = store
        store.outbox = store.outbox or hall_outbox(settings, store)
        self.tz = settings.hall.tz()
        self._clock = clock or (lambda: datetime.now(UTC))
        self._lock = threading.RLock()
        #: called with every :class:`Event`, under the service's lock: keep it short, never block
        self.listeners: list[Listener] = []
        #: the hall's secret salt: a stored holder_ref is the kiosk's keyed again with it (see keyfile)
        self.holder_salt = ""
        self._notice: str | None = None
        self._stop_reason: str | None = None
        self._gate_seen: tuple[object, ...] = ()
        self._dismissed: set[str] = set()
        self._version = 0
        self._hall = self._load()
        self._advice = Advice(self.now())
        self._desk = AdvisorDesk(settings, store, self.tz)
        self._desk.restore(self._hall, self.now())
        self._purge(self.now())

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
                self.store.persist(conn, Change("expire_day", tickets=expired), STARTUP.audit_name, "", at=now)
        issuing = self.store.get_meta("issuing") != "stopped"
        self._notice = self.store.get_meta("notice") or None
        self._stop_reason = self.store.get_meta("issuing_reason") or None
        restore(hall, self.store.load_tickets(hall_day), self.store.load_windows(),
                self.store.load_counters(hall_day), issuing)
        known = {row[0] for row in self.store.load_windows()}
        missing = [w for n, w in hall.windows.items() if n not in known]
        if missing:
            with self.store.transaction() as conn:
                self.store.persist(conn, Change("init_windows", windows=missing), STARTUP.audit_name, "", at=now)
        return hall

    def reload(self) -> None:
        """Rebuild the day from the database (another process changed it)."""
        with self._lock:
            self._hall = self._load()
            self._emit(state_only=True, queues=self._hall.queues, windows=self._hall.windows)

    # -- the command path ------------------------------------------------------------------

    def _emit(self, change: Change | None = None, *, queues: Iterable[str] = (), windows: Iterable[int] = (),
              advice: bool = False, state_only: bool = False) -> None:
        """Tell the listeners, with the payloads of the state now. Called under the lock."""
        hall = self._hall
        qs, ws = set(queues), set(windows)
        tickets: tuple[Ticket, ...] = ()
        if change is not None:
            tickets = tuple(copy.copy(t) for t in change.tickets)
            qs.update(t.queue for t in change.tickets)
            for w in change.windows:
                ws.add(w.number)
                qs.update(w.queues)
            if change.day is not None:
                qs.update(hall.queues)
                ws.update(hall.windows)
        call = change.call if change is not None else None
        self._version += 1
        event = Event(
            version=self._version, action=change.action if change is not None else None, tickets=tickets,
            call=call, call_message=payloads.call_message(call, hall.tz) if call is not None else None,
            windows=tuple(payloads.window_state(hall.windows[n], hall.tz) for n in sorted(ws) if n in hall.windows),
            queues=frozenset(qs), advice=self._advice_message() if advice else None, state_only=state_only)
        for listener in list(self.listeners):
            try:
                listener(event)
            except Exception:  # a listener's fault must not undo a committed change
                log.exception("listener failed")

    def _run(self, actor: Actor, subject: str, op: Op, detail: dict[str, Any] | None = None,
             state_only: bool = False) -> Change | None:
        """Run ``op`` under the lock in one transaction; commit, then tell the listeners."""
        with self._lock:
            try:
                now = self.now()
                self._roll(now)
                with self.store.transaction() as conn:
                    change = op(conn, now)
                    if change is not None:
                        self.store.persist(conn, change, actor.audit_name, subject,
                                           {**(detail or {}), **actor.audit_detail()}, at=now)
            except HallError:
                raise
            except SQLAlchemyError as err:
                log.error("database failed during %s: %s; reloading state", subject or actor.audit_name, err)
                self._reload_after_failure()
                raise StoreUnavailable(str(err).splitlines()[0]) from err
            if change is not None:
                self._emit(change, queues=self._hall.queues if state_only else (), state_only=state_only)
            return change

    def _reload_after_failure(self) -> None:
        try:
            self._hall = self._load()
        except SQLAlchemyError:
            log.exception("reload after a database failure failed")

    def _roll(self, now: datetime) -> None:
        if now.date() <= self._hall.day:
            return
        change = self._hall.rollover(now)
        if change is None:
            return
        with self.store.transaction() as conn:
            self.store.persist(conn, change, DAY.audit_name, "day", at=now)
        self._dismissed.clear()
        self._emit(change)
        self._purge(now)

    def _purge(self, now: datetime) -> dict[str, object]:
        """Blank personal data older than the retention period (at start-up and each new day)."""
        from queue_server.store.retention import purge_personal_data

        return purge_personal_data(self.store.engine, now.date(), self.settings.retention.personal_data_days, now)

    # -- tickets ---------------------------------------------------------------------------

    def issue(self, args: IssueTicketArgs, actor: Actor) -> Issued:
        """Issue a ticket; ``new`` is False when ``request_id`` was answered before."""
        with self._lock:
            if args.request_id:
                known = self._hall.by_request(args.request_id)
                if known is not None:
                    return Issued(self._ticket_public(known), False)
            result: list[Ticket] = []

            def op(conn: Connection, now: datetime) -> Change | None:
                code, _ = self._hall.resolve_queue(args.queue, args.item)
                issuing_gate.check(self.settings.hours, self._hall, now, self._stop_reason, code, args.item)
                seq = self.store.reserve_number(conn, self._hall.day, code)
                ticket, change = self._hall.issue(
                    now, queue=code, item=args.item, priority=Priority(args.priority), source=args.source,
                    holder=args.holder, holder_ref=rekey_holder(self.holder_salt, args.holder_ref),
                    request_id=args.request_id, seq=seq)
                result.append(ticket)
                return change

            try:
                self._run(actor, args.source or "", op)
            except StoreUnavailable as err:
                if isinstance(err.__cause__, IntegrityError) and args.request_id:
                    other = self.store.ticket_by_request(args.request_id)
                    if other is not None:  # another process answered this request first
                        return Issued(self._ticket_public(other), False)
                raise
            return Issued(self._ticket_public(result[0]), True)

    def cancel(self, number: str, actor: Actor) -> p.TicketPublic:
        """Cancel an open ticket; answers it as it is now."""
        with self._lock:
            self._run(actor, number, lambda c, now: self._hall.cancel(now, number))
            return self._ticket_public(self._hall.find(number))

    def transfer_ticket(self, number: str, queue: str, actor: Actor) -> p.TicketPublic:
        """Move an open ticket to ``queue`` (the manager's transfer); answers it in its new queue."""
        with self._lock:
            self._run(actor, number, lambda c, now: self._hall.transfer_ticket(now, number, queue), {"queue": queue})
            return self._ticket_public(self._hall.find(number))

    # -- a window's work -------------------------------------------------------------------

    def _window(self, n: int, actor: Actor, op: Callable[[datetime], Change], detail: dict[str, Any] | None = None,
                on_ticket: bool = True) -> WindowOutcome:
        with self._lock:
            change = self._run(actor, f"window {n}", lambda c, now: op(now), {"window": n, **(detail or {})})
            assert change is not None
            ticket = None
            if on_ticket and change.tickets and (change.action != "call_next" or change.call is not None):
                # a guarded double press answers the current call
                ticket = self._ticket_public(change.tickets[-1])
            return WindowOutcome(change.action, self._window_state(n), ticket)

    def call_next(self, n: int, actor: Actor) -> WindowOutcome:
        """Call the next ticket to window ``n``; a clerk calling becomes the window's clerk.

        A window device (the caller keypad, which has no start key) starts a visit by calling it,
        so its next call ends that visit as served; see :meth:`Hall.call_next`."""
        starts = actor.kind is ActorKind.DEVICE
        return self._window(n, actor, lambda now: self._hall.call_next(now, n, clerk=actor.clerk, call_starts=starts))

    def recall(self, n: int, actor: Actor) -> WindowOutcome:
        """Call the current ticket again (past the recalls allowed: ``action`` is ``no_show``)."""
        return self._window(n, actor, lambda now: self._hall.recall(now, n))

    def no_show(self, n: int, actor: Actor) -> WindowOutcome:
        return self._window(n, actor, lambda now: self._hall.no_show(now, n))

    def start(self, n: int, actor: Actor) -> WindowOutcome:
        return self._window(n, actor, lambda now: self._hall.start(now, n))

    def finish(self, n: int, actor: Actor) -> WindowOutcome:
        return self._window(n, actor, lambda now: self._hall.finish(now, n))

    def transfer(self, n: int, queue: str, actor: Actor) -> WindowOutcome:
        """Move window ``n``'s current ticket to ``queue``; ``ticket`` is it waiting there."""
        return self._window(n, actor, lambda now: self._hall.transfer(now, n, queue), {"queue": queue})

    def open_window(self, n: int, actor: Actor, *, clerk: str | None = None,
                    queues: Iterable[str] | None = None) -> WindowOutcome:
        """Open window ``n`` (with ``clerk`` at it, serving ``queues`` when given)."""
        with self._lock:
            if queues is None:  # an elastic window someone was sent to serves what the advice said
                queues = self._desk.queues_for(n)
            codes = None if queues is None else list(queues)
            detail = {k: v for k, v in (("clerk", clerk), ("queues", codes)) if v is not None}
            out = self._window(n, actor, lambda now: self._hall.open_window(now, n, clerk=clerk, queues=codes),
                               detail, on_ticket=False)
            if self._desk.dispatch_for(n) is not None:
                self._desk.opened_now(n, clerk, self.now())
                self._emit(advice=True)
            return out

    def arrive(self, n: int, actor: Actor) -> WindowOutcome:
        """The person sent to elastic window ``n`` is there: the window opens with them at it,
        serving the queues of the advice (a window they left idle is paused)."""
        with self._lock:
            d = self._desk.dispatch_for(n)
            if d is None:
                raise NoDispatch(window=n)
            if d.person is not None and actor.id != d.person and actor.role not in ("manager", "admin"):
                raise NotDispatched(window=n)
            for w in self._hall.windows.values():
                if w.number != n and actor.clerk and w.clerk == actor.clerk and w.status.value == "open" \
                        and w.current is None:
                    self.pause_window(w.number, actor)
            return self.open_window(n, actor, clerk=actor.clerk, queues=d.queues)

    def pause_window(self, n: int, actor: Actor) -> WindowOutcome:
        return self._window(n, actor, lambda now: self._hall.pause_window(now, n), on_ticket=False)

    def close_window(self, n: int, actor: Actor) -> WindowOutcome:
        return self._window(n, actor, lambda now: self._hall.close_window(now, n), on_ticket=False)

    def assign_queues(self, n: int, queues: Iterable[str], actor: Actor) -> WindowOutcome:
        """Which queues elastic window ``n`` serves."""
        codes = list(queues)
        return self._window(n, actor, lambda now: self._hall.assign_queues(now, n, codes), {"queues": codes},
                            on_ticket=False)

    # -- hall-wide -------------------------------------------------------------------------

    def set_issuing(self, issuing: bool, actor: Actor, reason: str | None = None) -> None:
        """Stop (with the manager's ``reason``, kept in the audit trail) or resume issuing."""
        note = None if issuing else (reason or "").strip() or None

        def op(conn: Connection, now: datetime) -> Change:
            self.store.set_meta(conn, "issuing", "open" if issuing else "stopped")
            self.store.set_meta(conn, "issuing_reason", note or "")
            self._stop_reason = note  # a failed commit reloads it from the database
            return self._hall.set_issuing(now, issuing)
        self._run(actor, "issuing", op, detail={"reason": note} if note else None, state_only=True)

    def set_notice(self, text: str | None, actor: Actor) -> None:
        def op(conn: Connection, now: datetime) -> Change:
            self.store.set_meta(conn, "notice", text or "")
            self._notice = text or None  # a failed commit reloads it from the database
            return Change("set_notice")
        self._run(actor, "notice", op, detail={"notice": text}, state_only=True)

    # -- the advisor -----------------------------------------------------------------------

    def tick(self) -> None:
        """Periodic work: day rollover and fresh advice (applied when configured to)."""
        if self.settings.advisor.enabled:
            self._desk.history.for_day(self.now().date())  # the day's one history query, outside the lock
        with self._lock:
            now = self.now()
            self._roll(now)
            gate = issuing_gate.state_of(self.settings.hours, self._hall, now, self._stop_reason)
            if (gate.open, gate.reason, gate.resumes_at) != self._gate_seen:  # lunch began, the cutoff passed ...
                self._gate_seen = (gate.open, gate.reason, gate.resumes_at)
                self._emit(state_only=True, queues=self._hall.queues)
            seen = self._desk.version
            advice = self._desk.advise(self._hall, now) if self.settings.advisor.enabled else Advice(now)
            changed = advice.key() != self._advice.key() or seen != self._desk.version
            self._advice = advice
            if not changed:
                return
            self._dismissed &= set(advice.key())
            self._emit(advice=True)
            if self.settings.advisor.auto_apply:
                for rec in advice.recommendations:
                    with contextlib.suppress(AdviceExpired):  # the advice made afresh after the first may drop it
                        self.accept_advice(rec.id, ADVISOR)

    def accept_advice(self, rec_id: str, actor: Actor) -> p.Advice:
        """Carry out a recommendation: a close closes its window; an open sends its person a notice
        and the window opens when they arrive (:meth:`arrive`). Answers the advice made afresh."""
        with self._lock:
            rec = next((r for r in self._advice.recommendations if r.id == rec_id), None)
            if rec is None:
                raise AdviceExpired(advice=rec_id)
            if rec.action == "close":
                self.close_window(rec.window, actor)
            now = self.now()
            try:
                with self.store.transaction() as conn:
                    self.store.audit(conn, actor.audit_name, "accept_advice", rec_id,
                                     {"advice": rec_id, "person": rec.person.id if rec.person else None,
                                      **actor.audit_detail()}, now)
                    if rec.action == "open":
                        by = (actor.name or actor.id) if actor.kind is ActorKind.STAFF else ""
                        self._desk.dispatch(conn, rec, by, now)
                    else:
                        self._desk.closed(conn, rec, now)
            except SQLAlchemyError as err:
                raise StoreUnavailable(str(err).splitlines()[0]) from err
            self._advice = self._desk.advise(self._hall, now)
            self._dismissed &= set(self._advice.key())
            self._emit(advice=True)
            return self._advice_message()

    def advice_notices(self, username: str) -> list[dict[str, Any]]:
        """The windows ``username`` has been sent to and not reached yet (their page shows them)."""
        with self._lock:
            return self._desk.notices(username)

    def dismiss_advice(self, rec_id: str, actor: Actor) -> p.Advice:
        """Set a recommendation aside until the advice changes; answers the advice shown."""
        with self._lock:
            if rec_id not in self._advice.key():
                raise AdviceExpired(advice=rec_id)
            try:
                with self.store.transaction() as conn:
                    self.store.audit(conn, actor.audit_name, "dismiss_advice", rec_id,
                                     {"advice": rec_id, **actor.audit_detail()}, self.now())
            except SQLAlchemyError as err:
                raise StoreUnavailable(str(err).splitlines()[0]) from err
            self._dismissed.add(rec_id)
            self._emit(advice=True)
            return self._advice_message()

"""好差评 (第五十一条): one rating per visit, asked of the window's evaluator after each finished visit.

When a visit ends as served (办结, or a call-next that ends it) the desk stores a *pending*
rating and publishes ``evaluations/{n}/request``. The answer comes from the evaluator device
(``evaluations/{n}/result`` over MQTT) or from the on-screen rating page (``POST
/api/evaluations/{n}/result``); the first answer counts and any later one is refused
(``already_rated``). Without an answer by ``timeout_s`` (+ ``grace_s``) the visit is recorded
as ``no_rating``; nothing is invented. A newer visit at the same window supersedes a request
still waiting (the evaluator holds one request at a time): the older one becomes ``no_rating``.
Negative ratings (不满意, 非常不满意) open a follow-up (待整改) the manager closes with a note
(已整改, 第五十四条). Every step writes an audit row in the same transaction.
"""
from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic import ValidationError

from hall_contract.errors import HallError
from hall_contract.protocol import EvaluationRequest, EvaluationResult, Topics, parse_json_object
from queue_server.engine import TicketState
from queue_server.rating_detail import RatingDetail, store_detail
from queue_server.service import Event
from queue_server.settings import Settings
from queue_server.store import RatingRecord, RatingStore, Store
from queue_server.store.ratings import FOLLOW_DONE, FOLLOW_OPEN, NO_RATING, RATED

log = logging.getLogger(__name__)

#: the ticket changes that end a visit as served at a window
SERVED_ACTIONS = frozenset({"finish", "call_next"})


class RatingError(HallError):
    code = "rating_error"


class InvalidRating(RatingError):
    code = "invalid_rating"
    message_zh, message_en = "评价须为1到5", "a rating is 1..5"


class NoPendingRating(RatingError):
    code = "no_pending_rating"


class AlreadyRated(RatingError):
    code = "already_rated"
    message_zh, message_en = "本次办事已评价", "this visit was rated already"


class RatingNotFound(RatingError):
    code = "rating_not_found"


class InvalidFollowUp(RatingError):
    code = "invalid_follow_up"


@dataclass(frozen=True)
class Visit:
    """What a rating request needs of a finished ticket (copied: tickets change later)."""

    ticket_id: str
    day: Any
    number: str
    queue: str
    window: int
    clerk: str | None
    item: str | None


@dataclass(frozen=True)
class RatingEvent:
    window: int
    record: RatingRecord


RatingListener = Callable[[RatingEvent], None]
Publish = Callable[[str, bytes], None]


class RatingDesk:
    def __init__(self, settings: Settings, store: Store, clock: Callable[[], datetime], topics: Topics,
                 publish: Publish | None = None) -> None:
        self.cfg = settings.ratings
        self.store = store
        self.ratings = RatingStore(store.engine)
        self.clock = clock
        self.topics = topics
        self.publish = publish
        self.windows = {w.number for w in settings.windows}
        self.listeners: list[RatingListener] = []
        self._lock = threading.RLock()
        self._pending: dict[int, RatingRecord] = {}
        self._last: dict[int, RatingRecord] = {}
        self._jobs: queue.Queue[tuple[str, Any] | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    # -- life --------------------------------------------------------------------------------

    def start(self) -> None:
        """Take over requests still pending from before a restart; start the worker."""
        for rec in self.ratings.pending():
            older = self._pending.get(rec.window)
            if older is not None:
                self._close(older, NO_RATING, self.clock(), actor="system", why="superseded")
            self._pending[rec.window] = rec
        self._thread = threading.Thread(target=self._work, name="rating-desk", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._jobs.put(None)
            self._thread.join(timeout=5)
            self._thread = None

    def _work(self) -> None:
        while True:
            try:
                job = self._jobs.get(timeout=0.25)
            except queue.Empty:
                job = ("sweep", None)
            if job is None:
                return
            try:
                kind, arg = job
                if kind == "ask":
                    self.ask(arg)
                elif kind == "result":
                    self._device_result(*arg)
                self.sweep()
            except Exception:
                log.exception("rating desk job %s failed", job[0])

    def _emit(self, events: list[RatingEvent]) -> None:
        for ev in events:
            for listener in list(self.listeners):
                try:
                    listener(ev)
                except Exception:
                    log.exception("rating listener failed")

    # -- inputs ------------------------------------------------------------------------------

    def on_event(self, ev: Event) -> None:
        """A service listener: a visit that ended as served gets a rating request (off the lock)."""
        if not self.cfg.enabled or ev.action not in SERVED_ACTIONS:
            return
        for t in ev.tickets:
            if t.state is TicketState.DONE and t.window is not None:
                self._jobs.put(("ask", Visit(t.id, t.day, t.number, t.queue, t.window, t.clerk, t.item)))

    def on_result(self, n: int, payload: bytes) -> None:
        """``evaluations/{n}/result`` from the broker (handled on the desk's worker thread)."""
        self._jobs.put(("result", (n, payload)))

    def _device_result(self, n: int, payload: bytes) -> None:
        try:
            res = EvaluationResult.model_validate(parse_json_object(payload))
        except (ValueError, ValidationError) as err:
            log.warning("ignored a malformed rating on window %s: %s", n, str(err).splitlines()[0])
            return
        reasons = [r for r in (res.reasons or []) if r in self.cfg.reasons]  # a device's unknown codes are dropped
        try:
            self.submit(n, res.rating, (res.reason or "")[:64] or (reasons[0] if reasons else None),
                        ticket_id=res.ticket_id, number=res.number, source=f"evaluator:{n}",
                        detail=RatingDetail(reasons, None, None) if reasons else None)
        except HallError as err:
            log.info("refused a rating on window %s: %s", n, err.message)

    # -- the desk's work ---------------------------------------------------------------------

    def ask(self, visit: Visit) -> RatingRecord | None:
        """Store a pending rating for ``visit`` and ask the window's evaluator."""
        if self.ratings.by_ticket(visit.ticket_id) is not None:
            return None
        events: list[RatingEvent] = []
        with self._lock:
            now = self.clock()
            older = self._pending.pop(visit.window, None)
            if older is not None:
                closed = self._close(older, NO_RATING, now, actor="system", why="superseded")
                if closed is not None:
                    events.append(RatingEvent(closed.window, closed))
            deadline = now + timedelta(seconds=self.cfg.timeout_s + self.cfg.grace_s)
            with self.store.transaction() as conn:
                rec = self.ratings.insert(conn, ticket_id=visit.ticket_id, day=visit.day, number=visit.number,
                                          queue=visit.queue, window=visit.window, clerk=visit.clerk,
                                          item=visit.item, requested_at=now, deadline=deadline)
                self.store.audit(conn, "system", "rating_request", visit.number,
                                 {"window": visit.window, "ticket_id": visit.ticket_id}, now)
            self._pending[visit.window] = rec
            if self.publish is not None:
                msg = EvaluationRequest(window=visit.window, number=visit.number, ticket_id=visit.ticket_id,
                                        timeout_s=self.cfg.timeout_s, at=now.isoformat(timespec="seconds"))
                self.publish(self.topics.evaluation_request(visit.window), msg.to_json())
        self._emit([*events, RatingEvent(visit.window, rec)])
        return rec

    def submit(self, n: int, rating: int, reason: str | None = None, *, ticket_id: str | None = None,
               number: str | None = None, source: str = "tablet", detail: RatingDetail | None = None) -> RatingRecord:
        """The citizen's answer for window ``n``'s pending request (the first answer counts)."""
        if not 1 <= rating <= 5:
            raise InvalidRating()
        with self._lock:
            rec = self._pending.get(n)
            if rec is None or (ticket_id and rec.ticket_id != ticket_id) or \
                    (number and not ticket_id and rec.number != number.upper()):
                known = self.ratings.by_ticket(ticket_id) if ticket_id else None
                if known is not None and known.outcome == RATED:
                    raise AlreadyRated(zh=f"{known.number} 已评价过，每次办事只能评价一次",
                                       en="this visit was rated already: one rating per visit", number=known.number)
                raise NoPendingRating(zh=f"{n}号窗口没有待评价的业务", en=f"no rating is pending at window {n}",
                                      window=n)
            closed = self._close(rec, RATED, self.clock(), actor=source, rating=rating, reason=reason,
                                 source=source, extra=detail)
            if closed is None:
                raise AlreadyRated(number=rec.number)
        self._emit([RatingEvent(n, closed)])
        return closed

    def sweep(self, now: datetime | None = None) -> list[RatingRecord]:
        """Record ``no_rating`` for every request past its deadline."""
        closed: list[RatingRecord] = []
        with self._lock:
            now = now or self.clock()
            for rec in [r for r in self._pending.values() if now >= r.deadline]:
                done = self._close(rec, NO_RATING, now, actor="system", why="timeout")
                if done is not None:
                    closed.append(done)
        self._emit([RatingEvent(r.window, r) for r in closed])
        return closed

    def _close(self, rec: RatingRecord, outcome: str, now: datetime, *, actor: str, rating: int | None = None,
               reason: str | None = None, source: str | None = None, why: str = "",
               extra: RatingDetail | None = None) -> RatingRecord | None:
        with self.store.transaction() as conn:
            done = self.ratings.resolve(conn, rec.id, outcome=outcome, at=now, rating=rating, reason=reason,
                                        source=source)
            if done is not None:
                detail: dict[str, Any] = {"window": rec.window, "ticket_id": rec.ticket_id}
                if rating is not None:
                    detail.update(rating=rating, reason=reason, source=source)
                if why:
                    detail["why"] = why
                if extra is not None and not extra.empty:  # the reasons, words and call-back phone (masked)
                    store_detail(conn, rec.id, extra, now)
                    detail.update(reasons=extra.reasons, text=extra.text, phone=extra.phone_masked)
                self.store.audit(conn, actor, "rating" if outcome == RATED else "no_rating", rec.number, detail,
                                 now)
                if outcome == RATED and self.store.outbox is not None:
                    self.store.outbox.record_rating(conn, done, now)
        if self._pending.get(rec.window) is rec:
            del self._pending[rec.window]
        if done is not None:
            self._last[rec.window] = done
        return done

    # -- the manager's follow-up -------------------------------------------------------------

    def follow_up(self, rid: int, state: str, note: str | None, by: str) -> RatingRecord:
        rec = self.ratings.get(rid)
        if rec is None:
            raise RatingNotFound(zh=f"没有评价 {rid}", en=f"no rating {rid}", rating=rid)
        if not rec.negative:
            raise InvalidFollowUp(zh="只有不满意的评价需要整改", en="only negative ratings have a follow-up",
                                  rating=rid)
        if state not in (FOLLOW_OPEN, FOLLOW_DONE):
            raise InvalidFollowUp(zh="整改状态须为 open 或 done", en="state: open or done", rating=rid)
        if state == FOLLOW_DONE and not (note or "").strip():
            raise InvalidFollowUp(zh="请写明整改情况", en="say what was done in the note", rating=rid)
        now = self.clock()
        with self.store.transaction() as conn:
            done = self.ratings.follow_up(conn, rid, state=state, note=(note or "").strip() or None, by=by, at=now)
            self.store.audit(conn, by, "rating_follow_up", rec.number, {"rating_id": rid, "state": state,
                                                                       "note": note}, now)
            if done is not None and self.store.outbox is not None:
                self.store.outbox.record_follow_up(conn, done, now)
        assert done is not None
        self._emit([RatingEvent(done.window, done)])
        return done

    # -- views -------------------------------------------------------------------------------

    def pending_for(self, n: int) -> RatingRecord | None:
        with self._lock:
            return self._pending.get(n)

    def last_for(self, n: int) -> RatingRecord | None:
        with self._lock:
            return self._last.get(n)

"""The advisor in the running server: its memory of the day, who is on the way, what the
manager and the people sent read.

The service holds one :class:`AdvisorDesk` and calls it under its lock. The desk feeds the
engine's :class:`~queue_server.engine.ElasticAdvisor` the hall's own history (same weekday over
past weeks, from the database), today's arrivals (the hall in memory) and the roster
(:mod:`.advisor_roster`). 采纳 of an open does not open the window: it makes a
:class:`~.advisor_dispatch.Dispatch`, a notice on the page of the person named, and the window
opens when that person arrives at it (or anyone opens it); the console shows it as on the way,
and a status line says what happened. The within-target sentence is checked against the queue
table of the same moment, so it is never shown while a queue is beyond its target.
"""
from __future__ import annotations

import json
import logging
from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError

from hall_contract import protocol as p
from queue_server import payloads
from queue_server.engine import Advice, ElasticAdvisor, Hall, Recommendation, WindowStatus
from queue_server.engine._advice_text import minutes_en, minutes_zh  # the advisor's own units
from queue_server.hall_factory import advisor_policy
from queue_server.service import advisor_dispatch as say
from queue_server.service.advisor_dispatch import Dispatch
from queue_server.service.advisor_history import HistoryCache
from queue_server.service.advisor_roster import roster
from queue_server.settings import Settings
from queue_server.store import StaffStore, Store

log = logging.getLogger(__name__)
META_KEY = "advisor_desk"
LOG_LINES = 20
SHOWN_LINES = 6


class AdvisorDesk:
    def __init__(self, settings: Settings, store: Store, tz: tzinfo) -> None:
        self.settings, self.store, self.tz = settings, store, tz
        self.policy = advisor_policy(settings)
        self.advisor = ElasticAdvisor(self.policy)
        self.history = HistoryCache(store, self.policy.history_weeks, tz)
        self.staff = StaffStore(store.engine)
        self.names = {q.code: q.name for q in settings.queues}
        self.day: date | None = None
        self.dispatches: dict[int, Dispatch] = {}
        self.lines: list[tuple[datetime, str, str]] = []
        #: grows with every status line: the service tells the console when it changed
        self.version = 0
        self._saved_changes = 0

    # -- memory, kept in the database ------------------------------------------------------

    def restore(self, hall: Hall, now: datetime) -> None:
        """Today's dispatches, status lines and the day's count of changes (the budget) from the
        database (after a restart)."""
        self._new_day(hall.day)
        raw = self.store.get_meta(META_KEY)
        try:
            data = json.loads(raw) if raw else {}
            if data.get("day") != hall.day.isoformat():
                return
            self.dispatches = {d.window: d for d in map(Dispatch.from_json, data.get("dispatches", []))}
            self.lines = [(datetime.fromisoformat(a), zh, en) for a, zh, en in data.get("lines", [])]
            changes = int(data.get("changes", 0))
        except (ValueError, KeyError, TypeError) as err:
            log.warning("advisor memory not restored: %s", err)
            return
        self.advisor.advise(hall, now)  # the advisor starts its day (seeing the windows as they are) ...
        self.advisor.changes = self._saved_changes = max(self.advisor.changes, changes)
        for d in self.dispatches.values():  # ... and hears who is on the way
            self.advisor.accept(d.recommendation(), d.accepted_at)

    def _save(self, conn: Connection) -> None:
        self._saved_changes = self.advisor.changes
        data = {"day": self.day.isoformat() if self.day else None, "changes": self.advisor.changes,
                "dispatches": [d.to_json() for d in self.dispatches.values()],
                "lines": [(a.isoformat(), zh, en) for a, zh, en in self.lines[-LOG_LINES:]]}
        self.store.set_meta(conn, META_KEY, json.dumps(data, ensure_ascii=False))

    def _save_now(self) -> None:
        try:
            with self.store.transaction() as conn:
                self._save(conn)
        except SQLAlchemyError as err:
            log.warning("advisor memory not saved: %s", str(err).splitlines()[0])

    def _new_day(self, day: date) -> None:
        if self.day != day:
            self.day, self.dispatches, self.lines = day, {}, []

    def _say(self, at: datetime, line: tuple[str, str]) -> None:
        self.lines.append((at, *line))
        del self.lines[:-LOG_LINES]
        self.version += 1

    # -- advice ----------------------------------------------------------------------------

    def advise(self, hall: Hall, now: datetime) -> Advice:
        self._new_day(hall.day)
        if self._settle(hall, now):
            self._save_now()
        try:
            accounts = {a.username: a for a in self.staff.all()}
        except SQLAlchemyError as err:
            log.warning("staff not read for the advisor: %s", str(err).splitlines()[0])
            accounts = {}
        people = roster(hall, self.settings.advisor, accounts)
        advice = self.advisor.advise(hall, now, history=self.history.for_day(hall.day), staff=people)
        if self.advisor.changes != self._saved_changes:
            self._save_now()
        return advice

    def _settle(self, hall: Hall, now: datetime) -> bool:
        """Dispatches whose window opened some other way, or that lapsed. True when any did."""
        changed = False
        for n, d in list(self.dispatches.items()):
            w = hall.windows.get(n)
            if w is not None and w.status is not WindowStatus.CLOSED:
                self._say(w.since or now, say.arrived_line(d, w.clerk, w.since or now, self.names))
            elif now > d.expires_at:
                self._say(now, say.lapsed_line(d))
            else:
                continue
            del self.dispatches[n]
            changed = True
        return changed

    # -- what the manager and the people do ------------------------------------------------

    def dispatch(self, conn: Connection, rec: Recommendation, by: str, now: datetime) -> Dispatch:
        """采纳 of an open: the person named is on the way; the window stays closed until they arrive."""
        ready = rec.ready_at or now + timedelta(seconds=self.policy.walk_time_s)
        d = Dispatch.of(rec, by, now, ready, ready + timedelta(seconds=self.policy.pending_grace_s))
        self.advisor.accept(rec, now)
        self.dispatches[rec.window] = d
        self._say(now, say.accepted_line(d))
        self._save(conn)
        return d

    def closed(self, conn: Connection, rec: Recommendation, now: datetime) -> None:
        self.advisor.accept(rec, now)
        self._say(now, say.closed_line(rec, now))
        self._save(conn)

    def opened(self, conn: Connection, n: int, clerk: str | None, now: datetime) -> None:
        """Window ``n`` opened (by the person sent, or anyone): its dispatch is done."""
        d = self.dispatches.pop(n, None)
        if d is not None:
            self._say(now, say.arrived_line(d, clerk, now, self.names))
            self._save(conn)

    def opened_now(self, n: int, clerk: str | None, now: datetime) -> None:
        try:
            with self.store.transaction() as conn:
                self.opened(conn, n, clerk, now)
        except SQLAlchemyError as err:
            log.warning("advisor memory not saved: %s", str(err).splitlines()[0])

    def queues_for(self, n: int) -> tuple[str, ...] | None:
        d = self.dispatches.get(n)
        return d.queues if d is not None else None

    def dispatch_for(self, n: int) -> Dispatch | None:
        return self.dispatches.get(n)

    def notices(self, username: str) -> list[dict[str, Any]]:
        """The dispatches naming ``username``, as their page shows them."""
        out = []
        for d in sorted(self.dispatches.values(), key=lambda d: d.accepted_at):
            if d.person == username:
                zh, en = say.notice_text(d, self.names)
                out.append({"window": d.window, "window_name": d.window_name, "queues": list(d.queues),
                            "accepted_at": payloads.iso(d.accepted_at, self.tz),
                            "ready_at": payloads.iso(d.ready_at, self.tz), "by": d.by, "text": zh, "text_en": en})
        return out

    # -- the payload -----------------------------------------------------------------------

    def message(self, advice: Advice, hall: Hall, now: datetime, auto_apply: bool, dismissed: set[str]) -> p.Advice:
        msg = payloads.advice_message(advice, self.tz, auto_apply, dismissed)
        recs = {r.id: r for r in advice.recommendations}
        for item in msg.recommendations:
            r = recs[item.id]
            item.staffing, item.wait_now_s, item.wait_after_s = r.staffing, r.wait_now_s, r.wait_after_s
            item.ready_at = payloads.iso(r.ready_at, self.tz)
            if r.person is not None:
                item.person, item.person_label, item.person_label_en = r.person.id, r.person.label_zh(), \
                    r.person.label_en()
        msg.on_the_way = [p.AdviceDispatch(
            window=d.window, window_name=d.window_name, queues=list(d.queues), person=d.person,
            person_label=d.label, person_label_en=d.label_en, accepted_at=payloads.iso(d.accepted_at, self.tz) or "",
            ready_at=payloads.iso(d.ready_at, self.tz) or "") for d in self.dispatches.values()]
        msg.log = [p.AdviceLogLine(at=payloads.iso(a, self.tz) or "", text=zh, text_en=en)
                   for a, zh, en in reversed(self.lines[-SHOWN_LINES:])]
        over = [q for q in (payloads.queue_state(hall, c, now) for c in hall.queues)
                if q.predicted_wait_s > q.target_wait_s or q.longest_wait_s > q.target_wait_s]
        msg.within_target = not over
        if not msg.recommendations:
            msg.reason, msg.reason_en = self._status(advice, over)
        return msg

    def _status(self, advice: Advice, over: list[p.QueueState]) -> tuple[str, str]:
        """The sentence when nothing is advised, true to the queue table of this moment."""
        on_way = min(self.dispatches.values(), key=lambda d: d.ready_at, default=None)
        if not over:
            if on_way is not None:
                return (f"各队列等候时间在目标之内；{on_way.window_name}人员正在前往，"
                        f"约{on_way.ready_at:%H:%M}开始叫号",
                        f"Every queue is within its target; window {on_way.window} is being staffed, "
                        f"calling from about {on_way.ready_at:%H:%M}")
            return "各队列等候时间在目标之内，无需调整", "Every queue is within its target; no change"
        if not advice.within_target and advice.status:
            return advice.status, advice.status_en  # names the queue beyond target and why nothing is advised
        q = max(over, key=lambda q: max(q.predicted_wait_s, q.longest_wait_s) / max(1.0, q.target_wait_s))
        worst = max(q.predicted_wait_s, q.longest_wait_s)
        what, what_en = ("预计等候", "predicted wait") if q.predicted_wait_s >= q.longest_wait_s else ("最长已等",
                                                                                                   "longest wait")
        why = ((f"{on_way.window_name}人员正在前往，约{on_way.ready_at:%H:%M}开始叫号",
                f"window {on_way.window} is being staffed, calling from about {on_way.ready_at:%H:%M}")
               if on_way is not None else ("正在重新评估", "re-assessing"))
        return (f"{q.code}{q.name}{what}{minutes_zh(worst)}，超过目标{minutes_zh(q.target_wait_s)}；{why[0]}",
                f"{q.code}: {what_en} {minutes_en(worst)} beyond its target of {minutes_en(q.target_wait_s)}; "
                f"{why[1]}")


__all__ = ["META_KEY", "AdvisorDesk"]

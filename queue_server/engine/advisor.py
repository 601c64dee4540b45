"""The elastic-window advisor: when to open or close an elastic (弹性) window, for which queue,
who goes, and why, in a way a hall manager can follow.

**Need.** For each queue, from the forecast of :mod:`.forecast` (history blended with today),
the mean service time and the people waiting:

* *flow*: the fewest windows whose M/M/c mean wait (Erlang C) stays within a share of the
  queue's target for the busiest half hour ahead; opening looks ``walk_time_s + open_lead_s``
  ahead (so a window is staffed when a rush begins), keeping looks one business hour ahead;
* *backlog*: the extra windows that would call the last person now waiting within that share.

A queue *claims* the elastic windows its flow needs beyond its own open windows, or its
backlog, whichever is more. Elastic windows opened by advice serve every queue, the queue it
is for first (``share_windows``), so the open elastic windows are one pool: the hall needs
as many as the claims add up to, and keeps one more before closing any (a shared window also
takes the other queues' overflow, so it is less often free for the queue that claimed it).

**Calm.** Two margins: a window opens when the claims at ``open_wait_share`` of the target
exceed the elastic windows open or on their way, and closes only when the claims at the
stricter ``close_wait_share`` over the next business hour leave it spare and the people
waiting would still be called within that share without it. Advice once given stays while
the other margin holds, so it does not flicker. A window stays open ``min_open_s`` and
closed ``min_closed_s`` (no flip back within the time), and after any open no close is
advised for ``min_open_s``, after any close no open for ``min_closed_s``. A day's changes
(opens, closes, queue changes of elastic windows, whoever made them) are counted: a close
is advised only while ``changes + closed elastic windows + 2 ≤ max_changes_per_day``,
which keeps a reopen in hand for every closed window, so the advice alone never exceeds
the budget and an open is never held back by it. Outside business hours nothing is advised
closed: the windows finish their queues and close with the day.

**Fair.** The queue a window is for is the one furthest below its service level today (the
share of its tickets called within target), then the most pressed (predicted or longest
wait over target), not the longest queue.

**Staffed.** Given the people available (:mod:`.staffing`), an open names who should go and
when the window can start calling; with nobody available it says so. An accepted open is on
its way (:meth:`ElasticAdvisor.accept`) and counts as open until the window opens or
``walk + pending_grace_s`` passes.

**Move.** When a queue needs a window and none can open, an idle elastic window that does
not serve it and whose queues can do without it is advised to close, to reopen at once for
the queue in need (the reopen is not held back by the minimum closed time).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from queue_server.engine import _advice_text as text
from queue_server.engine._loads import QueueLoad, VisitTally, queue_loads, window_share
from queue_server.engine.advice import (
    MIN_OPEN_S,
    PLAN_SHARE,
    Advice,
    AdvisorPolicy,
    Recommendation,
    status_sentence,
)
from queue_server.engine.erlang import backlog_wait_s, erlang_c, erlang_mean_wait_s, windows_needed
from queue_server.engine.forecast import ArrivalHistory, TodaySoFar, forecast
from queue_server.engine.hall import Hall
from queue_server.engine.model import Window, WindowKind, WindowStatus
from queue_server.engine.staffing import Person, pick_person
from queue_server.engine.views import queue_servers


@dataclass
class _Pending:
    queues: tuple[str, ...]
    person: str | None
    ready_at: datetime
    expires_at: datetime


def _is_elastic(w: Window) -> bool:
    return w.spec.kind is WindowKind.ELASTIC


def _staffed(w: Window) -> bool:
    return w.status is not WindowStatus.CLOSED


class ElasticAdvisor:
    """The advisor with its memory of the day: changes made, opens on their way, advice given."""

    def __init__(self, policy: AdvisorPolicy | None = None) -> None:
        self.policy = policy or AdvisorPolicy()
        self._start_day(None)

    def _start_day(self, day: date | None) -> None:
        self._day = day
        self._seen: dict[int, tuple[bool, tuple[str, ...], datetime | None]] = {}
        self.changes = 0
        self._last_open: datetime | None = None
        self._last_close: datetime | None = None
        self._pending: dict[int, _Pending] = {}
        self._offered: dict[int, Recommendation] = {}
        self._moving: dict[int, str] = {}
        self._tally = VisitTally()

    # -- memory ----------------------------------------------------------------------------

    def accept(self, rec: Recommendation, now: datetime) -> None:
        """The manager accepted ``rec``: an open's window is on its way until it opens."""
        if rec.action == "open":
            ready = rec.ready_at or now + timedelta(seconds=self.policy.walk_time_s)
            self._pending[rec.window] = _Pending(rec.queues or (rec.queue,), rec.person.id if rec.person else None,
                                                 ready, ready + timedelta(seconds=self.policy.pending_grace_s))
        elif rec.reopen_for is not None:
            self._moving[rec.window] = rec.reopen_for
        self._offered.pop(rec.window, None)

    def on_the_way(self) -> dict[int, datetime]:
        """Windows accepted and not open yet, with when they should start calling."""
        return {n: p.ready_at for n, p in self._pending.items()}

    def _observe(self, hall: Hall, now: datetime) -> None:
        if self._day != hall.day:
            self._start_day(hall.day)
        for w in hall.windows.values():
            if not _is_elastic(w):
                continue
            state = (_staffed(w), w.queues if _staffed(w) else (), w.since)
            prev = self._seen.get(w.number)
            self._seen[w.number] = state
            if prev is None or prev == state:
                continue
            # opened (or closed) and back between two advices: the window's own time tells
            self.changes += 2 if prev[0] == state[0] and prev[2] != state[2] else 1
            at = w.since or now
            if state[0]:
                self._pending.pop(w.number, None)
                self._moving.pop(w.number, None)
                self._last_open = max(self._last_open or at, at)
            else:
                self._last_close = max(self._last_close or at, at)
        for n in [n for n, p in self._pending.items() if now > p.expires_at]:
            del self._pending[n]

    def _last(self, hall: Hall, staffed: bool) -> datetime | None:
        """The latest open (or close) of an elastic window, remembered or seen in ``since``."""
        times = [w.since for w in hall.windows.values() if _is_elastic(w) and _staffed(w) == staffed
                 and w.since is not None and w.since.date() == hall.day]
        mem = self._last_open if staffed else self._last_close
        return max([*times, *([mem] if mem else [])], default=None)

    # -- advice ----------------------------------------------------------------------------

    def advise(self, hall: Hall, now: datetime, *, history: ArrivalHistory | None = None,
               staff: Sequence[Person] | None = None) -> Advice:
        """The advice at ``now``. ``staff``: who is available (None: not known, nobody is named)."""
        p = self.policy
        self._observe(hall, now)
        today = TodaySoFar.count(reversed(hall.tickets.values()), now, dict(hall.counters), hall.first_issue)
        fcs = forecast(list(hall.queues), today, now, p.hours, history, p.history_weeks, p.forecast_today_weight)
        loads = queue_loads(hall, now, fcs, p.hours.within(now, p.walk_time_s + p.open_lead_s),
                            p.hours.ahead(now, 3600.0), p.open_wait_share, p.close_wait_share,
                            p.hours.is_open(now), self._tally)
        by_code = {q.queue: q for q in loads}
        elastic = sorted((w for w in hall.windows.values() if _is_elastic(w)), key=lambda w: w.number)
        for n in [n for n in self._pending if _staffed(hall.windows[n])]:
            del self._pending[n]
        pool = sum(_staffed(w) for w in elastic) + len(self._pending)
        recs = self._opens(hall, now, loads, elastic, pool, staff)
        if not recs:
            recs = self._close(hall, now, loads, by_code, elastic, pool)
        self._offered = {r.window: r for r in recs}
        why = None if recs or not any(q.over_target for q in loads) else self._why_not(hall, now, elastic)
        status, status_en = status_sentence(loads, recs, why)
        return Advice(now, tuple(recs), tuple(sorted(loads, key=lambda q: q.pressure, reverse=True)),
                      status, status_en, self.changes)

    def _opens(self, hall: Hall, now: datetime, loads: list[QueueLoad], elastic: list[Window], pool: int,
               staff: Sequence[Person] | None) -> list[Recommendation]:
        want = max(0, sum(q.claim_open() for q in loads) - pool)
        if any(r.action == "open" for r in self._offered.values()):  # hold what was offered
            kept = sum(r.action == "open" for r in self._offered.values())
            want = max(want, min(kept, max(0, sum(q.claim_keep() for q in loads) - pool)))
        if not want:
            return []
        needy = sorted((q for q in loads if q.claim_keep() > 0),
                       key=lambda q: (q.claim_open() <= 0, q.service_level, -q.pressure))
        if not needy:
            return []
        free = [w for w in elastic if self._may_open(hall, w, now)]
        free.sort(key=lambda w: (w.number not in self._offered, w.number))
        recs: list[Recommendation] = []
        taken = {x.person for x in self._pending.values() if x.person}
        for i, w in enumerate(free[:want]):
            prev = self._offered.get(w.number)
            q = next((x for x in needy if prev is not None and x.queue == prev.queue), needy[i % len(needy)])
            if self._moving.get(w.number) in hall.queues:
                q = next((x for x in loads if x.queue == self._moving[w.number]), q)
            rec = self._open(hall, now, w, q, needy, loads, pool, staff, taken)
            if rec.person is not None:
                taken.add(rec.person.id)
            recs.append(rec)
        if len(recs) < want and not self._pending:
            recs += self._move(hall, now, loads, elastic, needy[0])
        return recs

    def _may_open(self, hall: Hall, w: Window, now: datetime) -> bool:
        if _staffed(w) or w.number in self._pending:
            return False
        if w.number in self._moving:
            return True
        p = self.policy
        last_close = self._last(hall, staffed=False)
        if last_close is not None and (now - last_close).total_seconds() < p.min_closed_s:
            return False
        return w.since is None or w.since.date() != hall.day or (now - w.since).total_seconds() >= p.min_closed_s

    def _open(self, hall: Hall, now: datetime, w: Window, q: QueueLoad, needy: list[QueueLoad],
              loads: list[QueueLoad], pool: int, staff: Sequence[Person] | None, taken: set[str]) -> Recommendation:
        p = self.policy
        if p.share_windows:
            queues = tuple(dict.fromkeys([q.queue, *hall.queues]))
            asks = [max(1, x.claim_keep()) for x in needy if x.queue in queues]
            share = max(1.0 / len(queues), max(1, q.claim_keep()) / max(1, sum(asks)))
        else:
            queues, share = (q.queue,), 1.0
        person = pick_person(staff, taken, p.walk_time_s) if staff is not None else None
        staffing = "unknown" if staff is None else ("named" if person else "nobody")
        walk = person.walk_or(p.walk_time_s) if person else p.walk_time_s
        ready = now + timedelta(seconds=walk)
        start = min((a for a, _ in p.hours.ahead(now, 1.0)), default=ready)
        ready = max(ready, start)
        after = q.wait_with_s(share)
        plan = None
        if q.by_forecast():
            claims = sum(x.claim_open() for x in loads)
            windows = q.dedicated + pool * q.claim_open() // max(1, claims)
            differs = abs(q.plan_service_s - q.service_s) > 0.2 * q.service_s
            plan = text.PeakPlan(q.flow_open, windows, q.peak_wait_s(windows), q.peak_wait_s(windows + 1),
                                 claims, pool, q.plan_service_s if differs else None)
        zh, en = text.open_reason(q.facts(), w.spec.name, w.number, queues, after, staffing, person, ready, plan)
        return Recommendation("open", w.number, w.spec.name, q.queue, zh, en, queues, staffing, person, ready,
                              q.predicted_wait_s, after)

    def _with_spare(self, claims: int) -> int:
        """Shared windows also take other queues' overflow: one above the claims is kept."""
        return claims + 1 if claims and self.policy.share_windows else claims

    def _close_budget_ok(self, elastic: list[Window]) -> bool:
        closed = sum(not _staffed(w) for w in elastic)  # an accepted open is still closed: its change is to come
        return self.changes + closed + 2 <= self.policy.max_changes_per_day

    def _may_close(self, hall: Hall, w: Window, now: datetime) -> bool:
        p = self.policy
        return (w.status is WindowStatus.OPEN and w.current is None and w.number not in self._pending
                and (w.since is None or (now - w.since).total_seconds() >= p.min_open_s))

    def _without(self, w: Window, by_code: dict[str, QueueLoad], share_of_target: float) -> bool:
        """Would every queue ``w`` serves call its people within the share of target without it?"""
        for code in w.queues:
            q = by_code[code]
            s = window_share(w, code)
            if backlog_wait_s(q.waiting, q.idle_windows - s, q.plan_service_s, q.open_windows - s) > (
                    share_of_target * q.target_wait_s):
                return False
        return True

    def _close(self, hall: Hall, now: datetime, loads: list[QueueLoad], by_code: dict[str, QueueLoad],
               elastic: list[Window], pool: int) -> list[Recommendation]:
        p = self.policy
        if self._pending or not self._close_budget_ok(elastic) or not p.hours.is_open(now):
            return []  # after hours the windows finish their queues and close with the day
        last_open = self._last(hall, staffed=True)
        if last_open is not None and (now - last_open).total_seconds() < p.min_open_s:
            return []
        spare_keep = pool - 1 >= self._with_spare(sum(q.claim_keep() for q in loads))
        spare_open = pool - 1 >= self._with_spare(sum(q.claim_open() for q in loads))
        for w in sorted(elastic, key=lambda w: -w.number):
            if not self._may_close(hall, w, now):
                continue
            offered = self._offered.get(w.number)
            held = offered is not None and offered.action == "close" and spare_open and self._without(
                w, by_code, p.open_wait_share)
            if held or (spare_keep and self._without(w, by_code, p.close_wait_share)):
                return [self._close_rec(w, by_code)]
        return []

    def _close_rec(self, w: Window, by_code: dict[str, QueueLoad], reopen_for: QueueLoad | None = None
                   ) -> Recommendation:
        worst = max((by_code[c] for c in w.queues),
                    key=lambda q: q.wait_with_s(-window_share(w, q.queue)) / max(1.0, q.target_wait_s))
        after = worst.wait_with_s(-window_share(w, worst.queue))
        zh, en = text.close_reason(worst.facts(), w.spec.name, w.number, after)
        if reopen_for is not None:
            zh += f"，改为办理{reopen_for.queue}（{reopen_for.waiting}人等候）"
            en += f" to reopen it for {reopen_for.queue} ({reopen_for.waiting} waiting)"
        return Recommendation("close", w.number, w.spec.name, w.queues[0] if w.queues else worst.queue, zh, en,
                              w.queues, wait_now_s=worst.predicted_wait_s, wait_after_s=after,
                              reopen_for=reopen_for.queue if reopen_for else None)

    def _move(self, hall: Hall, now: datetime, loads: list[QueueLoad], elastic: list[Window],
              need: QueueLoad) -> list[Recommendation]:
        by_code = {q.queue: q for q in loads}
        if not self._close_budget_ok(elastic):
            return []
        for w in sorted(elastic, key=lambda w: -w.number):
            if (need.queue not in w.queues and self._may_close(hall, w, now)
                    and all(by_code[c].pressure < need.pressure for c in w.queues)
                    and self._without(w, by_code, self.policy.open_wait_share)):
                return [self._close_rec(w, by_code, need)]
        return []

    # -- the hall in one sentence ----------------------------------------------------------

    def _why_not(self, hall: Hall, now: datetime, elastic: list[Window]) -> tuple[str, str]:
        """Why a queue beyond its target gets no advice."""
        if self._pending:
            n, pend = min(self._pending.items(), key=lambda x: x[1].ready_at)
            return (f"{hall.windows[n].spec.name}人员正在前往，约{pend.ready_at:%H:%M}开始叫号",
                    f"window {n} is being staffed, calling from about {pend.ready_at:%H:%M}")
        closed = [w for w in elastic if not _staffed(w)]
        if not closed:
            return "弹性窗口已全部开放", "every elastic window is open"
        if not any(self._may_open(hall, w, now) for w in closed):
            mins = round(self.policy.min_closed_s / 60)
            return (f"弹性窗口刚关闭，按设定关闭满{mins}分钟后才建议重新开放",
                    f"an elastic window closed recently; reopening is advised only after {mins} min")
        return ("按预测现有窗口可以消化，暂不增开",
                "by the forecast the windows open can catch up; no window added")


def advise(hall: Hall, now: datetime, *, history: ArrivalHistory | None = None,
           staff: Sequence[Person] | None = None, policy: AdvisorPolicy | None = None) -> Advice:
    """Advice with no memory of earlier advice (minimum times still hold, from the windows' own
    times); a server keeps one :class:`ElasticAdvisor` per hall instead."""
    return ElasticAdvisor(policy).advise(hall, now, history=history, staff=staff)


__all__ = ["MIN_OPEN_S", "PLAN_SHARE", "Advice", "AdvisorPolicy", "ElasticAdvisor", "QueueLoad", "Recommendation",
           "advise", "erlang_c", "erlang_mean_wait_s", "queue_servers", "windows_needed"]

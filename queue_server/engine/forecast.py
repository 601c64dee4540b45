"""Arrivals per queue for the hours ahead: the hall's own history blended with today so far.

**History** is plain data: how many tickets each queue issued in each half-hour slot of each
past business day, first issues only (a transfer is not an arrival). The store supplies it
as rows ``(day, queue, slot_min, count)`` (``slot_min``: minutes after local midnight at which
the slot starts, 0, 30, …, 1410), one ``GROUP BY`` over the tickets; ``hallctl simulate
--weeks N`` builds the same rows by replaying N past weeks (:func:`history_rows` is the
reduction both use).

**Forecast** for a slot of today: the *usual* count, the mean of that slot over the same
weekday in the last ``weeks`` weeks, scaled by how busy today has been so far::

    level    = (today so far + 5) / (usual so far + 5)     (near 1 early in the day)
    forecast = usual × ((1 − w) + w × level)               (w: ``today_weight``)

With no history for this weekday (or none for the queue) the forecast is today's own rate held
flat: arrivals over the last 30 minutes, or the last 10 if that is higher (a rush shows within
minutes).
Rates are measured over at least 10 minutes, so a day's first handful of tickets is never
extrapolated to hundreds an hour.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Protocol

from queue_server.engine.model import Ticket

SLOT_S = 1800.0
SLOT_MIN = 30
RECENT_S = 1800.0
SHORT_S = 600.0
MIN_SPAN_S = 600.0
#: pseudo-count (tickets) that keeps the day's level near 1 until today has said something
LEVEL_PRIOR = 5.0

Span = tuple[datetime, datetime]


@dataclass(frozen=True)
class HistoryRow:
    """Tickets first issued in one queue in one half-hour slot of one past day."""

    day: date
    queue: str
    slot_min: int
    count: int


def slot_min(t: datetime) -> int:
    """The start of ``t``'s half-hour slot, in minutes after midnight (``t`` in local time)."""
    return (t.hour * 60 + t.minute) // SLOT_MIN * SLOT_MIN


class Issued(Protocol):
    """What a history row is counted from: a ticket, or a row of the store's ticket table."""

    @property
    def issued_at(self) -> datetime: ...
    @property
    def queue(self) -> str: ...
    @property
    def hop(self) -> int: ...


def history_rows(tickets: Iterable[Issued], tz: tzinfo) -> list[HistoryRow]:
    """Reduce tickets to history rows: first issues counted per local day, queue and slot."""
    counts: Counter[tuple[date, str, int]] = Counter()
    for t in tickets:
        if t.hop == 0:
            local = t.issued_at.astimezone(tz)
            counts[(local.date(), t.queue, slot_min(local))] += 1
    return [HistoryRow(d, q, s, n) for (d, q, s), n in sorted(counts.items())]


class ArrivalHistory:
    """Past days' arrivals per queue and half-hour slot (rows from the store or a replay)."""

    def __init__(self, rows: Iterable[HistoryRow | tuple[date, str, int, int]] = ()) -> None:
        self._days: dict[date, Counter[tuple[str, int]]] = {}
        for row in rows:
            r = row if isinstance(row, HistoryRow) else HistoryRow(*row)
            if r.count < 0 or r.slot_min % SLOT_MIN or not 0 <= r.slot_min < 24 * 60:
                raise ValueError(f"bad history row {r}: slot_min must be a multiple of {SLOT_MIN} in a day, "
                                 "count not negative")
            self._days.setdefault(r.day, Counter())[(r.queue, r.slot_min)] += r.count

    def __len__(self) -> int:
        return len(self._days)

    def rows(self) -> list[HistoryRow]:
        return [HistoryRow(d, q, s, n) for d in sorted(self._days) for (q, s), n in sorted(self._days[d].items())]

    def same_weekday(self, day: date, weeks: int) -> list[date]:
        """Days before ``day`` on its weekday within the last ``weeks`` weeks, newest first."""
        first = day - timedelta(weeks=weeks)
        return sorted((d for d in self._days if first <= d < day and d.weekday() == day.weekday()), reverse=True)

    def usual(self, day: date, weeks: int) -> tuple[int, dict[str, dict[int, float]]]:
        """(days averaged, mean count per queue and slot) over ``same_weekday``."""
        days = self.same_weekday(day, weeks)
        out: dict[str, dict[int, float]] = {}
        for d in days:
            for (q, s), n in self._days[d].items():
                out.setdefault(q, {})[s] = out.get(q, {}).get(s, 0.0) + n / len(days)
        return len(days), out


@dataclass(frozen=True)
class BusinessHours:
    """The day's sessions (local times); no sessions means open all day."""

    sessions: tuple[tuple[time, time], ...] = ()

    def spans(self, day: date, tz: tzinfo) -> list[Span]:
        if not self.sessions:
            start = datetime.combine(day, time(0), tzinfo=tz)
            return [(start, start + timedelta(days=1))]
        return [(datetime.combine(day, a, tzinfo=tz), datetime.combine(day, b, tzinfo=tz)) for a, b in self.sessions]

    def is_open(self, now: datetime) -> bool:
        return any(a <= now < b for a, b in self.spans(now.date(), _tz(now)))

    def ahead(self, now: datetime, seconds: float) -> list[Span]:
        """The business time of the next ``seconds`` from ``now`` (today only)."""
        out, left = [], seconds
        for a, b in self.spans(now.date(), _tz(now)):
            a = max(a, now)
            if b <= a or left <= 0:
                continue
            end = min(b, a + timedelta(seconds=left))
            out.append((a, end))
            left -= (end - a).total_seconds()
        return out

    def within(self, now: datetime, seconds: float) -> list[Span]:
        """Business time in the clock interval ``[now, now + seconds]``."""
        end = now + timedelta(seconds=seconds)
        return [(max(a, now), min(b, end)) for a, b in self.spans(now.date(), _tz(now))
                if min(b, end) > max(a, now)]


def _tz(now: datetime) -> tzinfo:
    if now.tzinfo is None:
        raise ValueError("the advisor works on timezone-aware times")
    return now.tzinfo


@dataclass(frozen=True)
class QueueForecast:
    """One queue's arrivals: measured lately and expected ahead."""

    queue: str
    #: first issues over the last ``recent_span_s`` (30 minutes, or since the day's first ticket but at
    #: least 10 minutes; 0 before the day's first ticket), and that as a rate per hour
    recent_count: int
    recent_per_h: float
    recent_span_s: float
    #: expected first issues in the next hour of business
    next_hour: float
    #: today so far against the usual (1.0 without history)
    level: float
    #: past days the forecast averages (0: none, the forecast is today's own rate)
    history_days: int
    #: expected arrivals per second, per slot start (minutes after midnight)
    slot_rate_per_s: dict[int, float] = field(default_factory=dict)
    flat_rate_per_s: float = 0.0

    def rate_per_s(self, at: datetime) -> float:
        if not self.history_days:
            return self.flat_rate_per_s
        return self.slot_rate_per_s.get(slot_min(at), 0.0)

    def peak_rate_per_s(self, spans: Sequence[Span]) -> float:
        """The busiest half hour's expected rate in ``spans``."""
        best = 0.0
        for a, b in spans:
            t = a
            while t < b:
                best = max(best, self.rate_per_s(t))
                t = _next_slot(t)
        return best

    def expected(self, spans: Sequence[Span]) -> float:
        """Expected arrivals over ``spans``."""
        total = 0.0
        for a, b in spans:
            t = a
            while t < b:
                end = min(b, _next_slot(t))
                total += self.rate_per_s(t) * (end - t).total_seconds()
                t = end
        return total


def _next_slot(t: datetime) -> datetime:
    start = t.replace(minute=slot_min(t) % 60, second=0, microsecond=0)
    return start + timedelta(seconds=SLOT_S)


@dataclass(frozen=True)
class TodaySoFar:
    """Today's first issues per queue: all of them, the last 30 and the last 10 minutes."""

    first: datetime | None
    so_far: dict[str, int]
    recent: dict[str, int]
    short: dict[str, int]

    @classmethod
    def count(cls, newest_first: Iterable[Ticket], now: datetime,
              so_far: dict[str, int] | None = None, first: datetime | None = None) -> TodaySoFar:
        """Count from today's tickets, newest first. With ``so_far`` and ``first`` known (the
        hall keeps both) only the last 30 minutes are read."""
        today = now.date()
        tz = _tz(now)
        counts = Counter[str]()
        recent, short = Counter[str](), Counter[str]()
        for t in newest_first:
            if t.hop or t.issued_at > now:
                continue
            age = (now - t.issued_at).total_seconds()
            if so_far is not None and age > RECENT_S:
                break
            if t.issued_at.astimezone(tz).date() != today:
                continue
            first = t.issued_at if so_far is None and (first is None or t.issued_at < first) else first
            counts[t.queue] += 1
            recent[t.queue] += age <= RECENT_S
            short[t.queue] += age <= SHORT_S
        given = {q: n for q, n in (so_far if so_far is not None else counts).items() if n}
        return cls(first, given, dict(recent), dict(short))


def forecast(queues: Sequence[str], today_so_far: TodaySoFar, now: datetime, hours: BusinessHours,
             history: ArrivalHistory | None = None, weeks: int = 8,
             today_weight: float = 0.5) -> dict[str, QueueForecast]:
    """Each queue's forecast at ``now`` (see the module docstring for the rule)."""
    today = now.date()
    first, so_far = today_so_far.first, today_so_far.so_far
    recent, short = today_so_far.recent, today_so_far.short
    since = (now - first).total_seconds() if first is not None else 0.0
    span = min(RECENT_S, max(MIN_SPAN_S, since))
    span_short = min(SHORT_S, max(MIN_SPAN_S, since))
    shown = span if first is not None else 0.0  # no tickets today: no rate to speak of
    days, usual = history.usual(today, weeks) if history is not None else (0, {})
    ahead = hours.ahead(now, 3600.0)
    out = {}
    for q in queues:
        recent_per_s = recent.get(q, 0) / span
        if not days or not usual.get(q):  # no history, or none for this queue (a new queue)
            flat = max(recent_per_s, short.get(q, 0) / span_short)
            fc = QueueForecast(q, recent.get(q, 0), recent_per_s * 3600, shown, 0.0, 1.0, 0, flat_rate_per_s=flat)
        else:
            slots = usual.get(q, {})
            done = _usual_so_far(slots, now)
            level = (so_far.get(q, 0) + LEVEL_PRIOR) / (done + LEVEL_PRIOR)
            factor = (1.0 - today_weight) + today_weight * level
            rates = {s: n * factor / SLOT_S for s, n in slots.items()}
            fc = QueueForecast(q, recent.get(q, 0), recent_per_s * 3600, shown, 0.0, level, days, rates)
        out[q] = _with_next_hour(fc, ahead)
    return out


def _with_next_hour(fc: QueueForecast, ahead: list[Span]) -> QueueForecast:
    return replace(fc, next_hour=fc.expected(ahead))


def _usual_so_far(slots: dict[int, float], now: datetime) -> float:
    """Usual arrivals before ``now`` today (the current slot in proportion to its time gone)."""
    minute = now.hour * 60 + now.minute + now.second / 60
    total = 0.0
    for s, n in slots.items():
        if s + SLOT_MIN <= minute:
            total += n
        elif s < minute:
            total += n * (minute - s) / SLOT_MIN
    return total


__all__ = ["SLOT_MIN", "ArrivalHistory", "BusinessHours", "HistoryRow", "QueueForecast", "TodaySoFar", "forecast",
           "history_rows", "slot_min"]

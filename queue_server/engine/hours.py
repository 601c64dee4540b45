"""Business hours: when tickets are issued, and which days are working days.

Pure: the current time is passed in. :class:`WorkCalendar` knows working days (the working
weekdays, minus public holidays, plus the rest days worked in exchange, 调休上班);
:func:`issuing_state` says whether a ticket may be issued at a moment and, when not, why and
when issuing resumes (the lunch pause, the last-ticket cutoff before closing, after hours, a
rest day or holiday, or the manager's 停止取号).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from itertools import pairwise

from hall_contract.config.sections import Hours

#: why issuing is closed (None: open)
REASONS = ("stopped", "before_hours", "lunch", "cutoff", "after_hours", "rest_day", "holiday")

_WHY = {
    "stopped": ("暂停取号", "Ticket issuing is stopped"),
    "before_hours": ("尚未开始取号", "Ticket issuing has not started yet"),
    "lunch": ("午休暂停取号", "Ticket issuing pauses for lunch"),
    "cutoff": ("今日取号已截止", "Today's ticket issuing has closed"),
    "after_hours": ("今日已下班", "The hall has closed for today"),
    "rest_day": ("今日休息，不办理业务", "The hall is closed today"),
    "holiday": ("节假日休息，不办理业务", "The hall is closed for the public holiday"),
}


class WorkCalendar:
    """Working days from ``[hours]``: weekdays, holidays and 调休 workdays."""

    def __init__(self, hours: Hours) -> None:
        self.weekdays = frozenset(hours.weekdays)
        self.holidays = frozenset(hours.holidays)
        self.workdays = frozenset(hours.workdays)

    def is_working_day(self, d: date) -> bool:
        if d in self.workdays:
            return True
        return d not in self.holidays and d.isoweekday() in self.weekdays

    def closed_reason(self, d: date) -> str | None:
        """``holiday`` or ``rest_day`` when ``d`` is not a working day, else None."""
        if self.is_working_day(d):
            return None
        return "holiday" if d in self.holidays else "rest_day"

    def next_working_day(self, d: date) -> date:
        """The first working day after ``d``."""
        for _ in range(800):
            d += timedelta(days=1)
            if self.is_working_day(d):
                return d
        raise ValueError("no working day within two years: check [hours] weekdays and holidays")

    def add_working_days(self, d: date, n: int) -> date:
        """The working day ``n`` working days after ``d`` (``d`` itself not counted)."""
        for _ in range(n):
            d = self.next_working_day(d)
        return d

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when ``end`` is not later)."""
        count, d = 0, start
        while d < end:
            d += timedelta(days=1)
            count += self.is_working_day(d)
        return count


@dataclass(frozen=True)
class IssuingState:
    """Whether tickets are issued now; when not, why (one of :data:`REASONS`) and when it resumes."""

    open: bool
    reason: str | None = None
    resumes_at: datetime | None = None
    note: str | None = None  # the manager's reason for 停止取号

    def message(self, language: str = "zh_CN", today: date | None = None) -> str:
        """What the kiosk and the wall display say, e.g. ``午休暂停取号，13:30恢复取号``."""
        if self.open or self.reason is None:
            return ""
        zh, en = _WHY[self.reason]
        en_mode = language == "en"
        head = en if en_mode else zh
        if self.note:
            head += (f": {self.note}" if en_mode else f"：{self.note}")
        return head + _resumes_words(self.resumes_at, today, en_mode)


def _resumes_words(at: datetime | None, today: date | None, en: bool) -> str:
    if at is None:
        return "; please watch for the hall's notice" if en else "，恢复时间请留意现场通知"
    hhmm = f"{at:%H:%M}"
    if today is not None and at.date() == today:
        return f"; issuing resumes at {hhmm}" if en else f"，{hhmm}恢复取号"
    if today is not None and at.date() == today + timedelta(days=1):
        return f"; issuing resumes tomorrow at {hhmm}" if en else f"，明天{hhmm}恢复取号"
    return (f"; issuing resumes on {at:%Y-%m-%d} at {hhmm}" if en
            else f"，{at.month}月{at.day}日{hhmm}恢复取号")


def issuing_state(hours: Hours, now: datetime, *, stopped: bool = False,
                  stop_reason: str | None = None) -> IssuingState:
    """Whether a ticket may be issued at ``now`` (an aware time in the hall's zone)."""
    if stopped:
        return IssuingState(False, "stopped", None, stop_reason or None)
    if not hours.enforce or not hours.sessions:
        return IssuingState(True)
    cal = WorkCalendar(hours)
    day, clock = now.date(), now.time().replace(tzinfo=None)
    closed = cal.closed_reason(day)
    if closed is not None:
        return IssuingState(False, closed, _opening(hours, cal.next_working_day(day), now))
    sessions = hours.sessions
    first_start, last_end = sessions[0][0], sessions[-1][1]
    cutoff = _minus(last_end, hours.last_ticket_min)
    if clock < first_start:
        return IssuingState(False, "before_hours", _at(now, day, first_start))
    if clock >= cutoff:
        reason = "cutoff" if clock < last_end else "after_hours"
        return IssuingState(False, reason, _opening(hours, cal.next_working_day(day), now))
    for (_, end), (start, _) in pairwise(sessions):
        if end <= clock < start:
            return IssuingState(False, "lunch", _at(now, day, start))
    return IssuingState(True)


def _minus(t: time, minutes: int) -> time:
    full = datetime.combine(date(2000, 1, 1), t) - timedelta(minutes=minutes)
    return full.time() if full.date() == date(2000, 1, 1) else time(0)


def _at(now: datetime, d: date, t: time) -> datetime:
    return datetime.combine(d, t, tzinfo=now.tzinfo)


def _opening(hours: Hours, d: date, now: datetime) -> datetime:
    return _at(now, d, hours.sessions[0][0])


def quota_for(hours: Hours, queue: str, item: str | None) -> list[tuple[str, int]]:
    """The daily quotas that bind a ticket of ``queue`` (for ``item``): ``(code, limit)`` pairs."""
    found = []
    if item is not None and item in hours.quotas:
        found.append((item, hours.quotas[item]))
    if queue in hours.quotas:
        found.append((queue, hours.quotas[queue]))
    return found

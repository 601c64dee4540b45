"""The issuing gate: no ticket outside business hours, in the lunch pause, after the last-ticket
cutoff, on a rest day or holiday, past a daily quota, or while the manager has stopped issuing.

The rule itself is pure (:mod:`queue_server.engine.hours`); this module asks it with the
service's clock and the day's counts, and words the refusal so that the kiosk, the guide desk and
the API say when issuing resumes (``午休暂停取号，13:30恢复取号``).
"""
from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from hall_contract.config.sections import Hours
from queue_server.engine import Hall
from queue_server.engine.errors import EngineError, IssuingStopped
from queue_server.engine.hours import IssuingState, issuing_state, quota_for


class IssuingClosed(EngineError):
    """Outside business hours (lunch pause, cutoff, after hours, rest day, holiday)."""

    code = "issuing_closed"
    message_zh, message_en = "当前不在取号时间", "tickets are not issued at this time"


class QuotaReached(EngineError):
    code = "quota_reached"
    message_zh, message_en = "今日号源已取完", "today's tickets for this business are all issued"


def state_of(hours: Hours, hall: Hall, now: datetime, stop_reason: str | None) -> IssuingState:
    """The gate at ``now``: the manager's stop first, then the hours."""
    return issuing_state(hours, now, stopped=not hall.issuing, stop_reason=stop_reason)


def check(hours: Hours, hall: Hall, now: datetime, stop_reason: str | None, queue: str, item: str | None) -> None:
    """Raise the refusal for a ticket of ``queue`` (``item``) at ``now``, or return when it may be issued."""
    state = state_of(hours, hall, now, stop_reason)
    if not state.open:
        zh, en = state.message("zh_CN", now.date()), state.message("en", now.date())
        resumes = state.resumes_at.isoformat() if state.resumes_at else None
        if state.reason == "stopped":
            raise IssuingStopped(zh=zh, en=en, resumes_at=resumes)
        raise IssuingClosed(state.reason or "", zh=zh, en=en, reason=state.reason, resumes_at=resumes)
    for code, limit in quota_for(hours, queue, item):
        issued = hall.counters.get(code, 0) if code == queue else _item_count(hall, code)
        if issued >= limit:
            what = f"事项 {code}" if code != queue else f"{code} 队列"
            raise QuotaReached(code, zh=f"今日{what}号源（{limit} 个）已取完，请下一个工作日再来",
                               en=f"today's {limit} tickets for {code} are all issued; please come on the next "
                                  "working day", quota=code, limit=limit)


def _item_count(hall: Hall, item: str) -> int:
    return len({t.number for t in hall.tickets.values() if t.item == item})


def describe(state: IssuingState, now: datetime, tz: tzinfo) -> dict[str, Any]:
    """The snapshot's ``issuing`` object: ``{open, reason, resumes_at, message, message_en, note}``."""
    return {"open": state.open, "reason": state.reason,
            "resumes_at": state.resumes_at.astimezone(tz).isoformat() if state.resumes_at else None,
            "message": state.message("zh_CN", now.date()) or None,
            "message_en": state.message("en", now.date()) or None, "note": state.note}

"""What the advisor says: its settings, each recommendation, and the advice as a whole.

:attr:`Advice.status` is the hall in one sentence, what the console shows when nothing is
advised. It says the queues are within target only when every queue's predicted wait (as the
queue table shows it) and longest wait are; otherwise it names the queue furthest beyond and
why nothing (more) is advised. An :class:`Advice` built without a status (as the server does
after a recommendation is accepted) makes it from its loads, so it stays true.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from queue_server.engine import _advice_text as text
from queue_server.engine._loads import QueueLoad
from queue_server.engine.forecast import BusinessHours
from queue_server.engine.staffing import Person


@dataclass(frozen=True)
class AdvisorPolicy:
    """The advisor's settings (``[advisor]`` in the hall configuration)."""

    min_open_s: float = 1800.0
    min_closed_s: float = 1800.0
    open_wait_share: float = 0.5
    close_wait_share: float = 0.25
    walk_time_s: float = 180.0
    open_lead_s: float = 900.0
    forecast_today_weight: float = 0.5
    history_weeks: int = 8
    max_changes_per_day: int = 8
    pending_grace_s: float = 600.0
    share_windows: bool = True
    hours: BusinessHours = field(default_factory=BusinessHours)


#: defaults, kept as names for callers of the first advisor
MIN_OPEN_S = AdvisorPolicy.min_open_s
PLAN_SHARE = AdvisorPolicy.open_wait_share


@dataclass(frozen=True)
class Recommendation:
    action: str  # "open" | "close"
    window: int
    window_name: str
    #: the queue the change is for (open: furthest below its service level; close: the window's first)
    queue: str
    reason: str
    reason_en: str
    #: the queues the window serves once open, ``queue`` first
    queues: tuple[str, ...] = ()
    #: "named": ``person`` should go; "nobody": nobody is available; "unknown": no staff list given
    staffing: str = "unknown"
    person: Person | None = None
    #: when the window can start calling (now + the person's walk)
    ready_at: datetime | None = None
    #: the queue's predicted wait now and after the change
    wait_now_s: float = 0.0
    wait_after_s: float = 0.0
    #: a close that frees the window to reopen for this queue
    reopen_for: str | None = None

    @property
    def id(self) -> str:
        return f"{self.action}-{self.window}-{self.queue}"


@dataclass(frozen=True)
class Advice:
    at: datetime
    recommendations: tuple[Recommendation, ...] = ()
    loads: tuple[QueueLoad, ...] = field(default_factory=tuple)
    #: the hall in one sentence, what the console shows when nothing is advised: "within target"
    #: only when every queue's predicted and longest wait are (left empty, it is made from ``loads``)
    status: str = ""
    status_en: str = ""
    changes_today: int = 0

    def __post_init__(self) -> None:
        if not self.status:
            zh, en = status_sentence(self.loads, self.recommendations)
            object.__setattr__(self, "status", zh)
            object.__setattr__(self, "status_en", en)

    @property
    def within_target(self) -> bool:
        return not any(q.over_target for q in self.loads)

    def key(self) -> tuple[str, ...]:
        return tuple(r.id for r in self.recommendations)


def status_sentence(loads: Sequence[QueueLoad], recs: Sequence[Recommendation],
                 why: tuple[str, str] | None = None) -> tuple[str, str]:
    """The sentence for :attr:`Advice.status`; ``why``: why nothing (more) is advised."""
    if not loads:
        return "正在评估各队列", "assessing the queues"
    over = [q for q in loads if q.over_target]
    if not over:
        return (text.WITHIN_ZH + ("" if recs else text.NO_CHANGE_ZH),
                text.WITHIN_EN + ("" if recs else text.NO_CHANGE_EN))
    zh, en = text.over_target(max(over, key=lambda q: q.pressure).facts())
    if why is None and recs:
        first, more = recs[0], len(recs) - 1
        verb_zh, verb_en = ("开放", "open") if first.action == "open" else ("关闭", "close")
        why = (f"建议{verb_zh}{first.window_name}" + (f"等{len(recs)}个窗口" if more else ""),
               f"advice: {verb_en} window {first.window}" + (f" and {more} more" if more else ""))
    why = why or ("正在重新评估", "re-assessing")
    return f"{zh}；{why[0]}", f"{en}; {why[1]}"


__all__ = ["MIN_OPEN_S", "PLAN_SHARE", "Advice", "AdvisorPolicy", "Recommendation", "status_sentence"]

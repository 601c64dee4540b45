"""The advisor's sentences, in Chinese and English, with the units a hall manager reads.

Durations: under a minute in seconds (``40秒``), under ten minutes to a tenth (``3.5分钟``),
otherwise whole minutes. Arrivals: people per hour, from the last 30 minutes. Targets: the
queue's own target wait as configured (what the queue table shows), never an internal
planning margin.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from queue_server.engine.staffing import Person


def minutes_zh(s: float, endless: str = "无法估计（没有开放的窗口）") -> str:
    if math.isinf(s):
        return endless
    if s < 60:
        return f"{max(0, round(s))}秒"
    m = s / 60
    return f"{m:.1f}分钟".replace(".0分钟", "分钟") if m < 10 else f"{round(m)}分钟"


def minutes_en(s: float, endless: str = "unknown (no window open)") -> str:
    if math.isinf(s):
        return endless
    if s < 60:
        return f"{max(0, round(s))} s"
    m = s / 60
    return f"{m:.1f} min".replace(".0 min", " min") if m < 10 else f"{round(m)} min"


def per_hour(x: float) -> str:
    return str(round(x)) if x >= 1 or x == 0 else f"{x:.1f}"


@dataclass(frozen=True)
class QueueFacts:
    """What a sentence about one queue says."""

    code: str
    name: str
    waiting: int
    longest_s: float
    target_s: float
    service_s: float
    recent_per_h: float
    recent_span_s: float
    next_hour: float
    from_history: bool
    predicted_s: float


@dataclass(frozen=True)
class PeakPlan:
    """An open for the arrivals ahead: the windows the queue needs at the busiest half hour, the
    windows it can count on now (its own and its part of the elastic ones), the mean wait then
    without and with the window, and the elastic windows all queues need and have open."""

    need: int
    windows: int
    wait_now_s: float
    wait_with_s: float
    elastic_need: int
    elastic_open: int
    #: the service time planned with, when it differs from the recent mean shown (see ``_loads``)
    plan_service_s: float | None = None


GROWING_ZH = "排不过来，队伍会越排越长"
GROWING_EN = "more than the windows can serve, the line would keep growing"


def _peak_zh(p: PeakPlan) -> str:
    now = (f"现可用约{p.windows}个，{GROWING_ZH}" if math.isinf(p.wait_now_s)
           else f"现可用约{p.windows}个，平均等候{minutes_zh(p.wait_now_s)}")
    after = (f"开放后仍差{max(1, p.need - p.windows - 1)}个窗口" if math.isinf(p.wait_with_s)
             else f"开放后平均等候约{minutes_zh(p.wait_with_s)}")
    basis = f"（每人按{minutes_zh(p.plan_service_s)}计）" if p.plan_service_s is not None else ""
    return (f"按预测{basis}，高峰时需要{p.need}个窗口才能在目标内叫到，{now}，{after}；"
            f"各队列共需弹性窗口{p.elastic_need}个，现开{p.elastic_open}个。")


def _peak_en(p: PeakPlan, number: int) -> str:
    now = (f"about {p.windows} can serve it now, {GROWING_EN}" if math.isinf(p.wait_now_s)
           else f"about {p.windows} can serve it now, mean wait {minutes_en(p.wait_now_s)}")
    after = (f"still {max(1, p.need - p.windows - 1)} short with window {number}" if math.isinf(p.wait_with_s)
             else f"about {minutes_en(p.wait_with_s)} with window {number}")
    basis = f" (at {minutes_en(p.plan_service_s)} per visit)" if p.plan_service_s is not None else ""
    return (f"the forecast peak{basis} needs {p.need} windows to call within target, {now}, {after}; "
            f"all queues need {p.elastic_need} elastic windows, {p.elastic_open} open. ")


def _arrivals_zh(q: QueueFacts) -> str:
    ahead = f"，预计未来一小时到达约{per_hour(q.next_hour)}人" if q.from_history else ""
    recent = (f"近{round(q.recent_span_s / 60)}分钟每小时到达约{per_hour(q.recent_per_h)}人" if q.recent_span_s > 0
              else "今天尚无人取号")
    return f"{recent}{ahead}，平均每人办理{minutes_zh(q.service_s)}"


def _arrivals_en(q: QueueFacts) -> str:
    ahead = f", about {per_hour(q.next_hour)} expected in the next hour" if q.from_history else ""
    recent = (f"{per_hour(q.recent_per_h)} arrivals/h over the last {round(q.recent_span_s / 60)} min"
              if q.recent_span_s > 0 else "no tickets yet today")
    return f"{recent}{ahead}, {minutes_en(q.service_s)} per visit"


def open_reason(q: QueueFacts, window: str, number: int, queues: tuple[str, ...], after_s: float,
                staffing: str, person: Person | None, ready_at: datetime | None,
                plan: PeakPlan | None = None) -> tuple[str, str]:
    others = [c for c in queues if c != q.code]
    also_zh = f"（兼办{'、'.join(others)}）" if others else ""
    also_en = f" (also {', '.join(others)})" if others else ""
    head_zh = f"{q.code}{q.name}：{_arrivals_zh(q)}，目标等候{minutes_zh(q.target_s)}；"
    head_en = f"{q.code}: {_arrivals_en(q)}, target {minutes_en(q.target_s)}; "
    if plan is not None:
        zh, en = head_zh + _peak_zh(plan), head_en + _peak_en(plan, number)
    else:
        zh = head_zh + f"现{q.waiting}人等候，预计等候{minutes_zh(q.predicted_s)}，开放后约{minutes_zh(after_s)}。"
        en = (head_en + f"{q.waiting} waiting, predicted wait {minutes_en(q.predicted_s)}, about "
              f"{minutes_en(after_s)} with window {number}. ")
    zh += f"建议开放{window}办理{q.code}{also_zh}"
    en += f"Open window {number} for {q.code}{also_en}"
    when = f"{ready_at:%H:%M}" if ready_at is not None else ""
    if staffing == "named" and person is not None:
        zh += f"，请{person.label_zh()}前往，约{when}开始叫号"
        en += f"; {person.label_en()} to go, calling from about {when}"
    elif staffing == "nobody":
        zh += "；目前没有可调派的人员，请另行安排"
        en += "; nobody is free to staff it: please find someone"
    return zh, en


def close_reason(q: QueueFacts, window: str, number: int, after_s: float) -> tuple[str, str]:
    ahead_zh = f"，预计未来一小时到达约{per_hour(q.next_hour)}人" if q.from_history else ""
    ahead_en = f", about {per_hour(q.next_hour)} expected in the next hour" if q.from_history else ""
    zh = (f"{q.code}{q.name}：{q.waiting}人等候{ahead_zh}，关闭{window}后预计等候{minutes_zh(after_s)}，"
          f"目标{minutes_zh(q.target_s)}，其余窗口足够。建议关闭{window}")
    en = (f"{q.code}: {q.waiting} waiting{ahead_en}, predicted wait {minutes_en(after_s)} without window {number}, "
          f"target {minutes_en(q.target_s)}; the other windows suffice. Close window {number}")
    return zh, en


def over_target(q: QueueFacts) -> tuple[str, str]:
    """What is beyond target in ``q``: its longest wait, its predicted wait, or both."""
    zh, en = [], []
    if q.longest_s > q.target_s:
        zh.append(f"最长已等{minutes_zh(q.longest_s)}")
        en.append(f"longest wait {minutes_en(q.longest_s)}")
    if q.predicted_s > q.target_s:
        zh.append(f"预计等候{minutes_zh(q.predicted_s)}")
        en.append(f"predicted wait {minutes_en(q.predicted_s)}")
    return (f"{q.code}{q.name}{'、'.join(zh)}，超过目标{minutes_zh(q.target_s)}",
            f"{q.code}: {' and '.join(en)} beyond its target of {minutes_en(q.target_s)}")


WITHIN_ZH = "各队列等候时间在目标之内"
WITHIN_EN = "Every queue is within its target"
NO_CHANGE_ZH = "，无需调整"
NO_CHANGE_EN = "; no change"

__all__ = ["NO_CHANGE_EN", "NO_CHANGE_ZH", "WITHIN_EN", "WITHIN_ZH", "PeakPlan", "QueueFacts", "close_reason",
           "minutes_en", "minutes_zh", "open_reason", "over_target", "per_hour"]

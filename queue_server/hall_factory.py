"""Build the engine's specs from the hall configuration."""
from __future__ import annotations

from datetime import date

from queue_server.engine import AdvisorPolicy, BusinessHours, Hall, ItemSpec, Policy, QueueSpec, WindowSpec
from queue_server.settings import Settings


def queue_specs(s: Settings) -> list[QueueSpec]:
    specs = []
    for q in s.queues:
        means = [i.mean_service_min * 60 for i in s.items if i.queue == q.code]
        prior = sum(means) / len(means) if means else 600.0
        specs.append(QueueSpec(q.code, q.name, float(q.target_wait_s), prior, q.name_en))
    return specs


def item_specs(s: Settings) -> list[ItemSpec]:
    return [ItemSpec(i.code, i.name, i.queue, i.mean_service_min * 60, i.board, i.self_service) for i in s.items]


def window_specs(s: Settings) -> list[WindowSpec]:
    return [WindowSpec(w.number, w.display_name(), w.kind, tuple(w.queues)) for w in s.windows]


def policy(s: Settings) -> Policy:
    p = s.policy
    return Policy(max_priority_streak=p.max_priority_streak, max_recalls=p.max_recalls,
                  recent_calls=p.recent_calls, service_sample=p.service_sample,
                  arrival_window_s=p.arrival_window_s, call_guard_s=p.call_guard_s)


def build_hall(s: Settings, day: date) -> Hall:
    return Hall(queue_specs(s), window_specs(s), item_specs(s), policy(s), s.hall.tz(), day)


def advisor_policy(s: Settings) -> AdvisorPolicy:
    a = s.advisor
    return AdvisorPolicy(min_open_s=a.min_open_s, min_closed_s=a.min_closed_s,
                         open_wait_share=a.open_wait_share_of_target, close_wait_share=a.close_wait_share_of_target,
                         walk_time_s=a.walk_time_s, open_lead_s=a.open_lead_s,
                         forecast_today_weight=a.forecast_today_weight, history_weeks=a.history_weeks,
                         max_changes_per_day=a.max_changes_per_day, pending_grace_s=a.pending_grace_s,
                         share_windows=a.share_windows, hours=BusinessHours(tuple(s.hours.sessions)))

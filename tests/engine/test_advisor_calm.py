"""Calm advice: minimum open and closed times, no flip back within them, a day's change budget."""
from __future__ import annotations

from datetime import datetime, timedelta
from functools import cache

import pytest

from queue_server.engine import ElasticAdvisor, Hall
from queue_server.settings import Settings, load_settings
from queue_server.simulate import generate, load_profile
from queue_server.simulate.history import replay_history
from queue_server.simulate.runner import Scenario, run_day
from tests.engine._small_hall import T0, issue, policy, small_hall

MIN = timedelta(minutes=1)


def actions(adv: ElasticAdvisor, hall: Hall, now: datetime) -> list[tuple[str, int]]:
    return [(r.action, r.window) for r in adv.advise(hall, now).recommendations]


def test_no_close_within_the_minimum_open_time_and_no_reopen_within_the_minimum_closed_time() -> None:
    adv = ElasticAdvisor(policy(min_open_s=1800, min_closed_s=1800))
    hall = small_hall()
    issue(hall, "A", 3, T0, 1.0)  # three for window 1 alone: the last would wait 20 min, beyond 15
    opened = T0 + 31 * MIN
    assert actions(adv, hall, opened) == [("open", 10)]
    hall.open_window(opened, 10, queues=["A", "B"])
    for n in (1, 10):  # two called at once, ten minutes each, then the third at window 1
        hall.call_next(opened, n)
    hall.finish(opened + 10 * MIN, 10)
    hall.call_next(opened + 10 * MIN, 1)
    hall.finish(opened + 20 * MIN, 1)

    for minute in range(1, 30):  # from 10 minutes on idle, nothing waiting or arriving: still no close
        assert actions(adv, hall, opened + minute * MIN) == [], minute
    closed = opened + 30 * MIN
    assert actions(adv, hall, closed) == [("close", 10)]
    hall.close_window(closed, 10)

    issue(hall, "A", 6, closed + MIN, 1.0)  # the rush comes back at once
    for minute in range(2, 30):
        advice = adv.advise(hall, closed + minute * MIN)
        assert advice.recommendations == (), minute
        assert advice.status.endswith("预计等候60分钟，超过目标15分钟；弹性窗口刚关闭，"
                                      "按设定关闭满30分钟后才建议重新开放")  # and the console says why
    assert ("open", 10) in actions(adv, hall, closed + 30 * MIN)


def test_closes_stop_when_a_reopen_of_every_closed_window_would_not_fit_the_day() -> None:
    """The manager's own moves count too. A close is advised only while the changes so far, a
    reopen for every closed elastic window and the close with its reopen fit the day's budget."""
    adv = ElasticAdvisor(policy(max_changes_per_day=5, min_open_s=0, min_closed_s=0))
    hall = small_hall()
    assert actions(adv, hall, T0) == []
    hall.open_window(T0, 10, queues=["A"])  # by hand: 1 change, 2 windows closed
    assert actions(adv, hall, T0 + MIN) == [("close", 10)]  # 1 + 2 + 2 ≤ 5
    hall.close_window(T0 + 2 * MIN, 10)
    hall.open_window(T0 + 3 * MIN, 10, queues=["A"])  # closed and opened again between two advices
    advice = adv.advise(hall, T0 + 4 * MIN)
    assert advice.changes_today == 3 and advice.recommendations == ()  # 3 + 2 + 2 > 5: kept open
    issue(hall, "A", 8, T0 + 5 * MIN, 1.0)
    assert ("open", 11) in actions(adv, hall, T0 + 6 * MIN)  # an open is never held back by the budget


@cache
def hall_settings() -> Settings:
    return load_settings(None)


@pytest.mark.parametrize(("tickets", "split", "seed"), [
    (230, {"A": 0.55, "B": 0.42, "C": 0.03}, 1), (320, {"A": 0.55, "B": 0.42, "C": 0.03}, 2),
    (410, {"A": 0.55, "B": 0.42, "C": 0.03}, 3), (380, {"A": 0.40, "B": 0.57, "C": 0.03}, 4),
    (300, {"A": 0.50, "B": 0.40, "C": 0.10}, 5), (390, {"A": 0.50, "B": 0.40, "C": 0.10}, 6)])
def test_a_simulated_day_has_few_changes_and_never_flips_back_early(tickets: int, split: dict[str, float],
                                                                    seed: int) -> None:
    s = hall_settings()
    profile = load_profile()
    history = replay_history(s, profile, tickets, split, seed, weeks=2)
    day = run_day(s, generate(s, profile, tickets, split, seed), Scenario.ADVISOR, history=history)
    a = s.advisor
    assert 1 <= day.changes_per_day <= a.max_changes_per_day
    last: dict[int, tuple[float, str]] = {}
    last_any: dict[str, float] = {}
    for at_s, action, window, _queue, _person in day.changes:
        if window in last:
            prev_at, prev_action = last[window]
            assert prev_action != action  # a window alternates open, close, open …
            assert at_s - prev_at >= (a.min_open_s if action == "close" else a.min_closed_s)
        flip = "open" if action == "close" else "close"
        if flip in last_any:  # and the hall as a whole never turns back within the minimum time
            assert at_s - last_any[flip] >= (a.min_open_s if action == "close" else a.min_closed_s)
        last[window] = (at_s, action)
        last_any[action] = at_s

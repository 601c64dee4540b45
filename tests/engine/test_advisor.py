"""The elastic-window advisor: Erlang C, window sizing and the advice on a small hall."""
from __future__ import annotations

import math
from datetime import timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from queue_server.engine import WindowKind, advise
from queue_server.engine.advisor import MIN_OPEN_S, erlang_c, erlang_mean_wait_s, windows_needed
from queue_server.engine.erlang import MAX_WINDOWS, backlog_wait_s, windows_for_backlog
from tests.engine._small_hall import T0, issue, small_hall


def test_erlang_c_known_values() -> None:
    assert erlang_c(2, 1.0) == pytest.approx(1 / 3)
    assert erlang_c(3, 2.0) == pytest.approx(4 / 9)
    assert erlang_c(1, 0.5) == pytest.approx(0.5)  # M/M/1: P(wait) = ρ
    assert erlang_c(2, 2.0) == 1.0 and erlang_c(2, 0.0) == 0.0


def test_erlang_mean_wait_textbook() -> None:
    # M/M/2, λ = 1/min, service 1 min: Wq = C / (cμ − λ) = (1/3) / 1 min
    assert erlang_mean_wait_s(2, 1 / 60, 60.0) == pytest.approx(20.0)
    # M/M/1, λ = 0.5, μ = 1: Wq = ρ / (μ − λ) = 1 time unit
    assert erlang_mean_wait_s(1, 0.5, 1.0) == pytest.approx(1.0)
    assert math.isinf(erlang_mean_wait_s(2, 1.0, 2.0))


@settings(max_examples=60, deadline=None)
@given(lam=st.floats(0.0, 0.05), more=st.floats(0.0, 0.05), service=st.floats(30.0, 1800.0),
       target=st.floats(60.0, 1800.0))
def test_windows_needed_monotone_in_arrival_rate(lam: float, more: float, service: float, target: float) -> None:
    low, high = windows_needed(lam, service, target), windows_needed(lam + more, service, target)
    assert low <= high
    if 0 < high < 60:
        assert erlang_mean_wait_s(high, lam + more, service) <= target


def test_overloaded_queue_gets_an_elastic_window_with_a_reason() -> None:
    hall = small_hall()
    issue(hall, "A", 23, T0, 1500.0)
    now = T0 + timedelta(seconds=1500)
    advice = advise(hall, now)
    opens = [r for r in advice.recommendations if r.action == "open"]
    assert opens[0].window == 10 and opens[0].queue == "A"
    # 23 arrived in 25 min (55 an hour); 23 × 10 min on window 1 alone is 230 min, on two 115 min
    assert opens[0].reason_en == ("A: 55 arrivals/h over the last 25 min, 10 min per visit, target 15 min; "
                                  "23 waiting, predicted wait 230 min, about 115 min with window 10. "
                                  "Open window 10 for A (also B)")
    assert opens[0].reason == ("A综合受理：近25分钟每小时到达约55人，平均每人办理10分钟，目标等候15分钟；"
                               "现23人等候，预计等候230分钟，开放后约115分钟。建议开放10号窗口办理A（兼办B）")
    # the backlog needs every elastic window: each is advised, each named once
    assert [r.window for r in opens] == [10, 11, 12]


def test_idle_elastic_window_closes_when_load_drops() -> None:
    hall = small_hall()
    hall.open_window(T0, 10, queues=["A"])
    advice = advise(hall, T0 + timedelta(hours=1))
    assert [(r.action, r.window, r.queue) for r in advice.recommendations] == [("close", 10, "A")]
    assert advice.recommendations[0].reason_en == ("A: 0 waiting, predicted wait 0 s without window 10, target 15 min; "
                                                   "the other windows suffice. Close window 10")


def test_freshly_opened_window_is_not_closed_at_once() -> None:
    hall = small_hall()
    hall.open_window(T0, 10, queues=["A"])
    assert advise(hall, T0 + timedelta(seconds=MIN_OPEN_S / 2)).recommendations == ()


def test_idle_window_of_a_quiet_queue_moves_to_a_pressed_one() -> None:
    hall = small_hall()
    for n, q in ((10, "B"), (11, "A"), (12, "A")):
        hall.open_window(T0, n, queues=[q])
    issue(hall, "A", 40, T0, 1800.0)
    issue(hall, "B", 1, T0, 10.0)
    advice = advise(hall, T0 + timedelta(hours=1))
    assert [(r.action, r.window, r.queue) for r in advice.recommendations] == [("close", 10, "B")]
    assert "reopen it for A" in advice.recommendations[0].reason_en


def test_hall_within_target_gets_no_advice() -> None:
    """Within target with the advisor's margin: the people waiting are called within
    ``open_wait_share`` of the target and the arrival rate needs no more windows than are open."""
    hall = small_hall()
    issue(hall, "A", 1, T0, 1800.0)
    issue(hall, "B", 2, T0, 1800.0)
    now = T0 + timedelta(seconds=1800)
    hall.call_next(now, 1)
    hall.call_next(now, 2)
    assert advise(hall, now).recommendations == ()


@settings(max_examples=40, deadline=None)
@given(a=st.integers(0, 60), b=st.integers(0, 60), opened=st.lists(st.sampled_from(["A", "B", None]),
                                                                 min_size=3, max_size=3))
def test_never_names_a_window_twice(a: int, b: int, opened: list[str | None]) -> None:
    hall = small_hall()
    for n, q in zip((10, 11, 12), opened, strict=True):
        if q is not None:
            hall.open_window(T0, n, queues=[q])
    issue(hall, "A", a, T0, 1800.0)
    issue(hall, "B", b, T0, 1800.0)
    recs = advise(hall, T0 + timedelta(hours=1)).recommendations
    assert len({r.window for r in recs}) == len(recs)
    for r in recs:
        w = hall.windows[r.window]
        assert w.spec.kind is WindowKind.ELASTIC
        assert (r.action == "open") == (w.status.value == "closed")


@settings(max_examples=200, deadline=None)
@given(waiting=st.integers(0, 400), idle=st.integers(0, 5), service=st.floats(5.0, 3000.0),
       windows=st.integers(0, 12), within=st.floats(30.0, 1800.0))
def test_windows_for_backlog_is_the_least_that_calls_the_last_within(waiting: int, idle: int, service: float,
                                                                     windows: int, within: float) -> None:
    idle = min(idle, windows)
    x = windows_for_backlog(waiting, idle, service, windows, within)
    brute = next((k for k in range(MAX_WINDOWS + 1)
                  if backlog_wait_s(waiting, idle + k, service, windows + k) <= within), MAX_WINDOWS)
    assert x == brute

"""The forecast of arrivals: history as plain rows, the same weekday, today's level, and a
replayed history that opens windows before the rush instead of after the queue grew."""
from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import NamedTuple

import pytest

from queue_server.engine import ArrivalHistory, HistoryRow, history_rows
from queue_server.engine.forecast import TodaySoFar, forecast
from queue_server.settings import Settings, load_settings
from queue_server.simulate import generate, load_profile
from queue_server.simulate.history import read_rows, replay_history, write_rows
from queue_server.simulate.runner import DayResult, Scenario, run_day
from tests.engine._small_hall import DAY, HOURS, T0, TZ, at, issue, small_hall


def monday_rows(weeks: int, per_slot: int, slots: tuple[int, ...] = (540, 570)) -> list[HistoryRow]:
    return [HistoryRow(DAY - timedelta(weeks=k), "A", s, per_slot) for k in range(1, weeks + 1) for s in slots]


def test_history_rows_count_first_issues_per_day_queue_and_half_hour() -> None:
    hall = small_hall()
    for minute in (0, 10, 29, 30, 61):
        hall.issue(T0 + timedelta(minutes=minute), queue="A")
    hall.issue(T0, queue="B")
    hall.call_next(T0 + timedelta(minutes=1), 1)
    hall.transfer(T0 + timedelta(minutes=2), 1, "B")  # a transfer is not an arrival
    assert history_rows(hall.tickets.values(), TZ) == [
        HistoryRow(DAY, "A", 540, 3), HistoryRow(DAY, "A", 570, 1), HistoryRow(DAY, "A", 600, 1),
        HistoryRow(DAY, "B", 540, 1)]


def test_history_rows_from_store_rows_in_utc_count_in_the_halls_time() -> None:
    class Row(NamedTuple):
        issued_at: datetime
        queue: str
        hop: int

    rows = [Row(datetime(2025, 3, 3, 1, 5, tzinfo=UTC), "A", 0), Row(datetime(2025, 3, 2, 23, 59, tzinfo=UTC), "A", 0),
            Row(datetime(2025, 3, 3, 1, 6, tzinfo=UTC), "A", 1)]
    assert history_rows(rows, TZ) == [HistoryRow(DAY, "A", 450, 1), HistoryRow(DAY, "A", 540, 1)]  # 07:59, 09:05


def test_the_usual_day_is_the_same_weekday_within_the_weeks() -> None:
    rows = [*monday_rows(3, 6), HistoryRow(DAY - timedelta(weeks=9), "A", 540, 60),  # too old
            HistoryRow(DAY - timedelta(days=1), "A", 540, 60),  # a Sunday
            HistoryRow(DAY - timedelta(weeks=2), "A", 570, 3)]  # adds to that Monday's 9:30
    days, usual = ArrivalHistory(rows).usual(DAY, weeks=8)
    assert days == 3
    assert usual["A"] == {540: 6.0, 570: 7.0}


def test_bad_history_rows_are_refused_with_the_reason() -> None:
    with pytest.raises(ValueError, match="multiple of 30"):
        ArrivalHistory([HistoryRow(DAY, "A", 545, 1)])
    with pytest.raises(ValueError, match="not negative"):
        ArrivalHistory([(DAY, "A", 540, -1)])


def test_history_rows_round_trip_as_csv(tmp_path: Path) -> None:
    history = ArrivalHistory(monday_rows(2, 4))
    text = write_rows(history, tmp_path / "history.csv")
    assert text.splitlines()[:2] == ["day,queue,slot_min,count", "2025-02-17,A,540,4"]
    assert read_rows((tmp_path / "history.csv").read_text()).rows() == history.rows()


def test_today_busier_than_usual_scales_the_forecast_by_the_blend() -> None:
    """Usual: 12 an hour from 9:00. Today 25 came by 9:30 against 6 usual: level (25+5)/(6+5)."""
    hall = small_hall()
    issue(hall, "A", 25, T0, 1700.0)
    now = at("09:30")
    history = ArrivalHistory(monday_rows(4, 6))
    level = 30 / 11
    for weight in (0.0, 0.5, 1.0):
        today = TodaySoFar.count(reversed(hall.tickets.values()), now)
        assert today == TodaySoFar.count(reversed(hall.tickets.values()), now, dict(hall.counters), hall.first_issue)
        fc = forecast(["A", "B"], today, now, HOURS, history, weeks=8, today_weight=weight)["A"]
        assert fc.level == pytest.approx(level)
        assert fc.next_hour == pytest.approx(6 * ((1 - weight) + weight * level))  # 9:30-10:00 only
        assert fc.history_days == 4 and fc.recent_count == 25
    no_history = forecast(["A"], TodaySoFar.count(hall.tickets.values(), now), now, HOURS)["A"]
    assert no_history.history_days == 0  # today's own rate, flat: 25 in the last 30 minutes
    assert no_history.rate_per_s(now) == no_history.rate_per_s(at("16:00")) == pytest.approx(25 / 1800)


def test_the_next_hour_of_business_skips_lunch() -> None:
    ahead = HOURS.ahead(at("11:45"), 3600.0)
    assert ahead == [(at("11:45"), at("12:00")), (at("13:30"), at("14:15"))]
    assert HOURS.within(at("08:45"), 1080.0) == [(at("09:00"), at("09:03"))]
    assert not HOURS.is_open(at("12:30")) and HOURS.is_open(at("16:59"))


# -- a replayed history through the simulation ------------------------------------------------

@cache
def hall_settings() -> Settings:
    return load_settings(None)


def first_open_after(day: DayResult, hhmm: str) -> float:
    t = time.fromisoformat(hhmm)
    since = t.hour * 3600 + t.minute * 60
    return min(at_s for at_s, action, *_ in day.changes if action == "open" and at_s >= since)


def hhmm(seconds: float) -> str:
    return f"{int(seconds // 3600):02d}:{int(seconds % 3600 // 60):02d}"


def test_with_history_windows_open_before_the_nine_oclock_rush() -> None:
    s = hall_settings()
    profile, split = load_profile(), {"A": 0.55, "B": 0.42, "C": 0.03}
    arrivals = generate(s, profile, 320, split, 11)
    history = replay_history(s, profile, 320, split, 11, weeks=4)
    ahead = run_day(s, arrivals, Scenario.ADVISOR, history=history)
    behind = run_day(s, arrivals, Scenario.ADVISOR)
    walk = s.advisor.walk_time_s
    first = first_open_after(ahead, "00:00")
    assert first + walk <= 9 * 3600, hhmm(first)  # staffed when the doors open
    assert first_open_after(behind, "00:00") > 9 * 3600  # without history: only once people wait


def rush_profile(tmp_path: Path) -> Path:
    """A quiet day with a rush from 14:30 to 15:00."""
    rows = ["slot_start,slot_end,share_A,share_B,share_C"]
    for a, b in (("09:00", "10:00"), ("10:00", "11:00"), ("11:00", "12:00"), ("13:30", "14:00"),
                 ("14:00", "14:30"), ("14:30", "15:00"), ("15:00", "16:00"), ("16:00", "17:00")):
        share = 0.55 if a == "14:30" else 0.05
        rows.append(f"{a},{b},{share},{share},{share}")
    path = tmp_path / "rush.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def rush_waits(day: DayResult) -> list[float]:
    start, end = datetime.combine(date(2025, 3, 3), time(14, 30), tzinfo=TZ), datetime.combine(
        date(2025, 3, 3), time(15, 0), tzinfo=TZ)
    return sorted((t.called_at - t.queued_at).total_seconds() / 60 for t in day.tickets
                  if t.queue == "A" and start <= t.issued_at < end and t.called_at is not None)


def test_with_history_a_window_opens_before_the_half_past_two_rush_not_after_the_queue_grew(
        tmp_path: Path) -> None:
    s = hall_settings()
    profile = load_profile(rush_profile(tmp_path))
    split = {"A": 0.9, "B": 0.1, "C": 0.0}
    arrivals = generate(s, profile, 70, split, 2)
    history = replay_history(s, profile, 70, split, 2, weeks=4)
    ahead = run_day(s, arrivals, Scenario.ADVISOR, history=history)
    behind = run_day(s, arrivals, Scenario.ADVISOR)
    rush = 14.5 * 3600
    first_ahead, first_behind = first_open_after(ahead, "13:00"), first_open_after(behind, "13:00")
    assert first_ahead + s.advisor.walk_time_s <= rush, hhmm(first_ahead)
    assert first_behind > rush, hhmm(first_behind)
    waits_ahead, waits_behind = rush_waits(ahead), rush_waits(behind)  # the rush's A tickets, minutes
    assert sum(waits_ahead) < 0.85 * sum(waits_behind)
    assert max(waits_ahead) < max(waits_behind)

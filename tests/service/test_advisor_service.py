"""The advisor in the hall service, on a real SQLite file: its history from the database, calm
through the service, a staffed open, and sentences true to the queue table."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path

import pytest

from hall_contract.errors import HallError
from hall_contract.protocol import IssueTicketArgs
from queue_server.service import Actor, HallService
from tests.service._advisor_hall import (
    BOSS,
    MONDAY,
    TZ,
    Clock,
    add_staff,
    hall_settings,
    open_dedicated,
    open_store,
    service,
    store_replayed_weeks,
)

KIOSK = Actor.device("kiosk-1")
LI = Actor.staff("li", "clerk")
ZHAO = Actor.staff("zhao", "clerk")


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime.combine(MONDAY, time(8, 30), tzinfo=TZ))


def staffed_hall(tmp_path: Path, clock: Clock, weeks: int = 0) -> HallService:
    """The sample hall with back-office ``li`` floating, clerk ``zhao`` (no fixed window), and the
    dedicated windows 1-9 open; ``weeks`` past Mondays replayed into its database first."""
    s = hall_settings(tmp_path, HALL_ADVISOR__FLOATING_STAFF='["li"]')
    store = open_store(s)
    if weeks:
        store_replayed_weeks(s, store, MONDAY, weeks, tickets=380, seed=1)
    add_staff(store, "li", "zhao")
    svc = HallService(s, store, clock=clock)
    open_dedicated(svc)
    return svc


def issue(svc: HallService, queue: str, n: int) -> list[str]:
    return [svc.issue(IssueTicketArgs(queue=queue), KIOSK).ticket.number for _ in range(n)]


def recs(svc: HallService) -> list[tuple[str, int]]:
    return [(r.action, r.window) for r in svc.advice_view().recommendations]


def test_opens_ahead_of_the_forecast_peak_from_the_history_in_its_database(tmp_path: Path, clock: Clock) -> None:
    """Four past Mondays replayed by the simulator and stored as the hall stores its tickets: at 08:45,
    with nobody in the hall yet, the advice is to open an elastic window for the 9:00 rush, with the
    person named and calling from 9:00. The same hall without that history advises nothing."""
    with_history = staffed_hall(tmp_path / "a", clock, weeks=4)
    clock.at("08:45")
    with_history.tick()
    advice = with_history.advice_view()
    first = advice.recommendations[0]
    assert (first.action, first.window, first.queue, first.person) == ("open", 10, "A", "li")
    assert first.ready_at == "2026-03-02T09:00:00+08:00"
    assert "今天尚无人取号，预计未来一小时到达约" in first.reason and "请后台li前往，约09:00开始叫号" in first.reason
    assert advice.within_target is True  # nobody waits: the advice is for what is coming

    clock.at("08:30")
    without = staffed_hall(tmp_path / "b", clock)
    clock.at("08:45")
    without.tick()
    assert recs(without) == []
    assert without.advice_view().reason == "各队列等候时间在目标之内，无需调整"


def test_no_flip_back_within_the_minimum_times(tmp_path: Path, clock: Clock) -> None:
    """An elastic window opened at 10:02 is not advised closed before 10:32 however quiet the hall
    gets; once closed, no open is advised for 30 minutes however long the line grows."""
    svc = staffed_hall(tmp_path, clock)
    clock.at("10:00")
    waiting = issue(svc, "A", 40)
    svc.tick()
    assert ("open", 10) in recs(svc)
    svc.accept_advice("open-10-A", BOSS)
    clock.at("10:02")
    svc.arrive(10, LI)
    for number in waiting:
        svc.cancel(number, BOSS)
    first_close = None
    for minute in range(0, 60):
        clock.at("10:02")
        now = clock.add(minutes=minute)
        svc.tick()
        if any(a == "close" for a, _ in recs(svc)):
            first_close = now
            break
    assert first_close is not None and first_close >= datetime.combine(MONDAY, time(10, 32), tzinfo=TZ)
    rec = next(r for r in svc.advice_view().recommendations if r.action == "close")
    svc.accept_advice(rec.id, BOSS)
    closed_at = first_close
    issue(svc, "A", 60)
    reopened = None
    for _ in range(1, 50):
        now = clock.add(minutes=1)
        svc.tick()
        if any(a == "open" for a, _ in recs(svc)):
            reopened = now
            break
    assert reopened is not None and (reopened - closed_at) >= timedelta(minutes=30)


def test_an_accepted_open_waits_for_its_person_and_survives_a_restart(tmp_path: Path, clock: Clock) -> None:
    svc = staffed_hall(tmp_path, clock)
    clock.at("10:00")
    issue(svc, "A", 40)
    svc.tick()
    rec = svc.advice_view().recommendations[0]
    assert (rec.id, rec.person, rec.staffing) == ("open-10-A", "li", "named")
    after = svc.accept_advice(rec.id, BOSS)
    assert svc.window_view(10).status == "closed"  # nobody at it yet
    assert [(d.window, d.person) for d in after.on_the_way] == [(10, "li")]
    assert after.log[0].text == "已采纳：已通知后台li前往10号窗口，约10:03开始叫号（到岗后窗口开放）"
    assert [n["window"] for n in svc.advice_notices("li")] == [10]
    assert svc.advice_notices("zhao") == []
    assert svc.advice_notices("li")[0]["text"].startswith("主管boss于10:00安排您前往10号窗口（弹性窗口）办理A综合受理")

    clock.at("10:01")
    again = service(svc.settings, clock)  # a restart: the person is still on the way
    assert [(d.window, d.person) for d in again.advice_view().on_the_way] == [(10, "li")]
    again.tick()
    assert all(r.person != "li" for r in again.advice_view().recommendations)  # not named twice
    with pytest.raises(HallError) as err:
        again.arrive(10, ZHAO)
    assert err.value.code == "not_dispatched"

    clock.at("10:03")
    out = again.arrive(10, LI)
    assert (out.window.status, out.window.clerk, out.window.queues) == ("open", "li", ["A", "B", "C"])
    shown = again.advice_view()
    assert shown.on_the_way == [] and again.advice_notices("li") == []
    assert shown.log[0].text == "后台li已到达10号窗口，10:03开始办理A综合受理、B查询出件、C大宗业务"
    again.tick()
    assert service(svc.settings, clock).advice_view().log[0].text == shown.log[0].text


def test_the_days_budget_of_changes_survives_a_restart(tmp_path: Path, clock: Clock) -> None:
    """Changes counted before a restart still count after it, so a restart does not hand the
    advice a fresh budget of moves for the day."""
    svc = staffed_hall(tmp_path, clock)
    clock.at("09:59")
    svc.tick()
    clock.at("10:00")
    svc.open_window(11, BOSS, queues=["A"])  # by hand: the budget counts every move, whoever makes it
    svc.tick()
    clock.at("10:40")
    svc.close_window(11, BOSS)
    svc.tick()
    assert svc._desk.advisor.changes == 2  # the payload does not carry the count: the desk's advisor does
    again = service(svc.settings, clock)
    assert again._desk.advisor.changes == 2


def test_an_open_nobody_reaches_lapses_and_says_so(tmp_path: Path, clock: Clock) -> None:
    svc = staffed_hall(tmp_path, clock)
    clock.at("10:00")
    issue(svc, "A", 40)
    svc.tick()
    svc.accept_advice("open-10-A", BOSS)
    clock.at("10:14")  # ready 10:03 + 10 minutes' grace: lapsed
    svc.tick()
    shown = svc.advice_view()
    assert shown.on_the_way == []
    assert shown.log[0].text == "后台li未在10:13前到达10号窗口，建议已重新评估"
    assert svc.window_view(10).status == "closed"


def test_the_reason_for_a_known_state(tmp_path: Path, clock: Clock) -> None:
    """Only window 1 open for A; 20 tickets over the last 30 minutes, none called yet. The reason
    gives 40 arrivals an hour, A's configured mean visit, the queue's own 15-minute target as the
    queue table shows it, and the predicted wait now (the queue table's) and with window 10."""
    svc = staffed_hall(tmp_path, clock)
    for n in range(2, 10):
        svc.close_window(n, BOSS)
    clock.at("09:30")
    for _ in range(20):
        issue(svc, "A", 1)
        clock.add(seconds=90)
    clock.at("10:00")
    svc.tick()
    rec = svc.advice_view().recommendations[0]
    table = {q.code: q for q in svc.queue_states()}
    a = table["A"]
    assert a.target_wait_s == 900 and a.waiting == 20
    predicted = f"{round(a.predicted_wait_s / 60)}分钟"
    assert predicted == "231分钟" and minutes_of(svc, "A") == "12分钟"  # as the queue table and config say
    assert rec.reason == (
        "A综合受理：近30分钟每小时到达约40人，平均每人办理12分钟，目标等候15分钟；"
        "现20人等候，预计等候231分钟，开放后约116分钟。建议开放10号窗口办理A（兼办B、C），请后台li前往，约10:03开始叫号")
    assert rec.reason_en == (
        "A: 40 arrivals/h over the last 30 min, 12 min per visit, target 15 min; 20 waiting, predicted wait "
        "231 min, about 116 min with window 10. Open window 10 for A (also B, C); li (back office) to go, "
        "calling from about 10:03")
    assert rec.wait_now_s == pytest.approx(a.predicted_wait_s, rel=0.01)
    assert rec.wait_after_s is not None and rec.wait_after_s < rec.wait_now_s


def minutes_of(svc: HallService, queue: str) -> str:
    """A queue's configured mean visit, as the advisor writes it (whole minutes from 10 up)."""
    means = [i.mean_service_min for i in svc.settings.items if i.queue == queue]
    m = sum(means) / len(means)
    return f"{m:.1f}分钟".replace(".0分钟", "分钟") if m < 10 else f"{round(m)}分钟"


def test_within_target_is_never_said_while_a_queue_is_beyond_it(tmp_path: Path, clock: Clock) -> None:
    """The advice was made with nobody waiting; 60 people then take tickets before the next tick. What
    the console shows at that moment names A's wait beyond its target, not 各队列等候时间在目标之内."""
    svc = staffed_hall(tmp_path, clock)
    clock.at("10:00")
    svc.tick()
    assert svc.advice_view().reason == "各队列等候时间在目标之内，无需调整"
    for n in range(2, 10):
        svc.close_window(n, BOSS)
    issue(svc, "A", 60)
    shown = svc.advice_view()
    assert shown.within_target is False
    assert "目标之内" not in shown.reason and shown.reason.startswith("A综合受理预计等候")
    assert "超过目标15分钟" in shown.reason


def test_an_idle_clerk_is_named_before_the_guide_and_leaves_their_window_paused(tmp_path: Path,
                                                                                 clock: Clock) -> None:
    """No back office on the floating list: zhao, a clerk free to work anywhere, sits idle at query
    window 7 (nobody waits for B); zhou is the guide. The open for A names zhao first, then zhou;
    zhao's arrival at window 10 pauses window 7."""
    s = hall_settings(tmp_path, HALL_ADVISOR__GUIDES='["zhou"]')
    store = open_store(s)
    add_staff(store, "zhao", "zhou")
    svc = HallService(s, store, clock=clock)
    open_dedicated(svc, range(1, 7))
    svc.open_window(7, ZHAO, clerk="zhao")
    clock.at("10:00")
    issue(svc, "A", 60)
    svc.tick()
    named = [(r.window, r.staffing, r.person, r.person_label) for r in svc.advice_view().recommendations]
    assert named[:2] == [(10, "named", "zhao", "柜员zhao"), (11, "named", "zhou", "导办员zhou")]
    svc.accept_advice("open-10-A", BOSS)
    clock.at("10:03")
    svc.arrive(10, ZHAO)
    assert svc.window_view(7).status == "paused"
    assert (svc.window_view(10).status, svc.window_view(10).clerk) == ("open", "zhao")


def test_auto_apply_sends_the_people_and_opens_nothing_by_itself(tmp_path: Path, clock: Clock) -> None:
    s = hall_settings(tmp_path, HALL_ADVISOR__FLOATING_STAFF='["li"]', HALL_ADVISOR__AUTO_APPLY="true")
    store = open_store(s)
    add_staff(store, "li")
    svc = HallService(s, store, clock=clock)
    open_dedicated(svc)
    clock.at("10:00")
    issue(svc, "A", 60)
    svc.tick()
    shown = svc.advice_view()
    assert {d.window for d in shown.on_the_way} >= {10} and shown.auto_apply
    notices = svc.advice_notices("li")
    assert len(notices) == 1 and notices[0]["text"].startswith("系统按弹性窗口建议于10:00安排您前往10号窗口")
    assert all(svc.window_view(n).status == "closed" for n in (10, 11, 12))

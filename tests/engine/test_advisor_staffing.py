"""Staffed advice: who goes to the window, nobody available said plainly, the walk in the simulation."""
from __future__ import annotations

from datetime import timedelta
from functools import cache

from queue_server.engine import ElasticAdvisor, Person, Role
from queue_server.settings import Settings, load_settings
from queue_server.simulate import generate, load_profile
from queue_server.simulate.runner import Scenario, run_day
from tests.engine._small_hall import T0, at, issue, policy, small_hall

MIN = timedelta(minutes=1)
STAFF = [Person("guide", "赵强", Role.GUIDE, 30.0), Person("c7", "孙丽", Role.CLERK, 90.0),
         Person("f1", "王敏", Role.FLOATING, 240.0), Person("f2", "李娜", Role.FLOATING, 60.0)]


def test_the_advice_names_floating_staff_first_then_an_idle_clerk_then_the_guide() -> None:
    hall = small_hall()
    issue(hall, "A", 23, T0, 1500.0)  # needs every elastic window
    now = T0 + 25 * MIN
    recs = ElasticAdvisor(policy()).advise(hall, now, staff=STAFF).recommendations
    assert [(r.window, r.staffing, r.person.name if r.person else None) for r in recs] == [
        (10, "named", "李娜"), (11, "named", "王敏"), (12, "named", "孙丽")]
    assert recs[0].ready_at == now + timedelta(seconds=60)  # her own walk, not the hall's default
    assert recs[0].reason.endswith("建议开放10号窗口办理A（兼办B），请后台李娜前往，约09:26开始叫号")
    assert recs[2].reason_en.endswith("Open window 12 for A (also B); 孙丽 (clerk) to go, calling from about 09:26")


def test_with_nobody_available_the_advice_says_so() -> None:
    hall = small_hall()
    issue(hall, "A", 6, T0, 60.0)
    recs = ElasticAdvisor(policy()).advise(hall, T0 + 5 * MIN, staff=[]).recommendations
    assert recs and all(r.staffing == "nobody" and r.person is None for r in recs)
    assert recs[0].reason.endswith("建议开放10号窗口办理A（兼办B）；目前没有可调派的人员，请另行安排")
    assert recs[0].reason_en.endswith("Open window 10 for A (also B); nobody is free to staff it: please find someone")
    unknown = ElasticAdvisor(policy()).advise(hall, T0 + 5 * MIN).recommendations  # no staff list given
    assert unknown[0].staffing == "unknown" and unknown[0].reason.endswith("建议开放10号窗口办理A（兼办B）")


def test_an_accepted_open_is_on_its_way_until_the_window_opens_or_the_grace_runs_out() -> None:
    adv = ElasticAdvisor(policy(walk_time_s=180, pending_grace_s=600))
    hall = small_hall()
    issue(hall, "A", 3, T0, 1.0)
    now = T0 + 31 * MIN
    (rec,) = adv.advise(hall, now, staff=STAFF).recommendations
    assert (rec.window, rec.person) == (10, STAFF[3])
    adv.accept(rec, now)
    assert adv.on_the_way() == {10: now + timedelta(seconds=60)}
    later = adv.advise(hall, now + MIN, staff=STAFF)  # she is walking: nothing more to do
    assert later.recommendations == ()
    assert later.status.endswith("；10号窗口人员正在前往，约09:32开始叫号")
    hall.issue(now + 2 * MIN, queue="A")
    (again,) = adv.advise(hall, now + 2 * MIN, staff=STAFF).recommendations  # one more needed: 11, not her
    assert (again.window, again.person) == (11, STAFF[2])

    expired = now + timedelta(seconds=60 + 600 + 60)  # she never arrived
    assert {r.window for r in adv.advise(hall, expired, staff=STAFF).recommendations} >= {10}

    hall2 = small_hall()
    issue(hall2, "A", 3, T0, 1.0)
    adv2 = ElasticAdvisor(policy())
    (rec2,) = adv2.advise(hall2, now, staff=STAFF).recommendations
    adv2.accept(rec2, now)
    hall2.open_window(now + MIN, 10, queues=list(rec2.queues))  # she logged in at window 10
    adv2.advise(hall2, now + 2 * MIN, staff=STAFF)
    assert adv2.on_the_way() == {} and adv2.changes == 1


@cache
def hall_settings() -> Settings:
    return load_settings(None)


def test_a_window_opened_by_advice_calls_only_after_the_walk() -> None:
    """Without history the advisor opens when people already wait: the window still calls its
    first ticket only once the person has walked there."""
    s = hall_settings()
    day = run_day(s, generate(s, load_profile(), 410, {"A": 0.55, "B": 0.42, "C": 0.03}, 3), Scenario.ADVISOR)
    walk = s.advisor.walk_time_s
    opens = [(at_s, n, who) for at_s, action, n, _q, who in day.changes if action == "open"]
    assert opens and all(who for *_, who in opens)  # every open names one of the floating staff
    first_calls = []
    for at_s, n, _who in opens:
        calls = [(t.called_at - at("00:00")).total_seconds() for t in day.tickets
                 if t.window == n and t.called_at is not None]
        first_calls.append(min((c for c in calls if c >= at_s), default=None))
    assert all(c is None or c >= at_s + walk for c, (at_s, *_) in zip(first_calls, opens, strict=True))
    assert any(c is not None and c <= at_s + walk + 1 for c, (at_s, *_) in zip(first_calls, opens, strict=True))

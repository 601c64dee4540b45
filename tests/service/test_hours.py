"""Business hours: no ticket in the lunch pause, after the last-ticket cutoff, on a holiday or past a daily
quota; the refusal, the hall snapshot and the board say when issuing resumes; 停止取号 keeps its reason.

The rule is pure (time passed in); the service is asked with a clock the test sets.
"""
from __future__ import annotations

import uuid
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text

from hall_contract.errors import HallError
from hall_contract.protocol import IssueTicketArgs
from queue_server.engine.hours import WorkCalendar, issuing_state
from queue_server.service import Actor, HallService
from queue_server.settings import Settings, load_settings
from queue_server.store import Store
from tests.hall_app import HallApp
from tests.peers import ROOT

TZ = ZoneInfo("Asia/Shanghai")
BOSS = Actor.staff("boss", "manager")
HOURS = '''enforce = true
quotas = { C = 2, "SB-003" = 1 }
'''


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def settings(tmp_path: Path) -> Settings:
    sample = (ROOT / "config" / "hall.toml").read_text(encoding="utf-8")
    assert "enforce = false\n" in sample
    path = tmp_path / "hall.toml"
    path.write_text(sample.replace("enforce = false\n", HOURS), encoding="utf-8")
    return load_settings(path, env={"HALL_ID": "t" + uuid.uuid4().hex[:8],
                                    "HALL_DATABASE_URL": f"sqlite:///{tmp_path}/hall.db"})


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 12, 31, 9, 0, tzinfo=TZ))  # a Thursday; 2027-01-01 is a holiday


@pytest.fixture
def svc(tmp_path: Path, clock: Clock) -> HallService:
    s = settings(tmp_path)
    store = Store(s.server.database_url)
    store.upgrade()
    return HallService(s, store, clock=clock)


def issue(svc: HallService, queue: str | None = "A", item: str | None = None) -> str:
    return svc.issue(IssueTicketArgs(queue=queue, item=item), Actor.anonymous()).ticket.number


def refusal(svc: HallService, queue: str | None = "A", item: str | None = None) -> HallError:
    with pytest.raises(HallError) as caught:
        issue(svc, queue, item)
    return caught.value


def at(clock: Clock, hh: int, mm: int, day: int = 31, month: int = 12, year: int = 2026) -> None:
    clock.now = datetime(year, month, day, hh, mm, tzinfo=TZ)


def test_the_rule_names_the_lunch_pause_and_when_issuing_resumes(tmp_path: Path) -> None:
    hours = settings(tmp_path).hours
    lunch = issuing_state(hours, datetime(2026, 12, 31, 12, 10, tzinfo=TZ))
    assert (lunch.open, lunch.reason, lunch.resumes_at) == (False, "lunch", datetime(2026, 12, 31, 13, 30, tzinfo=TZ))
    assert lunch.message("zh_CN", lunch.resumes_at.date()) == "午休暂停取号，13:30恢复取号"
    assert lunch.message("en", lunch.resumes_at.date()) == "Ticket issuing pauses for lunch; issuing resumes at 13:30"
    assert issuing_state(hours, datetime(2026, 12, 31, 16, 29, tzinfo=TZ)).open
    saturday = issuing_state(hours, datetime(2027, 1, 2, 10, 0, tzinfo=TZ))
    assert (saturday.reason, saturday.resumes_at) == ("rest_day", datetime(2027, 1, 4, 9, 0, tzinfo=TZ))
    cal = WorkCalendar(hours)
    assert not cal.is_working_day(datetime(2027, 1, 1).date()) and cal.closed_reason(datetime(2027, 1, 1).date()) == \
        "holiday"


def test_no_ticket_in_the_lunch_pause_and_the_refusal_says_when_issuing_resumes(svc: HallService,
                                                                                  clock: Clock) -> None:
    at(clock, 11, 59)
    assert issue(svc) == "A001"
    at(clock, 12, 0)
    err = refusal(svc)
    assert err.code == "issuing_closed"
    assert err.message_zh == "午休暂停取号，13:30恢复取号"
    assert "resumes at 13:30" in err.message_en
    at(clock, 13, 30)
    assert issue(svc) == "A002"


def test_no_ticket_after_the_cutoff_and_issuing_resumes_on_the_next_working_day(svc: HallService,
                                                                                 clock: Clock) -> None:
    at(clock, 16, 29)
    assert issue(svc, "B") == "B001"
    at(clock, 16, 30)  # closing is 17:00, the last ticket 30 min before
    err = refusal(svc, "B")
    assert err.code == "issuing_closed"
    # 2027-01-01 is a holiday and the 2nd and 3rd a weekend: Monday the 4th
    assert err.message_zh == "今日取号已截止，1月4日09:00恢复取号"
    snap = svc.snapshot()["issuing"]
    assert snap["open"] is False and snap["reason"] == "cutoff"
    assert snap["resumes_at"] == "2027-01-04T09:00:00+08:00"
    at(clock, 10, 0, day=1, month=1, year=2027)
    assert refusal(svc, "B").message_zh == "节假日休息，不办理业务，1月4日09:00恢复取号"


def test_the_board_tells_kiosks_and_displays_when_the_lunch_pause_begins(svc: HallService, clock: Clock) -> None:
    heard = []
    svc.listeners.append(heard.append)
    at(clock, 11, 0)
    svc.tick()
    assert svc.board().issuing is True and svc.board().issuing_message is None
    at(clock, 12, 1)
    heard.clear()
    svc.tick()
    assert any(e.state_only for e in heard), "the start of the lunch pause reaches the publisher"
    board = svc.board()
    assert (board.issuing, board.issuing_reason, board.issuing_message) == (False, "lunch",
                                                                            "午休暂停取号，13:30恢复取号")
    assert board.resumes_at == "2026-12-31T13:30:00+08:00"


def test_a_daily_quota_per_queue_and_per_item(svc: HallService, clock: Clock) -> None:
    at(clock, 10, 0)
    assert [issue(svc, "C"), issue(svc, "C")] == ["C001", "C002"]
    err = refusal(svc, "C")
    assert err.code == "quota_reached" and "2 个" in err.message_zh
    assert issue(svc, None, "SB-003") == "A001"
    assert refusal(svc, None, "SB-003").code == "quota_reached"
    assert issue(svc, "A") == "A002"  # the item's quota, not the queue's


def test_stop_issuing_keeps_its_reason_in_the_audit_trail_and_says_it(svc: HallService, clock: Clock) -> None:
    at(clock, 10, 0)
    svc.set_issuing(False, BOSS, "系统升级")
    err = refusal(svc)
    assert err.code == "issuing_stopped" and err.message_zh == "暂停取号：系统升级，恢复时间请留意现场通知"
    assert svc.snapshot()["issuing"] == {"open": False, "reason": "stopped", "resumes_at": None,
                                         "message": "暂停取号：系统升级，恢复时间请留意现场通知",
                                         "message_en": "Ticket issuing is stopped: 系统升级; please watch for the "
                                                       "hall's notice", "note": "系统升级"}
    with svc.store.engine.connect() as conn:
        rows = conn.execute(text("SELECT actor, action, detail FROM audit WHERE action = 'stop_issuing'")).all()
    assert len(rows) == 1 and rows[0][0] == "staff:boss" and "系统升级" in rows[0][2]
    svc.set_issuing(True, BOSS)
    assert issue(svc) == "A001"


def test_the_api_refuses_to_stop_issuing_without_a_reason(tmp_path: Path) -> None:
    app = HallApp.on(tmp_path).start()
    try:
        boss = app.staff("boss", "manager")
        status, body = app.api("PUT", "/api/hall/issuing", {"issuing": False}, boss)
        assert (status, body["error"]["code"]) == (422, "validation_error") and "reason" in body["error"]["message"]
        assert app.api("PUT", "/api/hall/issuing", {"issuing": False, "reason": "  "}, boss)[0] == 422
        status, body = app.api("PUT", "/api/hall/issuing", {"issuing": False, "reason": "设备检修"}, boss)
        assert status == 200
        status, body = app.api("POST", "/api/tickets", {"queue": "A"})
        assert (status, body["error"]["code"]) == (409, "issuing_stopped") and "设备检修" in body["error"]["message"]
        assert app.api("GET", "/api/hall/issuing-state")[1]["note"] == "设备检修"
    finally:
        app.stop()


def test_the_kiosk_and_the_wall_display_say_when_issuing_resumes(svc: HallService, clock: Clock) -> None:
    from display.board import BoardModel
    from kiosk.viewmodels.hall import HallStatus

    at(clock, 12, 5)
    board = svc.board()
    kiosk = HallStatus({"A": "综合受理"})
    kiosk.link(True)
    kiosk.board_received(board)
    assert kiosk.pause_reason() == "pause_hall"
    assert kiosk.pause_detail_in("zh_CN") == "午休暂停取号，13:30恢复取号"
    assert kiosk.pause_detail_in("en") == "Ticket issuing pauses for lunch; issuing resumes at 13:30"
    wall = BoardModel("大厅")
    wall.apply(board, 0.0)
    assert "午休暂停取号，13:30恢复取号" in wall.notice()


def test_in_the_lunch_pause_the_kiosk_says_when_issuing_resumes_and_self_service_stays_open(
        svc: HallService, clock: Clock, tmp_path: Path) -> None:
    from kiosk import events as ev
    from kiosk.viewmodels import views
    from tests.kiosk.fakes import ZHOU, make_rig

    at(clock, 12, 5)
    (tmp_path / "kiosk").mkdir()
    rig = make_rig(tmp_path / "kiosk")
    rig.post(ev.LinkChanged(True), ev.ServerStatusChanged(True), ev.BoardReceived(svc.board()))
    home = views.home(rig.model)
    assert not home.issuing and home.paused_reason == "大厅已暂停取号：午休暂停取号，13:30恢复取号"
    rig.post(ev.IdCardRead(ZHOU))
    rig.model.tap_self_service(rig.now)
    assert rig.model.screen == "services"  # 自助服务 does not wait for the hall's hours

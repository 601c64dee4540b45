"""Taking a ticket, without a window: home, item choice, the RPC with retries, printing and its faults."""
from __future__ import annotations

from pathlib import Path

import pytest

from hall_contract.protocol import DeviceCommand
from kiosk import events as ev
from kiosk.viewmodels import views
from tests.kiosk.fakes import Rig, board, make_rig


@pytest.fixture
def rig(tmp_path: Path) -> Rig:
    r = make_rig(tmp_path)
    r.online()
    return r


def take(rig: Rig, code: str = "SB-005") -> dict:
    rig.model.tap_take_ticket(rig.now)
    rig.model.tap_item(code, rig.now)  # its 办事指南 first
    rig.model.tap_guide_ticket(rig.now)
    return rig.link.requests[-1][1]


def test_home_shows_hall_queues_and_waits(rig: Rig) -> None:
    home = views.home(rig.model)
    frame = views.frame(rig.model, rig.now)
    assert frame.hall_name == "石家庄市桥西区人力资源和社会保障服务大厅"
    assert frame.clock == "2025年05月06日 09:30"
    assert home.issuing and home.take_label == "取号" and home.self_label == "自助服务"
    assert home.elderly_label == "长者模式"
    assert home.queues[0] == "综合受理  等候 3 人  约 15 分钟"
    assert len(home.queues) == 3


def test_before_the_board_arrives_issuing_waits(tmp_path: Path) -> None:
    rig = make_rig(tmp_path)
    assert views.home(rig.model).paused_title == "暂停取号"
    rig.post(ev.LinkChanged(True))
    assert rig.model.hall.pause_reason() == "pause_connecting"
    rig.post(ev.BoardReceived(board()))
    assert rig.model.hall.issuing


def test_items_by_board_search_and_pages(rig: Rig) -> None:
    m = rig.model
    m.tap_take_ticket(rig.now)
    v = views.items(m)
    assert m.screen == "items"
    assert [b for b, _, _ in v.boards] == ["就业创业", "社会保障", "人才人事", "劳动关系", "公共服务"]
    m.tap_board("社会保障", rig.now)
    v = views.items(m)
    assert len(v.items) == 8 and v.page == "第 1/2 页" and v.can_next
    m.tap_page(1, rig.now)
    assert views.items(m).page == "第 2/2 页"
    m.tap_search(rig.now)
    for key in "SHBZK":
        m.search_key(key, rig.now)
    codes = [c for c, _, _ in views.items(m).items]
    assert codes[:3] == ["KA-001", "KA-002", "KA-003"]
    m.search_key("clear", rig.now)
    m.search_key("G", rig.now)
    m.search_key("G", rig.now)
    assert "GG-001" in [c for c, _, _ in views.items(m).items]


def test_a_ticket_is_requested_printed_shown_and_the_screen_returns_home(rig: Rig) -> None:
    req = take(rig)
    assert req["item"] == "SB-005" and req["priority"] == "normal" and req["source"] == "kiosk-1"
    assert "holder" not in req and "holder_ref" not in req
    assert req["reply_to"].endswith("/reply/kiosk-1") and len(req["request_id"]) == 36
    assert rig.model.screen == "issuing"
    rig.reply_ok("A001")
    job, slip = rig.printer.tickets[-1]
    assert slip.number == "A001" and slip.status_url == "http://hall.test/t/A001" and slip.ahead == 4
    assert slip.predicted_wait_min == 10 and slip.holder_masked is None
    tv = views.ticket(rig.model)
    assert tv is not None and tv.number == "A001" and tv.status == "正在打印号票…" and tv.qr_url.endswith("A001")
    rig.post(ev.PrintFinished(job))
    assert views.ticket(rig.model).status == "请取走号票，留意叫号"  # type: ignore[union-attr]
    rig.at(11.9)
    assert rig.model.screen == "ticket"
    rig.at(0.2)
    assert rig.model.screen == "home" and rig.model.ticket is None


def test_already_waiting_is_told_with_the_existing_number(rig: Rig) -> None:
    take(rig)
    rig.reply_error("already_waiting", "您已有 A007 号在等候 (you already hold ticket A007)")
    assert rig.model.screen == "message"
    assert views.message(rig.model).lines == ["您已有 A007 号在综合受理等候，无需重复取号"]
    assert rig.printer.tickets == []


def test_a_lost_reply_is_retried_with_the_same_request_id_and_prints_once(rig: Rig) -> None:
    first = take(rig)
    rig.at(2.0)
    assert len(rig.link.requests) == 1
    rig.at(0.6)
    assert len(rig.link.requests) == 2 and rig.link.requests[-1][1]["request_id"] == first["request_id"]
    assert views.issuing(rig.model).startswith("网络不畅")
    rig.post(ev.LinkChanged(False))
    rig.at(5.0)
    assert len(rig.link.requests) == 2  # nothing goes out while the broker is away
    rig.post(ev.LinkChanged(True))
    assert len(rig.link.requests) == 3 and rig.link.requests[-1][1]["request_id"] == first["request_id"]
    rig.reply_ok("A002", request_id=first["request_id"])
    rig.reply_ok("A002", request_id=first["request_id"])  # the answer to a repeat: ignored
    assert len(rig.printer.tickets) == 1


def test_a_reply_to_another_request_prints_nothing(rig: Rig) -> None:
    take(rig)
    rig.reply_ok("A009", request_id="not-ours")
    assert rig.printer.tickets == [] and rig.model.screen == "issuing"


def test_no_reply_at_all_gives_up_prints_nothing_and_pauses_until_the_server_is_heard(rig: Rig) -> None:
    first = take(rig)
    rig.at(20.1)
    assert rig.model.screen == "message"
    assert "未出号" in views.message(rig.model).lines[0]
    assert rig.model.hall.pause_reason() == "pause_server_silent"
    rig.reply_ok("A003", request_id=first["request_id"])  # too late: ignored
    assert rig.printer.tickets == []
    rig.post(ev.BoardReceived(board()))
    assert rig.model.hall.issuing


@pytest.mark.parametrize(("event", "reason"), [
    (ev.LinkChanged(False), "大厅网络连接中断，正在重新连接"),
    (ev.ServerStatusChanged(False), "排队服务器离线"),
    (ev.CommandReceived(DeviceCommand(cmd="stop_issuing", text="系统维护")), "本机已暂停取号：系统维护"),
])
def test_paused_issuing_says_why_sends_nothing_and_recovers(rig: Rig, event: ev.Event, reason: str) -> None:
    rig.post(event)
    home = views.home(rig.model)
    assert not home.issuing and home.paused_title == "暂停取号" and home.paused_reason == reason
    rig.model.tap_take_ticket(rig.now)
    assert rig.model.screen == "home" and rig.link.requests == []
    assert views.frame(rig.model, rig.now).toast.startswith(reason.split("：")[0])
    rig.post(ev.LinkChanged(True), ev.ServerStatusChanged(True),
             ev.CommandReceived(DeviceCommand(cmd="resume_issuing")))
    assert views.home(rig.model).issuing


def test_the_board_can_stop_issuing_and_notices_show(rig: Rig) -> None:
    rig.post(ev.BoardReceived(board(issuing=False,
                                                                                         notice="午休")))
    assert views.home(rig.model).paused_reason == "大厅已暂停取号：午休"
    rig.post(ev.CommandReceived(DeviceCommand(cmd="notice", text="今日社保卡领取在8号窗口")))
    assert views.home(rig.model).notice == "今日社保卡领取在8号窗口"


def test_printer_out_of_paper_is_reported_refused_and_the_qr_shown_then_recovers(rig: Rig) -> None:
    rig.post(ev.PrinterChecked(("paper_out",)))
    assert rig.link.statuses[-1] == ["paper_out"]
    assert views.home(rig.model).printer_notice == "打印机缺纸：号票将以二维码显示在屏幕上"
    take(rig)
    rig.reply_ok("A004")
    assert rig.printer.tickets == []
    tv = views.ticket(rig.model)
    assert tv is not None and tv.qr_url == "http://hall.test/t/A004" and "打印机缺纸" in tv.status
    rig.at(44.0)
    assert rig.model.screen == "ticket"  # a QR stays up longer
    rig.at(1.1)
    assert rig.model.screen == "home"
    rig.post(ev.PrinterChecked(()))
    assert rig.link.statuses[-1] == [] and views.home(rig.model).printer_notice == ""
    take(rig)
    rig.reply_ok("A005")
    assert len(rig.printer.tickets) == 1


def test_paper_low_still_prints_but_is_reported(rig: Rig) -> None:
    rig.post(ev.PrinterChecked(("paper_low",)))
    assert rig.link.statuses[-1] == ["paper_low"]
    take(rig)
    rig.reply_ok("A006")
    assert len(rig.printer.tickets) == 1


@pytest.mark.parametrize("fault", ["printer_offline", "cover_open", "printer_no_answer"])
def test_a_print_that_fails_shows_the_qr_instead(rig: Rig, fault: str) -> None:
    take(rig)
    rig.reply_ok("A010")
    job, _slip = rig.printer.tickets[-1]
    rig.post(ev.PrintFailed(job, fault, "打印机离线", "offline"))
    assert rig.model.ticket is not None and rig.model.ticket.state == "qr"
    assert fault in rig.link.statuses[-1]
    assert not rig.model.hall.can_print()


def test_reader_faults_are_published_and_cleared(rig: Rig) -> None:
    rig.post(ev.ReaderFault("card", "reader_fault", "card_service_unavailable"))
    assert rig.link.statuses[-1] == ["reader_fault"]
    rig.post(ev.PrinterChecked(("paper_low",)))
    assert rig.link.statuses[-1] == ["paper_low", "reader_fault"]
    rig.post(ev.ReaderFault("card", None), ev.PrinterChecked(()))
    assert rig.link.statuses[-1] == []
    rig.post(ev.LinkChanged(True))  # every (re)connect says it again (retained)
    assert rig.link.statuses[-2:] == [[], []]

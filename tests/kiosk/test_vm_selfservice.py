"""自助办 through the local platform backend, and the maintenance screen, without a window."""
from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from kiosk import events as ev
from kiosk.settings import hash_password
from kiosk.viewmodels import views
from tests.kiosk.fakes import WANG, ZHOU, Rig, make_rig

STAFF = "246810"


@cache
def staff_hash() -> str:
    """The maintenance password's hash, made once (scrypt is slow on purpose); every test verifies against it."""
    return hash_password(STAFF)


def svc(rig: Rig, action: str) -> None:
    rig.model.tap_service(action, rig.now)
    rig.at(0)


@pytest.fixture
def rig(tmp_path: Path) -> Rig:
    r = make_rig(tmp_path, staff_password_hash=staff_hash())
    r.online()
    r.post(ev.IdCardRead(ZHOU))
    r.model.tap_self_service(r.now)
    assert r.model.screen == "services"
    return r


def test_contribution_record_is_shown_then_printed_then_the_id_card_asked_back(rig: Rig) -> None:
    svc(rig, "record")
    assert rig.model.screen == "record"
    v = views.result(rig.model)
    assert v is not None and v.title == "个人权益记录" and v.lines[0] == "持卡人：周*　1301**********1810"
    assert v.rows[0][0] == "2025-04" and len(v.rows) > 36 and v.can_print  # every month on screen
    rig.model.tap_print(rig.now)
    rig.at(0)
    job, slip = rig.printer.records[-1]
    assert slip.title == "个人权益记录" and any("累计缴费" in line for line in slip.lines)
    assert ZHOU.id_number not in "".join(slip.lines) and "周丽娜" not in "".join(slip.lines)
    assert views.result(rig.model).print_status == "正在打印，请稍候…"  # type: ignore[union-attr]
    rig.post(ev.PrintFinished(job))
    assert rig.model.session.citizen is None and rig.model.screen == "take_card"
    v = views.take_card(rig.model)
    assert (v.title, v.note, v.can_continue) == ("请取回身份证", "打印完成，请取走打印件", False)
    assert rig.speaker.said[-1] == "请取回您的身份证"  # spoken in any mode
    rig.post(ev.IdCardLifted())
    assert rig.model.screen == "home"


def test_insurance_certificate_prints_at_once(rig: Rig) -> None:
    svc(rig, "certificate")
    assert rig.model.screen == "result"
    _job, slip = rig.printer.records[-1]
    assert slip.title == "参保证明" and slip.lines[0].startswith("兹证明 周*（1301**********1810）")
    assert any(line.startswith("企业职工基本养老保险：正常参保") for line in slip.lines)


def test_printer_out_refuses_to_print_a_record(rig: Rig) -> None:
    rig.post(ev.PrinterChecked(("paper_out",)))
    svc(rig, "record")
    rig.model.tap_print(rig.now)
    rig.at(0)
    assert rig.printer.records == []
    assert views.result(rig.model).print_status == "打印机缺纸，暂不能打印，请到窗口办理"  # type: ignore[union-attr]


def confirm_loss(rig: Rig) -> None:
    svc(rig, "card_loss")
    assert rig.model.screen == "message" and views.message(rig.model).action == "确认挂失"
    rig.model.tap_message_action(rig.now)


def test_card_loss_by_id_card_confirms_asks_the_pin_once_counts_tries_then_prints_a_receipt(rig: Rig) -> None:
    svc(rig, "card_loss")
    msg = views.message(rig.model)
    assert msg.title == "确认临时挂失" and msg.lines[0].startswith("将为周*（1301**********1810）\n名下的社会保障卡")
    rig.model.tap_message_action(rig.now)
    assert rig.model.screen == "pin" and views.pin(rig.model).title == "请输入社保卡服务密码以确认挂失"
    rig.type_pin("000000")
    assert rig.model.screen == "pin" and views.pin(rig.model).note == "密码错误，还可以尝试 2 次"
    rig.type_pin("448947")
    v = views.result(rig.model)
    assert v is not None and v.lines[2] == "社保卡号：A4*****38" and v.lines[3].startswith("受理编号：GS")
    job, slip = rig.printer.records[-1]
    assert slip.title == "社会保障卡临时挂失回执" and any(line.startswith("受理编号：GS") for line in slip.lines)
    assert ZHOU.id_number not in "".join(slip.lines)
    rig.post(ev.PrintFinished(job))
    assert rig.model.screen == "take_card" and views.take_card(rig.model).note == "挂失回执已打印，请取走并妥善保管"
    rig.model.tap_home(rig.now)
    rig.post(ev.IdCardRead(ZHOU))
    rig.model.tap_self_service(rig.now)
    confirm_loss(rig)
    rig.type_pin("448947")
    assert views.result(rig.model).lines == ["此卡已挂失，无需重复办理"]  # type: ignore[union-attr]


def test_card_loss_pin_blocked_after_three_wrong(rig: Rig) -> None:
    confirm_loss(rig)
    for _ in range(3):
        rig.type_pin("000000")
    assert rig.model.screen == "message"
    assert views.message(rig.model).lines == ["社保卡密码已锁定。\n请持身份证到7号窗口、8号窗口\n办理密码解锁"]


def test_progress_by_receipt_number(rig: Rig) -> None:
    receipt = rig.gateway.receipts_of(ZHOU.id_number)[0]
    svc(rig, "progress")
    assert views.pin(rig.model).title == "请输入受理回执编号" and not views.pin(rig.model).secret
    rig.type_pin("20250101")
    assert rig.model.screen == "pin" and views.pin(rig.model).note == "未查询到相关记录"
    for d in receipt:
        rig.model.key(d, rig.now)
    assert views.pin(rig.model).shown == receipt
    rig.model.tap_confirm(rig.now)
    rig.at(0)
    v = views.result(rig.model)
    assert v is not None and v.lines[0] == f"受理编号：{receipt}" and v.lines[3].startswith("当前状态：")


def test_a_receipt_of_another_holder_is_not_shown(rig: Rig) -> None:
    other = rig.gateway.receipts_of(WANG.id_number)[0]
    svc(rig, "progress")
    rig.type_pin(other)
    assert rig.model.screen == "pin" and views.pin(rig.model).note == "未查询到相关记录"


def test_qualifications_are_listed(rig: Rig) -> None:
    svc(rig, "qualification")
    v = views.result(rig.model)
    assert v is not None and v.title == "职业资格证书查询" and v.lines
    expected = rig.gateway.qualifications(ZHOU.id_number).items
    assert len(v.lines) == max(1, len(expected))


def test_an_answer_after_the_session_ended_is_dropped(rig: Rig) -> None:
    rig.model.services.gateway = type("Slow", (), {"submit": lambda self, job, call: None})()  # never answers
    svc(rig, "record")
    job = rig.model.services.job
    rig.model.tap_home(rig.now)
    rig.post(ev.GatewayAnswered(job or "", rig.gateway.contribution_record(ZHOU.id_number)))
    assert rig.model.screen == "home" and rig.model.services.result is None


def test_maintenance_behind_the_staff_password(rig: Rig) -> None:
    m = rig.model
    m.tap_home(rig.now)
    for i in range(5):
        m.tap_title(rig.now + i * 0.3)
    assert m.screen == "pin" and views.pin(m).title == "请输入维护密码" and views.pin(m).holder == ""
    rig.type_pin("1234")
    assert m.screen == "pin" and views.pin(m).note == "密码错误"
    rig.type_pin(STAFF)
    assert m.screen == "maintenance"
    info = dict(m.maintenance.info())
    assert info["device"] == "kiosk-1" and "connected" in info["broker"] and info["printer"].endswith("ok")
    m.tap_test_page(rig.now)
    job, slip = rig.printer.records[-1]
    assert slip.title == "打印测试"
    rig.post(ev.PrintFinished(job))
    assert dict(m.maintenance.info())["printer test"] == "printed"
    m.tap_check_printer(rig.now)
    assert rig.printer.checks == 1


def test_five_wrong_staff_passwords_lock_the_screen(rig: Rig) -> None:
    m = rig.model
    for i in range(5):
        m.tap_title(rig.now + i * 0.1)
    for _ in range(5):
        rig.type_pin("0000")
    assert m.screen == "home"
    for i in range(5):
        m.tap_title(rig.now + 1 + i * 0.1)
    assert m.screen == "home" and views.frame(m, rig.now).toast == "错误次数过多，请稍后再试"

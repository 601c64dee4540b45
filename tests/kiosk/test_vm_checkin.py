"""预约签到 from the kiosk's home screen, without a window: the code on the keypad or the ID card on the reader,
the booking's ticket printed like any ticket, a late check-in's message, a refusal's reason, then the card back."""
from __future__ import annotations

from pathlib import Path

import pytest

from hall_contract.protocol import RpcError, RpcReply
from kiosk import events as ev
from kiosk.citizen import holder_ref
from kiosk.viewmodels import views as v
from tests.kiosk.fakes import WANG, ZHOU, Rig, make_rig


@pytest.fixture
def rig(tmp_path: Path) -> Rig:
    r = make_rig(tmp_path)
    r.online(waiting=2)
    return r


def checkin_reply(rig: Rig, number: str, on_time: bool, message: str) -> None:
    rid = rig.link.requests[-1][1]["request_id"]
    ticket = {"number": number, "queue": number[0], "queue_name": "查询出件", "item": None, "item_name": None,
              "priority": "appointment" if on_time else "normal", "state": "waiting",
              "issued_at": "2025-05-06T09:40:00+08:00", "ahead": 1, "predicted_wait_s": 120, "holder": None,
              "status_url": f"http://hall.test/t/{number}"}
    rig.post(ev.ReplyReceived(RpcReply(request_id=rid, ok=True, result={"ticket": ticket, "on_time": on_time,
                                                                         "message": message})))


def test_a_booking_code_typed_on_the_keypad_prints_an_appointment_ticket(rig: Rig) -> None:
    m = rig.model
    m.checkin.start(rig.now)
    assert m.screen == "checkin"
    for k in "1234567":
        m.checkin.key(k, rig.now)
    assert not m.checkin.view("zh_CN").can_submit
    m.checkin.confirm(rig.now)
    assert not rig.link.requests  # 7 digits are not a code
    m.checkin.key("8", rig.now)
    m.checkin.confirm(rig.now)
    method, payload = rig.link.requests[-1]
    assert method == "appointment_checkin" and payload["code"] == "12345678"
    assert m.checkin.view("zh_CN").headline == "正在签到，请稍候…"
    checkin_reply(rig, "B003", True, "签到成功 (checked in)")
    job, slip = rig.printer.tickets[-1]
    assert slip.number == "B003" and slip.priority_label == "预约优先" and m.screen == "ticket"
    rig.post(ev.PrintFinished(job))
    shown = v.ticket(m)
    assert shown is not None and shown.number == "B003" and shown.priority == "预约优先" and shown.printed
    assert v.frame(m, rig.now).toast == "预约签到成功，预约优先办理"
    rig.at(m.cfg.kiosk.ticket_screen_s + 1)
    assert m.screen == "home"  # no card was used: straight back home


def test_an_id_card_checks_in_by_its_reference_and_a_late_one_is_told_then_asked_for_the_card(rig: Rig) -> None:
    m = rig.model
    m.checkin.start(rig.now)
    rig.post(ev.IdCardRead(ZHOU))
    method, payload = rig.link.requests[-1]
    assert method == "appointment_checkin" and payload["holder_ref"] == holder_ref(ZHOU.id_number, m.cfg.salt)
    assert ZHOU.id_number not in str(payload) and not m.session.authenticated and m.screen == "checkin"
    late = "您预约的是 09:00，已超过签到时间，已为您取普通号 B004 (check-in closed: B004 is a normal ticket)"
    checkin_reply(rig, "B004", False, late)
    rig.post(ev.PrintFinished(rig.printer.tickets[-1][0]))
    shown = v.ticket(m)
    assert shown is not None and shown.note == late.split(" (")[0] and shown.priority == ""
    m.tap_language(rig.now)
    assert v.ticket(m).note == "check-in closed: B004 is a normal ticket"  # type: ignore[union-attr]
    m.tap_language(rig.now)
    assert rig.printer.tickets[-1][1].priority_label is None
    rig.at(m.cfg.kiosk.ticket_screen_s + 1)
    assert m.screen == "take_card" and v.take_card(m).title == "请取回身份证"
    rig.post(ev.IdCardLifted())
    rig.at(0.5)
    assert m.screen == "home"


def test_a_refusal_shows_its_reason_and_then_the_card_back(rig: Rig) -> None:
    m = rig.model
    m.tap_language(rig.now)  # in English
    m.checkin.start(rig.now)
    rig.post(ev.IdCardRead(ZHOU))
    rid = rig.link.requests[-1][1]["request_id"]
    rig.post(ev.ReplyReceived(RpcReply(request_id=rid, ok=False, error=RpcError(
        code="checkin_refused", message="没有找到今天的预约 (no booking for today was found)"))))
    assert m.screen == "message" and not rig.printer.tickets
    msg = v.message(m)
    assert msg.title == "Appointment check-in" and msg.lines == ["Check-in failed", "no booking for today was found"]
    rig.at(10)
    assert m.screen == "message"
    rig.at(10)
    assert m.screen == "take_card"


def test_a_server_that_never_answers_sends_the_citizen_to_the_desk(rig: Rig) -> None:
    m = rig.model
    m.checkin.start(rig.now)
    for k in "87654321":
        m.checkin.key(k, rig.now)
    m.checkin.confirm(rig.now)
    first = rig.link.requests[-1][1]["request_id"]
    rig.at(m.cfg.kiosk.rpc_timeout_s + 0.1)
    assert rig.link.requests[-1][1]["request_id"] == first and len(rig.link.requests) == 2  # the same request again
    for _ in range(12):
        rig.at(2)
    assert m.screen == "message" and any("请到咨询台签到" in line for line in v.message(m).lines)


def test_a_social_security_card_put_in_checks_in_and_is_asked_back(rig: Rig) -> None:
    m = rig.model
    m.checkin.start(rig.now)
    rig.post(ev.CardInserted())
    assert m.screen == "checkin" and rig.card.reads == [False]  # read for the check-in, without a PIN
    rig.post(ev.CardRead(WANG, verified=False))
    method, payload = rig.link.requests[-1]
    assert method == "appointment_checkin" and payload["holder_ref"] == holder_ref(WANG.id_number, m.cfg.salt)
    assert not m.session.authenticated
    checkin_reply(rig, "A005", True, "签到成功 (checked in)")
    rig.post(ev.PrintFinished(rig.printer.tickets[-1][0]))
    rig.at(m.cfg.kiosk.ticket_screen_s + 1)
    assert m.screen == "take_card" and v.take_card(m).title == "请取回社保卡"
    rig.post(ev.CardPulled())
    rig.at(0.5)
    assert m.screen == "home"


def test_a_holder_already_known_is_checked_in_at_once(rig: Rig) -> None:
    m = rig.model
    rig.post(ev.IdCardRead(ZHOU))  # on the home screen: 周* 您好
    assert m.session.authenticated
    m.checkin.start(rig.now)
    method, payload = rig.link.requests[-1]
    assert method == "appointment_checkin" and payload["holder_ref"] == holder_ref(ZHOU.id_number, m.cfg.salt)

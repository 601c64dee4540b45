"""The kiosk's 预约签到 flow without a window: a code from the keypad or a card's reference, the reply shown
in the screen's language, a lost reply sent again with the same request id."""
from __future__ import annotations

from hall_contract.protocol import RpcError, RpcReply
from kiosk.viewmodels.checkin import AppointmentCheckIn, CheckedIn, CheckInRefused


def test_a_code_on_the_keypad_checks_in_and_a_late_one_says_why() -> None:
    flow = AppointmentCheckIn("kiosk-1", "hall/h/reply/kiosk-1")
    for k in "1234567":
        flow.press(k)
    assert flow.by_code(0.0) is None and not flow.view().can_submit  # 7 of 8 digits
    flow.press("8")
    assert flow.view().entered == "12345678" and flow.view().can_submit
    req = flow.by_code(1.0)
    assert req is not None and req["code"] == "12345678" and req["source"] == "kiosk-1"
    assert flow.view().entered == "" and flow.view().busy and flow.view().headline == "正在签到，请稍候…"
    assert flow.due(2.0, connected=True) is None
    again = flow.due(4.0, connected=True)  # no reply yet: the same request again
    assert again is not None and again["request_id"] == req["request_id"]
    assert not flow.on_reply(RpcReply(request_id="other", ok=True, result={}))
    assert flow.on_reply(RpcReply(request_id=req["request_id"], ok=True, result={
        "ticket": {"number": "A007", "queue": "A"}, "on_time": False,
        "message": "您预约的是 09:00，已超过签到时间 5 分钟，已为您取普通号 A007 (your booking was for 09:00; "
                   "check-in closed 15 min after it, so A007 is a normal ticket)"}))
    assert flow.outcome == CheckedIn("A007", "A", False, flow.outcome.message)  # type: ignore[union-attr]
    zh, en = flow.view(), flow.view("en")
    assert zh.headline == "已超过预约签到时间，已为您取普通号" and zh.number == "A007"
    assert "普通号 A007" in (zh.message or "")
    assert en.message == "your booking was for 09:00; check-in closed 15 min after it, so A007 is a normal ticket"


def test_a_card_sends_only_its_reference_and_a_refusal_is_shown() -> None:
    flow = AppointmentCheckIn("kiosk-1", "reply/kiosk-1")
    req = flow.by_card(0.0, "ab" * 32)
    assert req is not None and req["holder_ref"] == "ab" * 32 and "id_number" not in req
    assert flow.by_card(0.5, "cd" * 32) is None  # one at a time
    flow.on_reply(RpcReply(request_id=req["request_id"], ok=False, error=RpcError(
        code="checkin_refused", message="没有找到今天的预约 (no booking for today was found)")))
    assert isinstance(flow.outcome, CheckInRefused)
    assert flow.view().message == "没有找到今天的预约" and flow.view("en").headline == "Check-in failed"


def test_no_answer_gives_up_and_sends_to_the_desk() -> None:
    flow = AppointmentCheckIn("kiosk-1", "reply/kiosk-1", give_up_s=10)
    flow.by_card(0.0, "ef" * 32)
    assert flow.due(5.0, connected=False) is None
    assert flow.due(11.0, connected=True) is None
    assert isinstance(flow.outcome, CheckInRefused) and "咨询台" in (flow.view().message or "")

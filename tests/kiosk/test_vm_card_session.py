"""The session follows the card: a ticket without a PIN, one item after another, the card asked back, a card
left behind, and the 电子社保卡 login; without a window."""
from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest

from kiosk import events as ev
from kiosk.gateway import ECardExpired, ECardInvalid
from kiosk.gateway.ecard import CN, make_code
from kiosk.viewmodels import views
from tests.kiosk.fakes import WANG, ZHOU, Rig, make_rig

PIN = "463260"


@pytest.fixture
def rig(tmp_path: Path) -> Rig:
    r = make_rig(tmp_path)
    r.online()
    return r


def insert_card(rig: Rig) -> None:
    rig.post(ev.CardInserted("Virtual PCD 00 00"), ev.CardRead(WANG, verified=False))


def choose(rig: Rig, code: str) -> None:
    """Tap an item; where the hall shows the item's 办事指南 first, take the ticket from there."""
    rig.model.tap_item(code, rig.now)
    if rig.model.screen == "guide":
        take = getattr(rig.model, "tap_guide_ticket")  # noqa: B009 (the 办事指南 screen exists only where the hall has guides)
        take(rig.now)


def ticket(rig: Rig, code: str, number: str) -> None:
    m = rig.model
    m.tap_take_ticket(rig.now)
    choose(rig, code)
    rig.reply_ok(number, priority="elderly", holder="王*")
    rig.post(ev.PrintFinished(rig.printer.tickets[-1][0]))


def test_a_ticket_by_card_needs_no_pin_and_gets_elderly_priority(rig: Rig) -> None:
    m = rig.model
    insert_card(rig)
    assert m.screen == "home" and views.home(m).welcome == "王* 您好" and m.session.elderly
    m.tap_take_ticket(rig.now)
    choose(rig, "SB-005")
    request = rig.link.requests[-1][1]
    assert request["priority"] == "elderly" and request["holder"] == "王*"
    assert rig.card.reads == [False]  # read once, never with a PIN


def test_a_second_item_in_the_same_session_without_reinserting(rig: Rig) -> None:
    m = rig.model
    insert_card(rig)
    ticket(rig, "SB-005", "A001")
    m.tap_done(rig.now)
    v = views.take_card(m)
    assert m.screen == "take_card" and v.title == "请取回社保卡" and v.can_continue
    assert rig.speaker.said[-1] == "请取回您的社保卡"
    m.tap_continue(rig.now)
    assert m.screen == "home" and views.home(m).welcome == "王* 您好"
    ticket(rig, "GG-001", "B001")
    assert rig.link.requests[-1][1]["holder"] == "王*" and rig.card.reads == [False]
    # then a personal record: the PIN is asked once, and not again for the next one
    rig.at(m.cfg.kiosk.ticket_screen_s + 0.1)
    m.tap_continue(rig.now)
    m.tap_self_service(rig.now)
    m.tap_service("record", rig.now)
    assert m.screen == "pin" and views.pin(m).title == "请输入社保卡密码"
    rig.type_pin(PIN)
    rig.post(ev.CardRead(WANG, verified=True))
    assert m.screen == "record" and rig.card.reads == [False, True]
    m.tap_home(rig.now)
    assert m.session.citizen is WANG  # 首页 keeps the card's session
    m.tap_self_service(rig.now)
    m.tap_service("certificate", rig.now)
    rig.at(0)
    assert m.screen == "result" and rig.card.reads == [False, True]


def test_a_card_left_in_the_reader_is_reminded_and_reported(rig: Rig) -> None:
    m = rig.model
    insert_card(rig)
    ticket(rig, "SB-005", "A001")
    rig.at(m.cfg.kiosk.ticket_screen_s + 0.1)
    assert m.screen == "take_card" and "card_left" not in rig.link.statuses[-1]
    rig.at(m.cfg.kiosk.card_left_s + 0.1)
    assert m.session.citizen is None and views.take_card(m).title == "社保卡仍在读卡器中，请及时取回"
    assert rig.speaker.said[-1] == "您的社保卡还在读卡器中，请取回"
    assert "card_left" in rig.link.statuses[-1]
    said = len(rig.speaker.said)
    rig.at(m.cfg.kiosk.card_left_s + 0.1)
    assert len(rig.speaker.said) == said + 1  # reminded again
    m.tap_home(rig.now)
    m.tap_self_service(rig.now)  # a passer-by cannot use the card left behind
    assert m.screen == "take_card" and rig.card.reads == [False] and m.session.citizen is None
    rig.post(ev.CardPulled())
    assert m.screen == "home" and "card_left" not in rig.link.statuses[-1]


def test_an_idle_session_with_the_card_in_is_a_card_left_behind(rig: Rig) -> None:
    m = rig.model
    insert_card(rig)
    m.tap_take_ticket(rig.now)
    rig.at(m.cfg.kiosk.elderly_idle_timeout_s + 0.1)
    assert m.screen == "take_card" and m.farewell.left and m.session.citizen is None
    assert "card_left" in rig.link.statuses[-1]


def test_a_pulled_card_after_its_ticket_keeps_the_ticket_and_forgets_the_holder(rig: Rig) -> None:
    m = rig.model
    insert_card(rig)
    ticket(rig, "SB-005", "A001")
    rig.post(ev.CardPulled())
    assert m.screen == "ticket" and m.session.citizen is None
    m.tap_done(rig.now)
    assert m.screen == "home"


def test_an_anonymous_session_ends_without_a_note_about_personal_data(rig: Rig) -> None:
    m = rig.model
    m.tap_take_ticket(rig.now)
    rig.at(m.cfg.kiosk.idle_timeout_s + 0.1)
    assert m.screen == "home" and views.frame(m, rig.now).toast == ""


def test_the_card_in_the_reader_is_not_reported_lost(rig: Rig) -> None:
    m = rig.model
    insert_card(rig)
    m.tap_self_service(rig.now)
    assert "card_loss" not in [a for a, _ in views.services(m)]
    m.tap_service("card_loss", rig.now)
    assert m.screen == "message" and views.message(m).lines[0].startswith("读卡器中的这张社保卡可以正常使用")
    assert views.message(m).action == "办理本卡其他业务"
    m.tap_message_action(rig.now)
    assert m.screen == "services" and m.session.citizen is WANG


def test_id_card_and_card_together_ask_for_both_back(rig: Rig) -> None:
    m = rig.model
    insert_card(rig)
    rig.post(ev.IdCardRead(WANG))
    assert m.session.citizen is WANG and m.session.idcard_on
    m.tap_finish(rig.now)
    assert views.take_card(m).title == "请取回社保卡和身份证" and rig.speaker.said[-1] == "请取回您的社保卡和身份证"
    rig.post(ev.CardPulled())
    assert m.screen == "take_card" and views.take_card(m).title == "请取回身份证"  # the ID card is still there
    rig.post(ev.IdCardLifted())
    assert m.screen == "home" and m.session.citizen is None


def test_an_id_card_left_on_the_reader_is_reminded_and_reported(rig: Rig) -> None:
    m = rig.model
    rig.post(ev.IdCardRead(ZHOU))
    m.tap_take_ticket(rig.now)
    choose(rig, "GG-001")
    rig.reply_ok("B001", holder="周*")
    rig.post(ev.PrintFinished(rig.printer.tickets[-1][0]))
    m.tap_done(rig.now)
    assert m.screen == "take_card" and rig.speaker.said[-1] == "请取回您的身份证"
    rig.at(m.cfg.kiosk.card_left_s + 0.1)
    assert views.take_card(m).title == "身份证仍在读卡区，请及时取回" and m.session.citizen is None
    assert rig.speaker.said[-1] == "您的身份证还在读卡区，请取回" and "idcard_left" in rig.link.statuses[-1]
    rig.post(ev.IdCardLifted())
    assert m.screen == "home" and "idcard_left" not in rig.link.statuses[-1]


def test_the_ticket_says_when_nobody_is_ahead(rig: Rig) -> None:
    m = rig.model
    m.tap_take_ticket(rig.now)
    choose(rig, "GG-001")
    rid = rig.link.requests[-1][1]["request_id"]
    from hall_contract.protocol import RpcReply

    result = {"number": "B001", "queue": "B", "queue_name": "查询出件", "item": "GG-001", "item_name": "x",
              "priority": "normal", "state": "waiting", "issued_at": "2025-05-06T09:15:02+08:00", "ahead": 0,
              "predicted_wait_s": 0, "status_url": "http://hall.test/t/B001"}
    rig.post(ev.ReplyReceived(RpcReply(request_id=rid, ok=True, result=result)))
    assert views.ticket(m).ahead == "您前面无人等候，即将叫号，请留意叫号屏"  # type: ignore[union-attr]
    assert views.queue_row("查询出件", 0, 0, "zh_CN") == "查询出件  无需等候"


def test_an_e_card_code_signs_in_without_a_pin(rig: Rig) -> None:
    m = rig.model
    code = rig.gateway.ecard_code(ZHOU.id_number)
    m.tap_self_service(rig.now)
    rig.post(ev.CodeScanned(code))
    assert m.screen == "services" and m.session.citizen is not None and m.session.citizen.source == "ecard"
    assert m.session.holder_masked == "周*" and ZHOU.id_number not in repr(ev.CodeScanned(code))
    m.tap_service("record", rig.now)
    rig.at(0)
    assert m.screen == "record"  # no PIN: the e-card app vouched for its holder


def test_a_stale_or_forged_e_card_code_is_refused_with_a_reason(rig: Rig) -> None:
    m = rig.model
    old = rig.gateway.ecard_code(ZHOU.id_number, datetime.now(CN) - timedelta(minutes=5))
    rig.post(ev.CodeScanned(old))
    assert m.screen == "home" and m.session.citizen is None
    assert views.frame(m, rig.now).toast.startswith("电子社保卡登录未成功：二维码已过期")
    assert views.frame(m, rig.now).toast_error
    with pytest.raises(ECardInvalid):
        rig.gateway.verify_ecard(old[:-1] + ("0" if old[-1] != "0" else "1"))
    with pytest.raises(ECardInvalid):
        rig.gateway.verify_ecard(make_code(b"another platform", ZHOU.id_number, datetime.now(CN)))
    with pytest.raises(ECardExpired):
        rig.gateway.verify_ecard(old)
    with pytest.raises(ECardInvalid):
        rig.gateway.verify_ecard("https://example.org/t/A001")

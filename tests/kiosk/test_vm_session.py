"""Cards, PINs, the session's end, elderly mode and language, without a window."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest

from hardware.card.errors import CardLocked, PinBlocked, WrongPin
from kiosk import events as ev
from kiosk.citizen import holder_ref
from kiosk.viewmodels import Keypad, views
from tests.kiosk.fakes import WANG, ZHOU, Rig, make_rig

PIN = "463260"


@pytest.fixture
def rig(tmp_path: Path) -> Rig:
    r = make_rig(tmp_path)
    r.online()
    return r


def login_with_card(rig: Rig, citizen=WANG) -> None:  # type: ignore[no-untyped-def]
    """The card identifies its holder: no PIN is asked to get this far."""
    rig.post(ev.CardInserted("Virtual PCD 00 00"))
    assert rig.model.screen == "reading" and rig.card.reads == [False]
    rig.post(ev.CardRead(citizen, verified=False))
    assert rig.model.screen != "pin" and rig.model.session.citizen == citizen


def verify_pin(rig: Rig, citizen=WANG) -> None:  # type: ignore[no-untyped-def]
    assert rig.model.screen == "pin"
    rig.type_pin(PIN)
    assert rig.card.reads[-1] is True and rig.model.screen == "reading"
    rig.post(ev.CardRead(citizen, verified=True))


def test_card_then_pin_shows_the_masked_holder_and_keypad_dots(rig: Rig) -> None:
    login_with_card(rig)
    rig.model.tap_self_service(rig.now)
    rig.model.tap_service("record", rig.now)
    v = views.pin(rig.model)
    assert v.title == "请输入社保卡密码" and v.holder == "持卡人：王*　1301**********1098"
    assert v.shown == "○○○○○○" and not v.can_confirm
    for d in "4632":
        rig.model.key(d, rig.now)
    assert views.pin(rig.model).shown == "●●●●○○"
    rig.model.key("back", rig.now)
    assert views.pin(rig.model).shown == "●●●○○○"
    rig.model.key("clear", rig.now)
    assert views.pin(rig.model).shown == "○○○○○○"


def test_a_holder_of_70_plus_gets_elderly_mode_voice_and_priority(rig: Rig) -> None:
    login_with_card(rig)
    m = rig.model
    assert m.session.authenticated and m.session.elderly and m.screen == "home"
    assert views.home(m).welcome == "王* 您好"
    assert "已为您开启长者模式" in rig.speaker.said
    m.tap_take_ticket(rig.now)
    assert m.picker.page_size == 4 and len(views.items(m).items) <= 4
    assert rig.speaker.said[-1] == "请选择您要办理的事项"
    m.tap_item("SB-005", rig.now)
    m.tap_guide_ticket(rig.now)
    req = rig.link.requests[-1][1]
    assert req["priority"] == "elderly" and req["holder"] == "王*"
    assert req["holder_ref"] == holder_ref(WANG.id_number, m.cfg.salt)
    assert WANG.id_number not in str(req) and "王建国" not in str(req)
    rig.reply_ok("A001", priority="elderly", holder="王*")
    job, slip = rig.printer.tickets[-1]
    assert slip.holder_masked == "王*"
    assert views.ticket(m).priority == "长者优先"  # type: ignore[union-attr]
    rig.post(ev.PrintFinished(job))
    assert m.session.citizen is WANG  # the card is still in: the session follows it
    assert rig.speaker.said[-1] == "您的号码是ei1 零零一，请取走号票，留意叫号"
    rig.post(ev.CardPulled())
    assert m.session.citizen is None and not m.session.authenticated and m.screen == "ticket"


def test_a_younger_holder_gets_normal_priority_and_no_voice(rig: Rig) -> None:
    rig.post(ev.IdCardRead(ZHOU))
    m = rig.model
    assert m.session.authenticated and not m.session.elderly
    m.tap_take_ticket(rig.now)
    m.tap_item("GG-001", rig.now)
    m.tap_guide_ticket(rig.now)
    req = rig.link.requests[-1][1]
    assert req["priority"] == "normal" and req["holder"] == "周*" and len(req["holder_ref"]) == 64
    assert rig.speaker.said == []


def test_wrong_pin_shows_tries_left_and_blocked_says_which_window(rig: Rig) -> None:
    login_with_card(rig)
    rig.model.tap_self_service(rig.now)
    rig.model.tap_service("record", rig.now)
    rig.type_pin("111111")
    rig.post(ev.CardFailed(WrongPin(2), verifying=True))
    v = views.pin(rig.model)
    assert rig.model.screen == "pin" and v.note == "密码错误，还可以尝试 2 次" and v.shown == "○○○○○○"
    rig.type_pin("222222")
    rig.post(ev.CardFailed(PinBlocked("SW=6983"), verifying=True))
    msg = views.message(rig.model)
    assert msg.lines == ["社保卡密码已锁定。\n请持身份证到7号窗口、8号窗口\n办理密码解锁"] and msg.action == "取号办理"
    assert rig.model.session.citizen is None and rig.model.session.pending is None
    rig.model.tap_message_action(rig.now)
    assert rig.link.requests[-1][1]["item"] == "KA-005"


def test_a_locked_card_is_explained(rig: Rig) -> None:
    rig.post(ev.CardInserted(), ev.CardFailed(CardLocked("SW=6A81")))
    assert views.message(rig.model).lines == ["此卡应用已锁定（可能已挂失），请到窗口办理"]


def test_card_removal_wipes_the_session(rig: Rig) -> None:
    login_with_card(rig)
    rig.model.tap_take_ticket(rig.now)
    rig.post(ev.CardPulled())
    m = rig.model
    assert m.screen == "home" and m.session.citizen is None and not m.session.elderly
    assert views.frame(m, rig.now).toast == "已退卡，个人信息已清除"


def test_card_removal_while_typing_the_pin_wipes_too(rig: Rig) -> None:
    login_with_card(rig)
    rig.model.tap_self_service(rig.now)
    rig.model.tap_service("certificate", rig.now)
    rig.model.key("4", rig.now)
    rig.post(ev.CardPulled())
    assert rig.model.screen == "home" and rig.model.session.pending is None and rig.model.keypad.count == 0


def test_idle_60_s_with_countdown_ends_the_session(rig: Rig) -> None:
    rig.post(ev.IdCardRead(ZHOU), ev.IdCardLifted())
    rig.model.tap_take_ticket(rig.now)
    rig.at(39.0)
    assert views.frame(rig.model, rig.now).countdown == ""
    rig.at(1.5)
    assert views.frame(rig.model, rig.now).countdown == "20 秒后返回首页"
    rig.at(19.6)
    assert rig.model.screen == "home" and rig.model.session.citizen is None
    assert views.frame(rig.model, rig.now).toast == "操作超时，个人信息已清除"


def test_elderly_mode_by_tap_waits_120_s(rig: Rig) -> None:
    m = rig.model
    m.tap_elderly(rig.now)
    assert m.session.elderly and views.home(m).elderly_label == "标准模式"
    assert rig.speaker.said[0] == "已为您开启长者模式"
    m.tap_take_ticket(rig.now)
    rig.at(100.0)
    assert m.screen == "items" and views.frame(m, rig.now).countdown == "20 秒后返回首页"
    rig.at(20.1)
    assert m.screen == "home" and not m.session.elderly


def test_english_switch_and_back_to_chinese_when_the_session_ends(rig: Rig) -> None:
    m = rig.model
    m.tap_language(rig.now)
    assert views.home(m).take_label == "Take a ticket"
    assert views.frame(m, rig.now).hall_name.startswith("Qiaoxi District")
    m.tap_take_ticket(rig.now)
    v = views.items(m)
    assert v.title == "Choose your service" and v.boards[0][1] == "Employment"
    m.tap_home(rig.now)
    assert views.home(m).take_label == "取号"


def test_the_pin_is_never_logged_nor_kept(rig: Rig, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    login_with_card(rig)
    rig.model.tap_self_service(rig.now)
    rig.model.tap_service("record", rig.now)
    verify_pin(rig)
    text = caplog.text + repr(rig.model.session) + repr(rig.model.keypad) + repr(vars(rig.model))
    assert PIN not in text and WANG.id_number not in caplog.text
    assert rig.model.keypad.count == 0
    assert repr(Keypad()) == "Keypad(entered=0/6, secret=True)"


def test_self_service_first_asks_for_a_card_then_continues(rig: Rig) -> None:
    rig.model.tap_self_service(rig.now)
    assert rig.model.screen == "auth"
    login_with_card(rig)
    assert rig.model.screen == "services"
    # the card is here: 临时挂失 is not offered for it
    assert [a for a, _ in views.services(rig.model)] == ["record", "certificate", "progress", "qualification"]


def test_a_card_inserted_on_the_item_screen_returns_there(rig: Rig) -> None:
    rig.model.tap_take_ticket(rig.now)
    login_with_card(rig)
    assert rig.model.screen == "items"

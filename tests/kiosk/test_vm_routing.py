"""Who hears of a card or a printer's answer: what the screen shows decides, in one place, without a window."""
from __future__ import annotations

from pathlib import Path

import pytest

from kiosk import events as ev
from kiosk.settings import hash_password
from kiosk.viewmodels import views
from tests.kiosk.fakes import WANG, ZHOU, Rig, make_rig

STAFF = "246810"
PIN = "463260"


@pytest.fixture
def rig(tmp_path: Path) -> Rig:
    r = make_rig(tmp_path, staff_password_hash=hash_password(STAFF))
    r.online()
    return r


def card_login(rig: Rig) -> None:
    """The card says who its holder is: no PIN for a ticket."""
    rig.post(ev.CardInserted(), ev.CardRead(WANG, verified=False))


def test_a_card_inserted_while_choosing_an_item_comes_back_to_the_items_in_elderly_mode(rig: Rig) -> None:
    m = rig.model
    m.tap_take_ticket(rig.now)
    m.tap_board("社会保障", rig.now)
    assert len(views.items(m).items) == m.cfg.kiosk.items_per_page
    card_login(rig)
    assert m.screen == "items" and m.session.elderly  # 王建国 is 84
    assert len(views.items(m).items) == m.cfg.kiosk.elderly_items_per_page  # fewer, larger items


def test_a_card_pulled_while_the_ticket_is_requested_forgets_the_holder_and_the_ticket_still_comes(rig: Rig) -> None:
    m = rig.model
    card_login(rig)
    m.tap_take_ticket(rig.now)
    m.tap_item(m.picker.visible()[0].code, rig.now)
    m.tap_guide_ticket(rig.now)
    assert m.screen == "issuing" and rig.link.requests[-1][1]["holder"] == "王*"
    rig.post(ev.CardPulled())
    assert m.screen == "issuing" and m.session.citizen is None and views.frame(m, rig.now).holder == ""
    rig.reply_ok("A007", priority="elderly")
    assert m.screen == "ticket" and [s.number for _, s in rig.printer.tickets] == ["A007"]


def test_a_card_during_maintenance_is_noted_not_read(rig: Rig) -> None:
    m = rig.model
    for i in range(5):
        m.tap_title(rig.now + i * 0.2)
    rig.post(ev.CardInserted())
    assert m.screen == "pin" and rig.card.reads == []  # the staff password screen stays
    rig.type_pin(STAFF)
    rig.post(ev.CardInserted())
    assert m.screen == "maintenance" and rig.card.reads == []
    assert dict(m.maintenance.info())["card reader"].endswith("card seen")


def test_an_id_card_on_the_ticket_screen_signs_nobody_in(rig: Rig) -> None:
    m = rig.model
    m.tap_take_ticket(rig.now)
    m.tap_item(m.picker.visible()[0].code, rig.now)
    m.tap_guide_ticket(rig.now)
    rig.reply_ok("A008")
    rig.post(ev.IdCardRead(ZHOU))
    assert m.screen == "ticket" and m.session.citizen is None


def test_a_print_answer_after_the_session_ended_only_tells_how_the_printer_is(rig: Rig) -> None:
    m = rig.model
    rig.post(ev.IdCardRead(ZHOU))
    m.tap_service("record", rig.now)
    rig.at(0)
    m.tap_print(rig.now)
    job, _slip = rig.printer.records[-1]
    m.tap_home(rig.now)
    rig.post(ev.PrintFailed(job, "paper_out", "打印机缺纸", "The printer is out of paper"))
    assert m.screen == "home" and views.message(m).lines == []  # no "take your printout" for nobody
    assert not m.hall.can_print() and "paper_out" in rig.link.statuses[-1]
    assert views.home(m).printer_notice  # the home screen says the printer cannot print

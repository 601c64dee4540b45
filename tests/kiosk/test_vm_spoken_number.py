"""The kiosk reads a ticket number the way the wall display calls it: the letter from the shared table of
:mod:`hardware.speech.letters` (or the hall's ``[display] letter_readings``), the digits one by one."""
from __future__ import annotations

from pathlib import Path

from hardware.speech.letters import ticket_texts
from kiosk import events as ev
from kiosk.settings import load_kiosk_settings
from kiosk.viewmodels import from_settings
from tests.kiosk.fakes import HALL_TOML, WANG, make_rig


def test_no_paper_and_the_elderly_voice_read_the_letter_as_the_display_does(tmp_path: Path) -> None:
    rig = make_rig(tmp_path)
    rig.online()
    m = rig.model
    rig.post(ev.PrinterChecked(("paper_out",)))
    m.tap_take_ticket(rig.now)
    m.desk.request(m.picker.find("GG-001"), rig.now)
    rig.reply_ok("C015")
    display_reads = " ".join(ticket_texts("C015"))  # what the wall display's announcer is given for C015
    assert display_reads == "xi1 零一五"
    assert rig.speaker.said[-1] == (f"打印机暂时不能出票。您的号码是{display_reads}，请记住号码，留意叫号。"
                                    "如需帮助请到服务台")
    m.end_session(rig.now)
    rig.post(ev.PrinterChecked(()), ev.CardInserted(), ev.CardRead(WANG, verified=False))  # 84: elderly mode
    assert m.session.elderly
    m.desk.request(m.picker.find("GG-001"), rig.now)
    rig.reply_ok("E101", priority="elderly")
    rig.post(ev.PrintFinished(rig.printer.tickets[-1][0]))
    assert rig.speaker.said[-1] == "您的号码是yi1 一零一，请取走号票，留意叫号"


def test_the_halls_letter_readings_reach_the_kiosk(tmp_path: Path) -> None:
    toml = tmp_path / "hall.toml"
    text = HALL_TOML.read_text(encoding="utf-8")
    toml.write_text(text.replace("[display]\n", '[display]\nletter_readings = { c = "西" }\n', 1), encoding="utf-8")
    cfg = from_settings(load_kiosk_settings(toml, env={"HALL_KIOSK__GATEWAY_DB": str(tmp_path / "p.db")}))
    assert cfg.letter_readings == {"C": "西"}
    assert " ".join(ticket_texts("C015", cfg.letter_readings)) == "西 零一五"

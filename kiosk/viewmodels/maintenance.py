"""The staff maintenance screen: opened by five quick taps on the hall name, then the staff password.

Shows the device id, the broker (without its password), the server, the readers and the
printer with their faults, and prints a test page. Five wrong passwords lock it for five minutes.
A card inserted while staff are at work is only noted here (the model routes it).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime

from hardware.printer import RecordSlip
from kiosk import events as ev
from kiosk.ports import PrinterPort
from kiosk.settings import verify_password
from kiosk.viewmodels.config import ModelConfig
from kiosk.viewmodels.hall import HallStatus
from kiosk.viewmodels.session import Session
from kiosk.viewmodels.shell import PrintOutcome, Shell
from kiosk.viewmodels.ticketing import Ticketing

TAPS = 5
TAP_WINDOW_S = 3.0
MAX_WRONG = 5
LOCK_S = 300.0


def hide_password(url: str) -> str:
    """``mqtt://user:secret@host`` → ``mqtt://user:***@host``."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


class Maintenance:
    def __init__(self, shell: Shell, session: Session, hall: HallStatus, ticketing: Ticketing, printer: PrinterPort,
                 cfg: ModelConfig, wall: Callable[[], datetime]) -> None:
        self.shell, self.session, self.hall, self.ticketing = shell, session, hall, ticketing
        self.printer, self.cfg, self.wall = printer, cfg, wall
        self.taps: list[float] = []
        self.wrong = 0
        self.locked_until = 0.0
        self.card_seen = False
        self.test_job: str | None = None
        self.test_state: str | None = None  # printing | printed | the fault

    def tap_title(self, now: float) -> None:
        """A tap on the hall name; the fifth within three seconds asks for the staff password."""
        self.taps = [t for t in self.taps if now - t < TAP_WINDOW_S] + [now]
        if len(self.taps) < TAPS:
            return
        self.taps.clear()
        if not self.cfg.kiosk.staff_password_hash:
            self.shell.toast("staff_unset", now)
        elif now < self.locked_until:
            self.shell.toast("staff_locked", now)
        else:
            self.session.touch(now)
            self.shell.ask_pin("staff", now, self.login)

    def login(self, password: str, now: float) -> None:
        if now < self.locked_until:
            self.shell.end_session(now, "staff_locked")
            return
        if verify_password(password, self.cfg.kiosk.staff_password_hash):
            self.wrong, self.card_seen, self.test_state = 0, False, None
            self.shell.go("maintenance", now)
            return
        self.wrong += 1
        if self.wrong >= MAX_WRONG:
            self.wrong, self.locked_until = 0, now + LOCK_S
            self.shell.end_session(now, "staff_locked")
        else:
            self.shell.ask_pin("staff", now, self.login, ("staff_wrong", {}))

    def card_inserted(self) -> None:
        """A card went in while staff are at work: noted (it shows the reader works), not read."""
        self.card_seen = True

    def info(self) -> list[tuple[str, str]]:
        cfg, hall = self.cfg, self.hall
        server = {True: "online", False: "offline", None: "?"}[hall.server_online]
        if hall.server_silent:
            server += " (no answer)"
        return [
            ("device", cfg.device_id),
            ("hall", cfg.hall_id),
            ("broker", f"{hide_password(cfg.broker_url)}  {'connected' if hall.connected else 'DISCONNECTED'}"),
            ("server", f"{cfg.server_device_id}: {server}; issuing {'yes' if hall.issuing else 'no'}"),
            ("card reader", f"{cfg.card_reader or 'first PC/SC reader'}: "
                            f"{hall.reader_faults.get('card', 'ok')}{'; card seen' if self.card_seen else ''}"),
            ("ID reader", f"{cfg.idcard_url or 'not fitted'}: {hall.reader_faults.get('idcard', 'ok')}"),
            ("printer", f"{cfg.printer_url or 'not fitted'}: {', '.join(hall.printer_faults) or 'ok'}"),
            ("printer test", self.test_state or "-"),
            ("requests", f"{len(self.ticketing.history)} ticket requests since start"),
            ("faults", ", ".join(hall.faults()) or "none"),
        ]

    def print_test(self) -> None:
        cfg = self.cfg
        self.test_job = self.shell.job("test", self.printed)
        self.test_state = "printing"
        lines = [f"设备 {cfg.device_id}", f"大厅 {cfg.hall_id}", "中文 ABC abc 0123456789 ，。：",
                 f"打印机 {cfg.printer_url or '-'}"]
        self.printer.print_record(self.test_job, RecordSlip(title="打印测试", lines=lines, hall_name=cfg.hall_name,
                                                            printed_at=self.wall()))
        self.shell.changed()

    def check_printer(self) -> None:
        self.printer.check()

    def printed(self, event: PrintOutcome, now: float) -> None:
        """The printer's answer for the test page."""
        if event.job != self.test_job:
            return
        self.test_job = None
        self.test_state = "printed" if isinstance(event, ev.PrintFinished) else event.fault
        self.shell.changed()

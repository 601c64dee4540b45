"""The staff maintenance screen: opened by five quick taps on the hall name, then the staff password.

Shows the device id, the broker (without its password), the server, the readers and the
printer with their faults, and prints a test page. Five wrong passwords lock it for five minutes.
"""
from __future__ import annotations

import re
from typing import TYPE_CHECKING

from hardware.printer import RecordSlip
from kiosk import events as ev
from kiosk.settings import verify_password

if TYPE_CHECKING:
    from kiosk.viewmodels.kiosk import KioskModel

TAPS = 5
TAP_WINDOW_S = 3.0
MAX_WRONG = 5
LOCK_S = 300.0


def hide_password(url: str) -> str:
    """``mqtt://user:secret@host`` → ``mqtt://user:***@host``."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


class Maintenance:
    def __init__(self, model: KioskModel) -> None:
        self.m = model
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
        m = self.m
        if not m.cfg.kiosk.staff_password_hash:
            m.show_toast("staff_unset", now)
        elif now < self.locked_until:
            m.show_toast("staff_locked", now)
        else:
            m.session.touch(now)
            m.ask_pin("staff", now)

    def login(self, password: str, now: float) -> None:
        m = self.m
        if now < self.locked_until:
            m.end_session(now, "staff_locked")
            return
        if verify_password(password, m.cfg.kiosk.staff_password_hash):
            self.wrong, self.card_seen, self.test_state = 0, False, None
            m.go("maintenance", now)
            return
        self.wrong += 1
        if self.wrong >= MAX_WRONG:
            self.wrong, self.locked_until = 0, now + LOCK_S
            m.end_session(now, "staff_locked")
        else:
            m.ask_pin("staff", now, ("staff_wrong", {}))

    def info(self) -> list[tuple[str, str]]:
        m, cfg, hall = self.m, self.m.cfg, self.m.hall
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
            ("requests", f"{len(m.ticketing.history)} ticket requests since start"),
            ("faults", ", ".join(hall.faults()) or "none"),
        ]

    def print_test(self, now: float) -> None:
        m = self.m
        m.touch(now)
        self.test_job = m.job("test")
        self.test_state = "printing"
        lines = [f"设备 {m.cfg.device_id}", f"大厅 {m.cfg.hall_id}", "中文 ABC abc 0123456789 ，。：",
                 f"打印机 {m.cfg.printer_url or '-'}"]
        m.printer.print_record(self.test_job, RecordSlip(title="打印测试", lines=lines, hall_name=m.cfg.hall_name,
                                                         printed_at=m.wall()))
        m.changed()

    def check_printer(self, now: float) -> None:
        self.m.touch(now)
        self.m.printer.check()

    def printed(self, event: ev.PrintFinished | ev.PrintFailed) -> bool:
        """Whether ``event`` was the test page (and so is handled)."""
        if event.job != self.test_job:
            return False
        self.test_job = None
        self.test_state = "printed" if isinstance(event, ev.PrintFinished) else event.fault
        self.m.changed()
        return True

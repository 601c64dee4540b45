"""Taps and seconds for a record printout and a certificate at the kiosk, from 自助服务 to paper.

Run: ``.venv/bin/python benchmarks/kiosk_documents.py`` (as root for the A4 path: a private cupsd).
It starts a broker and ``hallctl server`` (which registers each document's verification code) and
drives the real :class:`KioskRuntime` (its printer and A4 workers, the local platform) through the
view-model, as the UI does, counting each touch; seconds are from the first touch to "take your
printout" (printing done). A kiosk without ``documents`` (an older tree on ``PYTHONPATH``) is measured
on its thermal-slip flow, so the same script gives the figures before and after.
"""
from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._common import start  # noqa: E402
from hardware.printer.emulator import PrinterEmulator  # noqa: E402
from kiosk import events as ev  # noqa: E402
from kiosk.runtime import KioskRuntime  # noqa: E402
from kiosk.settings import load_kiosk_settings  # noqa: E402
from tests.kiosk.fakes import HALL_TOML, ZHOU, FakeSpeaker  # noqa: E402

PIN_TAPS = 7  # a social security card: six digits and 确认 (an ID card needs none)


def pump_until(runtime: KioskRuntime, done: Callable[[], bool], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            raise TimeoutError(runtime.model.screen)
        runtime.model.pump(time.monotonic())
        time.sleep(0.01)


def flow(runtime: KioskRuntime, action: str) -> tuple[int, float, str]:
    """(taps, seconds, what came out) for one document, the holder placed their ID card."""
    m: Any = runtime.model
    m.post(ev.IdCardRead(ZHOU))
    pump_until(runtime, lambda: m.session.authenticated)
    now = time.monotonic
    started, taps = now(), 0
    m.tap_self_service(now())
    taps += 1
    m.tap_service(action, now())
    taps += 1
    if hasattr(m, "documents") and m.documents.available():
        pump_until(runtime, lambda: m.documents.state == "ready")
        m.tap_document_print(now())
        taps += 1
        pump_until(runtime, lambda: m.screen == "message")
        out = f"A4, {m.message_shown.lines[0][1]['pages']} pages"
    else:
        if action == "record":
            pump_until(runtime, lambda: m.screen == "record")
            m.tap_print(now())
            taps += 1
        pump_until(runtime, lambda: m.screen == "message")
        out = "thermal slip"
    seconds = now() - started
    m.tap_done(now())
    return taps, seconds, out


def main() -> None:
    work = Path(tempfile.mkdtemp(prefix="kiosk-docs-"))
    a4_url = None
    cups_ctx: Any = None
    try:
        from hardware.document.cupsd import PrivateCups
        from hardware.document.emulator import PdfPrinterEmulator

        if PrivateCups.available() is None:
            office, cups = PdfPrinterEmulator().start(), PrivateCups()
            cups.start()
            cups_ctx = (office, cups)
            a4_url = cups.add_office_printer("KioskA4", office.url)
    except ImportError:  # an older tree without A4 documents
        pass
    broker, server, _ = start("sqlite")
    with PrinterEmulator(port=0) as thermal:
        env = {"HALL_ID": server.env["HALL_ID"], "HALL_MQTT_URL": broker.url, "HALL_DEVICES__PRINTER_URL": thermal.url,
               "HALL_KIOSK__GATEWAY_DB": str(work / "platform.db"), "HALL_KIOSK__SPEECH_OUTPUT": "none",
               "HALL_KIOSK__VOICE_GUIDANCE": "false", "HALL_KIOSK__PRINTER_POLL_S": "0.3"}
        if a4_url:
            env["HALL_DEVICES__A4_PRINTER_URL"] = a4_url
        runtime = KioskRuntime(load_kiosk_settings(HALL_TOML, env=env), card_reader=False, speaker=FakeSpeaker())
        runtime.start()
        try:
            pump_until(runtime, lambda: runtime.model.hall.can_print() and runtime.model.hall.issuing, 20)
            print(f"{'document':<14}{'taps (ID card)':>16}{'taps (card+PIN)':>17}{'seconds':>9}  output")
            for action in ("record", "certificate"):
                taps, seconds, out = flow(runtime, action)
                print(f"{action:<14}{taps:>16}{taps + PIN_TAPS:>17}{seconds:>9.2f}  {out}")
        finally:
            runtime.stop()
            server.stop()
            broker.stop()
    if cups_ctx is not None:
        cups_ctx[1].stop()
        cups_ctx[0].stop()


if __name__ == "__main__":
    main()

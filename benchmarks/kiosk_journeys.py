"""Taps and seconds of a citizen's journeys at the real kiosk (real peers, the real window, real touches).

    python benchmarks/kiosk_journeys.py [--repeat 3]

Peers: Mosquitto, ``hallctl server``, the ESC/POS printer emulator, a pcscd of its own (in a mount
namespace, with vpcd's virtual reader) and the virtual social security card, the SAM ID card
reader on a pty. Journeys, each from the first thing the citizen does to the paper in hand:

- ticket without a card: 取号, a board, an item → the ticket cut at the printer;
- ticket with the card: the card goes in, then whatever the kiosk asks → the ticket cut;
- 临时挂失 (temporary loss report) as the kiosk offers it → the answer on screen, and the receipt
  when one is printed.

Taps are counted as they are made (each digit of a PIN is a tap). Seconds are the kiosk's own:
touches are made as soon as the screen allows; "with a citizen" adds 1.5 s per tap (reading and
reaching) as a rough estimate. The script adapts to the kiosk it finds (it runs on older trees
too, to give the figures before a change).
"""
from __future__ import annotations

import argparse
import os
import shutil
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["PCSCLITE_CSOCK_NAME"] = f"/tmp/hall-bench-pcscd-{os.getpid()}/pcscd.comm"

from hardware.card.holders import find_holder  # noqa: E402
from hardware.card.simulator import VirtualSocialSecurityCard  # noqa: E402
from hardware.idcard.simulator import SimulatedSamReader  # noqa: E402
from hardware.printer.emulator import PrinterEmulator  # noqa: E402
from kiosk.runtime import KioskRuntime  # noqa: E402
from kiosk.settings import load_kiosk_settings as load_settings  # noqa: E402
from kiosk.viewmodels import KioskModel  # noqa: E402
from tests.kiosk.kivy_harness import WindowDriver  # noqa: E402  (sets up Kivy's environment first)
from tests.peers import Broker, ServerProcess, hall_env  # noqa: E402

HOLDER, PIN = "130102194103121098", "463260"  # 王建国, 84
READER = "Virtual PCD 00 00"
VPCD_DRIVER = "/usr/lib/pcsc/drivers/serial/libifdvpcd.so"
SECONDS_PER_TAP = 1.5
# one item per queue: a holder may hold one waiting ticket per queue, so each repeat takes another queue
CARD_ITEMS = [("公共服务", "限时业务结果领取"), ("社会保障", "企业职工基本养老保险关系转移接续"),
              ("劳动关系", "劳务派遣经营许可申请")]
NEW_FLOWS = hasattr(KioskModel, "tap_continue")  # the session follows the card; no PIN for a ticket


class Journey:
    def __init__(self, ui: WindowDriver, m: KioskModel) -> None:
        self.ui, self.m, self.taps = ui, m, 0
        self.t0 = time.perf_counter()

    def tap(self, text: str) -> None:
        assert self.ui.until(lambda: self._shows(text), 10), (text, self.m.screen, self.ui.texts())
        self.ui.tap(text, frames=0)
        self.taps += 1

    def _shows(self, text: str) -> bool:
        try:
            self.ui.find(text)
        except LookupError:
            return False
        return True

    def item(self, text: str) -> None:
        """Tap an item; where the hall shows its 办事指南 first, take the ticket from there (one tap more)."""
        self.tap(text)
        self.ui.until(lambda: self.m.screen != "items", 5)
        if self.m.screen == "guide":
            self.tap("材料已备齐，取号")

    def pin(self, digits: str = PIN) -> None:
        assert self.ui.until(lambda: self.m.screen == "pin", 10), self.m.screen
        for d in digits:
            self.tap(d)
        self.tap("确认")

    def until(self, done: object, timeout: float = 10.0) -> None:
        shown = self.m.message_shown
        assert self.ui.until(done, timeout), (self.m.screen, shown)  # type: ignore[arg-type]

    def seconds(self) -> float:
        return time.perf_counter() - self.t0


def private_pcscd(work: Path) -> subprocess.Popen[bytes]:
    """A pcscd of this run's own (mount namespace), with vpcd's reader on a free port; sets the vpcd port."""
    run = Path(os.environ["PCSCLITE_CSOCK_NAME"]).parent
    run.mkdir(parents=True, exist_ok=True)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    conf = work / "pcscd-conf"
    conf.mkdir()
    (conf / "vpcd").write_text(f'FRIENDLYNAME "Virtual PCD"\nDEVICENAME   /dev/null:0x{port:04X}\n'
                               f"LIBPATH      {VPCD_DRIVER}\nCHANNELID    0x{port:04X}\n")
    script = f"mount --bind {run} /run/pcscd && exec pcscd --foreground --config {conf}"
    proc = subprocess.Popen(["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    from hardware.card.pcsc import list_readers

    for _ in range(100):
        try:
            if READER in list_readers():
                break
        except Exception:  # pcscd not up yet
            pass
        time.sleep(0.1)
    os.environ["HALL_BENCH_VPCD_PORT"] = str(port)
    return proc


def card() -> VirtualSocialSecurityCard:
    return VirtualSocialSecurityCard(find_holder(HOLDER), port=int(os.environ["HALL_BENCH_VPCD_PORT"]))


def finish(j: Journey, inserted: VirtualSocialSecurityCard | None) -> None:
    """Leave the kiosk at its home screen for the next journey (not counted)."""
    ui, m = j.ui, j.m
    if inserted is not None:
        inserted.remove()
        if NEW_FLOWS:
            ui.until(lambda: not m.session.card_in, 10)
    if m.screen != "home":
        ui.until(lambda: m.screen in ("ticket", "take_card", "result", "message", "home"), 5)
        if m.screen != "home":
            m.tap_home(time.monotonic()) if not NEW_FLOWS else m.end_session(time.monotonic())
    ui.until(lambda: m.screen == "home" and m.session.citizen is None, 10)
    ui.frames(2)


def ticket_without_card(ui: WindowDriver, m: KioskModel, emulator: PrinterEmulator) -> tuple[int, float]:
    before = len(emulator.tickets)
    j = Journey(ui, m)
    j.tap("取号")
    j.tap("公共服务")
    j.item("限时业务结果领取")
    j.until(lambda: len(emulator.tickets) > before)
    result = j.taps, j.seconds()
    finish(j, None)
    return result


def ticket_with_card(ui: WindowDriver, m: KioskModel, emulator: PrinterEmulator, n: int) -> tuple[int, float]:
    before = len(emulator.tickets)
    c = card()
    j = Journey(ui, m)
    c.insert()
    if NEW_FLOWS:
        j.until(lambda: m.session.citizen is not None and m.screen == "home")
    else:
        j.pin()
        j.until(lambda: m.session.authenticated and m.screen == "home")
    board, item = CARD_ITEMS[n % len(CARD_ITEMS)]
    j.tap("取号")
    j.tap(board)
    j.item(item)
    j.until(lambda: len(emulator.tickets) > before)
    result = j.taps, j.seconds()
    finish(j, c)
    return result


def card_loss(ui: WindowDriver, m: KioskModel, emulator: PrinterEmulator, sam: SimulatedSamReader,
              platform_db: Path) -> tuple[int, float, bool]:
    """临时挂失 the way the kiosk offers it; answers (taps, seconds, whether a receipt was printed)."""
    with sqlite3.connect(platform_db) as db:  # the same holder's card reported again on every run
        db.execute("UPDATE persons SET card_status = 'normal' WHERE id_number = ?", (HOLDER,))
    before = len(emulator.tickets)
    j = Journey(ui, m)
    inserted = None
    if NEW_FLOWS:  # by ID card: the lost card is not there
        j.tap("自助服务")
        sam.card_present = True
        j.until(lambda: m.screen == "services")
        j.tap("社保卡临时挂失")
        j.tap("确认挂失")
        j.pin()
        j.until(lambda: len(emulator.tickets) > before)
    else:  # as a citizen did it: the card in the reader, its PIN, then the service PIN
        inserted = card()
        inserted.insert()
        j.pin()
        j.until(lambda: m.session.authenticated and m.screen == "home")
        j.tap("自助服务")
        j.tap("社保卡临时挂失")
        j.pin()
        j.until(lambda: m.screen == "result")
    result = j.taps, j.seconds(), len(emulator.tickets) > before
    sam.card_present = False
    time.sleep(0.8)  # the SAM poller sees the card gone before the next journey
    finish(j, inserted)
    return result


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=3, help="runs of each journey (at most 3)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kiosk-journeys-"))
    pcscd = private_pcscd(work)
    broker = Broker(work)
    broker.start()
    server = ServerProcess(hall_env(work, broker.url, HALL_LOG_LEVEL="WARNING"), work)
    server.start()
    emulator = PrinterEmulator(port=0).start()
    sam = SimulatedSamReader(find_holder(HOLDER))
    sam.card_present = False
    sam_url = sam.serve_pty()
    platform = work / "platform.db"
    env = dict(server.env, HALL_DEVICES__PRINTER_URL=emulator.url, HALL_DEVICES__CARD_READER=READER,
               HALL_DEVICES__IDCARD_URL=sam_url, HALL_KIOSK__GATEWAY_DB=str(platform),
               HALL_KIOSK__VOICE_GUIDANCE="false", HALL_DEVICES__PRINTER_TIMEOUT_S="2")
    results: dict[str, list[tuple[float, ...]]] = {"ticket without a card": [], "ticket with the card": [],
                                                   "临时挂失": []}
    receipts = []
    try:
        runtime = KioskRuntime(load_settings(env["HALL_CONFIG"], env=env))
        runtime.start()
        m = runtime.model
        ui = WindowDriver(m, time.monotonic)
        assert ui.until(lambda: m.hall.issuing, 20), m.hall.pause_reason()
        for n in range(min(args.repeat, len(CARD_ITEMS))):
            results["ticket without a card"].append(ticket_without_card(ui, m, emulator))
            results["ticket with the card"].append(ticket_with_card(ui, m, emulator, n))
            taps, seconds, printed = card_loss(ui, m, emulator, sam, platform)
            results["临时挂失"].append((taps, seconds))
            receipts.append(printed)
        ui.close()
        runtime.stop()
    finally:
        sam.stop()
        emulator.stop()
        server.stop()
        broker.stop()
        pcscd.terminate()
        pcscd.wait(5)
        shutil.rmtree(work, ignore_errors=True)
    print(f"kiosk: {'this tree' if NEW_FLOWS else 'before the card-session flows'} ({ROOT})")
    for name, runs in results.items():
        taps = int(statistics.median(r[0] for r in runs))
        secs = statistics.median(r[1] for r in runs)
        extra = ""
        if name == "临时挂失":
            extra = "  receipt printed" if all(receipts) else "  no receipt (reference on screen only)"
        print(f"{name:<24} {taps:>2} taps  {secs:5.1f} s at the kiosk  "
              f"~{secs + taps * SECONDS_PER_TAP:5.1f} s with a citizen (n={len(runs)}){extra}")


if __name__ == "__main__":
    os.chdir(ROOT)
    main()

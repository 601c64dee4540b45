"""The kiosk's figures, on real peers (Mosquitto, ``hallctl server``, printer emulator, pcscd + virtual card).

    python benchmarks/kiosk_figures.py [--repeat 10] [--sessions 100] [--cold 3]

- card inserted → holder shown: the virtual card goes into vpcd's reader; done when the kiosk
  window shows the PIN screen with the masked holder (the card was read, PIN not yet asked).
- tap → ticket bytes: from the touch on a service item (the tap that issues) to the cut ticket
  at the printer emulator (RPC over MQTT, server, status check, ESC/POS); target ≤ 1 s.
- cold start: ``hallctl kiosk`` started as a process until it logs its first drawn home screen.
- memory: the kiosk's resident set size (VmRSS) after 10, 50 and ``--sessions`` sessions in one
  process, alternating card + PIN + contribution record with anonymous tickets; target ≤ 200 MB.

The window is Kivy's offscreen SDL window (Mesa), driven by real touches.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import _common

from hardware.card.holders import find_holder
from hardware.card.simulator import VirtualSocialSecurityCard
from hardware.printer.emulator import PrinterEmulator
from kiosk.runtime import KioskRuntime
from kiosk.settings import load_kiosk_settings as load_settings
from kiosk.viewmodels import KioskModel
from tests.kiosk.kivy_harness import WindowDriver  # sets up Kivy's environment first
from tests.peers import Broker, ServerProcess, hall_env

ROOT = _common.ROOT
HALLCTL = str(Path(sys.executable).parent / "hallctl")
READER = "Virtual PCD 00 00"
HOLDER = "130102194103121098"  # 王建国, 84, PIN 463260
ITEMS = [("公共服务", "限时业务结果领取"), ("社会保障", "参保证明查询打印"), ("就业创业", "就业登记")]


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def ensure_pcscd() -> subprocess.Popen[bytes] | None:
    from smartcard import scard

    hr, ctx = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hr == scard.SCARD_S_SUCCESS:
        scard.SCardReleaseContext(ctx)
        return None
    proc = subprocess.Popen(["pcscd", "--foreground"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.5)
    return proc


def stats(values: list[float]) -> str:
    ms = sorted(v * 1000 for v in values)
    return (f"median {statistics.median(ms):.0f} ms, p90 {ms[int(0.9 * (len(ms) - 1))]:.0f} ms, "
            f"max {ms[-1]:.0f} ms (n={len(ms)})")


def card_session(ui: WindowDriver, m: KioskModel, card: VirtualSocialSecurityCard) -> float:
    """Insert, wait for the holder on screen, PIN, show the record, remove; answers insert → holder shown."""
    t0 = time.perf_counter()
    card.insert()
    assert ui.until(lambda: m.screen == "pin" and "持卡人：王*　1301**********1098" in ui.texts(), 10), m.screen
    shown = time.perf_counter() - t0
    for digit in "463260":
        ui.tap(digit, frames=0)
    ui.tap("确认", frames=0)
    assert ui.until(lambda: m.session.authenticated, 10)
    ui.tap("自助服务", frames=0)
    ui.tap("个人权益记录", frames=0)
    assert ui.until(lambda: m.screen == "record", 10)
    card.remove()
    assert ui.until(lambda: m.screen == "home" and m.session.citizen is None, 10)
    return shown


def ticket_session(ui: WindowDriver, m: KioskModel, emulator: PrinterEmulator, n: int) -> float:
    """Take an anonymous ticket by touch; answers item tap → ticket bytes at the emulator."""
    board, item = ITEMS[n % len(ITEMS)]
    before = len(emulator.tickets)
    ui.tap("取号", frames=0)
    ui.tap(board, frames=0)
    ui.tap(item, frames=0)  # its 办事指南
    ui.frames(1)
    t0 = time.perf_counter()
    ui.tap("材料已备齐，取号", frames=0)
    assert ui.until(lambda: len(emulator.tickets) > before, 10), m.screen
    took = time.perf_counter() - t0
    ui.until(lambda: m.ticket is not None and m.ticket.state == "printed", 5)
    ui.tap("完成", frames=0)
    ui.until(lambda: m.screen == "home", 5)
    return took


def cold_starts(env: dict[str, str], count: int) -> list[float]:
    out = []
    for _ in range(count):
        e = dict(env, HALL_LOG_LEVEL="INFO", SDL_VIDEODRIVER="offscreen", KIVY_HOME=tempfile.mkdtemp())
        e.pop("DISPLAY", None)
        t0 = time.perf_counter()
        proc = subprocess.Popen([HALLCTL, "kiosk", "--size", "1080x1920"], env=e, cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        assert proc.stdout is not None
        for line in proc.stdout:
            if "kiosk ready" in line:
                out.append(time.perf_counter() - t0)
                break
        proc.terminate()
        proc.wait(10)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--repeat", type=int, default=10, help="card insertions and tickets timed")
    ap.add_argument("--sessions", type=int, default=100)
    ap.add_argument("--cold", type=int, default=3)
    args = ap.parse_args()
    pcscd = ensure_pcscd()
    work = Path(tempfile.mkdtemp(prefix="kiosk-bench-"))
    broker = Broker(work)
    broker.start()
    server = ServerProcess(hall_env(work, broker.url, HALL_LOG_LEVEL="WARNING"), work)
    server.start()
    emulator = PrinterEmulator(port=0).start()
    env = dict(server.env, HALL_DEVICES__PRINTER_URL=emulator.url, HALL_DEVICES__CARD_READER=READER,
               HALL_KIOSK__GATEWAY_DB=str(work / "platform.db"), HALL_KIOSK__VOICE_GUIDANCE="false")
    try:
        cold = cold_starts(env, args.cold)
        runtime = KioskRuntime(load_settings(env["HALL_CONFIG"], env=env))
        runtime.start()
        m = runtime.model
        ui = WindowDriver(m, time.monotonic)
        assert ui.until(lambda: m.hall.issuing, 20), m.hall.pause_reason()
        card = VirtualSocialSecurityCard(find_holder(HOLDER))
        holder_shown, tap_to_bytes, memory = [], [], {}
        for n in range(1, args.sessions + 1):
            if n % 2:
                holder_shown.append(card_session(ui, m, card))
            else:
                tap_to_bytes.append(ticket_session(ui, m, emulator, n))
            if n in (10, 25, 50, 75, args.sessions):
                memory[n] = rss_mb()
        ui.close()
        runtime.stop()
    finally:
        emulator.stop()
        server.stop()
        broker.stop()
        if pcscd is not None:
            pcscd.terminate()
        shutil.rmtree(work, ignore_errors=True)
    print(f"card inserted → holder shown:  {stats(holder_shown[: max(args.repeat, len(holder_shown))])}")
    print(f"item tap → ticket bytes:       {stats(tap_to_bytes)}  (target ≤ 1000 ms)")
    print(f"cold start → home screen:      {stats(cold)}")
    print("resident memory:               " + ", ".join(f"{mb:.0f} MB after {n} sessions" for n, mb in memory.items())
          + f"  (target ≤ 200 MB, no growth; {len(emulator.tickets)} tickets printed)")


if __name__ == "__main__":
    os.chdir(ROOT)
    main()

"""The kiosk's I/O on real peers: ``hallctl kiosk`` under Xvfb, the broker going away, a silent server.

Each test has a Mosquitto and a ``hallctl server`` of its own (brokers are restarted here).
"""
from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from hardware.printer.emulator import PrinterEmulator
from kiosk.runtime import KioskRuntime
from kiosk.settings import load_kiosk_settings as load_settings
from tests.kiosk.fakes import HALL_TOML, FakeSpeaker
from tests.peers import ROOT, Broker, Collector, ServerProcess, hall_env
from tests.waiting import eventually, remains, within

HALLCTL = str(Path(sys.executable).parent / "hallctl")


@pytest.fixture
def hall(tmp_path: Path, new_broker: Callable[..., Broker]) -> Iterator[tuple[Broker, ServerProcess, PrinterEmulator]]:
    broker = new_broker()
    server = ServerProcess(hall_env(tmp_path, broker.url, HALL_LOG_LEVEL="WARNING"), tmp_path)
    server.start()
    with PrinterEmulator(port=0) as emulator:
        yield broker, server, emulator
    server.stop()


def kiosk_env(server: ServerProcess, emulator: PrinterEmulator, tmp: Path, **extra: str) -> dict[str, str]:
    env = dict(server.env)
    env.update({"HALL_DEVICES__PRINTER_URL": emulator.url, "HALL_DEVICES__PRINTER_TIMEOUT_S": "1",
                "HALL_KIOSK__GATEWAY_DB": str(tmp / "platform.db"), "HALL_KIOSK__PRINTER_POLL_S": "0.3",
                "HALL_KIOSK__RPC_TIMEOUT_S": "1", "HALL_KIOSK__SPEECH_OUTPUT": "none",
                "HALL_KIOSK__VOICE_GUIDANCE": "false"})
    env.update(extra)
    return env


def pumped(runtime: KioskRuntime, check: Callable[[], bool]) -> Callable[[], bool]:
    """``check`` after the model has handled what came in (the UI thread's work, done here)."""

    def step() -> bool:
        runtime.model.pump(time.monotonic())
        return check()

    return step


def pump_until(runtime: KioskRuntime, done: Callable[[], bool], timeout: float) -> bool:
    return within(pumped(runtime, done), timeout)


@pytest.fixture
def xvfb() -> Iterator[str]:
    if shutil.which("Xvfb") is None:
        pytest.skip("Xvfb is not installed")
    display = f":{os.getpid() % 400 + 100}"
    proc = subprocess.Popen(["Xvfb", display, "-screen", "0", "1080x1920x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    socket = Path(f"/tmp/.X11-unix/X{display[1:]}")
    eventually(socket.exists, 10, f"Xvfb's socket {socket}")
    yield display
    proc.terminate()
    proc.wait(5)


@pytest.mark.timeout(60)
def test_hallctl_kiosk_on_xvfb_reports_printer_faults_and_goes_offline(
        hall: tuple[Broker, ServerProcess, PrinterEmulator], tmp_path: Path, xvfb: str) -> None:
    broker, server, emulator = hall
    env = kiosk_env(server, emulator, tmp_path, DISPLAY=xvfb, HALL_KIOSK__DEVICE_ID="kiosk-7", HALL_LOG_LEVEL="INFO",
                    HALL_DEVICES__CARD_READER="no-such-reader")
    env.pop("SDL_VIDEODRIVER", None)
    topic = f"hall/{env['HALL_ID']}/devices/kiosk-7/status"
    seen = Collector(broker.url, (topic,))
    log = (tmp_path / "kiosk.log").open("wb")
    proc = subprocess.Popen([HALLCTL, "kiosk", "--size", "540x960"], env=env, cwd=ROOT, stdout=log,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        def last(messages: list | None = None) -> dict:  # called under the collector's lock: no json()
            mine = [p for t, p, _, _ in (messages if messages is not None else seen.messages) if t == topic]
            return json.loads(mine[-1]) if mine else {}

        assert seen.wait_for(lambda ms: last(ms).get("state") == "online", 20), \
            (tmp_path / "kiosk.log").read_text()[-3000:]
        emulator.set_mode("out")
        assert seen.wait_for(lambda ms: "paper_out" in last(ms).get("faults", []), 5), seen.json(topic)
        emulator.set_mode("near_end")
        assert seen.wait_for(lambda ms: last(ms).get("faults") == ["paper_low", "reader_fault"], 5), seen.json(topic)
        emulator.set_mode("ok")
        assert seen.wait_for(lambda ms: last(ms).get("faults") == ["reader_fault"], 5)
        log.flush()
        assert "kiosk ready: home screen shown" in (tmp_path / "kiosk.log").read_text(), \
            (tmp_path / "kiosk.log").read_text()[-1500:]
        os.killpg(proc.pid, signal.SIGKILL)  # no goodbye: the broker publishes the last will
        proc.wait(5)
        assert seen.wait_for(lambda ms: last(ms).get("state") == "offline", 30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        seen.close()
        log.close()


@pytest.fixture
def runtime(hall: tuple[Broker, ServerProcess, PrinterEmulator], tmp_path: Path) -> Iterator[KioskRuntime]:
    _broker, server, emulator = hall
    rt = KioskRuntime(load_settings(HALL_TOML, env=kiosk_env(server, emulator, tmp_path)), card_reader=False,
                      speaker=FakeSpeaker())
    rt.start()
    assert pump_until(rt, lambda: rt.model.hall.issuing, 15), rt.model.hall.pause_reason()
    yield rt
    rt.stop()


@pytest.mark.timeout(60)
def test_broker_gone_pauses_issuing_and_it_recovers_by_itself(
        hall: tuple[Broker, ServerProcess, PrinterEmulator], runtime: KioskRuntime) -> None:
    broker, _server, emulator = hall
    m = runtime.model
    broker.stop()
    assert pump_until(runtime, lambda: m.hall.pause_reason() == "pause_broker", 10)
    m.tap_take_ticket(time.monotonic())
    assert m.screen == "home" and emulator.tickets == []
    broker.start()
    assert pump_until(runtime, lambda: m.hall.issuing, 20), m.hall.pause_reason()
    m.tap_take_ticket(time.monotonic())
    m.tap_item("GG-001", time.monotonic())
    m.tap_guide_ticket(time.monotonic())
    assert pump_until(runtime, lambda: len(emulator.tickets) == 1, 10)
    assert b"B001" in emulator.tickets[0]


@pytest.mark.timeout(60)
def test_a_silent_server_gets_the_same_request_again_and_issues_one_ticket(
        hall: tuple[Broker, ServerProcess, PrinterEmulator], runtime: KioskRuntime) -> None:
    _broker, server, emulator = hall
    m = runtime.model
    assert server.proc is not None
    os.killpg(server.proc.pid, signal.SIGSTOP)  # the server hears nothing for a while
    try:
        m.tap_take_ticket(time.monotonic())
        m.tap_item("SB-005", time.monotonic())
        m.tap_guide_ticket(time.monotonic())
        assert pump_until(runtime, lambda: m.ticketing.pending is not None and m.ticketing.pending.attempts >= 3, 10)
    finally:
        os.killpg(server.proc.pid, signal.SIGCONT)
    assert pump_until(runtime, lambda: len(emulator.tickets) == 1 and m.ticket is not None, 15)
    # the answers to the repeats arrive and are ignored
    remains(pumped(runtime, lambda: len(emulator.tickets) == 1), 1.0)
    assert len(emulator.tickets) == 1 and b"A001" in emulator.tickets[0]
    assert server.api("GET", "/api/tickets/A001")[0] == 200
    assert server.api("GET", "/api/tickets/A002")[0] == 404
    assert len(set(m.ticketing.history)) == 1

"""Window devices through the real link: pymodbus RTU over a pty to the simulated devices."""
from __future__ import annotations

import subprocess
import sys
import time

import pytest

from hardware.rs485 import (
    CallerKeypad,
    DeviceGarbled,
    DeviceMismatch,
    DeviceNoAnswer,
    DeviceRejected,
    Evaluator,
    Key,
    LineUnavailable,
    Rs485Bus,
    WindowScreen,
)
from hardware.rs485.sim_devices import EvaluatorModel, KeypadModel, ScreenModel
from hardware.rs485.simulator import Rs485Simulator
from tests.hardware._printer_fixtures import (  # noqa: F401  (pytest fixtures)
    RS485_TIMEOUT_S,
    fixture_rs485_bus,
    fixture_rs485_sim,
)

pytestmark = pytest.mark.timeout(30)


def crc16_modbus(frame: bytes) -> bytes:
    """Reference CRC (poly 0xA001, init 0xFFFF), low byte first as on the wire."""
    crc = 0xFFFF
    for byte in frame:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xA001 if crc & 1 else crc >> 1
    return crc.to_bytes(2, "little")


def wire(sim: Rs485Simulator, sender: str) -> bytes:
    return b"".join(data for who, data in list(sim.line.traffic) if who == sender)


def test_crc_reference() -> None:
    assert crc16_modbus(bytes.fromhex("010300000004")) == bytes.fromhex("4409")


def test_screen_shows_text_and_brightness(rs485_sim: Rs485Simulator, rs485_bus: Rs485Bus) -> None:
    screen = WindowScreen(rs485_bus, 1)
    assert screen.identify().device_type == 1
    screen.show("请A001号办理")
    model = rs485_sim.devices[1]
    assert isinstance(model, ScreenModel)
    assert model.text == "请A001号办理" and screen.shown_text() == "请A001号办理"
    screen.show("暂停服务")
    assert model.history == ["请A001号办理", "暂停服务"]
    screen.set_brightness(50)
    assert model.brightness == 50


def test_frames_on_the_wire(rs485_sim: Rs485Simulator, rs485_bus: Rs485Bus) -> None:
    WindowScreen(rs485_bus, 1).set_brightness(50)
    request = bytes.fromhex("010601000032")
    assert request + crc16_modbus(request) in wire(rs485_sim, "host")
    assert request + crc16_modbus(request) in wire(rs485_sim, "device")  # FC 06 echoes the request
    WindowScreen(rs485_bus, 1).show("请A001号办理")
    header = bytes.fromhex("0110010100224400") + bytes([12]) + bytes.fromhex("C7EB41303031BAC5B0ECC0ED")
    assert header in wire(rs485_sim, "host")


def test_wrong_kind_of_device(rs485_bus: Rs485Bus) -> None:
    with pytest.raises(DeviceMismatch, match="类型不符"):
        WindowScreen(rs485_bus, 2).identify()


def test_device_rejects_bad_values(rs485_bus: Rs485Bus) -> None:
    with pytest.raises(DeviceRejected) as caught:
        rs485_bus.write(1, 0x0100, [101])
    assert caught.value.exception_code == 3
    with pytest.raises(DeviceRejected):
        rs485_bus.write(1, 0x0000, [1])  # identity is read-only
    with pytest.raises(ValueError):
        WindowScreen(rs485_bus, 1).set_brightness(150)


def test_keypad_events_once_each_in_order(rs485_sim: Rs485Simulator, rs485_bus: Rs485Bus) -> None:
    model = rs485_sim.devices[2]
    assert isinstance(model, KeypadModel)
    keypad = CallerKeypad(rs485_bus, 2)
    assert keypad.poll() == []
    for key in (Key.CALL_NEXT, Key.RECALL, Key.NO_SHOW, Key.PAUSE):
        assert model.press(key)
    assert model.press(Key.TRANSFER, "B")
    events = keypad.poll()
    assert [e.key for e in events] == [Key.CALL_NEXT, Key.RECALL, Key.NO_SHOW, Key.PAUSE, Key.TRANSFER]
    assert [e.seq for e in events] == [1, 2, 3, 4, 5] and events[-1].target_queue == "B"
    assert keypad.poll() == [] and model.fifo == []


def test_keypad_more_events_than_slots_and_full_fifo(rs485_sim: Rs485Simulator, rs485_bus: Rs485Bus) -> None:
    model = rs485_sim.devices[2]
    assert isinstance(model, KeypadModel)
    assert all(model.press(Key.CALL_NEXT) for _ in range(16))
    assert not model.press(Key.RECALL)  # FIFO full: refused, not silently lost
    keypad = CallerKeypad(rs485_bus, 2)
    seqs = [e.seq for e in keypad.poll()] + [e.seq for e in keypad.poll()]
    assert seqs == list(range(1, 17))


def test_keypad_lost_ack_does_not_double_handle(rs485_sim: Rs485Simulator, rs485_bus: Rs485Bus) -> None:
    model = rs485_sim.devices[2]
    assert isinstance(model, KeypadModel)
    keypad = CallerKeypad(rs485_bus, 2)
    keypad.poll()
    model.press(Key.CALL_NEXT)
    model.press(Key.RECALL)
    first = keypad.poll()
    model.acked = 0
    model.fifo = [*first, *model.fifo]  # as if the acknowledgement never arrived
    model.press(Key.PAUSE)
    assert [e.key for e in keypad.poll()] == [Key.PAUSE]
    model.restart()
    model.press(Key.NO_SHOW)  # seq starts at 1 again after a power cycle
    assert [(e.seq, e.key) for e in keypad.poll()] == [(1, Key.NO_SHOW)]


def test_evaluator_request_and_rating(rs485_sim: Rs485Simulator, rs485_bus: Rs485Bus) -> None:
    model = rs485_sim.devices[3]
    assert isinstance(model, EvaluatorModel)
    evaluator = Evaluator(rs485_bus, 3)
    request_id = evaluator.request("A001", timeout_s=30)
    assert model.asking_for == "A001"
    assert evaluator.poll_result() is None
    assert model.rate(5)
    result = evaluator.poll_result()
    assert result is not None
    assert (result.ticket_number, result.score, result.request_id) == ("A001", 5, request_id)
    assert result.words == "非常满意"
    assert evaluator.poll_result() is None  # returned once
    assert not model.rate(3)  # nothing is being asked now


@pytest.mark.peer  # simulated devices on a pty line
def test_evaluator_timeout_and_auto_rate() -> None:
    with Rs485Simulator([EvaluatorModel(5), EvaluatorModel(6, auto_rate=4, auto_delay_s=0.1)]) as sim, \
            Rs485Bus(sim.port, timeout_s=RS485_TIMEOUT_S) as bus:
        slow, auto = Evaluator(bus, 5), Evaluator(bus, 6)
        slow.request("B015", timeout_s=1)
        auto.request("C002", timeout_s=30)
        time.sleep(1.1)  # real time on the pads' own clocks: past 5's 1 s timeout and 6's 0.1 s auto-rating
        timed_out, rated = slow.poll_result(), auto.poll_result()
    assert timed_out is not None and (timed_out.ticket_number, timed_out.score) == ("B015", None)
    assert rated is not None and (rated.ticket_number, rated.score) == ("C002", 4)


def test_silent_unit_times_out_others_still_answer(rs485_sim: Rs485Simulator, rs485_bus: Rs485Bus) -> None:
    rs485_sim.set_silent(2)
    started = time.monotonic()
    with pytest.raises(DeviceNoAnswer, match="无响应") as caught:
        CallerKeypad(rs485_bus, 2).poll()
    assert caught.value.unit == 2
    assert time.monotonic() - started < RS485_TIMEOUT_S + 0.5
    WindowScreen(rs485_bus, 1).show("请A002号办理")
    assert Evaluator(rs485_bus, 3).identify().device_type == 3
    with pytest.raises(DeviceNoAnswer):
        rs485_bus.read(42, 0, 4)  # nobody at unit 42
    rs485_sim.set_silent(2, False)
    assert CallerKeypad(rs485_bus, 2).poll() == []


def test_garbage_is_a_clear_error_then_recovery(rs485_sim: Rs485Simulator, rs485_bus: Rs485Bus) -> None:
    screen = WindowScreen(rs485_bus, 1)
    screen.show("请A003号办理")
    rs485_sim.garble = True
    with pytest.raises(DeviceGarbled, match="校验失败") as caught:
        screen.shown_text()
    assert caught.value.received
    rs485_sim.garble = False
    assert screen.shown_text() == "请A003号办理"
    rs485_sim.inject_noise()  # noise while idle is flushed before the next request
    time.sleep(0.05)  # the line stays idle a moment (the pty hands the bytes over at once)
    assert screen.shown_text() == "请A003号办理"


def test_line_that_cannot_open() -> None:
    with pytest.raises(LineUnavailable, match="无法打开"):
        Rs485Bus("/dev/does-not-exist").open()
    with pytest.raises(LineUnavailable):
        Rs485Bus("/dev/null").read(1, 0, 1)  # not open


def test_url_forms() -> None:
    bus = Rs485Bus.from_url("serial:///dev/ttyUSB1?baudrate=19200")
    assert (bus.port, bus.baudrate) == ("/dev/ttyUSB1", 19200)
    assert Rs485Bus.from_url("socket://10.0.0.5:4001").port == "socket://10.0.0.5:4001"


@pytest.mark.peer  # the simulator as a command, in a process of its own
def test_simulator_command_prints_pty_path() -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "hardware.rs485.simulator", "--units", "screen:1,keypad:2"],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert proc.stdout is not None
        path = proc.stdout.readline().strip()
        assert path.startswith("/dev/pts/")
        with Rs485Bus(path, timeout_s=1.0) as bus:
            WindowScreen(bus, 1).show("暂停服务")
        assert proc.stdout.readline().strip() == "screen 1: 暂停服务"
    finally:
        proc.terminate()
        proc.wait(timeout=5)

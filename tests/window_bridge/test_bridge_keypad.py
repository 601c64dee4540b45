"""Caller keypads through the bridge: simulated RS-485 devices on a pty, the real Mosquitto, the server's app
(``hallctl server`` where the test stops the process)."""
from __future__ import annotations

import os
import re
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest

from hall_contract.protocol import Topics
from hardware.rs485 import DeviceNoAnswer, Key, Rs485Bus
from hardware.rs485.simulator import Rs485Simulator
from tests.hall_app import HallApp
from tests.peers import Broker, Collector, ServerProcess
from tests.waiting import remains
from tests.window_bridge._devices import (
    Server,
    bridge_settings,
    devices,
    eventually,
    faults,
    hall_window,
    keypad,
    running,
    screen,
    window_command,
)
from window_bridge.keypads import Keypad


@pytest.fixture
def sim() -> Iterator[Rs485Simulator]:
    with Rs485Simulator(devices()) as s:
        yield s


def issue(server: Server, count: int, queue: str = "A") -> list[str]:
    return [server.api("POST", "/api/tickets", {"queue": queue})[1]["number"] for _ in range(count)]


@pytest.fixture
def guarded_app(tmp_path: Path, broker: Broker) -> Iterator[HallApp]:
    """The server's app with a short double-press guard (``[policy] call_guard_s``)."""
    app = HallApp.on(tmp_path, mqtt_url=broker.url, HALL_POLICY__CALL_GUARD_S=str(GUARD_S)).start()
    yield app
    app.stop()


GUARD_S = 1.0


@pytest.mark.timeout(60)
def test_call_next_from_the_keypad_and_nobody_waiting(guarded_app: HallApp, sim: Rs485Simulator) -> None:
    server = guarded_app
    topics = Topics(server.hall_id)
    s = bridge_settings(server)
    reply_topic = topics.reply(s.window_bridge.device_id)
    rpc = topics.device_rpc(s.window_bridge.device_id, "window_command")  # the bridge's own topic
    sub = Collector(server.mqtt_url, (topics.calls, rpc, reply_topic))
    try:
        window_command(sub, topics, 1, "open", "open-1")
        assert issue(server, 1) == ["A001"]
        with running(s, sim):
            assert eventually(lambda: screen(sim, 1).text == "1号窗口")  # the bridge follows the open window
            keypad(sim, 2).press(Key.CALL_NEXT)
            assert eventually(lambda: screen(sim, 1).text == "请A001号办理")
            call = sub.wait_topic(topics.calls)[-1]
            assert call == {**call, "v": 1, "number": "A001", "queue": "A", "window": 1, "attempt": 1}
            assert hall_window(server, 1)["current"] == "A001"
            req = next(r for r in sub.json(rpc) if r.get("reply_to") == reply_topic)
            assert req == {**req, "v": 1, "window": 1, "action": "call_next"}
            assert re.fullmatch(rf"{s.window_bridge.device_id}-w1-\d{{8}}-[0-9a-f]{{4}}-1", req["request_id"])

            # pressed again at once: a double press, answered with the current call; nobody else is called
            keypad(sim, 2).press(Key.CALL_NEXT)
            again = sub.wait_topic(reply_topic, count=2)[-1]
            assert again["ok"] and again["result"]["ticket"]["number"] == "A001"
            remains(lambda: hall_window(server, 1)["current"] == "A001", GUARD_S)

            # nobody waits: the next press ends A001's visit and calls nobody; the screen says so, then the usual
            keypad(sim, 2).press(Key.CALL_NEXT)
            assert eventually(lambda: "无人等候" in screen(sim, 1).history)
            assert screen(sim, 1).text == "无人等候"
            assert eventually(lambda: screen(sim, 1).text == "1号窗口", 5)
            assert screen(sim, 1).history[-2:] == ["无人等候", "1号窗口"]
            replies = sub.wait_topic(reply_topic, count=3)
            assert [r["ok"] for r in replies] == [True, True, True] and replies[-1]["result"]["ticket"] is None
            assert hall_window(server, 1)["current"] is None
            assert server.api("GET", "/api/tickets/A001")[1]["state"] == "done"
            assert len(sub.json(topics.calls)) == 1
    finally:
        sub.close()


@pytest.mark.timeout(60)
def test_pause_toggles_and_transfer_uses_the_configured_queue(hall_app: HallApp, sim: Rs485Simulator) -> None:
    server = hall_app
    topics = Topics(server.hall_id)
    s = bridge_settings(server, transfer_queues='{"1": "B"}')
    sub = Collector(server.mqtt_url, (topics.calls,))
    try:
        window_command(sub, topics, 1, "open", "open-1")
        window_command(sub, topics, 2, "open", "open-2")
        issue(server, 2)
        with running(s, sim):
            assert eventually(lambda: screen(sim, 1).text == "1号窗口" and screen(sim, 4).text == "2号窗口")
            keypad(sim, 2).press(Key.PAUSE)
            assert eventually(lambda: screen(sim, 1).text == "暂停服务")
            assert hall_window(server, 1)["status"] == "paused"
            keypad(sim, 2).press(Key.CALL_NEXT)  # refused while paused: the server's reason, briefly
            assert eventually(lambda: "窗口未开放" in screen(sim, 1).history)
            assert eventually(lambda: screen(sim, 1).text == "暂停服务", 5)
            keypad(sim, 2).press(Key.PAUSE)  # and open again
            assert eventually(lambda: hall_window(server, 1)["status"] == "open")

            for key in (Key.CALL_NEXT, Key.RECALL, Key.TRANSFER):  # window 1 transfers to its configured B
                keypad(sim, 2).press(key)
            assert eventually(lambda: server.api("GET", "/api/tickets/A001")[1]["queue"] == "B")
            assert [(c["number"], c["attempt"]) for c in sub.json(topics.calls)] == [("A001", 1), ("A001", 2)]
            keypad(sim, 5).press(Key.CALL_NEXT)
            keypad(sim, 5).press(Key.NO_SHOW)
            assert eventually(lambda: server.api("GET", "/api/tickets/A002")[1]["state"] == "no_show")
            keypad(sim, 5).press(Key.TRANSFER)  # window 2 has no transfer queue: nothing is sent, the screen says so
            assert eventually(lambda: "未设转移队列" in screen(sim, 4).history)
    finally:
        sub.close()


@pytest.mark.timeout(60)
def test_a_press_retried_after_a_lost_reply_acts_once(server: ServerProcess, sim: Rs485Simulator) -> None:
    """The server is stopped (SIGSTOP) while the press goes out: no reply comes, the bridge sends it again
    with the same request_id; both reach the server when it runs again, and the ticket is called once."""
    topics = Topics(server.hall_id)
    s = bridge_settings(server, command_retry_s="0.3")
    reply_topic = topics.reply(s.window_bridge.device_id)
    rpc = topics.device_rpc(s.window_bridge.device_id, "window_command")
    sub = Collector(server.mqtt_url, (topics.calls, rpc, reply_topic))
    assert server.proc is not None
    try:
        window_command(sub, topics, 1, "open", "open-1")
        issue(server, 2)
        with running(s, sim):
            assert eventually(lambda: screen(sim, 1).text == "1号窗口")
            os.killpg(server.proc.pid, signal.SIGSTOP)
            try:
                keypad(sim, 2).press(Key.CALL_NEXT)
                assert eventually(lambda: len([r for r in sub.json(rpc) if r.get("reply_to") == reply_topic]) >= 2, 5)
            finally:
                os.killpg(server.proc.pid, signal.SIGCONT)
            sent = [r for r in sub.json(rpc) if r.get("reply_to") == reply_topic]
            assert len({r["request_id"] for r in sent}) == 1
            replies = sub.wait_topic(reply_topic, count=len(sent), timeout=10)
            assert len(replies) >= len(sent)
            assert {r["request_id"] for r in replies} == {sent[0]["request_id"]}
            assert all(r["ok"] and r["result"]["ticket"]["number"] == "A001" for r in replies), replies
            assert eventually(lambda: screen(sim, 1).text == "请A001号办理")
            assert [c["number"] for c in sub.json(topics.calls)] == ["A001"]
            assert hall_window(server, 1)["current"] == "A001"
            assert server.api("GET", "/api/tickets/A002")[1]["state"] == "waiting"
    finally:
        sub.close()


@pytest.mark.timeout(60)
def test_a_silent_keypad_is_a_fault_while_the_others_work(hall_app: HallApp, sim: Rs485Simulator) -> None:
    server = hall_app
    topics = Topics(server.hall_id)
    s = bridge_settings(server)
    status = topics.device_status(s.window_bridge.device_id)
    sub = Collector(server.mqtt_url, (topics.calls, status))
    try:
        window_command(sub, topics, 1, "open", "open-1")
        window_command(sub, topics, 2, "open", "open-2")
        issue(server, 2)
        sim.set_silent(5)  # window 2's keypad is unplugged
        with running(s, sim):
            assert eventually(lambda: faults(sub, status) == ["keypad_2_no_answer"])
            keypad(sim, 5).press(Key.CALL_NEXT)  # pressed while unplugged: still in the keypad's memory
            keypad(sim, 2).press(Key.CALL_NEXT)
            assert eventually(lambda: screen(sim, 1).text == "请A001号办理", 3)
            assert hall_window(server, 2)["current"] is None

            sim.set_silent(5, False)  # plugged in again: the fault clears and the press it kept goes out
            assert eventually(lambda: faults(sub, status) == [])
            assert eventually(lambda: screen(sim, 4).text == "请A002号办理")
            assert [(c["number"], c["window"]) for c in sub.json(topics.calls)] == [("A001", 1), ("A002", 2)]
    finally:
        sub.close()


@pytest.mark.timeout(60)
@pytest.mark.peer  # simulated devices on a pty line
def test_presses_read_survive_a_lost_acknowledgement(sim: Rs485Simulator) -> None:
    """The keypad's acknowledgement write gets no answer: the presses read are still returned, once."""
    with Rs485Bus(sim.port, timeout_s=0.2) as bus:
        pad, model = Keypad(bus, 2), keypad(sim, 2)
        model.press(Key.CALL_NEXT)
        model.press(Key.TRANSFER, "B")
        real_write = bus.write

        def unanswered(unit: int, address: int, values: list[int]) -> None:
            raise DeviceNoAnswer(unit, 0.2)

        bus.write = unanswered  # type: ignore[method-assign]
        assert [(e.key, e.target_queue) for e in pad.poll()] == [(Key.CALL_NEXT, None), (Key.TRANSFER, "B")]
        assert len(model.fifo) == 2  # not acknowledged on the keypad
        bus.write = real_write  # type: ignore[method-assign]
        model.press(Key.PAUSE)
        assert [e.key for e in pad.poll()] == [Key.PAUSE]
        assert model.fifo == [] and pad.boot_id == model.boot_id

"""The window-screen bridge against simulated LED screens on a pty RS-485 line and the real Mosquitto."""
from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator

import pytest

from hall_contract.protocol import Topics
from hardware.rs485.sim_devices import ScreenModel
from hardware.rs485.simulator import Rs485Simulator
from tests.display._hall import call, window
from tests.peers import ROOT, Broker, Collector
from tests.window_bridge._devices import eventually
from window_bridge.bridge import WindowScreenBridge, screen_text, screen_units
from window_bridge.settings import BridgeAppSettings as Settings
from window_bridge.settings import load_bridge_settings as load_settings

pytestmark = pytest.mark.timeout(60)


def settings(url: str, hall: str, **bridge: str) -> Settings:
    env = {"HALL_CONFIG": str(ROOT / "config" / "hall.toml"), "HALL_ID": hall, "HALL_MQTT_URL": url,
           "HALL_DEVICES__RS485_TIMEOUT_S": "0.2",
           **{f"HALL_WINDOW_BRIDGE__{k.upper()}": v for k, v in bridge.items()}}
    return load_settings(env=env)


@pytest.mark.parametrize(("state", "text"), [
    (window(3, "open", "A001", "called"), "请A001号办理"),
    (window(3, "open", "A001", "serving"), "请A001号办理"),
    (window(3, "open", "A001", "done"), "3号窗口"),
    (window(3, "open"), "3号窗口"),
    (window(3, "paused", "A001", "serving"), "暂停服务"),
    (window(3, "closed"), "3号窗口"),
])
def test_what_a_screen_says(state: object, text: str) -> None:
    assert screen_text(state) == text  # type: ignore[arg-type]


def test_units_from_either_section() -> None:
    s = settings("mqtt://127.0.0.1:1", "h", screen_units='{"3": 7, "12": 8}')
    assert screen_units(s) == {3: 7, 12: 8}
    env_units = '{"w2-screen": 4, "w2-keypad": 5, "w10-screen": 6}'
    s = load_settings(env={"HALL_CONFIG": str(ROOT / "config" / "hall.toml"), "HALL_DEVICES__RS485_UNITS": env_units})
    assert screen_units(s) == {2: 4, 10: 6}


@pytest.fixture
def sim() -> Iterator[Rs485Simulator]:
    with Rs485Simulator([ScreenModel(1), ScreenModel(2), ScreenModel(3)]) as s:
        yield s


def shown(sim: Rs485Simulator, unit: int) -> str:
    model = sim.devices[unit]
    assert isinstance(model, ScreenModel)
    return model.text


def test_screens_follow_the_hall_and_a_silent_one_is_reported(broker: Broker, sim: Rs485Simulator) -> None:
    hall = "t" + uuid.uuid4().hex[:8]
    topics = Topics(hall)
    s = settings(broker.url, hall, screen_units='{"1": 1, "2": 2, "3": 3}', screen_retry_s="0.5",
                 device_id="bridge-" + hall[-6:], screen_brightness="60")
    pub = Collector(broker.url, (topics.device_status(s.window_bridge.device_id),))
    for w in (window(1, "open", "A001", "called"), window(2, "open", "A002", "serving"), window(3, "paused")):
        pub.publish(topics.window_state(w.number), w.to_json(), retain=True)
    sim.set_silent(2)
    bridge = WindowScreenBridge(s, sim.port)
    bridge.start()
    try:
        assert eventually(lambda: shown(sim, 1) == "请A001号办理" and shown(sim, 3) == "暂停服务")
        assert sim.devices[1].brightness == 60  # type: ignore[attr-defined]

        def faults() -> list[str]:
            got = pub.json(topics.device_status(s.window_bridge.device_id))
            return list(got[-1]["faults"]) if got and got[-1]["state"] == "online" else ["?"]

        assert eventually(lambda: faults() == ["screen_2_no_answer"])
        status = pub.json(topics.device_status(s.window_bridge.device_id))[-1]
        assert status["kind"] == "window_screens"

        started = time.monotonic()
        pub.publish(topics.calls, call("A005", 1).to_json())  # the others keep working while 2 is silent
        assert eventually(lambda: shown(sim, 1) == "请A005号办理", 3)
        assert time.monotonic() - started < 1.5
        assert shown(sim, 2) == ""

        sim.set_silent(2, False)  # plugged back in: the retry writes it and the fault clears
        assert eventually(lambda: shown(sim, 2) == "请A002号办理")
        assert eventually(lambda: faults() == [])

        pub.publish(topics.window_state(1), window(1, "closed").to_json(), retain=True)
        pub.publish(topics.window_state(3), b"{not json", retain=True)  # logged, ignored
        assert eventually(lambda: shown(sim, 1) == "1号窗口")
        assert shown(sim, 3) == "暂停服务"
    finally:
        bridge.stop()
        for n in (1, 2, 3):
            pub.publish(topics.window_state(n), b"", retain=True)
        pub.close()


def test_a_missing_line_is_a_fault(broker: Broker, tmp_path: object) -> None:
    hall = "t" + uuid.uuid4().hex[:8]
    topics = Topics(hall)
    s = settings(broker.url, hall, screen_units='{"1": 1}', device_id="bridge-" + hall[-6:])
    pub = Collector(broker.url, (topics.device_status(s.window_bridge.device_id),))
    bridge = WindowScreenBridge(s, "/dev/does-not-exist")
    bridge.start()
    try:
        topic = topics.device_status(s.window_bridge.device_id)
        assert pub.wait_for(lambda ms: any(t == topic and b"rs485_line_unavailable" in p for t, p, *_ in ms), 8)
    finally:
        bridge.stop()
        pub.close()
    last = json.loads([p for t, p, *_ in pub.messages if t == topic][-1])
    assert last["state"] == "offline"


def test_hallctl_window_bridge(broker: Broker, sim: Rs485Simulator, tmp_path: object) -> None:
    """The command as the systemd unit runs it: follows the broker, writes the screen, stops on SIGTERM."""
    import os
    import signal
    import subprocess

    from tests.peers import HALLCTL

    hall = "t" + uuid.uuid4().hex[:8]
    topics = Topics(hall)
    env = {**os.environ, "HALL_CONFIG": str(ROOT / "config" / "hall.toml"), "HALL_ID": hall,
           "HALL_MQTT_URL": broker.url, "HALL_WINDOW_BRIDGE__SCREEN_UNITS": '{"5": 3}',
           "HALL_WINDOW_BRIDGE__DEVICE_ID": "wb-" + hall[-6:]}
    missing = subprocess.run([HALLCTL, "window-bridge"], env=env, capture_output=True, text=True, timeout=30)
    assert missing.returncode == 2 and "--line" in missing.stderr
    pub = Collector(broker.url, (topics.device_status("wb-" + hall[-6:]),))
    pub.publish(topics.window_state(5), window(5, "open", "A077", "called").to_json(), retain=True)
    proc = subprocess.Popen([HALLCTL, "window-bridge", "--line", sim.port], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    try:
        assert eventually(lambda: shown(sim, 3) == "请A077号办理", 15)
    finally:
        proc.send_signal(signal.SIGTERM)
        out = proc.communicate(timeout=15)[0].decode()
        pub.publish(topics.window_state(5), b"", retain=True)
    assert proc.returncode == 0, out
    states = [s["state"] for s in pub.json(topics.device_status("wb-" + hall[-6:]))]
    pub.close()
    assert states[0] == "online" and states[-1] == "offline"

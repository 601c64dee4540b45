"""The window-device bridge between simulated RS-485 devices on a pty line and a real queue server (its app in
the test process, or ``hallctl server`` where a test stops the process).

Window 1 has screen 1, keypad 2 and evaluator 3; window 2 has screen 4, keypad 5 and evaluator 6.
"""
from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from hall_contract.protocol import Topics
from hardware.rs485.sim_devices import DeviceModel, EvaluatorModel, KeypadModel, ScreenModel
from hardware.rs485.simulator import Rs485Simulator
from tests.hall_app import HallApp
from tests.peers import ROOT, Collector, ServerProcess
from tests.waiting import eventually as _eventually
from window_bridge.bridge import WindowScreenBridge
from window_bridge.settings import BridgeAppSettings as Settings
from window_bridge.settings import load_bridge_settings as load_settings

Server = ServerProcess | HallApp
UNITS = {"screen_units": '{"1": 1, "2": 4}', "keypad_units": '{"1": 2, "2": 5}',
         "evaluator_units": '{"1": 3, "2": 6}'}


def devices() -> list[DeviceModel]:
    return [ScreenModel(1), KeypadModel(2), EvaluatorModel(3), ScreenModel(4), KeypadModel(5), EvaluatorModel(6)]


def bridge_settings(server: Server, **bridge: str) -> Settings:
    """The bridge's settings for the server's hall: short timeouts so faults show within a second."""
    values = {**UNITS, "device_id": "wb-" + server.hall_id[-6:], "screen_retry_s": "0.5",
              "keypad_poll_s": "0.1", "evaluator_poll_s": "0.2", "message_show_s": "1.0", **bridge}
    env = {"HALL_CONFIG": str(ROOT / "config" / "hall.toml"), "HALL_ID": server.hall_id,
           "HALL_MQTT_URL": server.mqtt_url, "HALL_DEVICES__RS485_TIMEOUT_S": "0.2",
           **{f"HALL_WINDOW_BRIDGE__{k.upper()}": v for k, v in values.items()}}
    return load_settings(env=env)


def eventually(pred: Callable[[], Any], timeout: float = 8.0) -> Any:
    """:func:`tests.waiting.eventually`, with the bridge's longer default (it polls the line at its own pace)."""
    return _eventually(pred, timeout)


@contextmanager
def running(settings: Settings, sim: Rs485Simulator) -> Iterator[WindowScreenBridge]:
    bridge = WindowScreenBridge(settings, sim.port)
    bridge.start()
    try:
        yield bridge
    finally:
        bridge.stop()


def screen(sim: Rs485Simulator, unit: int) -> ScreenModel:
    model = sim.devices[unit]
    assert isinstance(model, ScreenModel)
    return model


def keypad(sim: Rs485Simulator, unit: int) -> KeypadModel:
    model = sim.devices[unit]
    assert isinstance(model, KeypadModel)
    return model


def evaluator(sim: Rs485Simulator, unit: int) -> EvaluatorModel:
    model = sim.devices[unit]
    assert isinstance(model, EvaluatorModel)
    return model


def window_command(sub: Collector, topics: Topics, window: int, action: str, rid: str) -> dict[str, Any]:
    """Drive a window over the server's RPC, as a window device would (no staff account needed)."""
    reply = topics.reply("test-" + rid)
    sub.client.subscribe(reply, qos=1)
    sub.publish(topics.rpc("window_command"), json.dumps(
        {"v": 1, "request_id": rid, "reply_to": reply, "window": window, "action": action}))
    got = sub.wait_topic(reply)
    assert got and got[-1]["ok"], got
    return got[-1]


def hall_window(server: Server, n: int) -> dict[str, Any]:
    status, hall = server.api("GET", "/api/hall")
    assert status == 200
    return next(w for w in hall["windows"] if w["number"] == n)


def faults(sub: Collector, topic: str) -> list[str] | None:
    """The bridge's faults as last published (None before it is online)."""
    got = sub.json(topic)
    return list(got[-1]["faults"]) if got and got[-1]["state"] == "online" else None

"""The broker goes away under a running wall display and a window bridge with simulated LED screens.

Within ``offline_banner_s`` (``offline_text_s`` on the bridge) of the loss, and not before, the
display shows its banner and nothing as current, and every window screen says 暂停叫号; when
the broker is back and the server has published its state again, both show the hall again.
"""
from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from typing import TypeVar

import pytest

from display.board import BANNER, STALE, BoardView
from display.runtime import DisplayRuntime
from display.settings import load_display_settings
from hall_contract.protocol import Topics
from hardware.rs485.sim_devices import ScreenModel
from hardware.rs485.simulator import Rs485Simulator
from tests.display._hall import board, call, window
from tests.peers import ROOT, Broker, Collector
from window_bridge.bridge import WindowScreenBridge
from window_bridge.settings import load_bridge_settings

pytestmark = pytest.mark.timeout(90)
DOWN_S = 3.0  # the configured seconds, for both
T = TypeVar("T")


def poll(what: Callable[[], T], pred: Callable[[T], bool], timeout: float) -> tuple[T, float]:
    """``what()`` until ``pred`` holds; the last value and when it held (monotonic)."""
    end = time.monotonic() + timeout
    while True:
        value = what()
        if pred(value) or time.monotonic() > end:
            return value, time.monotonic()
        time.sleep(0.05)


def publish_hall(url: str, topics: Topics, states: list[object], calls: list[object]) -> None:
    pub = Collector(url, ())
    for w in states:
        pub.publish(topics.window_state(w.number), w.to_json(), retain=True)  # type: ignore[attr-defined]
    pub.publish(topics.board, board(calls, {"A": 4}).to_json(), retain=True)  # type: ignore[arg-type]
    pub.close()


@pytest.fixture
def sim() -> Iterator[Rs485Simulator]:
    with Rs485Simulator([ScreenModel(1), ScreenModel(2)]) as s:
        yield s


@pytest.mark.peer  # the simulated screens' pty line
def test_broker_lost_then_back(new_broker: Callable[..., Broker], sim: Rs485Simulator) -> None:
    own = new_broker()
    hall = "t" + uuid.uuid4().hex[:8]
    topics = Topics(hall)
    base = {"HALL_CONFIG": str(ROOT / "config" / "hall.toml"), "HALL_ID": hall, "HALL_MQTT_URL": own.url}
    rt = DisplayRuntime(load_display_settings(env={**base, "HALL_DISPLAY__DEVICE_ID": "off-" + hall[-4:],
                                                   "HALL_DISPLAY__OFFLINE_BANNER_S": str(DOWN_S)}), voice=False)
    bs = load_bridge_settings(env={**base, "HALL_WINDOW_BRIDGE__DEVICE_ID": "offwb-" + hall[-4:],
                                   "HALL_WINDOW_BRIDGE__SCREEN_UNITS": '{"1": 1, "2": 2}',
                                   "HALL_WINDOW_BRIDGE__OFFLINE_TEXT_S": str(DOWN_S),
                                   "HALL_DEVICES__RS485_TIMEOUT_S": "0.2"})
    bridge = WindowScreenBridge(bs, sim.port)
    screens = lambda: (sim.devices[1].text, sim.devices[2].text)  # type: ignore[attr-defined]  # noqa: E731

    def view() -> BoardView:
        rt.drain()
        rt.tick()
        return rt.view()

    publish_hall(own.url, topics, [window(1, "open", "A101", "called"), window(2, "open", "A102", "serving")],
                 [call("A102", 2), call("A101", 1)])
    rt.start()
    bridge.start()
    try:
        v, _ = poll(view, lambda v: v.online and len(v.windows) == 2, 10)
        assert v.live and v.banner == "" and [w.state for w in v.windows] == ["A101", "A102"]
        assert poll(screens, lambda s: s == ("请A101号办理", "请A102号办理"), 10)[0] == ("请A101号办理", "请A102号办理")

        own.stop()
        lost = time.monotonic()
        v, at = poll(view, lambda v: not v.online, 5)
        assert not v.online and v.live, "the banner came at once, not after the configured seconds"
        v, at = poll(view, lambda v: not v.live, DOWN_S + 5)
        assert DOWN_S - 0.3 <= at - lost <= DOWN_S + 1.0, f"banner after {at - lost:.1f} s"
        assert v.banner == BANNER[0] and not v.flashing
        assert [(w.state, w.status) for w in v.windows] == [(STALE, "unknown")] * 2  # nobody shown as served
        assert v.latest is not None and v.latest.number == "A102"  # the last call stays, greyed by the screen
        s, at = poll(screens, lambda s: s == ("暂停叫号", "暂停叫号"), DOWN_S + 5)
        assert s == ("暂停叫号", "暂停叫号") and DOWN_S - 0.3 <= at - lost <= DOWN_S + 1.5, f"after {at - lost:.1f} s"

        own.start()  # an empty broker: the server publishes its state again (here the test does)
        publish_hall(own.url, topics, [window(1, "open", "A103", "called"), window(2, "open")],
                     [call("A103", 1), call("A102", 2), call("A101", 1)])
        v, _ = poll(view, lambda v: v.live and v.online and len(v.windows) == 2 and v.windows[0].state == "A103", 15)
        assert v.live and v.banner == "" and [w.state for w in v.windows] == ["A103", "空闲"]
        assert v.latest is not None and v.latest.number == "A103"
        s, _ = poll(screens, lambda s: s == ("请A103号办理", "2号窗口"), 15)
        assert s == ("请A103号办理", "2号窗口")
    finally:
        bridge.stop()
        rt.stop()


def test_english_banner_and_the_passed_ticket_notice() -> None:
    env = {"HALL_CONFIG": str(ROOT / "config" / "hall.toml"), "HALL_HALL__LANGUAGE": "en",
           "HALL_POLICY__MAX_RECALLS": "3", "HALL_MQTT_URL": "mqtt://127.0.0.1:1"}
    rt = DisplayRuntime(load_display_settings(env=env), voice=False)
    rt.model.set_online(True, 90.0)
    rt.model.set_online(False, 100.0)
    assert rt.view(100.0 + rt.settings.display.offline_banner_s - 0.1).live
    v = rt.view(100.0 + rt.settings.display.offline_banner_s)
    assert not v.live and v.banner == "\n".join(BANNER)
    assert "每个号最多呼叫四次，仍未到窗口即为过号，过号请重新取号" in v.notice

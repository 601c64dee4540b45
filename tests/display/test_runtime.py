"""The display's runtime (no window) on the real Mosquitto: retained start, garbage, status, broker loss."""
from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest

from display.board import BoardView
from display.runtime import DisplayRuntime
from display.settings import load_display_settings as load_settings
from hall_contract.protocol import DeviceCommand, Topics
from tests.display._hall import board, call, publish_hall, sample_windows, window
from tests.peers import ROOT, Broker, Collector
from tests.waiting import within

pytestmark = pytest.mark.timeout(60)


def runtime(url: str, hall: str, **display: str) -> DisplayRuntime:
    env = {"HALL_CONFIG": str(ROOT / "config" / "hall.toml"), "HALL_ID": hall, "HALL_MQTT_URL": url,
           "HALL_DISPLAY__DEVICE_ID": "rt-" + hall[-6:],
           **{f"HALL_DISPLAY__{k.upper()}": v for k, v in display.items()}}
    return DisplayRuntime(load_settings(env=env), voice=False)


def until(rt: DisplayRuntime, pred: Callable[[BoardView], bool], timeout: float = 5.0) -> BoardView:
    """The view once ``pred`` holds for it (or the last one after the timeout), the UI thread's work done here."""
    last: list[BoardView] = []

    def shows() -> bool:
        rt.drain()
        rt.tick()
        last[:] = [rt.view()]
        return pred(last[0])

    within(shows, timeout)
    return last[0]


def subscribed(rt: DisplayRuntime, pub: Collector) -> None:
    """The display has subscribed once its status is out (it publishes after subscribing, on one connection)."""
    topic = rt.topics.device_status(rt.settings.display.device_id)
    assert pub.wait_for(lambda ms: any(t == topic and b'"online"' in p for t, p, *_ in ms), 5)


@pytest.fixture
def hall(broker: Broker) -> Iterator[tuple[str, Topics, Collector]]:
    hall_id = "t" + uuid.uuid4().hex[:8]
    topics = Topics(hall_id)
    pub = Collector(broker.url, (topics.base + "#",))
    yield hall_id, topics, pub
    pub.close()


def test_switched_on_mid_day_it_shows_the_retained_state(broker: Broker, hall: tuple[str, Topics, Collector]) -> None:
    hall_id, topics, pub = hall
    calls = [call("A101", 1), call("A102", 2), call("B031", 7)]
    publish_hall(pub, topics, calls, {"A": 5, "B": 1, "C": 0}, sample_windows())
    rt = runtime(broker.url, hall_id)
    rt.start()
    try:
        # retained messages arrive one by one: wait for all of them, then check what they say
        v = until(rt, lambda v: bool(v.latest and len(v.windows) == 12 and v.online and v.queues))
        assert v.latest is not None and v.latest.number == "B031" and not v.flashing
        assert [r.number for r in v.recent] == ["A102", "A101"]
        assert len(v.windows) == 12 and [q.waiting for q in v.queues] == ["5", "1", "0"]
        status = pub.wait_topic(topics.device_status(rt.settings.display.device_id))
        assert status[-1]["state"] == "online" and status[-1]["kind"] == "display" and status[-1]["v"] == 1
    finally:
        rt.stop()
    offline = pub.wait_topic(topics.device_status(rt.settings.display.device_id), count=2)
    assert offline[-1]["state"] == "offline"


def test_garbage_is_logged_and_ignored(broker: Broker, hall: tuple[str, Topics, Collector],
                                       caplog: pytest.LogCaptureFixture) -> None:
    hall_id, topics, pub = hall
    rt = runtime(broker.url, hall_id)
    rt.start()
    try:
        subscribed(rt, pub)
        pub.publish(topics.calls, call("A101", 1).to_json())
        before = until(rt, lambda v: v.latest is not None)
        for topic, junk in [(topics.calls, b"\x00\x01garbage"), (topics.board, b'{"v": 1}'),
                            (topics.window_state(2), b"[]"), (topics.calls, b'{"v": 9, "number": "X"}'),
                            (topics.queue_state("A"), b"null"), (topics.device_cmd(rt.settings.display.device_id),
                                                                 b'{"v": 1, "cmd": "format_disk"}')]:
            pub.publish(topic, junk)
        pub.publish(topics.calls, call("A102", 2).to_json())
        after = until(rt, lambda v: v.latest is not None and v.latest.number == "A102")
        assert rt.rejected == 6 and "ignored a malformed message" in caplog.text
        assert after.latest is not None and after.latest.number == "A102"
        assert [r.number for r in after.recent] == ["A101"] and before.latest is not None
    finally:
        rt.stop()


def test_notice_command_and_area_filter(broker: Broker, hall: tuple[str, Topics, Collector]) -> None:
    hall_id, topics, pub = hall
    rt = runtime(broker.url, hall_id, windows="[7, 8]")
    rt.start()
    try:
        subscribed(rt, pub)
        pub.publish(topics.device_cmd(rt.settings.display.device_id),
                    DeviceCommand(cmd="notice", text="查询出件区今日16:00停止办理").to_json())
        pub.publish(topics.calls, call("A101", 1).to_json())
        pub.publish(topics.calls, call("B010", 8).to_json())
        v = until(rt, lambda v: v.latest is not None and v.notice.startswith("查询"))
        assert v.latest is not None and v.latest.number == "B010" and v.recent == []

        pub.publish(topics.window_state(8), window(8, "paused").to_json(), retain=True)
        assert until(rt, lambda v: len(v.windows) == 1).windows[0].state == "暂停服务"
        rt.model.windows.clear()  # as if the picture were lost: "reload" fetches every retained state again
        pub.publish(topics.device_cmd(rt.settings.display.device_id), DeviceCommand(cmd="reload").to_json())
        assert [w.number for w in until(rt, lambda v: len(v.windows) == 1).windows] == [8]
        pub.publish(topics.window_state(8), b"", retain=True)
    finally:
        rt.stop()


def test_broker_lost_keeps_the_picture_and_resyncs(new_broker: Callable[..., Broker]) -> None:
    own = new_broker()
    hall_id = "t" + uuid.uuid4().hex[:8]
    topics = Topics(hall_id)
    rt = runtime(own.url, hall_id)
    try:
        pub = Collector(own.url, ())
        publish_hall(pub, topics, [call("A101", 1)], {"A": 3}, [window(1, "open", "A101", "called")])
        pub.close()
        rt.start()
        assert until(rt, lambda v: v.latest is not None and v.online).online
        own.stop()
        lost = until(rt, lambda v: not v.online)
        assert not lost.online and lost.latest is not None and lost.latest.number == "A101"  # last state kept
        own.start()  # no persistence: the server publishes its retained state again when it reconnects
        pub = Collector(own.url, ())
        pub.publish(topics.board, board([call("A102", 1), call("A101", 1)], {"A": 2}).to_json(), retain=True)
        back = until(rt, lambda v: v.online and v.latest is not None and v.latest.number == "A102", timeout=15)
        assert back.online and back.latest is not None and back.latest.number == "A102"
        pub.close()
    finally:
        rt.stop()
        own.stop()

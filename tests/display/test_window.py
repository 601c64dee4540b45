"""The real wall display: ``hallctl display`` on an offscreen SDL window, fed through the real Mosquitto.

Each test saves screenshots under artifacts/screenshots/ for a person to look at, and asserts
on what the screen showed (the view saved beside each screenshot).
"""
from __future__ import annotations

import shutil
import time
import uuid
import wave
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from hall_contract.protocol import CallMessage, DeviceCommand, Topics
from tests.display._hall import TZ, DisplayProcess, call, publish_hall, sample_windows, window
from tests.peers import ROOT, Broker, Collector, hall_env
from tests.waiting import within

pytestmark = [pytest.mark.timeout(90), pytest.mark.slow]
ARTIFACTS = ROOT / "artifacts" / "screenshots"


def keep(view: dict[str, Any], name: str) -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    target = ARTIFACTS / f"display-{name}.png"
    shutil.copyfile(view["png"], target)
    return target


def now(c: CallMessage) -> CallMessage:
    """The call as made now (the voice says nothing older than voice_max_delay_s)."""
    return c.model_copy(update={"at": datetime.now(TZ).isoformat()})


def wait_online(pub: Collector, topics: Topics, device_id: str, state: str = "online", timeout: float = 20) -> None:
    topic = topics.device_status(device_id)
    ok = pub.wait_for(lambda ms: any(t == topic and f'"{state}"'.encode() in p for t, p, *_ in ms), timeout)
    assert ok, f"no {state} status from {device_id}"


@pytest.fixture
def hall(broker: Broker, tmp_path: Path) -> Iterator[tuple[dict[str, str], Topics, Collector]]:
    env = hall_env(tmp_path, broker.url)
    topics = Topics(env["HALL_ID"])
    pub = Collector(broker.url, (topics.base + "devices/#",))
    yield env, topics, pub
    pub.close()


def test_landscape_live_calls_garbage_and_voice(tmp_path: Path, hall: tuple[dict[str, str], Topics, Collector]) -> None:
    env, topics, pub = hall
    morning = [call(f"A{100 + i:03d}", i, minute=i) for i in range(1, 7)]
    notice = "今日社保卡业务在1至3号窗口办理，请按号等候。"
    publish_hall(pub, topics, morning, {"A": 14, "B": 3, "C": 0}, sample_windows(morning), notice)
    played = tmp_path / "played"
    # a new call flashes; long enough here that a screenshot taken late on a busy machine still sees it
    d = DisplayProcess(tmp_path, {**env, "HALL_DISPLAY__FLASH_S": "30"}, "wall", "landscape", voice=True,
                       audio_output=f"file:{played}", screenshot_dir=str(tmp_path / "shots")).start()
    try:
        wait_online(pub, topics, "wall")
        publish_hall(pub, topics, [now(call("B031", 7)), now(call("A115", 12, attempt=2))],
                     {"A": 15, "B": 2, "C": 0}, sample_windows([*morning, call("B031", 7), call("A115", 12)]), notice,
                     earlier=morning)
        view = d.wait_shows(lambda v: v["latest"] and v["latest"]["number"] == "A115")
        keep(view, "landscape")
        assert view["size"] == [1920, 1080] and view["online"] and view["flashing"]
        assert view["latest"] == {"number": "A115", "window_name": "12号窗口", "recall": "第二次呼叫"}
        assert view["recent"][0]["number"] == "B031" and len(view["recent"]) == 7
        status = pub.json(topics.device_status("wall"))[-1]
        assert status["kind"] == "display" and status["faults"] == []

        for topic, junk in [(topics.calls, b"\xde\xad\xbe\xef"), (topics.board, b'{"v": 1, "calls": "all"}'),
                            (topics.window_state(3), b'{"v": 1, "number": 3}'), (topics.calls, b"{}" * 5000),
                            (topics.queue_state("A"), b'{"v": "1"}'), (topics.device_cmd("wall"), b"\x00")]:
            pub.publish(topic, junk)
        cmd = DeviceCommand(cmd="notice", text="系统升级：今天16:30后暂停办理")
        pub.publish(topics.device_cmd("wall"), cmd.to_json())
        pub.publish(topics.calls, now(call("C002", 9)).to_json())
        view = d.wait_shows(lambda v: v["latest"]["number"] == "C002" and v["notice"].startswith("系统升级"))
        keep(view, "landscape-after-garbage")
        assert d.alive() and view["latest"]["number"] == "C002" and view["windows"]
        assert d.output().count("ignored a malformed message") == 6

        first = played / "0001.wav"  # the speech thread renders and plays in its own time, in order
        assert within(first.exists, 30), d.output()[-2000:]
        with wave.open(str(first)) as w:
            assert 4.0 < w.getnframes() / w.getframerate() < 9.0  # chime + 请B零三一号到七号窗口办理 (A115 waits)
        assert "请 bi4 零三一 号到 七号窗口办理" in d.output()
    finally:
        code = d.stop()
    assert code == 0
    wait_online(pub, topics, "wall", "offline")


def test_portrait_started_after_the_calls_then_broker_lost(tmp_path: Path, new_broker: Callable[..., Broker]) -> None:
    own = new_broker()
    env = hall_env(tmp_path, own.url)
    topics = Topics(env["HALL_ID"])
    pub = Collector(own.url, (topics.base + "devices/#",))
    calls = [call(f"A{100 + i:03d}", i % 6 + 1, minute=i) for i in range(1, 9)] + [call("B031", 7, minute=10)]
    publish_hall(pub, topics, calls, {"A": 23, "B": 5, "C": 1}, sample_windows(calls))
    d = DisplayProcess(tmp_path, env, "hall-" + uuid.uuid4().hex[:4], "portrait", offline_banner_s="2",
                       screenshot_dir=str(tmp_path / "shots")).start()
    try:
        view = d.wait_shows(lambda v: v["latest"] is not None and len(v["windows"]) == 12)
        keep(view, "portrait")
        assert view["size"] == [1080, 1920] and view["latest"]["number"] == "B031" and not view["flashing"]
        assert [q["waiting"] for q in view["queues"]] == ["23", "5", "1"] and len(view["recent"]) == 8

        assert own.proc is not None
        own.proc.kill()  # the broker's machine loses power
        lost = time.monotonic()
        own.proc.wait(5)
        own.proc = None
        view = d.wait_shows(lambda v: not v["live"], timeout=10)
        assert time.monotonic() - lost < 2 + 3  # the configured 2 s, a tick, and a screenshot's round trip
        keep(view, "portrait-offline")
        assert not view["online"] and view["latest"]["number"] == "B031" and d.alive()
        assert view["banner"] == "暂停叫号，请留意窗口提示" and not view["flashing"]
        assert {(w["state"], w["status"]) for w in view["windows"]} == {("信息未更新", "unknown")}

        own.start()  # an empty broker: the server would publish its state again; here the test does
        pub.close()
        pub = Collector(own.url, (topics.base + "devices/#",))
        publish_hall(pub, topics, [call("A120", 2, minute=30)], {"A": 20, "B": 5, "C": 1},
                     [*sample_windows()[:1], window(2, "open", "A120", "called"), *sample_windows()[2:]], earlier=calls)
        view = d.wait_shows(lambda v: v["online"] and v["latest"]["number"] == "A120" and len(v["windows"]) == 12,
                            timeout=20)
        assert view["online"] and view["live"] and view["banner"] == "" and view["latest"]["number"] == "A120"
        assert [w["state"] for w in view["windows"]][:2] == ["A103", "A120"]
        wait_online(pub, topics, d.device_id)
        d.proc.kill()  # type: ignore[union-attr]  # a crash: the broker sends the last will
        wait_online(pub, topics, d.device_id, "offline", timeout=10)
    finally:
        d.stop()
        pub.close()
        own.stop()


def test_area_display_shows_only_its_windows(tmp_path: Path, hall: tuple[dict[str, str], Topics, Collector]) -> None:
    env, topics, pub = hall
    calls = [call("A101", 1), call("B030", 8), call("A102", 2), call("B031", 7), call("A103", 3)]
    publish_hall(pub, topics, calls, {"A": 9, "B": 4, "C": 2}, sample_windows(calls))
    d = DisplayProcess(tmp_path, env, "area-b", "landscape", windows="[7, 8, 9]",
                       screenshot_dir=str(tmp_path / "shots")).start()
    try:
        view = d.wait_shows(lambda v: len(v["windows"]) == 3 and v["latest"] is not None)
        keep(view, "landscape-area")
        assert view["latest"]["number"] == "B031" and [r["number"] for r in view["recent"]] == ["B030"]
        assert [w["number"] for w in view["windows"]] == [7, 8, 9]
        assert [q["code"] for q in view["queues"]] == ["B", "C"]
    finally:
        d.stop()


@pytest.mark.peer  # hallctl display in its own process
def test_never_reached_the_broker_english(tmp_path: Path) -> None:
    """Switched on while the broker is away: after offline_banner_s the banner, in English too."""
    from tests.peers import free_port

    env = hall_env(tmp_path, f"mqtt://127.0.0.1:{free_port()}", HALL_HALL__LANGUAGE="en")
    d = DisplayProcess(tmp_path, env, "lonely", "landscape", offline_banner_s="2",
                       screenshot_dir=str(tmp_path / "shots")).start()
    try:
        view = d.wait_shows(lambda v: not v["live"], timeout=15)
        keep(view, "landscape-offline-en")
        assert view["banner"] == "暂停叫号，请留意窗口提示\nCalling paused: please watch the window screens"
        assert view["latest"] is None and not view["online"]
    finally:
        d.stop()

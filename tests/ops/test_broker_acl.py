"""The hall's broker with per-device accounts and the ACL of ``hallctl devices provision``.

A publish the ACL refuses is dropped by the broker before it acknowledges it, so once every publish is
acknowledged (``wait_for_publish``) and the allowed messages have arrived, the refused ones never will.
"""
from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from hallctl.devices import Device, provision
from tests.peers import Broker, ServerProcess, free_port, hall_env
from tests.waiting import within

HALL = "acl" + uuid.uuid4().hex[:6]
B = f"hall/{HALL}"


@pytest.fixture(scope="module")  # its own broker: the tests that use it are marked peer
def secured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Broker, dict[str, str]]]:
    work = tmp_path_factory.mktemp("acl")
    port = free_port()
    devices = [Device("hall-server", "server"), Device("kiosk-1", "kiosk"), Device("kiosk-2", "kiosk"),
               Device("display-1", "display"), Device("window-3", "window", 3), Device("window-bridge", "bridge")]
    urls = provision(HALL, devices, work / "conf", "127.0.0.1", port, "127.0.0.1", None, rotate=False)
    broker = Broker(work, conf_text=(work / "conf" / "hall.conf").read_text(), port=port)
    broker.start()
    yield broker, urls
    broker.stop()


def connect(url: str | None, port: int, will: tuple[str, str] | None = None) -> tuple[mqtt.Client, list[object]]:
    c = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"t-{uuid.uuid4().hex[:6]}")
    codes: list[object] = []
    c.on_connect = lambda _c, _u, _f, rc, _p: codes.append(rc)
    if url:
        user, pw = url.split("//")[1].split("@")[0].split(":")
        c.username_pw_set(user, pw)
    if will:
        c.will_set(will[0], will[1], qos=1, retain=True)
    c.connect("127.0.0.1", port)
    c.loop_start()
    within(lambda: codes, 5)
    return c, codes


def watcher(url: str, port: int) -> tuple[mqtt.Client, list[tuple[str, bytes]]]:
    """A client of ``url``'s account that keeps what it gets on the hall's topics (subscribed when returned)."""
    got: list[tuple[str, bytes]] = []
    subscribed = threading.Event()
    c, codes = connect(url, port)
    assert codes and not codes[0].is_failure  # type: ignore[attr-defined]
    c.on_message = lambda _c, _u, m: got.append((m.topic, m.payload))
    c.on_subscribe = lambda *_: subscribed.set()
    c.subscribe(f"{B}/#", qos=1)
    assert subscribed.wait(5), "the broker did not take the subscription"
    return c, got


def topics_seen(seen: list[tuple[str, bytes]]) -> set[str]:
    return {t for t, _ in list(seen)}


@pytest.mark.peer
def test_anonymous_and_wrong_password_are_refused(secured: tuple[Broker, dict[str, str]]) -> None:
    broker, urls = secured
    c, codes = connect(None, broker.port)
    assert codes and codes[0].is_failure  # type: ignore[attr-defined]
    c.loop_stop()
    bad = urls["kiosk-1"].replace("@", "x@")
    c, codes = connect(bad, broker.port)
    assert codes and codes[0].is_failure  # type: ignore[attr-defined]
    c.loop_stop()


@pytest.mark.peer
def test_a_kiosk_may_publish_only_its_own_rpcs_and_its_own_status(secured: tuple[Broker, dict[str, str]]) -> None:
    broker, urls = secured
    server, seen = watcher(urls["hall-server"], broker.port)
    kiosk, codes = connect(urls["kiosk-1"], broker.port)
    assert not codes[0].is_failure  # type: ignore[attr-defined]
    for topic in (f"{B}/calls", f"{B}/devices/kiosk-2/status", f"{B}/board", f"{B}/rpc/call_next",
                  "hall/other/rpc/issue_ticket", f"{B}/rpc/issue_ticket", f"{B}/devices/kiosk-2/rpc/issue_ticket",
                  f"{B}/devices/kiosk-1/rpc/window_command", f"{B}/devices/kiosk-1/status",
                  f"{B}/devices/kiosk-1/rpc/issue_ticket"):
        kiosk.publish(topic, json.dumps({"v": 1, "probe": topic}), qos=1).wait_for_publish(5)
    allowed = {f"{B}/devices/kiosk-1/status", f"{B}/devices/kiosk-1/rpc/issue_ticket"}
    within(lambda: allowed <= topics_seen(seen), 5)
    topics = topics_seen(seen)
    assert topics == allowed, topics
    kiosk.loop_stop()
    server.loop_stop()


@pytest.mark.peer
def test_a_display_only_reads_and_a_window_device_stays_at_its_window(secured: tuple[Broker, dict[str, str]]) -> None:
    broker, urls = secured
    server, seen = watcher(urls["hall-server"], broker.port)
    display, got = watcher(urls["display-1"], broker.port)
    window, _ = connect(urls["window-3"], broker.port)
    server.publish(f"{B}/board", b'{"v": 1}', qos=1, retain=True).wait_for_publish(5)
    display.publish(f"{B}/calls", b'{"v": 1, "from": "display"}', qos=1).wait_for_publish(5)
    display.publish(f"{B}/devices/display-1/status", b'{"v": 1, "state": "online"}', qos=1).wait_for_publish(5)
    window.publish(f"{B}/evaluations/3/result", b'{"v": 1, "rating": 5}', qos=1).wait_for_publish(5)
    window.publish(f"{B}/evaluations/4/result", b'{"v": 1, "rating": 1}', qos=1).wait_for_publish(5)
    window.publish(f"{B}/windows/3/state", b'{"v": 1}', qos=1).wait_for_publish(5)
    assert within(lambda: any(t == f"{B}/board" for t, _ in list(got)), 5), "the display reads the board"
    within(lambda: {f"{B}/devices/display-1/status", f"{B}/evaluations/3/result"} <= topics_seen(seen), 5)
    sent = topics_seen(seen)
    assert f"{B}/devices/display-1/status" in sent and f"{B}/evaluations/3/result" in sent
    assert f"{B}/evaluations/4/result" not in sent and f"{B}/windows/3/state" not in sent
    assert not any(t == f"{B}/calls" and b"display" in p for t, p in seen)
    for c in (server, display, window):
        c.loop_stop()


@pytest.mark.peer
@pytest.mark.timeout(60)
def test_the_hall_works_with_the_acl_in_place(tmp_path: Path, secured: tuple[Broker, dict[str, str]]) -> None:
    broker, urls = secured
    env = hall_env(tmp_path, urls["hall-server"], HALL_ID=HALL)
    srv = ServerProcess(env, tmp_path)
    srv.start()
    try:
        display, got = watcher(urls["display-1"], broker.port)
        kiosk, _ = connect(urls["kiosk-1"], broker.port)
        replies: list[bytes] = []
        kiosk.on_message = lambda _c, _u, m: replies.append(m.payload)
        kiosk.subscribe(f"{B}/reply/kiosk-1", qos=1)  # taken before the request: one connection, in order
        kiosk.publish(f"{B}/devices/kiosk-1/rpc/issue_ticket", json.dumps({"v": 1, "request_id": "acl-1",
                                                                            "queue": "A"}), qos=1)
        within(lambda: replies, 10)
        assert replies and json.loads(replies[0])["result"]["number"] == "A001"
        clerk = srv.staff("acl-clerk", "clerk", window=1)
        srv.api("POST", "/api/windows/1/open", token=clerk)
        srv.api("POST", "/api/windows/1/call-next", token=clerk)
        within(lambda: any(t == f"{B}/calls" for t, _ in list(got)), 5)
        assert any(t == f"{B}/calls" and json.loads(p)["number"] == "A001" for t, p in got)
        kiosk.loop_stop()
        display.loop_stop()
    finally:
        srv.stop()


@pytest.mark.peer  # mosquitto_passwd hashes the passwords
def test_provision_keeps_passwords_unless_rotated(tmp_path: Path) -> None:
    devs = [Device("hall-server", "server"), Device("kiosk-1", "kiosk")]
    first = provision("h", devs, tmp_path, "127.0.0.1", 1883, "", 8883, rotate=False)
    again = provision("h", devs, tmp_path, "127.0.0.1", 1883, "", 8883, rotate=False)
    rotated = provision("h", devs, tmp_path, "127.0.0.1", 1883, "", 8883, rotate=True)
    assert first == again and first["kiosk-1"] != rotated["kiosk-1"]
    assert oct((tmp_path / "credentials.toml").stat().st_mode & 0o777) == "0o600"
    assert "listener 8883" in (tmp_path / "hall.conf").read_text()
    stored = (tmp_path / "passwd").read_text()
    assert "kiosk-1:$7$" in stored and rotated["kiosk-1"].split(":")[2].split("@")[0] not in stored

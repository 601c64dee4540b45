"""A hostile hall network against the provisioned broker: every device acts only as itself.

The broker is started the way Debian's service starts it (as root, dropping to the ``mosquitto`` user) with
the configuration ``hallctl devices provision`` writes; the server is ``hallctl server`` with its own account.
A publish the ACL refuses is dropped before the broker acknowledges it, so the tests publish, wait for the
acknowledgement and then send an allowed request as the point after which a refused one would have shown.
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import tempfile
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from hallctl.devices import Device, provision
from tests.peers import ServerProcess, free_port, hall_env, wait_port
from tests.waiting import eventually, remains, within

HALL = "hm" + uuid.uuid4().hex[:6]
B = f"hall/{HALL}"
DEVICES = [Device("hall-server", "server"), Device("kiosk-1", "kiosk"), Device("kiosk-2", "kiosk"),
           Device("display-1", "display"), Device("window-3", "window", 3), Device("window-4", "window", 4),
           Device("wb-1", "bridge", windows=(1, 2))]


class Hall:
    def __init__(self, port: int, urls: dict[str, str], broker: subprocess.Popen[bytes], server: ServerProcess,
                 db: Path) -> None:
        self.port, self.urls, self.broker, self.server, self.db = port, urls, broker, server, db


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hall]:
    # Mosquitto reads the files after dropping to its own user: a folder it can reach (not pytest's 0700 one)
    top = Path(tempfile.mkdtemp(prefix="hall-broker-"))
    top.chmod(0o755)
    port = free_port()
    urls = provision(HALL, DEVICES, top / "conf", "127.0.0.1", port, "127.0.0.1", None, rotate=False)
    log = open(top / "mosquitto.log", "ab")  # noqa: SIM115 (lives with the process)
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    broker = subprocess.Popen([binary, "-c", str(top / "conf" / "hall.conf")], stdout=log, stderr=log)
    work = tmp_path_factory.mktemp("hostile")
    server: ServerProcess | None = None
    try:
        assert wait_port(port, 10), (top / "mosquitto.log").read_text()
        env = hall_env(work, urls["hall-server"], HALL_ID=HALL, HALL_WINDOW_BRIDGE__DEVICE_ID="wb-1",
                       HALL_WINDOW_BRIDGE__KEYPAD_UNITS='{"1": 2, "2": 5}')
        server = ServerProcess(env, work)
        server.start()
        yield Hall(port, urls, broker, server, Path(env["HALL_DATABASE_URL"].removeprefix("sqlite:///")))
    finally:
        if server is not None:
            server.stop()
        broker.terminate()
        broker.wait(10)
        log.close()
        shutil.rmtree(top, ignore_errors=True)


class Client:
    """One account's session: keeps what arrives on its subscriptions; ``connected`` follows the broker."""

    def __init__(self, hall: Hall, user: str, client_id: str | None = None, subscribe: tuple[str, ...] = ()) -> None:
        self.got: list[tuple[str, dict[str, Any]]] = []
        self.connects: list[bool] = []
        self.connected = threading.Event()
        self.c = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id or user)
        name, pw = hall.urls[user].split("//")[1].split("@")[0].split(":")
        self.c.username_pw_set(name, pw)
        ready = threading.Event()

        def on_connect(c: mqtt.Client, _u: object, _f: object, rc: Any, _p: object) -> None:
            self.connects.append(not rc.is_failure)
            if rc.is_failure:
                return
            self.connected.set()
            if subscribe:
                c.subscribe([(t, 1) for t in subscribe])
            else:
                ready.set()

        self.c.on_connect = on_connect
        self.c.on_subscribe = lambda *_: ready.set()
        self.c.on_disconnect = lambda *_: self.connected.clear()
        self.c.on_message = lambda _c, _u, m: self.got.append((m.topic, _json(m.payload)))
        self.c.connect("127.0.0.1", hall.port)
        self.c.loop_start()
        assert ready.wait(10), f"{user} could not connect and subscribe"

    def send(self, topic: str, body: dict[str, Any] | bytes) -> None:
        data = body if isinstance(body, bytes) else json.dumps({"v": 1, **body})
        info = self.c.publish(f"{B}/{topic}", data, qos=1)
        info.wait_for_publish(5)

    def reply(self, request_id: str, timeout: float = 10.0) -> dict[str, Any]:
        return eventually(lambda: next((p for t, p in list(self.got) if t.startswith(f"{B}/reply/")
                                        and p.get("request_id") == request_id), None), timeout, f"reply {request_id}")

    def close(self) -> None:
        self.c.loop_stop()
        self.c.disconnect()


def _json(payload: bytes) -> dict[str, Any]:
    try:
        data = json.loads(payload)
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _window(hall: Hall, n: int) -> dict[str, Any]:
    _, body = hall.server.api("GET", "/api/hall")
    return next(w for w in body["windows"] if w["number"] == n)


@pytest.mark.peer
def test_the_provisioned_broker_runs_as_its_own_user(hall: Hall) -> None:
    """Finding 13: started as root it drops to ``mosquitto`` and still reads its password file and ACL."""
    status = Path(f"/proc/{hall.broker.pid}/status").read_text()
    uid = int(next(line for line in status.splitlines() if line.startswith("Uid:")).split()[1])
    if os.geteuid() == 0:
        import pwd
        assert pwd.getpwuid(uid).pw_name == "mosquitto"
    kiosk = Client(hall, "kiosk-1")
    assert kiosk.connects == [True]
    kiosk.close()
    display = Client(hall, "display-1", subscribe=(f"{B}/devices/hall-server-kiosks/status",))
    assert eventually(lambda: any(p.get("state") == "online" for _, p in list(display.got)), 5), \
        "the server's kiosk lane (its own account) is on the broker"
    display.close()


@pytest.mark.peer
def test_a_kiosk_account_cannot_take_the_servers_session(hall: Hall) -> None:
    """Finding 1: the kiosk's account asks for client id ``hall-server``; the server stays on the broker."""
    display = Client(hall, "display-1", subscribe=(f"{B}/devices/hall-server/status",))
    assert eventually(lambda: any(p.get("state") == "online" for _, p in list(display.got)), 5)
    intruder = Client(hall, "kiosk-1", client_id="hall-server")
    assert intruder.connects == [True]  # connected, as itself: the broker made its client id kiosk-1
    remains(lambda: all(p.get("state") == "online" for _, p in list(display.got)), 2.0,
            "the server was not knocked off the broker")
    kiosk = Client(hall, "kiosk-2", subscribe=(f"{B}/reply/kiosk-2",))
    kiosk.send("devices/kiosk-2/rpc/ticket_status", {"request_id": "alive", "number": "Z999"})
    assert kiosk.reply("alive")["error"]["code"]  # the server still answers
    for c in (display, intruder, kiosk):
        c.close()


@pytest.mark.peer
def test_a_kiosk_is_answered_on_its_own_reply_topic_whatever_reply_to_says(hall: Hall) -> None:
    """Finding 5: ``reply_to`` pointing at ``calls`` is ignored; the reply goes to ``reply/kiosk-1``."""
    display = Client(hall, "display-1", subscribe=(f"{B}/#",))
    kiosk = Client(hall, "kiosk-1", subscribe=(f"{B}/reply/kiosk-1",))
    other = Client(hall, "kiosk-2")
    other.send("devices/kiosk-1/rpc/issue_ticket", {"request_id": "forged", "queue": "B"})  # not its subtree
    other.send("rpc/issue_ticket", {"request_id": "plain", "queue": "B", "reply_to": "reply/kiosk-2"})  # no rpc/#
    kiosk.send("devices/kiosk-1/rpc/issue_ticket", {"request_id": "k1", "queue": "B", "priority": "elderly",
                                                    "holder": "张*", "reply_to": f"{B}/calls", "source": "evil"})
    reply = kiosk.reply("k1")
    assert reply["ok"] and reply["result"]["priority"] == "elderly" and reply["result"]["holder"] == "张*"
    expected = {f"{B}/devices/kiosk-1/rpc/issue_ticket", f"{B}/reply/kiosk-1"}
    eventually(lambda: expected <= {t for t, p in list(display.got) if p.get("request_id") == "k1"}, 5)
    seen = list(display.got)
    where = {t for t, p in seen if p.get("request_id") == "k1"}
    assert where == expected, where
    forged = [p for _, p in seen if p.get("request_id") in ("forged", "plain")]
    assert not forged, "the ACL let a forged request through"
    _, ticket = hall.server.api("GET", f"/api/tickets/{reply['result']['number']}")
    assert ticket["number"] == reply["result"]["number"]
    for c in (display, kiosk, other):
        c.close()


@pytest.mark.peer
def test_a_window_device_drives_only_its_own_windows_and_the_audit_names_it(hall: Hall) -> None:
    """Finding 6: the ``window-3`` account cannot open window 5; the bridge only its keypads' windows."""
    w3 = Client(hall, "window-3", subscribe=(f"{B}/reply/window-3",))
    bridge = Client(hall, "wb-1", subscribe=(f"{B}/reply/wb-1",))
    w3.send("devices/window-3/rpc/window_command", {"request_id": "w3-5", "window": 5, "action": "open",
                                                    "source": "manager"})
    assert w3.reply("w3-5")["error"]["code"] == "not_your_window"
    bridge.send("devices/wb-1/rpc/window_command", {"request_id": "b-3", "window": 3, "action": "open"})
    assert bridge.reply("b-3")["error"]["code"] == "not_your_window"
    assert _window(hall, 5)["status"] == "closed" and _window(hall, 3)["status"] == "closed"
    w3.send("devices/window-3/rpc/window_command", {"request_id": "w3-3", "window": 3, "action": "open",
                                                    "source": "manager"})
    assert w3.reply("w3-3")["ok"] and _window(hall, 3)["status"] == "open"
    bridge.send("devices/wb-1/rpc/window_command", {"request_id": "b-1", "window": 1, "action": "open"})
    assert bridge.reply("b-1")["ok"] and _window(hall, 1)["status"] == "open"
    with sqlite3.connect(hall.db) as conn:
        actors = [a for (a,) in conn.execute("SELECT actor FROM audit WHERE action LIKE '%open%' ORDER BY id")]
    assert actors and any("window-3" in a for a in actors) and any("wb-1" in a for a in actors), actors
    assert not any("manager" in a for a in actors), actors
    w3.close()
    bridge.close()


@pytest.mark.peer
def test_a_request_id_sent_first_by_another_device_does_not_answer_for_this_one(hall: Hall) -> None:
    """Finding 6: window-4 sends a request id window-3 will use; window-3's command still acts, on window 3."""
    w3 = Client(hall, "window-3", subscribe=(f"{B}/reply/window-3",))
    w4 = Client(hall, "window-4", subscribe=(f"{B}/reply/window-4",))
    rid = "press-" + uuid.uuid4().hex[:6]
    w4.send("devices/window-4/rpc/window_command", {"request_id": rid, "window": 4, "action": "open"})
    assert w4.reply(rid)["result"]["window"]["number"] == 4
    w3.send("devices/window-3/rpc/window_command", {"request_id": rid, "window": 3, "action": "open"})
    mine = w3.reply(rid)
    assert mine["ok"] and mine["result"]["window"]["number"] == 3, mine
    assert _window(hall, 3)["status"] == "open"
    w3.close()
    w4.close()


@pytest.mark.peer
def test_an_oversized_packet_never_reaches_the_server(hall: Hall) -> None:
    """Finding 17: a 1 MB request is refused by the broker (``max_packet_size``); nothing is issued."""
    _, before = hall.server.api("GET", "/api/hall")
    kiosk = Client(hall, "kiosk-2", subscribe=(f"{B}/reply/kiosk-2",))
    big = json.dumps({"v": 1, "request_id": "huge", "queue": "C", "pad": "x" * 1_000_000}).encode()
    kiosk.c.publish(f"{B}/devices/kiosk-2/rpc/issue_ticket", big, qos=1)
    assert within(lambda: not kiosk.connected.is_set(), 5), "the broker drops a client sending too large a packet"
    _, after = hall.server.api("GET", "/api/hall")
    waiting = {q["code"]: q["waiting"] for q in after["queues"]}
    assert waiting["C"] == {q["code"]: q["waiting"] for q in before["queues"]}["C"]
    assert not any(p.get("request_id") == "huge" for _, p in list(kiosk.got))
    kiosk.close()

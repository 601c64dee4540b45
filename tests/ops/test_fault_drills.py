"""Fault drills on loopback, bounded in time: a server killed under load, a broker restarted.

What the hall promises, and these drills check:
* a ticket request is answered once: a kiosk that gets no reply retries with the same
  ``request_id``, across a server crash, and ends with exactly one ticket;
* nothing committed is lost when the server is SIGKILLed, numbering never repeats, and the
  retained board is back within 2 s of the restarted server answering;
* when the broker goes away, HTTP keeps working; after it returns the server reconnects by
  itself and the retained board carries the calls made meanwhile (the last ``recent_calls``).
"""
from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from tests.peers import Broker, Collector, ServerProcess, hall_env
from tests.waiting import eventually


class Kiosk:
    """A kiosk's RPC side: one request at a time, retried with the same request_id until answered."""

    def __init__(self, broker_port: int, hall: str, name: str) -> None:
        self.hall, self.name = hall, name
        self.replies: dict[str, dict[str, object]] = {}
        self.cond = threading.Condition()
        self.c = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=name)
        self.c.on_connect = lambda c, *_: c.subscribe(f"hall/{hall}/reply/{name}", qos=1)
        self.c.on_message = self._on_message
        self.c.reconnect_delay_set(0.2, 1)
        self.c.connect("127.0.0.1", broker_port)
        self.c.loop_start()

    def _on_message(self, _c: object, _u: object, m: mqtt.MQTTMessage) -> None:
        r = json.loads(m.payload)
        with self.cond:
            self.replies[r["request_id"]] = r
            self.cond.notify_all()

    def issue(self, queue: str, deadline_s: float = 60.0, attempt_s: float = 1.0) -> tuple[str, dict[str, object]]:
        rid = str(uuid.uuid4())
        end = time.monotonic() + deadline_s
        while time.monotonic() < end:
            self.c.publish(f"hall/{self.hall}/devices/{self.name}/rpc/issue_ticket", json.dumps(
                {"v": 1, "request_id": rid, "queue": queue}), qos=1)
            with self.cond:
                if self.cond.wait_for(lambda: rid in self.replies, timeout=attempt_s):
                    return rid, self.replies[rid]
        raise TimeoutError(f"no answer to {rid}")

    def close(self) -> None:
        self.c.loop_stop()
        self.c.disconnect()


def _tickets(db: Path) -> list[tuple[str, str | None]]:
    with sqlite3.connect(db) as conn:
        return list(conn.execute("SELECT number, request_id FROM ticket WHERE hop = 0"))


@pytest.mark.timeout(120)
def test_sigkill_under_kiosk_and_window_load(tmp_path: Path, broker: Broker) -> None:
    env = hall_env(tmp_path, broker.url, HALL_SERVER__RPC_PER_DEVICE_PER_S="10000")  # kiosks faster than people
    hall = env["HALL_ID"]
    db = Path(env["HALL_DATABASE_URL"].removeprefix("sqlite:///"))
    srv = ServerProcess(env, tmp_path)
    srv.start()
    clerk = srv.staff("k1", "clerk", window=1)
    srv.api("POST", "/api/windows/1/open", token=clerk)
    stop = threading.Event()
    answers: list[tuple[str, dict[str, object]]] = []
    lock = threading.Lock()
    kiosks = [Kiosk(broker.port, hall, f"kiosk-{i}") for i in range(3)]

    def kiosk_loop(k: Kiosk) -> None:
        while not stop.is_set():
            got = k.issue("AB"[len(answers) % 2])
            with lock:
                answers.append(got)

    def window_loop() -> None:
        while not stop.is_set():
            with contextlib.suppress(OSError):
                srv.api("POST", "/api/windows/1/call-next", token=clerk)
            stop.wait(0.1)

    threads = [threading.Thread(target=kiosk_loop, args=(k,)) for k in kiosks]
    threads.append(threading.Thread(target=window_loop))
    for t in threads:
        t.start()
    try:
        eventually(lambda: len(answers) >= 40, 60, "40 tickets answered under load")
        srv.kill()
        time.sleep(1.0)  # the server stays down a second while the kiosks keep asking
        board = Collector(broker.url, (f"hall/{hall}/board",))
        assert board.wait_for(lambda ms: bool(ms), timeout=5), "the board the killed server left, retained"
        board.messages.clear()  # only what the restarted server publishes counts
        srv.start()
        up = time.monotonic()
        assert board.wait_for(lambda ms: bool(ms), timeout=2.0), "the board is back within 2 s"
        resync_s = board.messages[0][3] - up
        board.close()
        n = len(answers)
        eventually(lambda: len(answers) >= n + 30, 60, "30 more tickets answered after the restart")
    finally:
        stop.set()
        for t in threads:
            t.join(70)
        for k in kiosks:
            k.close()
        srv.stop()
    stored = _tickets(db)
    numbers = [n for n, _ in stored]
    assert len(numbers) == len(set(numbers)), "no number twice"
    by_request = {rid: n for n, rid in stored}
    assert len(by_request) == len(stored), "no request issued twice"
    for rid, reply in answers:
        assert reply["ok"] and by_request[rid] == reply["result"]["number"], "every answer is a stored ticket"  # type: ignore[index]
    assert resync_s < 2.0


@pytest.mark.timeout(60)
def test_a_kiosk_request_is_answered_once_across_a_server_crash(tmp_path: Path, broker: Broker) -> None:
    env = hall_env(tmp_path, broker.url)
    srv = ServerProcess(env, tmp_path)
    srv.start()
    kiosk = Kiosk(broker.port, env["HALL_ID"], "kiosk-9")
    try:
        result: dict[str, object] = {}
        worker = threading.Thread(target=lambda: result.update(zip(("rid", "reply"),
                                                                   kiosk.issue("C", attempt_s=0.5), strict=True)))
        srv.kill()  # the first attempts find no server at all
        worker.start()
        time.sleep(1.5)  # the server stays down while the kiosk asks three times (every 0.5 s)
        srv.start()
        worker.join(30)
        assert result and result["reply"]["ok"]  # type: ignore[index]
        stored = [n for n, rid in _tickets(Path(env["HALL_DATABASE_URL"].removeprefix("sqlite:///")))
                  if rid == result["rid"]]
        assert stored == ["C001"]
    finally:
        kiosk.close()
        srv.stop()


@pytest.mark.timeout(90)
def test_broker_restart_under_load_loses_no_call(tmp_path: Path, new_broker: Callable[..., Broker]) -> None:
    broker = new_broker()
    env = hall_env(tmp_path, broker.url)
    hall = env["HALL_ID"]
    srv = ServerProcess(env, tmp_path)
    srv.start()
    try:
        clerks = {n: srv.staff(f"b{n}", "clerk", window=n) for n in (1, 2, 3)}
        for n, tok in clerks.items():
            srv.api("POST", "/api/windows/" + str(n) + "/open", token=tok)
        for _ in range(12):
            srv.api("POST", "/api/tickets", {"queue": "A"})
        broker.stop()
        during = []
        for n, tok in clerks.items():  # HTTP keeps working without the broker
            st, t = srv.api("POST", f"/api/windows/{n}/call-next", token=tok)
            assert st == 200
            during.append(t["number"])
        broker.start()
        sub = Collector(broker.url, (f"hall/{hall}/board", f"hall/{hall}/calls"))
        try:
            assert sub.wait_for(lambda ms: any(t.endswith("/board") and {c["number"] for c in
                                                   json.loads(p)["calls"]} >= set(during) for t, p, *_ in ms),
                                timeout=15), "the board carries every call made while the broker was away"
            srv.api("POST", "/api/windows/1/start", token=clerks[1])
            st, t = srv.api("POST", "/api/windows/1/call-next", token=clerks[1])
            assert st == 200
            assert sub.wait_for(lambda ms: any(tp.endswith("/calls") and json.loads(p)["number"] == t["number"]
                                               for tp, p, *_ in ms), timeout=5), "calls flow again"
        finally:
            sub.close()
        kiosk = Kiosk(broker.port, hall, "kiosk-r")
        try:
            _, reply = kiosk.issue("B")
            assert reply["ok"]
        finally:
            kiosk.close()
    finally:
        srv.stop()
        broker.stop()

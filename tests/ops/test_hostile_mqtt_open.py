"""A hostile client on a broker without accounts (the demo, a test bench): the server still publishes replies
only under ``reply/``, only a kiosk's own topic sets a priority, requests are bounded in size, and one client's
flood neither starves a kiosk nor fills the queues."""
from __future__ import annotations

import json
import threading
import time
import uuid

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from queue_server.mqtt.rpc import MAX_PAYLOAD
from tests.hall_app import HallApp
from tests.peers import Broker, Collector
from tests.waiting import eventually


def _reply(sub: Collector, topic: str, request_id: str, timeout: float = 10.0) -> dict[str, object]:
    assert sub.wait_for(lambda ms: any(t == topic and json.loads(p).get("request_id") == request_id
                                       for t, p, *_ in ms), timeout), f"no reply {request_id} on {topic}"
    return next(r for r in sub.json(topic) if r.get("request_id") == request_id)


def test_replies_are_published_only_under_reply(hall_app: HallApp, broker: Broker) -> None:
    """Finding 5: ``reply_to`` naming ``calls``, a window's state, another device's ``cmd`` or another hall's
    tree gets nothing published there."""
    hall = hall_app.hall_id
    sub = Collector(broker.url, (f"hall/{hall}/#", "hall/other/#"))
    try:
        bad = {"calls": "calls", "state": f"hall/{hall}/windows/1/state", "cmd": "devices/kiosk-2/cmd",
               "other": "hall/other/reply/x", "deep": "reply/a/b", "wild": "reply/#", "board": f"/hall/{hall}/board"}
        for rid, reply_to in bad.items():
            sub.publish(f"hall/{hall}/rpc/ticket_status", json.dumps(
                {"v": 1, "request_id": rid, "reply_to": reply_to, "number": "A001"}))
        sub.publish(f"hall/{hall}/rpc/ticket_status", json.dumps(
            {"v": 1, "request_id": "good", "reply_to": "reply/probe", "number": "A001"}))
        assert _reply(sub, f"hall/{hall}/reply/probe", "good")["ok"] is False  # answered: no such ticket
        stray = [(t, p) for t, p, *_ in list(sub.messages)
                 if b'"request_id"' in p and "/rpc/" not in t and json.loads(p)["request_id"] in bad]
        assert not stray, stray
    finally:
        sub.close()


def test_only_a_kiosk_on_its_own_topic_sets_a_priority_or_a_holder(hall_app: HallApp, broker: Broker) -> None:
    hall = hall_app.hall_id
    topics = (f"hall/{hall}/reply/anon", f"hall/{hall}/reply/window-3", f"hall/{hall}/reply/kiosk-1")
    sub = Collector(broker.url, topics)
    try:
        sub.publish(f"hall/{hall}/rpc/issue_ticket", json.dumps(
            {"v": 1, "request_id": "p1", "reply_to": "reply/anon", "queue": "A", "priority": "disabled"}))
        sub.publish(f"hall/{hall}/devices/window-3/rpc/issue_ticket", json.dumps(
            {"v": 1, "request_id": "p2", "queue": "A", "priority": "elderly"}))
        sub.publish(f"hall/{hall}/rpc/issue_ticket", json.dumps(
            {"v": 1, "request_id": "p3", "reply_to": "reply/anon", "queue": "A", "holder": "王*", "source": "kiosk-1"}))
        sub.publish(f"hall/{hall}/devices/kiosk-1/rpc/issue_ticket", json.dumps(
            {"v": 1, "request_id": "p4", "queue": "A", "priority": "elderly", "holder": "\x1b[2J张*\u202e\n"}))
        for rid, topic in (("p1", topics[0]), ("p2", topics[1])):
            r = _reply(sub, topic, rid)
            assert r["ok"] is False and r["error"]["code"] == "priority_not_allowed", r  # type: ignore[index]
        plain = _reply(sub, topics[0], "p3")["result"]
        assert plain["priority"] == "normal" and plain["holder"] is None  # type: ignore[index]
        kiosk = _reply(sub, topics[2], "p4")["result"]
        assert kiosk["priority"] == "elderly" and kiosk["holder"] == "[2J张*"  # type: ignore[index]
        assert kiosk["ahead"] == 0  # type: ignore[index]  # an elderly ticket goes before the normal one
    finally:
        sub.close()


def test_an_oversized_request_gets_a_clear_refusal(hall_app: HallApp, broker: Broker) -> None:
    """Finding 17: a request beyond the server's limit is answered ``payload_too_large`` and issues nothing."""
    hall = hall_app.hall_id
    sub = Collector(broker.url, (f"hall/{hall}/reply/kiosk-1",))
    try:
        sub.publish(f"hall/{hall}/devices/kiosk-1/rpc/issue_ticket", json.dumps(
            {"v": 1, "request_id": "big", "queue": "C", "pad": "x" * (MAX_PAYLOAD + 1)}))
        r = _reply(sub, f"hall/{hall}/reply/kiosk-1", None)  # type: ignore[arg-type]
        assert r["ok"] is False and r["error"]["code"] == "payload_too_large"  # type: ignore[index]
        assert hall_app.api("GET", "/api/tickets/C001")[0] == 404
    finally:
        sub.close()


@pytest.mark.timeout(120)
def test_a_flood_neither_starves_a_kiosk_nor_fills_the_queues(hall_app: HallApp, broker: Broker) -> None:
    """Finding 3: two clients flood ``issue_ticket`` (plain and on a device topic of their own); a kiosk's
    ticket is answered while the flood goes on, and the flooders get no more tickets than their rate."""
    hall = hall_app.hall_id
    s = hall_app.settings.server
    flooding, stop = threading.Event(), threading.Event()
    sent = [0]
    flooder = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="flood-" + uuid.uuid4().hex[:6])
    flooder.connect("127.0.0.1", broker.port)
    flooder.loop_start()

    def flood() -> None:  # until the kiosk was answered, or for 20 s at most
        flooding.set()
        end = time.monotonic() + 20
        n = 0
        while not stop.is_set() and time.monotonic() < end:
            n += 1
            topic = f"hall/{hall}/rpc/issue_ticket" if n % 2 else f"hall/{hall}/devices/flood-1/rpc/issue_ticket"
            flooder.publish(topic, json.dumps({"v": 1, "request_id": f"f{n}", "reply_to": "reply/flood",
                                               "queue": "C"}), qos=0)
            sent[0] = n
            if n % 500 == 0:
                time.sleep(0.01)  # let paho's thread send
        flooding.clear()

    sub = Collector(broker.url, (f"hall/{hall}/reply/kiosk-1",))
    started = time.monotonic()
    thread = threading.Thread(target=flood, daemon=True)
    thread.start()
    try:
        eventually(lambda: sent[0] > 2000, 10, "the flood is on")
        sub.publish(f"hall/{hall}/devices/kiosk-1/rpc/issue_ticket", json.dumps(
            {"v": 1, "request_id": "kiosk-during-flood", "queue": "A"}))
        reply = _reply(sub, f"hall/{hall}/reply/kiosk-1", "kiosk-during-flood", timeout=30)
        answered_during_flood = flooding.is_set()
        stop.set()
        assert reply["ok"] and reply["result"]["number"] == "A001", reply  # type: ignore[index]
        assert answered_during_flood, "the kiosk's ticket came only after the flood was over"
        thread.join(60)
        elapsed = time.monotonic() - started
        _, body = hall_app.api("GET", "/api/hall")
        flooded = next(q for q in body["queues"] if q["code"] == "C")["waiting"]
        allowance = 2 * (s.rpc_burst + s.rpc_per_device_per_s * (elapsed + 5))  # two senders, 5 s to drain
        assert 0 < flooded <= allowance, (flooded, allowance)
        # and the manager's monitoring sees the flood: the requests refused, for a full lane or their rate
        _, metrics = hall_app.api("GET", "/metrics")
        refused = sum(float(line.split()[-1]) for line in str(metrics).splitlines()
                      if line.startswith("hall_rpc_refused_total{"))
        assert refused > 1000, refused
    finally:
        stop.set()
        flooder.loop_stop()
        sub.close()


def test_garbage_on_the_device_request_topics_is_ignored(hall_app: HallApp, broker: Broker) -> None:
    """Malformed payloads, unknown methods and odd device ids on ``devices/{id}/rpc/{method}``: the server
    answers what it can, on the sender's own reply topic, and goes on serving."""
    hall = hall_app.hall_id
    sub = Collector(broker.url, (f"hall/{hall}/reply/+",))
    try:
        junks = (b"", b"\xff\x00garbage", b"[]", b'"str"', b"{" * 10000, b'{"window": "x", "action": 5}',
                 json.dumps({"request_id": ["x"], "queue": {"a": 1}}).encode())
        for junk in junks:
            for method in ("issue_ticket", "window_command", "ticket_status", "nope"):
                sub.publish(f"hall/{hall}/devices/kiosk-z/rpc/{method}", junk)
        sub.publish(f"hall/{hall}/devices/kiosk-z/rpc/nope", json.dumps({"request_id": "u"}))
        sub.publish(f"hall/{hall}/devices/kiosk-z/rpc/issue_ticket", json.dumps({"request_id": "ok", "queue": "A"}))
        unknown = _reply(sub, f"hall/{hall}/reply/kiosk-z", "u")
        assert unknown["ok"] is False and unknown["error"]["code"] == "unknown_method"  # type: ignore[index]
        assert _reply(sub, f"hall/{hall}/reply/kiosk-z", "ok")["ok"] is True
        assert {t for t, *_ in list(sub.messages)} == {f"hall/{hall}/reply/kiosk-z"}
    finally:
        sub.close()

"""The MQTT contract against a real Mosquitto: calls, retained state, RPC, broker restarts.

The server's app runs in this process (its runtime's MQTT link is the one ``hallctl server`` runs); the
last will needs a process that can be killed.
"""
from __future__ import annotations

import json
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.hall_app import HallApp
from tests.peers import Broker, Collector, ServerProcess, hall_env


@pytest.fixture
def own_broker(new_broker: Callable[..., Broker]) -> Broker:
    return new_broker()


def _hall(srv: HallApp) -> str:
    return srv.hall_id


def test_call_next_publishes_the_call_and_retained_state(hall_app: HallApp, broker: Broker) -> None:
    server = hall_app
    hall = _hall(server)
    sub = Collector(broker.url, (f"hall/{hall}/#",))
    try:
        clerk = server.staff("m1", "clerk", window=1)
        server.api("POST", "/api/tickets", {"queue": "A"})
        server.api("POST", "/api/windows/1/open", token=clerk)
        server.api("POST", "/api/windows/1/call-next", token=clerk)
        calls = sub.wait_topic(f"hall/{hall}/calls")
        assert calls[-1] == {**calls[-1], "v": 1, "number": "A001", "queue": "A", "window": 1,
                             "window_name": "1号窗口", "attempt": 1}
        assert calls[-1]["at"].endswith("+08:00")
        assert sub.wait_for(lambda ms: any(t == f"hall/{hall}/board" and json.loads(p)["calls"] for t, p, *_ in ms))
    finally:
        sub.close()
    # a display switched on later sees the retained state at once
    late = Collector(broker.url, (f"hall/{hall}/board", f"hall/{hall}/windows/1/state", f"hall/{hall}/queues/A/state"))
    try:
        board = late.wait_topic(f"hall/{hall}/board")[-1]
        assert board["calls"][0]["number"] == "A001" and {q["code"] for q in board["queues"]} == {"A", "B", "C"}
        w1 = late.wait_topic(f"hall/{hall}/windows/1/state")[-1]
        assert w1["status"] == "open" and w1["current"] == "A001" and w1["kind"] == "accept"
        qa = late.wait_topic(f"hall/{hall}/queues/A/state")[-1]
        assert qa["last_called"] == "A001" and qa["waiting"] == 0
        assert all(m[2] for m in late.messages), "state topics are retained"
    finally:
        late.close()


def test_rpc_issue_ticket_is_idempotent(hall_app: HallApp, broker: Broker) -> None:
    server = hall_app
    hall = _hall(server)
    sub = Collector(broker.url, (f"hall/{hall}/reply/kiosk-1",))
    try:
        req = {"v": 1, "request_id": str(uuid.uuid4()), "queue": "B", "priority": "elderly", "holder": "王*"}
        for _ in range(3):  # the kiosk's own topic: only a kiosk may ask for a priority
            sub.publish(f"hall/{hall}/devices/kiosk-1/rpc/issue_ticket", json.dumps(req))
        replies = sub.wait_topic(f"hall/{hall}/reply/kiosk-1", count=3)
        assert len(replies) == 3 and all(r["ok"] and r["request_id"] == req["request_id"] for r in replies)
        assert {r["result"]["number"] for r in replies} == {"B001"}
        assert replies[0]["result"]["priority"] == "elderly"
        _, hall_now = server.api("GET", "/api/hall")
        assert next(q for q in hall_now["queues"] if q["code"] == "B")["waiting"] == 1

        sub.publish(f"hall/{hall}/rpc/ticket_status", json.dumps(
            {"v": 1, "request_id": "s1", "reply_to": "reply/kiosk-1", "number": "B001"}))
        sub.publish(f"hall/{hall}/rpc/issue_ticket", json.dumps(
            {"v": 1, "request_id": "bad", "reply_to": f"hall/{hall}/reply/kiosk-1", "queue": "Q"}))
        replies = sub.wait_topic(f"hall/{hall}/reply/kiosk-1", count=5)
        status = next(r for r in replies if r["request_id"] == "s1")
        assert status["ok"] and status["result"]["state"] == "waiting"
        bad = next(r for r in replies if r["request_id"] == "bad")
        assert bad["ok"] is False and bad["error"]["code"] == "unknown_queue" and bad["error"]["message"]
    finally:
        sub.close()


def test_garbage_on_the_rpc_topics_is_ignored(hall_app: HallApp, broker: Broker) -> None:
    server = hall_app
    hall = _hall(server)
    sub = Collector(broker.url, (f"hall/{hall}/reply/k9",))
    try:
        junks = (b"", b"\xff\x00garbage", b"[]", b'"str"', b'{"reply_to": 5}', b"{" * 10000,
                 json.dumps({"request_id": "x", "reply_to": "hall/#"}).encode(),
                 b'{"v": 1, "state": 5, "faults": "paper_out"}', b'{"v": 1, "rating": 9, "number": []}')
        for junk in junks:  # on every topic the server listens to
            for topic in ("rpc/issue_ticket", "rpc/window_command", "devices/kiosk-x/status",
                          "evaluations/1/result", "evaluations/x/result"):
                sub.publish(f"hall/{hall}/{topic}", junk)
        sub.publish(f"hall/{hall}/rpc/no_such_method", json.dumps({"request_id": "u", "reply_to": "reply/k9"}))
        sub.publish(f"hall/{hall}/rpc/issue_ticket", json.dumps(
            {"request_id": "ok", "reply_to": f"hall/{hall}/reply/k9", "queue": "A"}))
        replies = sub.wait_topic(f"hall/{hall}/reply/k9", count=2)
        assert {r["request_id"]: r["ok"] for r in replies} == {"u": False, "ok": True}
        assert server.api("GET", "/api/tickets/A001")[0] == 200
    finally:
        sub.close()


def test_state_comes_back_after_a_broker_restart(tmp_path: Path, own_broker: Broker) -> None:
    srv = HallApp.on(tmp_path, mqtt_url=own_broker.url).start()
    try:
        hall = srv.hall_id
        clerk = srv.staff("r1", "clerk", window=1)
        before = Collector(own_broker.url, (f"hall/{hall}/board",))
        srv.api("POST", "/api/tickets", {"queue": "A"})
        srv.api("POST", "/api/windows/1/open", token=clerk)
        srv.api("POST", "/api/windows/1/call-next", token=clerk)
        assert before.wait_for(lambda ms: any(json.loads(p)["calls"] for _, p, *_ in ms)), "the call was published"
        before.close()
        own_broker.restart(down_s=0.5)  # no persistence: the broker forgets every retained message
        sub = Collector(own_broker.url, (f"hall/{hall}/board", f"hall/{hall}/windows/1/state"))
        try:
            assert sub.wait_for(lambda ms: {t for t, *_ in ms} >= {f"hall/{hall}/board",
                                                                     f"hall/{hall}/windows/1/state"}, timeout=15)
            assert sub.json(f"hall/{hall}/board")[-1]["calls"][0]["number"] == "A001"
            # the server keeps working through the new connection
            srv.api("POST", "/api/tickets", {"queue": "A"})
            srv.api("POST", "/api/windows/1/start", token=clerk)
            srv.api("POST", "/api/windows/1/call-next", token=clerk)
            assert sub.wait_for(lambda ms: any(json.loads(p).get("current") == "A002" for t, p, *_ in ms
                                               if t.endswith("windows/1/state")), timeout=5)
        finally:
            sub.close()
    finally:
        srv.stop()


def test_server_announces_itself_with_a_last_will(tmp_path: Path, broker: Broker) -> None:
    srv = ServerProcess(hall_env(tmp_path, broker.url), tmp_path)
    hall = srv.env["HALL_ID"]
    sub = Collector(broker.url, (f"hall/{hall}/devices/hall-server/status",))
    try:
        srv.start()
        states = sub.wait_topic(f"hall/{hall}/devices/hall-server/status")
        assert states[-1]["state"] == "online" and states[-1]["kind"] == "server"
        srv.kill()  # no clean disconnect: the broker sends the will after the keepalive lapses
        assert sub.wait_for(lambda ms: json.loads(ms[-1][1])["state"] == "offline", timeout=30)
    finally:
        sub.close()
        srv.stop()


def test_advice_is_published_and_an_accepted_open_serves_as_advised(tmp_path: Path, broker: Broker) -> None:
    srv = HallApp.on(tmp_path, mqtt_url=broker.url, HALL_ADVISOR__INTERVAL_S="1").start()
    hall = srv.hall_id
    sub = Collector(broker.url, (f"hall/{hall}/advice", f"hall/{hall}/windows/+/state"))
    try:
        clerk = srv.staff("a1", "clerk", window=1)
        manager = srv.staff("boss", "manager")
        srv.api("POST", "/api/windows/1/open", token=clerk)
        for _ in range(30):
            srv.api("POST", "/api/tickets", {"queue": "A"})
        assert sub.wait_for(lambda ms: any(t.endswith("/advice") and json.loads(p)["action"] == "open"
                                           for t, p, *_ in ms), timeout=15)
        advice = [a for a in sub.json(f"hall/{hall}/advice") if a["action"] == "open"][-1]
        assert advice["queue"] == "A" and advice["window"] in (10, 11, 12)
        assert "A" in advice["reason_en"] and f"window {advice['window']}" in advice["reason_en"]
        rec = advice["recommendations"][0]
        st, after = srv.api("POST", f"/api/advice/{rec['id']}/accept", token=manager)
        assert st == 200 and rec["id"] not in {r["id"] for r in after["recommendations"]}
        n = advice["window"]
        assert [d["window"] for d in after["on_the_way"]] == [n]  # opens when someone is at it
        assert srv.api("POST", f"/api/windows/{n}/open", token=manager)[0] == 200
        assert sub.wait_for(lambda ms: any(t.endswith(f"windows/{n}/state") and json.loads(p)["status"] == "open"
                                           and json.loads(p)["queues"] == ["A", "B", "C"] for t, p, *_ in ms),
                            timeout=5)
        assert srv.api("POST", f"/api/advice/{rec['id']}/accept", token=clerk)[0] == 403
    finally:
        sub.close()
        srv.stop()

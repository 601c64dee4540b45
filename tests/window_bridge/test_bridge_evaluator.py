"""Evaluators through the bridge: simulated RS-485 devices on a pty, the real Mosquitto, the server's app."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hall_contract.protocol import Topics
from hardware.rs485.simulator import Rs485Simulator
from tests.hall_app import HallApp
from tests.peers import Broker, Collector
from tests.window_bridge._devices import (
    bridge_settings,
    devices,
    evaluator,
    eventually,
    faults,
    running,
    window_command,
)


@pytest.fixture
def sim() -> Iterator[Rs485Simulator]:
    with Rs485Simulator(devices()) as s:
        yield s


@pytest.fixture
def server(tmp_path: Path, broker: Broker) -> Iterator[HallApp]:
    """The server that waits 3 s for a rating (and takes a late one for 0.5 s more)."""
    srv = HallApp.on(tmp_path, mqtt_url=broker.url, HALL_RATINGS__TIMEOUT_S="3", HALL_RATINGS__GRACE_S="0.5").start()
    yield srv
    srv.stop()


@pytest.mark.timeout(60)
def test_a_rating_pressed_on_the_evaluator_lands_in_the_server(server: HallApp, sim: Rs485Simulator) -> None:
    topics = Topics(server.hall_id)
    sub = Collector(server.mqtt_url, (topics.base + "evaluations/#",))
    manager, clerk = server.staff("boss", "manager"), server.staff("wang", "clerk", 1)
    try:
        with running(bridge_settings(server), sim):
            assert server.api("POST", "/api/windows/1/open", token=clerk)[0] == 200
            assert server.api("POST", "/api/tickets", {"queue": "A"})[1]["number"] == "A001"
            assert server.api("POST", "/api/windows/1/call-next", token=clerk)[1]["number"] == "A001"
            assert server.api("POST", "/api/windows/1/finish", token=clerk)[0] == 200  # 办结: the server asks

            request = sub.wait_topic(topics.evaluation_request(1))[-1]
            pad = evaluator(sim, 3)
            assert eventually(lambda: pad.asking_for == "A001", 3)
            assert pad.rate(4)  # 满意
            result = sub.wait_topic(topics.evaluation_result(1))[-1]
            assert result == {"v": 1, "number": "A001", "ticket_id": request["ticket_id"], "rating": 4, "reason": None}
            rows = eventually(lambda: [r for r in server.api("GET", "/api/ratings", token=manager)[1]
                                       if r["outcome"] != "pending"])
            assert [(r["number"], r["window"], r["outcome"], r["rating"], r["source"]) for r in rows] == \
                [("A001", 1, "rated", 4, "evaluator:1")]
            assert evaluator(sim, 6).asking_for is None  # window 2's pad was not asked
    finally:
        sub.close()


@pytest.mark.timeout(60)
def test_a_silent_evaluator_is_a_fault_and_nothing_is_invented(server: HallApp, sim: Rs485Simulator) -> None:
    """Window 2's evaluator is unplugged: a fault on the bridge's status, and its visit ends as no_rating on
    the server, while window 1's evaluator keeps working; a citizen who presses no key is no rating either."""
    topics = Topics(server.hall_id)
    s = bridge_settings(server, evaluator_check_s="0.5")
    status = topics.device_status(s.window_bridge.device_id)
    sub = Collector(server.mqtt_url, (topics.base + "evaluations/#", status))
    sim.set_silent(6)
    try:
        with running(s, sim):
            assert eventually(lambda: faults(sub, status) == ["evaluator_2_no_answer"])
            for n in (1, 2):
                window_command(sub, topics, n, "open", f"open-{n}")
            for _ in range(3):
                server.api("POST", "/api/tickets", {"queue": "A"})
            window_command(sub, topics, 1, "call_next", "next-1")  # A001 at 1
            window_command(sub, topics, 1, "finish", "finish-1")
            assert eventually(lambda: evaluator(sim, 3).asking_for == "A001", 3)
            assert evaluator(sim, 3).rate(5)  # window 1's evaluator works meanwhile
            assert [r["number"] for r in sub.wait_topic(topics.evaluation_result(1))] == ["A001"]

            window_command(sub, topics, 2, "call_next", "next-2")  # A002 at 2, whose evaluator cannot ask
            window_command(sub, topics, 2, "finish", "finish-2")
            window_command(sub, topics, 1, "call_next", "next-1b")  # A003 at 1, and the citizen walks away
            window_command(sub, topics, 1, "finish", "finish-1b")
            assert eventually(lambda: evaluator(sim, 3).asking_for == "A003", 3)
            assert faults(sub, status) == ["evaluator_2_no_answer"]
            sim.set_silent(6, False)  # plugged in again: the fault clears
            assert eventually(lambda: faults(sub, status) == [])

            manager = server.staff("boss", "manager")  # a window's rating state is for staff and its tablet

            def last(n: int) -> dict[str, object] | None:
                got = server.api("GET", f"/api/evaluations/{n}", token=manager)[1]["last"]
                return got if got and got["outcome"] != "pending" and got["number"] != "A001" else None

            assert eventually(lambda: last(1) and last(2), 8)
            ended = {n: (r["number"], r["outcome"], r["rating"]) for n in (1, 2) if (r := last(n))}
            assert ended == {1: ("A003", "no_rating", None), 2: ("A002", "no_rating", None)}
            assert [r["number"] for r in sub.json(topics.evaluation_result(1))] == ["A001"]
            assert sub.json(topics.evaluation_result(2)) == []
    finally:
        sub.close()

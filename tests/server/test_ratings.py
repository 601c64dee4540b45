"""好差评 against the real broker: the request on MQTT, a simulated evaluator's answer, one rating per
visit, silence recorded as no_rating, a newer visit superseding, a restart (the server's app in this process)."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.hall_app import HallApp
from tests.peers import Broker, Collector
from tests.waiting import eventually, remains
from window_bridge.sim_evaluator import SimulatedEvaluator


@pytest.fixture
def srv(tmp_path: Path, broker: Broker) -> Iterator[HallApp]:
    s = HallApp.on(tmp_path, mqtt_url=broker.url, HALL_RATINGS__TIMEOUT_S="1.5", HALL_RATINGS__GRACE_S="0").start()
    yield s
    s.stop()


def serve_one(srv: HallApp, token: str, n: int, queue: str = "A") -> str:
    srv.api("POST", "/api/tickets", {"queue": queue})
    srv.api("POST", f"/api/windows/{n}/open", token=token)
    number = srv.api("POST", f"/api/windows/{n}/call-next", token=token)[1]["number"]
    assert srv.api("POST", f"/api/windows/{n}/finish", token=token)[0] == 200
    return str(number)


def test_a_finished_visit_is_put_to_the_evaluator_once(srv: HallApp, broker: Broker) -> None:
    hall = srv.hall_id
    sub = Collector(broker.url, (f"hall/{hall}/evaluations/#",))
    ev = SimulatedEvaluator(broker.url, hall, window=1, rating=4).start()
    manager = srv.staff("boss", "manager")
    tablet = srv.tablet(1)
    try:
        number = serve_one(srv, srv.staff("c1", "clerk", 1), 1)
        req = sub.wait_topic(f"hall/{hall}/evaluations/1/request")[-1]
        assert {k: req[k] for k in ("v", "window", "number", "timeout_s")} == \
            {"v": 1, "window": 1, "number": number, "timeout_s": 1.5}
        result = sub.wait_topic(f"hall/{hall}/evaluations/1/result")[-1]
        assert result == {**result, "v": 1, "number": number, "ticket_id": req["ticket_id"], "rating": 4}
        rows = eventually(lambda: [r for r in srv.api("GET", "/api/ratings", token=manager)[1]
                                   if r["outcome"] != "pending"])
        assert [(r["number"], r["rating"], r["source"]) for r in rows] == [(number, 4, "evaluator:1")]

        # a second answer for the same visit, and garbage, change nothing
        for junk in (json.dumps({"v": 1, "ticket_id": req["ticket_id"], "number": number, "rating": 1}), "{oops",
                     json.dumps({"v": 1, "rating": 9}), ""):
            sub.publish(f"hall/{hall}/evaluations/1/result", junk)
        st, err = srv.api("POST", "/api/evaluations/1/result", {"rating": 1, "ticket_id": req["ticket_id"]},
                          tablet=tablet)
        assert st == 409 and err["error"]["code"] == "already_rated"
        remains(lambda: [(r["rating"], r["outcome"]) for r in srv.api("GET", "/api/ratings", token=manager)[1]]
                == [(4, "rated")], 0.3)
        st, err = srv.api("POST", "/api/evaluations/1/result", {"rating": 5, "reason": "nonsense"}, tablet=tablet)
        assert st == 422 and err["error"]["code"] == "unknown_reason"
        assert srv.api("GET", "/api/ratings", token=srv.staff("c9", "clerk", 9))[0] == 403
    finally:
        ev.stop()
        sub.close()


def test_silence_is_recorded_as_no_rating_and_a_newer_visit_supersedes(srv: HallApp, broker: Broker) -> None:
    hall = srv.hall_id
    silent = SimulatedEvaluator(broker.url, hall, window=2, rating=None).start()  # a citizen who walks away
    clerk = srv.staff("c2", "clerk", 2)
    manager = srv.staff("boss", "manager")
    tablet = srv.tablet(2)
    try:
        srv.api("POST", "/api/tickets", {"queue": "A"})
        srv.api("POST", "/api/tickets", {"queue": "A"})
        srv.api("POST", "/api/windows/2/open", token=clerk)
        srv.api("POST", "/api/windows/2/call-next", token=clerk)
        srv.api("POST", "/api/windows/2/start", token=clerk)
        srv.api("POST", "/api/windows/2/call-next", token=clerk)  # ends A001 as served: a rating is asked
        assert [r.number for r in silent.wait_requests(1)] == ["A001"]
        assert srv.api("GET", "/api/evaluations/2", tablet=tablet)[1]["pending"]["number"] == "A001"
        srv.api("POST", "/api/windows/2/finish", token=clerk)  # A002 before A001 was rated
        assert [r.number for r in silent.wait_requests(2)] == ["A001", "A002"]
        view = eventually(lambda: (v := srv.api("GET", "/api/evaluations/2", tablet=tablet)[1])["last"] and v)
        assert view["last"]["number"] == "A001" and view["last"]["outcome"] == "no_rating"  # superseded
        view = eventually(lambda: (v := srv.api("GET", "/api/evaluations/2", tablet=tablet)[1])["pending"] is None
                          and v, 4)
        assert view["last"] == {**view["last"], "number": "A002", "outcome": "no_rating", "rating": None}
        rows = srv.api("GET", "/api/ratings", token=manager)[1]
        assert [(r["number"], r["outcome"], r["rating"]) for r in rows] == \
            [("A001", "no_rating", None), ("A002", "no_rating", None)]
        st, err = srv.api("POST", "/api/evaluations/2/result", {"rating": 5}, tablet=tablet)
        assert st == 409 and err["error"]["code"] == "no_pending_rating"  # too late: nothing is invented
    finally:
        silent.stop()


def test_a_pending_request_survives_a_restart(tmp_path: Path, broker: Broker) -> None:
    srv = HallApp.on(tmp_path, mqtt_url=broker.url, HALL_RATINGS__TIMEOUT_S="60").start()
    try:
        tablet = srv.tablet(3)  # the pairing is stored: it outlives the restart
        number = serve_one(srv, srv.staff("c3", "clerk", 3), 3)
        assert eventually(lambda: srv.api("GET", "/api/evaluations/3", tablet=tablet)[1]["pending"])["number"] == number
        srv.stop()
        srv.start()
        pending = srv.api("GET", "/api/evaluations/3", tablet=tablet)[1]["pending"]
        assert pending["number"] == number and 0 < pending["remaining_s"] <= 60
        st, body = srv.api("POST", "/api/evaluations/3/result", {"rating": 3, "number": number}, tablet=tablet)
        assert st == 201 and body["rating"] == 3 and body["source"] == "tablet:3"
    finally:
        srv.stop()

"""好差评 only from the citizen at that window: the pending rating is not broadcast, and only the tablet a
manager paired with the window answers it (finding 2). The evaluator device's MQTT path is tested in
tests/server/test_ratings.py."""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.hall_app import HallApp
from tests.waiting import eventually


def finish_one(hall: HallApp, window: int) -> str:
    clerk = hall.staff(f"c{window}", "clerk", window)
    hall.api("POST", "/api/tickets", {"queue": "A"})
    hall.api("POST", f"/api/windows/{window}/open", token=clerk)
    number = hall.api("POST", f"/api/windows/{window}/call-next", token=clerk)[1]["number"]
    assert hall.api("POST", f"/api/windows/{window}/finish", token=clerk)[0] == 200
    return str(number)


def live_messages(hall: HallApp, subscription: dict[str, Any], count: int) -> list[dict[str, Any]]:
    assert hall.client is not None
    with hall.client.websocket_connect("/api/live") as ws:
        ws.send_text(json.dumps(subscription))
        return [ws.receive_json() for _ in range(count)]


def test_a_stranger_neither_sees_nor_gives_the_rating(open_hall: Callable[..., HallApp]) -> None:
    hall = open_hall(HALL_RATINGS__TIMEOUT_S="120")
    manager = hall.staff("boss", "manager")
    number = finish_one(hall, 1)
    assert eventually(lambda: hall.api("GET", "/api/evaluations/1", token=manager)[1]["pending"])["number"] == number

    st, err = hall.api("GET", "/api/evaluations/1")
    assert st == 401 and err["error"]["code"] == "tablet_not_paired"
    msgs = live_messages(hall, {"hall": True, "evaluations": [1]}, 2)
    assert {"type": "error", "code": "tablet_not_paired"} in msgs
    assert not [m for m in msgs if m["type"] == "evaluation"]

    for who in ({}, {"tablet": "made-up-token"}):
        st, err = hall.api("POST", "/api/evaluations/1/result", {"rating": 1, "number": number}, **who)
        assert st in (401, 403) and err["error"]["code"] in ("tablet_not_paired", "wrong_tablet")
    st, err = hall.api("POST", "/api/evaluations/1/result", {"rating": 1, "number": number}, token=manager)
    assert st == 401  # not even a manager rates in the citizen's place
    assert hall.api("GET", "/api/ratings", token=manager)[1][0]["outcome"] == "pending"

    # the window's own tablet, paired by the manager, sees the request and the citizen's rating counts
    code = hall.api("POST", "/api/evaluations/1/pairing", {}, token=manager)[1]["code"]
    st, paired = hall.api("POST", "/api/evaluations/1/pair", {"code": code})
    assert st == 201 and paired["window"] == 1
    tablet = paired["tablet_token"]
    assert hall.api("POST", "/api/evaluations/1/pair", {"code": code})[0] == 403  # one use
    view = [m for m in live_messages(hall, {"evaluations": [1], "tablet": tablet}, 1) if m["type"] == "evaluation"]
    assert view[0]["data"]["pending"]["number"] == number
    st, rec = hall.api("POST", "/api/evaluations/1/result", {"rating": 5, "number": number}, tablet=tablet)
    assert st == 201 and rec["rating"] == 5 and rec["source"] == "tablet:1"


def test_a_tablet_rates_only_its_own_window_and_a_new_pairing_replaces_it(open_hall: Callable[..., HallApp]) -> None:
    hall = open_hall(HALL_RATINGS__TIMEOUT_S="120")
    manager = hall.staff("boss", "manager")
    one = hall.tablet(1)
    number = finish_one(hall, 2)
    eventually(lambda: hall.api("GET", "/api/evaluations/2", token=manager)[1]["pending"])
    st, err = hall.api("POST", "/api/evaluations/2/result", {"rating": 1, "number": number}, tablet=one)
    assert st == 403 and err["error"]["code"] == "wrong_tablet"
    assert hall.api("GET", "/api/evaluations/2", tablet=one)[0] == 403

    two = hall.tablet(2)
    replacement = hall.tablet(2)
    assert hall.api("GET", "/api/evaluations/2", tablet=two)[0] == 403  # the old tablet no longer counts
    assert hall.api("POST", "/api/evaluations/2/result", {"rating": 4, "number": number}, tablet=replacement)[0] == 201

    assert hall.api("DELETE", "/api/evaluations/2/tablet", token=manager) == (204, None)
    assert hall.api("GET", "/api/evaluations/2", tablet=replacement)[0] == 403  # unpaired

    clerk = hall.staff("c9", "clerk", 9)
    assert hall.api("POST", "/api/evaluations/2/pairing", {}, token=clerk)[0] == 403  # managers pair
    assert hall.api("POST", "/api/evaluations/2/pair", {}, token=clerk)[0] == 403


def test_a_pairing_code_allows_five_tries(open_hall: Callable[..., HallApp]) -> None:
    hall = open_hall()
    code = hall.api("POST", "/api/evaluations/3/pairing", {}, token=hall.staff("boss", "manager"))[1]["code"]
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    assert [hall.api("POST", "/api/evaluations/3/pair", {"code": wrong})[0] for _ in range(5)] == [403] * 5
    assert hall.api("POST", "/api/evaluations/3/pair", {"code": code})[0] == 403  # spent by the guesses

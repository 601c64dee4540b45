"""Bounds a stranger meets: body size, control characters, page headers, CSV formulas, live clients
(findings 14 and 17, HTTP part)."""
from __future__ import annotations

import asyncio
import csv
import io
import json
from collections.abc import Callable, Iterator

import pytest
from starlette.websockets import WebSocketDisconnect

from queue_server.api.live import TRY_LATER, Client
from tests.hall_app import HallApp
from tests.waiting import run_async


def test_a_body_over_the_limit_is_refused_before_it_is_read(open_hall: Callable[..., HallApp]) -> None:
    hall = open_hall(HALL_SERVER__MAX_BODY_BYTES="4096")
    big = json.dumps({"queue": "A", "source": "x" * 10_000}).encode()
    st, err = hall.api("POST", "/api/tickets", raw=big)
    assert st == 413 and err["error"]["code"] == "too_large"
    assert hall.client is not None

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        yield b'{"queue": "A", "pad": "'
        for _ in range(100):
            yield b"y" * 1000
        yield b'"}'
    r = hall.client.post("/api/tickets", content=chunks(), headers={"content-type": "application/json"})
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"
    assert hall.api("GET", "/api/hall")[1]["queues"][0]["waiting"] == 0
    assert hall.api("POST", "/api/tickets", {"queue": "A"})[0] == 201


@pytest.mark.parametrize("text,stored", [("\u202e号取已", "号取已"), ("闭馆\x1b[2J", "闭馆[2J"), ("a\x00b", "ab"),
                                         ("\x85NEL\u2066", "NEL")])
def test_control_characters_are_not_stored(open_hall: Callable[..., HallApp], text: str, stored: str) -> None:
    hall = open_hall()
    manager = hall.staff("boss", "manager")
    st, ok = hall.api("PUT", "/api/hall/notice", {"text": text}, token=manager)
    assert st == 200 and ok["text"] == stored
    assert hall.api("GET", "/api/hall")[1]["notice"] == stored
    st, ok = hall.api("PUT", "/api/hall/notice", {"text": "今日16:00闭馆\n请提前取号\t谢谢"}, token=manager)
    assert st == 200 and ok["text"] == "今日16:00闭馆\n请提前取号\t谢谢"  # line breaks and tabs stay


def test_pages_and_answers_carry_the_security_headers(open_hall: Callable[..., HallApp]) -> None:
    hall = open_hall()
    assert hall.client is not None
    for path in ("/login", "/rate/1", "/t/A001", "/window/1", "/console"):
        h = hall.client.get(path).headers
        csp = h["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "'unsafe-inline'" not in csp
        assert (h["x-frame-options"], h["x-content-type-options"], h["referrer-policy"]) == \
            ("DENY", "nosniff", "no-referrer")
    api = hall.client.get("/api/hall").headers
    assert api["x-content-type-options"] == "nosniff" and api["x-frame-options"] == "DENY"


def test_csv_cells_never_run_as_formulas(open_hall: Callable[..., HallApp]) -> None:
    hall = open_hall()
    evil = hall.staff("=HYPERLINK(\"http://x\")", "clerk", 1)
    hall.api("POST", "/api/tickets", {"queue": "A"})
    hall.api("POST", "/api/windows/1/open", token=evil)
    hall.api("POST", "/api/windows/1/call-next", token=evil)
    hall.api("POST", "/api/windows/1/finish", token=evil)
    st, text = hall.api("GET", "/api/stats/daily.csv?part=clerks", token=hall.staff("aud", "auditor"))
    assert st == 200
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [r["clerk"] for r in rows] == ["'=HYPERLINK(\"http://x\")"]
    assert all(not str(v).startswith(("=", "+", "-", "@")) for r in rows for v in r.values())


def test_live_clients_are_bounded_and_staff_get_in(open_hall: Callable[..., HallApp]) -> None:
    hall = open_hall(HALL_SERVER__LIVE_MAX_ANONYMOUS="2", HALL_SERVER__LIVE_MAX_CLIENTS="3")
    manager = hall.staff("boss", "manager")
    assert hall.client is not None
    a, b = hall.client.websocket_connect("/api/live"), hall.client.websocket_connect("/api/live")
    with a as one, b as two:
        for ws in (one, two):
            ws.send_text(json.dumps({"hall": True}))
            assert ws.receive_json()["type"] == "hall"
        with hall.client.websocket_connect("/api/live") as third:  # a third stranger: told, then closed
            third.send_text(json.dumps({"hall": True}))
            assert third.receive_json() == {"type": "error", "code": "too_many_clients"}
            with pytest.raises(WebSocketDisconnect) as closed:
                third.receive_json()
            assert closed.value.code == TRY_LATER
        with hall.client.websocket_connect("/api/live") as staff:  # a manager still gets in
            staff.send_text(json.dumps({"hall": True, "token": manager}))
            assert staff.receive_json()["type"] == "hall"
            with hall.client.websocket_connect("/api/live") as fourth:  # over the hard bound: closed at once
                with pytest.raises(WebSocketDisconnect) as closed:
                    fourth.receive_json()
                assert closed.value.code == TRY_LATER


def test_a_client_that_does_not_keep_up_is_dropped_not_waited_for() -> None:
    async def run() -> Client:
        c = Client(queue=asyncio.Queue(maxsize=4))
        for i in range(10):
            c.push({"type": "hall", "i": i})
        return c
    c = run_async(run())
    assert c.closed and c.close_code == TRY_LATER
    assert c.queue.qsize() == 1 and c.queue.get_nowait() is None  # what it missed is dropped, then it is closed


@pytest.mark.parametrize("depth", [500, 990, 5000])
def test_deeply_nested_json_gets_a_4xx(open_hall: Callable[..., HallApp], depth: int) -> None:
    hall = open_hall()
    raw = ('{"queue": "A", "x": ' + "[" * depth + '"\\u0007"' + "]" * depth + "}").encode()
    st, body = hall.api("POST", "/api/tickets", raw=raw)
    assert st < 500 and (st == 201 or body["error"]["code"]), body

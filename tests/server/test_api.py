"""The HTTP API as clerks, managers and outside clients use it, on SQLite and PostgreSQL."""
from __future__ import annotations

import pytest

from tests.hall_app import HallApp


def test_a_day_at_one_window(srv: HallApp) -> None:
    clerk = srv.staff("clerk1", "clerk", window=1)
    desk = srv.staff("desk", "manager")  # the guide desk vouches for a source and a priority
    st, t1 = srv.api("POST", "/api/tickets", {"queue": "A", "source": "guide-desk"}, token=desk)
    assert st == 201 and t1["number"] == "A001" and t1["state"] == "waiting"
    st, t2 = srv.api("POST", "/api/tickets", {"item": "SB-003", "priority": "elderly"}, token=desk)
    assert st == 201 and t2["number"] == "A002" and t2["item_name"] == "城乡居民基本养老保险参保登记"
    _, t1_now = srv.api("GET", "/api/tickets/A001")
    assert t1_now["ahead"] == 1  # the elderly ticket goes first

    assert srv.api("POST", "/api/windows/1/call-next", token=clerk)[0] == 409  # window closed
    assert srv.api("POST", "/api/windows/1/open", token=clerk)[1]["status"] == "open"
    st, called = srv.api("POST", "/api/windows/1/call-next", token=clerk)
    assert st == 200 and called["number"] == "A002" and called["state"] == "called" and called["window"] == 1
    assert srv.api("POST", "/api/windows/1/recall", token=clerk)[1]["attempts"] == 2
    assert srv.api("POST", "/api/windows/1/start", token=clerk)[1]["state"] == "serving"
    assert srv.api("POST", "/api/windows/1/finish", token=clerk)[1]["state"] == "done"
    assert srv.api("POST", "/api/windows/1/call-next", token=clerk)[1]["number"] == "A001"
    assert srv.api("POST", "/api/windows/1/no-show", token=clerk)[1]["state"] == "no_show"
    st, body = srv.api("POST", "/api/windows/1/call-next", token=clerk)
    assert st == 204 and body is None

    _, hall = srv.api("GET", "/api/hall")
    w1 = next(w for w in hall["windows"] if w["number"] == 1)
    assert w1["status"] == "open" and w1["current"] is None and w1["queues"] == ["A"]
    qa = next(q for q in hall["queues"] if q["code"] == "A")
    assert qa["waiting"] == 0 and qa["last_called"] == "A001"
    assert [c["number"] for c in hall["calls"]][:3] == ["A001", "A002", "A002"]


def test_blank_request_ids_are_no_idempotency_key(srv: HallApp) -> None:
    first = srv.api("POST", "/api/tickets", {"queue": "B", "request_id": "", "holder_ref": ""})
    second = srv.api("POST", "/api/tickets", {"queue": "B", "request_id": "  ", "holder_ref": ""})
    assert (first[0], second[0]) == (201, 201)
    assert (first[1]["number"], second[1]["number"]) == ("B001", "B002")


def test_transfer_keeps_the_number(srv: HallApp) -> None:
    clerk = srv.staff("clerk2", "clerk", window=2)
    srv.api("POST", "/api/tickets", {"queue": "A"})
    srv.api("POST", "/api/windows/2/open", token=clerk)
    srv.api("POST", "/api/windows/2/call-next", token=clerk)
    st, moved = srv.api("POST", "/api/windows/2/transfer", {"queue": "B"}, token=clerk)
    assert st == 200 and moved["number"] == "A001" and moved["queue"] == "B" and moved["state"] == "waiting"
    assert srv.api("GET", "/api/tickets/A001")[1]["queue"] == "B"


def test_roles_and_tokens_are_enforced(srv: HallApp) -> None:
    clerk = srv.staff("c3", "clerk", window=3)
    auditor = srv.staff("aud", "auditor")
    manager = srv.staff("boss", "manager")
    assert srv.api("POST", "/api/windows/3/open")[0] == 401
    assert srv.api("POST", "/api/windows/3/open", token=clerk + "x")[0] == 401
    forged = clerk.split(".")[0] + ".AAAA"
    assert srv.api("POST", "/api/windows/3/open", token=forged)[0] == 401
    st, err = srv.api("POST", "/api/windows/4/open", token=clerk)
    assert st == 403 and err["error"]["code"] == "wrong_window"
    assert srv.api("POST", "/api/windows/3/call-next", token=auditor)[0] == 403
    assert srv.api("PUT", "/api/windows/10/queues", {"queues": ["A", "B"]}, token=clerk)[0] == 403
    st, w = srv.api("PUT", "/api/windows/10/queues", {"queues": ["A", "B"]}, token=manager)
    assert st == 200 and w["queues"] == ["A", "B"]
    assert srv.api("GET", "/api/stats/daily", token=clerk)[0] == 403
    assert srv.api("GET", "/api/stats/daily", token=auditor)[0] == 200
    st, err = srv.api("POST", "/api/auth/login", {"username": "c3", "password": "wrong-password"})
    assert st == 401 and err["error"]["code"] == "invalid_credentials"


@pytest.mark.parametrize("method,path,raw", [
    ("POST", "/api/tickets", b"{oops"),
    ("POST", "/api/tickets", b"[1, 2]"),
    ("POST", "/api/tickets", b'{"queue": "Z"}'),
    ("POST", "/api/tickets", b'{"queue": "A", "priority": "vip"}'),
    ("POST", "/api/tickets", b'{"item": "NOPE"}'),
    ("POST", "/api/tickets", b"\xff\xfe"),
    ("POST", "/api/tickets", b""),
    ("GET", "/api/tickets/A999", None),
    ("GET", "/api/tickets/%00%01", None),
    ("POST", "/api/windows/abc/open", b""),
    ("POST", "/api/windows/99999999999999999999/call-next", b""),
    ("GET", "/api/nowhere", None),
    ("DELETE", "/api/hall", None),
    ("POST", "/api/auth/login", b'{"username": 5}'),
])
def test_bad_requests_get_a_clear_json_error(srv_shared: HallApp, method: str, path: str, raw: bytes | None) -> None:
    st, body = srv_shared.api(method, path, raw=raw)
    assert 400 <= st < 500, (st, body)
    assert isinstance(body, dict) and set(body["error"]) == {"code", "message"} and body["error"]["message"]


def test_daily_figures_reconcile(srv: HallApp) -> None:
    clerk = srv.staff("c5", "clerk", window=5)
    auditor = srv.staff("aud2", "auditor")
    for q in "AAAB":
        srv.api("POST", "/api/tickets", {"queue": q})
    srv.api("POST", "/api/windows/5/open", token=clerk)
    srv.api("POST", "/api/windows/5/call-next", token=clerk)
    srv.api("POST", "/api/windows/5/finish", token=clerk)
    srv.api("POST", "/api/windows/5/call-next", token=clerk)
    srv.api("POST", "/api/windows/5/no-show", token=clerk)
    srv.api("POST", "/api/windows/5/call-next", token=clerk)
    srv.api("POST", "/api/windows/5/transfer", {"queue": "B"}, token=clerk)
    st, report = srv.api("GET", "/api/stats/daily", token=auditor)
    assert st == 200 and report["reconciles"] is True
    a = next(q for q in report["queues"] if q["queue"] == "A")
    b = next(q for q in report["queues"] if q["queue"] == "B")
    assert (a["issued"], a["served"], a["no_show"], a["transferred"]) == (3, 1, 1, 1)
    assert (b["issued"], b["transferred_in"], b["open"]) == (1, 1, 2)
    st, text = srv.api("GET", "/api/stats/daily.csv", token=auditor)
    assert st == 200 and text.splitlines()[0].startswith("date,queue,name,issued")
    assert any(line.split(",")[1:5] == ["A", "综合受理", "3", "0"] for line in text.splitlines())

"""Login as a stranger tries it: throttling and lockout, the same answer for known and unknown names,
logout and revocation, no login names in public views, ``next=`` kept on this server (findings 8, 9, 11)."""
from __future__ import annotations

import json
import os
import re
import subprocess
from collections.abc import Callable

import pytest

from tests.hall_app import PASSWORD, HallApp


def login(hall: HallApp, name: str, password: str) -> tuple[int, dict[str, object]]:
    st, body = hall.api("POST", "/api/auth/login", {"username": name, "password": password})
    return st, body


def test_wrong_passwords_lock_the_name_with_a_clear_429(open_hall: Callable[..., HallApp]) -> None:
    hall = open_hall()
    hall.staff("wang", "clerk", 1)
    answers = [login(hall, "wang", f"guess-{i}") for i in range(5)]
    assert [st for st, _ in answers] == [401] * 5
    st, body = login(hall, "wang", PASSWORD)  # the right password, too late: locked
    assert st == 429
    err = body["error"]
    assert isinstance(err, dict) and err["code"] == "too_many_attempts"
    assert re.search(r"密码错误次数过多，请 \d+ 分钟后再试", str(err["message"]))
    assert "too many wrong passwords" in str(err["message"])
    assert login(hall, "li", "whatever-1")[0] == 401  # another name is not locked by wang's lock


def test_one_address_trying_many_names_waits(open_hall: Callable[..., HallApp]) -> None:
    hall = open_hall(HALL_SERVER__LOGIN_MAX_FAILURES_PER_CLIENT="6")
    hall.staff("boss", "manager")
    assert [login(hall, f"user{i}", "nope-nope")[0] for i in range(6)] == [401] * 6
    assert login(hall, "boss", PASSWORD)[0] == 429


def test_known_and_unknown_names_get_the_same_answer(open_hall: Callable[..., HallApp]) -> None:
    hall = open_hall()
    hall.staff("wang", "clerk", 1)
    known, unknown = login(hall, "wang", "wrong-pass-1"), login(hall, "nobody-here", "wrong-pass-1")
    assert known == unknown == (401, {"error": {"code": "invalid_credentials",
                                                "message": "用户名或密码错误 (wrong username or password)"}})
    for _ in range(4):
        login(hall, "wang", "wrong-pass-1")
        login(hall, "nobody-here", "wrong-pass-1")
    assert login(hall, "wang", "x-wrong-x")[1] == login(hall, "nobody-here", "x-wrong-x")[1]  # both locked alike


def test_logout_ends_the_token(open_hall: Callable[..., HallApp]) -> None:
    hall = open_hall()
    token = hall.staff("boss", "manager")
    assert hall.api("GET", "/api/auth/me", token=token)[0] == 200
    assert hall.api("POST", "/api/auth/logout", token=token) == (204, None)
    st, err = hall.api("GET", "/api/auth/me", token=token)
    assert st == 401 and err["error"]["code"] == "invalid_token"
    assert hall.api("PUT", "/api/hall/notice", {"text": "x"}, token=token)[0] == 401
    assert hall.api("POST", "/api/auth/logout")[0] == 401
    assert login(hall, "boss", PASSWORD)[0] == 200  # a new login works


@pytest.mark.parametrize("change", ["deactivate", "move", "new_password"])
def test_deactivating_or_moving_a_clerk_ends_their_tokens(open_hall: Callable[..., HallApp], change: str) -> None:
    hall = open_hall()
    token = hall.staff("wang", "clerk", 1)
    assert hall.api("POST", "/api/windows/1/open", token=token)[0] == 200
    assert hall.runtime is not None
    if change == "deactivate":
        hall.runtime.staff.set_active("wang", False)
    elif change == "move":
        hall.runtime.staff.add("wang", PASSWORD, "clerk", 2, replace=True)
    else:
        hall.runtime.staff.add("wang", "Another-pass-2", "clerk", 1, replace=True)
    st, err = hall.api("POST", "/api/windows/1/pause", token=token)
    assert st == 401 and err["error"]["code"] == "invalid_token"
    with hall.client.websocket_connect("/api/live") as ws:  # type: ignore[union-attr]
        ws.send_text(json.dumps({"hall": True, "token": token}))
        assert {"type": "error", "code": "invalid_token"} in [ws.receive_json() for _ in range(2)]


def test_login_names_are_not_public(open_hall: Callable[..., HallApp]) -> None:
    hall = open_hall()
    clerk = hall.staff("wang.clerk", "clerk", 1)
    hall.api("POST", "/api/windows/1/open", token=clerk)
    st, snap = hall.api("GET", "/api/hall")
    assert st == 200 and "wang.clerk" not in json.dumps(snap, ensure_ascii=False)
    assert "wang.clerk" not in json.dumps(hall.api("GET", "/api/windows/1")[1])
    with hall.client.websocket_connect("/api/live") as ws:  # type: ignore[union-attr]
        ws.send_text(json.dumps({"hall": True}))
        msg = ws.receive_json()
        assert msg["type"] == "hall" and "wang.clerk" not in json.dumps(msg, ensure_ascii=False)
    # staff still see who works where
    w1 = next(w for w in hall.api("GET", "/api/hall", token=clerk)[1]["windows"] if w["number"] == 1)
    assert w1["clerk"] == "wang.clerk"


def _next_of(html: str) -> str:
    data = re.search(r'<script id="page-data" type="application/json">(.*?)</script>', html, re.S)
    assert data is not None
    return str(json.loads(data.group(1))["next"])


@pytest.mark.parametrize("asked,kept", [
    ("/\\evil.example/phish", ""), ("/\\evil.example", ""), ("//evil.example/x", ""), ("https://evil.example", ""),
    ("javascript:alert(1)", ""), ("/%2F%2Fevil.example", ""), ("/%09/evil.example", ""), ("evil.example", ""),
    ("/window/3", "/window/3"), ("/report?date=2026-12-01", "/report?date=2026-12-01")])
def test_next_after_login_stays_on_this_server(open_hall: Callable[..., HallApp], asked: str, kept: str) -> None:
    hall = open_hall()
    assert hall.client is not None
    r = hall.client.get("/login", params={"next": asked})
    assert r.status_code == 200 and _next_of(r.text) == kept


def test_hallctl_staff_disable_logs_the_clerk_out_of_the_running_server(
        open_hall: Callable[..., HallApp], hallctl: Callable[..., subprocess.CompletedProcess[str]]) -> None:
    hall = open_hall()
    token = hall.staff("wang", "clerk", 1)
    env = {**os.environ, "HALL_DATABASE_URL": hall.settings.server.database_url}
    r = hallctl("staff", "disable", "wang", env=env)
    assert r.returncode == 0 and "disabled" in r.stdout, r.stderr
    assert hall.api("POST", "/api/windows/1/open", token=token)[0] == 401
    assert login(hall, "wang", PASSWORD)[0] == 401
    assert hallctl("staff", "disable", "wang", "--enable", env=env).returncode == 0
    assert login(hall, "wang", PASSWORD)[0] == 200

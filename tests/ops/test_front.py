"""The HTTPS front (nginx on the configuration ``hallctl install --role server`` renders) in front of a real
hall server: TLS, the redirect from plain HTTP, the body limit, login throttling, the WebSocket, and a
thousand clients that never finish their request headers while the hall goes on being answered."""
from __future__ import annotations

import json
import resource
import shutil
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.ops._front import FrontProcess, close_all, nginx_binary, open_slow_clients, still_open
from tests.peers import HALLCTL, Broker, ServerProcess, hall_env
from tests.waiting import eventually

pytestmark = [pytest.mark.peer, pytest.mark.skipif(nginx_binary() is None, reason="nginx is not installed")]

HEADER_TIMEOUT_S = 8


@pytest.fixture(scope="module")
def hall(tmp_path_factory: pytest.TempPathFactory, broker: Broker) -> Iterator[tuple[ServerProcess, FrontProcess]]:
    """One hall server (on loopback) and its front for the module; each test uses its own routes."""
    work = tmp_path_factory.mktemp("front")
    srv = ServerProcess(hall_env(work, broker.url), work)
    srv.start()
    front = FrontProcess(work / "nginx", srv.port, header_timeout_s=HEADER_TIMEOUT_S, max_body_kb=1024,
                         login_per_minute=10, login_burst=3, tickets_burst=5)
    try:
        front.start()
        yield srv, front
    finally:
        front.stop()
        srv.stop()


def test_the_hall_answers_over_https_with_a_checked_certificate_and_security_headers(
        hall: tuple[ServerProcess, FrontProcess]) -> None:
    _srv, front = hall
    status, headers, body = front.request("GET", "/api/hall")
    assert status == 200 and "windows" in json.loads(body)
    assert headers.get_all("X-Content-Type-Options") == ["nosniff"]
    assert headers.get_all("X-Frame-Options") == ["DENY"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["Strict-Transport-Security"].startswith("max-age=")
    assert "nginx/" not in (headers.get("Server") or ""), "the front does not say its version"
    status, _, page = front.request("GET", "/login")
    assert status == 200 and b"<html" in page.lower()


def test_plain_http_is_sent_to_https(hall: tuple[ServerProcess, FrontProcess]) -> None:
    _, front = hall
    status, headers, _ = front.request("GET", "/api/hall?x=1", https=False)
    assert status == 301
    assert headers["Location"] == f"https://127.0.0.1:{front.https_port}/api/hall?x=1"


def test_a_body_over_the_limit_is_refused_with_413_in_the_contract_shape(
        hall: tuple[ServerProcess, FrontProcess]) -> None:
    srv, front = hall
    before = srv.api("GET", "/api/hall")[1]
    big = json.dumps({"queue": "A", "holder": "x" * (2 * 1024 * 1024)}).encode()
    status, _, raw = front.request("POST", "/api/tickets", big)
    body = json.loads(raw)
    assert status == 413
    assert body["error"]["code"] == "too_large" and "过大" in body["error"]["message"]
    assert srv.api("GET", "/api/hall")[1]["queues"] == before["queues"], "no ticket was issued"
    status, body = front.json("POST", "/api/tickets", {"queue": "A"})
    assert status in (200, 201, 403), body  # a small body goes through to the server (which decides)


def test_a_burst_of_logins_from_one_address_is_throttled(hall: tuple[ServerProcess, FrontProcess]) -> None:
    _, front = hall
    answers = [front.json("POST", "/api/auth/login", {"username": "nobody", "password": f"guess-{i}"})
               for i in range(20)]
    statuses = [s for s, _ in answers]
    assert statuses[0] in (401, 403), answers[0]  # the first tries reach the server
    throttled = [b for s, b in answers if s == 429 and isinstance(b, dict)
                 and b["error"]["code"] == "too_many_requests"]
    assert len(throttled) >= 20 - 1 - 3 - 2, statuses  # rate 10/min, burst 3: the front answers the rest
    assert "稍后" in throttled[0]["error"]["message"]
    status, _, _ = front.request("GET", "/api/hall")
    assert status == 200, "other routes are not throttled by the login limit"


def test_a_burst_of_tickets_from_one_address_is_throttled(hall: tuple[ServerProcess, FrontProcess]) -> None:
    _, front = hall
    answers = [front.json("POST", "/api/tickets", {"queue": "B"}) for _ in range(30)]
    statuses = [s for s, _ in answers]
    assert statuses[0] != 429 and statuses.count(429) >= 30 - 1 - 5 - 2, statuses  # 60/min, burst 5
    assert all(b["error"]["code"] == "too_many_requests" for s, b in answers if s == 429)
    assert front.json("GET", "/api/tickets/B001")[0] != 429, "reading a ticket is not issuing one"


def test_the_live_websocket_passes_through_the_front(hall: tuple[ServerProcess, FrontProcess]) -> None:
    from websockets.sync.client import connect

    _, front = hall
    with connect(f"wss://127.0.0.1:{front.https_port}/api/live", ssl=front.tls(), open_timeout=10) as ws:
        ws.send(json.dumps({"hall": True}))
        message = json.loads(ws.recv(timeout=10))
    assert message["type"] == "hall" and "windows" in message["data"]


@pytest.mark.timeout(120)
def test_a_thousand_clients_that_never_finish_their_headers_do_not_stop_the_hall(
        hall: tuple[ServerProcess, FrontProcess]) -> None:
    srv, front = hall
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < 1500:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(4096, hard), hard))
    started = time.monotonic()
    slow = open_slow_clients(front.https_port, 1000, front.tls())
    try:
        opened_in = time.monotonic() - started
        assert opened_in < HEADER_TIMEOUT_S - 1, f"opening took {opened_in:.1f} s: the test would not hold"
        t0 = time.monotonic()
        status, _, body = front.request("GET", "/api/hall", timeout=5)
        took = time.monotonic() - t0
        assert status == 200 and "windows" in json.loads(body)
        assert front.json("GET", "/api/tickets/A999")[0] == 404  # and a second request, a route of the server
        assert time.monotonic() - started < HEADER_TIMEOUT_S, "the slow clients were still within their time"
        assert still_open(slow) == 1000, f"all thousand were still waiting while GET /api/hall took {took:.3f} s"
        assert srv.api("GET", "/api/hall")[0] == 200
        eventually(lambda: still_open(slow) == 0, HEADER_TIMEOUT_S + 10,
                   "the front drops clients that do not finish their headers in time")
    finally:
        close_all(slow)


def test_the_server_itself_closes_idle_connections_and_bounds_how_many_it_holds(tmp_path: Path,
                                                                                broker: Broker) -> None:
    srv = ServerProcess(hall_env(tmp_path, broker.url, HALL_SERVER__HTTP_KEEPALIVE_S="1",
                                 HALL_SERVER__HTTP_MAX_CONNECTIONS="20"), tmp_path)
    srv.start()
    idle: list[socket.socket] = []
    try:
        kept = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
        kept.sendall(b"GET /healthz HTTP/1.1\r\nHost: hall\r\n\r\n")
        assert kept.recv(4096).startswith(b"HTTP/1.1 200")
        t0 = time.monotonic()
        kept.settimeout(10)
        while kept.recv(4096):
            pass
        assert time.monotonic() - t0 < 3, "an idle kept-alive connection is closed after http_keepalive_s (1 s)"
        kept.close()
        idle = [socket.create_connection(("127.0.0.1", srv.port), timeout=5) for _ in range(25)]
        status = eventually(lambda: srv.api("GET", "/api/hall")[0], 5)
        assert status == 503, "above http_max_connections new requests are refused, not queued"
        close_all(idle)
        idle = []
        eventually(lambda: srv.api("GET", "/api/hall")[0] == 200, 10, "answered again once they are gone")
    finally:
        close_all(idle)
        srv.stop()


def test_install_lays_out_the_front_and_keeps_the_server_on_loopback(
        tmp_path: Path, hallctl: Callable[..., subprocess.CompletedProcess[str]]) -> None:
    r = hallctl("install", "--role", "server", "--root", str(tmp_path), timeout=60)
    assert r.returncode == 0, r.stderr
    units = tmp_path / "etc/systemd/system"
    server_unit = (units / "hall-server.service").read_text()
    assert "--host 127.0.0.1" in server_unit and "LimitNOFILE=" in server_unit
    front_unit = (units / "hall-front.service").read_text()
    assert "-c /etc/hall/front/nginx.conf" in front_unit and "FRONT_CONF" not in front_unit
    conf = (tmp_path / "etc/hall/front/nginx.conf").read_text()
    for needed in ("ssl_certificate /etc/hall/tls/hall.crt", "client_header_timeout", "client_body_timeout",
                   "client_max_body_size", "limit_req zone=hall_login", "proxy_pass http://127.0.0.1:8080",
                   "proxy_set_header Upgrade"):
        assert needed in conf, needed
    key = tmp_path / "etc/hall/tls/hall.key"
    assert key.stat().st_mode & 0o777 == 0o600
    cert = (tmp_path / "etc/hall/tls/hall.crt").read_bytes()
    assert b"BEGIN CERTIFICATE" in cert
    if shutil.which("systemd-analyze"):
        v = subprocess.run(["systemd-analyze", "verify", str(units / "hall-front.service")], capture_output=True,
                           text=True, timeout=60)
        assert v.returncode == 0 and not v.stdout.strip() and not v.stderr.strip(), v.stdout + v.stderr
    again = hallctl("install", "--role", "server", "--root", str(tmp_path), timeout=60)
    assert again.returncode == 0 and "hall.crt: kept" in again.stdout
    assert (tmp_path / "etc/hall/tls/hall.crt").read_bytes() == cert, "an existing certificate is kept"
    plain = tmp_path / "plain"
    r = hallctl("install", "--role", "server", "--root", str(plain), "--no-front", timeout=60)
    assert r.returncode == 0, r.stderr
    assert not (plain / "etc/systemd/system/hall-front.service").exists()
    assert "--host" not in (plain / "etc/systemd/system/hall-server.service").read_text()


def test_doctor_reports_the_front(hall: tuple[ServerProcess, FrontProcess]) -> None:
    srv, front = hall
    s = front.settings
    env = {**srv.env, "HALL_FRONT__HTTPS_PORT": str(s.https_port), "HALL_FRONT__HTTP_PORT": str(s.http_port),
           "HALL_FRONT__CONF_DIR": s.conf_dir, "HALL_FRONT__CERT_FILE": s.cert_file,
           "HALL_FRONT__KEY_FILE": s.key_file}
    r = subprocess.run([HALLCTL, "doctor"], env=env, capture_output=True, text=True, timeout=60)
    line = next((ln for ln in r.stdout.splitlines() if "https front" in ln), "")
    assert line.startswith("ok") and f"127.0.0.1:{s.https_port} answers (TLSv1." in line, r.stdout
    front.stop()
    try:
        r = subprocess.run([HALLCTL, "doctor"], env=env, capture_output=True, text=True, timeout=60)
        line = next((ln for ln in r.stdout.splitlines() if "https front" in ln), "")
        assert line.startswith("FAIL") and "hall-front" in line and r.returncode == 1, r.stdout
    finally:
        front.start()

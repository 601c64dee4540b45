"""The systemd units and the server's side of the notify protocol (READY, WATCHDOG)."""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.peers import HALLCTL, Broker, ServerProcess, hall_env

ROLES = {"server": ["hall-server.service", "hall-uplink.service"], "kiosk": ["hall-kiosk.service"],
         "display": ["hall-display.service", "hall-window-bridge.service"]}


@pytest.mark.parametrize("role", list(ROLES))
def test_install_lays_out_units_that_systemd_accepts(tmp_path: Path, role: str,
                                                    hallctl: Callable[..., subprocess.CompletedProcess[str]]) -> None:
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed")
    r = hallctl("install", "--role", role, "--root", str(tmp_path), timeout=60)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "etc/hall/hall.toml").exists()
    for unit in ROLES[role]:
        path = tmp_path / "etc/systemd/system" / unit
        text = path.read_text()
        for needed in ("Type=notify", "WatchdogSec=", "Restart=on-failure", "ProtectSystem=strict", "PrivateTmp=yes",
                       "NoNewPrivileges=yes", "ReadWritePaths=", "--config /etc/hall/hall.toml", "User=hall"):
            assert needed in text, f"{unit} lacks {needed}"
        assert f"ExecStart={Path(HALLCTL).resolve()}" in text
        v = subprocess.run(["systemd-analyze", "verify", str(path)], capture_output=True, text=True, timeout=60)
        assert v.returncode == 0 and not v.stdout.strip() and not v.stderr.strip(), v.stdout + v.stderr
    again = hallctl("install", "--role", role, "--root", str(tmp_path), timeout=60)
    assert again.returncode == 0 and "hall.toml: kept" in again.stdout


def test_server_tells_systemd_it_is_ready_and_pings_the_watchdog(tmp_path: Path, broker: Broker) -> None:
    sock_path = tmp_path / "notify.sock"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(str(sock_path))
    listener.settimeout(20)
    env = hall_env(tmp_path, broker.url, NOTIFY_SOCKET=str(sock_path), WATCHDOG_USEC="1000000",
                   INVOCATION_ID="0123456789abcdef")
    srv = ServerProcess(env, tmp_path)
    try:
        srv.start()
        got: list[str] = []
        end = time.monotonic() + 20
        while time.monotonic() < end and got.count("WATCHDOG=1") < 2:
            got += listener.recv(4096).decode().splitlines()
        assert "READY=1" in got and got.index("READY=1") < got.index("WATCHDOG=1")
        assert got.count("WATCHDOG=1") >= 2
        srv.stop()
        listener.settimeout(5)
        tail = listener.recv(4096).decode()
        while "STOPPING=1" not in tail:
            tail = listener.recv(4096).decode()
        assert "STOPPING=1" in tail
        lines = [ln for ln in (tmp_path / "server.log").read_text().splitlines() if ln.strip()]
        assert lines and all(json.loads(ln)["level"] in ("debug", "info", "warning", "error") for ln in lines), \
            "under systemd every log line is one JSON object"
    finally:
        srv.stop()
        listener.close()


@pytest.mark.timeout(90)
@pytest.mark.parametrize("app,args", [("display", ["--windowed", "--no-voice"]),
                                      ("kiosk", ["--windowed", "--size", "540x960"])])
def test_the_screen_apps_tell_systemd_when_their_ui_runs(tmp_path: Path, broker: Broker, app: str,
                                                         args: list[str]) -> None:
    sock_path = tmp_path / "notify.sock"
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(str(sock_path))
    listener.settimeout(60)
    env = {k: v for k, v in hall_env(tmp_path, broker.url).items() if k != "DISPLAY"}
    env.update(NOTIFY_SOCKET=str(sock_path), WATCHDOG_USEC="2000000", SDL_VIDEODRIVER="offscreen",
               KIVY_HOME=str(tmp_path / "kivy"), HALL_DISPLAY__CACHE_DIR=str(tmp_path / "speech"),
               HALL_KIOSK__GATEWAY_DB=str(tmp_path / "gateway.db"))
    with open(tmp_path / f"{app}.log", "ab") as log:
        proc = subprocess.Popen([HALLCTL, app, *args], env=env, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
    try:
        got: list[str] = []
        while got.count("WATCHDOG=1") < 2:
            got += listener.recv(4096).decode().splitlines()
        assert got.index("READY=1") < got.index("WATCHDOG=1")
        proc.terminate()
        proc.wait(30)
        listener.settimeout(5)
        while "STOPPING=1" not in got:
            got += listener.recv(4096).decode().splitlines()
    finally:
        if proc.poll() is None:
            proc.kill()
        listener.close()

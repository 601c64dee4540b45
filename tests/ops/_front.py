"""The hall server's HTTPS front as a peer: Debian's nginx on the configuration ``hallctl install`` renders,
with its own folders and free ports under a work folder (no root needed), and clients that never finish."""
from __future__ import annotations

import contextlib
import getpass
import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
from pathlib import Path
from typing import Any

from hallctl.front import NGINX, FrontSettings, ensure_certificate, write_config
from tests.peers import free_port, wait_port

#: the part of a request a slow client sends before it stops (headers never finished)
SLOW_START = b"GET /api/hall HTTP/1.1\r\nHost: hall\r\nUser-Agent: slow\r\nX-Wait: "


def nginx_binary() -> str | None:
    found = shutil.which("nginx") or NGINX
    return found if Path(found).exists() else None


class FrontProcess:
    """nginx in front of a server on loopback ``upstream_port``; ``overrides`` are ``[front]`` keys."""

    def __init__(self, workdir: Path, upstream_port: int, **overrides: Any) -> None:
        binary = nginx_binary()
        if binary is None:
            raise RuntimeError("nginx is not installed (make test installs it)")
        self.binary = binary
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.https_port, self.http_port = free_port(), free_port()
        self.settings = FrontSettings(
            https_port=self.https_port, http_port=self.http_port, cert_file=str(workdir / "tls/hall.crt"),
            key_file=str(workdir / "tls/hall.key"), conf_dir=str(workdir / "conf"),
            state_dir=str(workdir / "state"), run_dir=str(workdir), user=getpass.getuser(), **overrides)
        ensure_certificate(self.settings, names=["localhost", "127.0.0.1"])
        self.conf = write_config(self.settings, upstream_port)
        self.proc: subprocess.Popen[bytes] | None = None
        self.base = f"https://127.0.0.1:{self.https_port}"

    def start(self) -> FrontProcess:
        log = open(self.workdir / "nginx.log", "ab")  # noqa: SIM115 (lives with the process)
        self.proc = subprocess.Popen([self.binary, "-c", str(self.conf), "-p", self.settings.state_dir,
                                      "-g", "daemon off;"], stdout=log, stderr=log, start_new_session=True)
        if not wait_port(self.https_port, 10):
            self.stop()
            raise RuntimeError("nginx did not start:\n" + (self.workdir / "nginx.log").read_text()[-2000:])
        return self

    def stop(self) -> None:
        if self.proc is not None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
            self.proc = None

    def tls(self) -> ssl.SSLContext:
        """A client context that trusts the front's (self-signed) certificate and checks its name."""
        return ssl.create_default_context(cafile=self.settings.cert_file)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None,
                timeout: float = 10.0, https: bool = True) -> tuple[int, http.client.HTTPMessage, bytes]:
        conn: http.client.HTTPConnection
        if https:
            conn = http.client.HTTPSConnection("127.0.0.1", self.https_port, timeout=timeout, context=self.tls())
        else:
            conn = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=timeout)
        try:
            conn.request(method, path, body=body, headers={"content-type": "application/json", **(headers or {})})
            r = conn.getresponse()
            return r.status, r.headers, r.read()
        finally:
            conn.close()

    def json(self, method: str, path: str, body: Any = None, **kw: Any) -> tuple[int, Any]:
        status, _, raw = self.request(method, path, None if body is None else json.dumps(body).encode(), **kw)
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw.decode(errors="replace")


def open_slow_clients(port: int, count: int, context: ssl.SSLContext | None,
                      source: str = "127.0.0.1") -> list[socket.socket]:
    """``count`` connections that never finish a request: every other one stays silent in the TLS handshake,
    the others finish TLS and send the start of a request's headers (as slowloris does); all stay open."""
    socks: list[socket.socket] = []
    try:
        for i in range(count):
            raw = socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(source, 0))
            if context is None or i % 2 == 0:
                if context is None:
                    raw.sendall(SLOW_START)
                socks.append(raw)
                continue
            tls = context.wrap_socket(raw, server_hostname="127.0.0.1")
            tls.sendall(SLOW_START)
            socks.append(tls)
    except BaseException:
        close_all(socks)
        raise
    return socks


def still_open(socks: list[socket.socket]) -> int:
    """How many of ``socks`` the server has not closed (a closed one reads end-of-file or an error)."""
    n = 0
    for s in socks:
        try:
            s.setblocking(False)
            s.recv(1)  # end-of-file, or an answer: either way no longer a waiting slow client
        except (BlockingIOError, ssl.SSLWantReadError):
            n += 1
        except OSError:
            pass
    return n


def close_all(socks: list[socket.socket]) -> None:
    for s in socks:
        with contextlib.suppress(OSError):
            s.close()

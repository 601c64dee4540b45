"""Real peers for the tests: a Mosquitto broker of our own, PostgreSQL databases, hall servers.

Nothing here is a mock: the broker is the Debian ``mosquitto`` binary on a free loopback
port, the database is a real SQLite file or a fresh PostgreSQL database, and a server is
``hallctl server`` in its own process (or uvicorn in a thread where the test needs the
server's objects).
"""
from __future__ import annotations

import getpass
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from tests.waiting import within

ROOT = Path(__file__).resolve().parent.parent
HALLCTL = str(Path(sys.executable).parent / "hallctl")
PG_ADMIN_URL = os.environ.get("HALL_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def wait_port(port: int, timeout: float = 10.0) -> bool:
    return within(lambda: port_open(port), timeout)


class Broker:
    """A Mosquitto of our own on a free port (restartable, same port)."""

    def __init__(self, workdir: Path, extra_conf: str = "", conf_text: str | None = None,
                 port: int | None = None) -> None:
        """``conf_text`` replaces the default open configuration (it must name ``port``)."""
        if shutil.which("mosquitto") is None and not Path("/usr/sbin/mosquitto").exists():
            raise RuntimeError("mosquitto is not installed (make test installs it)")
        self.binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
        self.port = port or free_port()
        self.workdir = workdir
        self.conf = workdir / "mosquitto.conf"
        default = (f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
                   f"max_queued_messages 100000\nset_tcp_nodelay true\n")  # as the provisioned broker
        self.conf.write_text((conf_text or default) + f"user {getpass.getuser()}\n{extra_conf}")
        self.proc: subprocess.Popen[bytes] | None = None
        self.url = f"mqtt://127.0.0.1:{self.port}"

    def start(self) -> None:
        log = open(self.workdir / "mosquitto.log", "ab")  # noqa: SIM115 (lives with the process)
        self.proc = subprocess.Popen([self.binary, "-c", str(self.conf)], stdout=log, stderr=log)
        if not wait_port(self.port, 10):
            raise RuntimeError(f"mosquitto did not start on {self.port}")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            self.proc.wait(10)
            self.proc = None

    def restart(self, down_s: float = 0.0) -> None:
        self.stop()
        time.sleep(down_s)
        self.start()


@dataclass
class Collector:
    """A subscriber that keeps every message it receives; ready (subscribed) when constructed."""

    url: str
    topics: tuple[str, ...]
    messages: list[tuple[str, bytes, bool, float]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._cond = threading.Condition(self._lock)
        ready = threading.Event()
        self.client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"test-{uuid.uuid4().hex[:8]}")
        self.client.on_message = self._on_message

        def on_connect(c: mqtt.Client, *_: Any) -> None:  # again after a broker restart
            if self.topics:
                c.subscribe([(t, 1) for t in self.topics])
            else:
                ready.set()

        self.client.on_connect = on_connect
        self.client.on_subscribe = lambda *_: ready.set()
        port = int(self.url.rsplit(":", 1)[1])
        self.client.connect("127.0.0.1", port)
        self.client.loop_start()
        if not ready.wait(10):
            self.close()
            raise RuntimeError(f"the broker at {self.url} did not take the subscription to {self.topics}")

    def _on_message(self, _c: Any, _u: Any, msg: mqtt.MQTTMessage) -> None:
        with self._cond:
            self.messages.append((msg.topic, msg.payload, bool(msg.retain), time.monotonic()))
            self._cond.notify_all()

    def json(self, topic: str) -> list[dict[str, Any]]:
        with self._lock:
            return [json.loads(p) for t, p, _, _ in self.messages if t == topic]

    def wait_for(self, pred: Callable[[list[tuple[str, bytes, bool, float]]], bool], timeout: float = 5.0) -> bool:
        end = time.monotonic() + timeout
        with self._cond:
            while not pred(self.messages):
                left = end - time.monotonic()
                if left <= 0:
                    return False
                self._cond.wait(left)
            return True

    def wait_topic(self, topic: str, timeout: float = 5.0, count: int = 1) -> list[dict[str, Any]]:
        self.wait_for(lambda ms: sum(1 for t, *_ in ms if t == topic) >= count, timeout)
        return self.json(topic)

    def publish(self, topic: str, payload: bytes | str, qos: int = 1, retain: bool = False) -> None:
        self.client.publish(topic, payload, qos=qos, retain=retain).wait_for_publish(5)

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


def http(method: str, url: str, body: Any = None, token: str | None = None, raw: bytes | None = None,
         timeout: float = 10.0, headers: dict[str, str] | None = None) -> tuple[int, Any]:
    data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            text = r.read().decode()
            if "json" not in r.headers.get("content-type", "json"):
                return r.status, text
            return r.status, (json.loads(text) if text else None)
    except urllib.error.HTTPError as e:
        text = e.read().decode()
        try:
            return e.code, json.loads(text)
        except ValueError:
            return e.code, text


class ServerProcess:
    """``hallctl server`` in its own process group, as the systemd unit runs it."""

    def __init__(self, env: dict[str, str], workdir: Path) -> None:
        self.env = env
        self.workdir = workdir
        self.port = int(env["HALL_HTTP_PORT"])
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def hall_id(self) -> str:
        return self.env["HALL_ID"]

    @property
    def mqtt_url(self) -> str:
        return self.env["HALL_MQTT_URL"]

    def start(self, timeout: float = 20.0) -> None:
        log = open(self.workdir / "server.log", "ab")  # noqa: SIM115 (lives with the process)
        self.proc = subprocess.Popen([HALLCTL, "server"], env=self.env, stdout=log, stderr=subprocess.STDOUT,
                                     cwd=ROOT, start_new_session=True)
        proc = self.proc

        def answers() -> bool:
            if proc.poll() is not None:
                raise RuntimeError("server exited:\n" + (self.workdir / "server.log").read_text()[-3000:])
            try:
                return http("GET", self.base + "/api/hall", timeout=1)[0] == 200
            except OSError:
                return False

        if not within(answers, timeout):
            raise RuntimeError("server did not answer:\n" + (self.workdir / "server.log").read_text()[-3000:])

    def kill(self) -> None:
        if self.proc is not None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
            self.proc = None

    def stop(self) -> None:
        if self.proc is not None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
            self.proc = None

    def staff(self, name: str, role: str, window: int | None = None, password: str = "Test-pass-1") -> str:
        args = [HALLCTL, "staff", "add", name, "--role", role, "--password-stdin", "--replace"]
        if window is not None:
            args += ["--window", str(window)]
        subprocess.run(args, env=self.env, input=password + "\n", text=True, check=True, cwd=ROOT,
                       capture_output=True)
        status, body = http("POST", self.base + "/api/auth/login", {"username": name, "password": password})
        assert status == 200, body
        return str(body["access_token"])

    def api(self, method: str, path: str, body: Any = None, token: str | None = None,
            raw: bytes | None = None, tablet: str | None = None) -> tuple[int, Any]:
        """``tablet``: a paired rating tablet's token (header ``X-Rating-Tablet``)."""
        return http(method, self.base + path, body, token, raw, headers={"x-rating-tablet": tablet} if tablet else None)


@contextmanager
def fresh_database(pg_admin: Any) -> Iterator[str]:
    """A fresh PostgreSQL database (its URL), dropped afterwards; ``pg_admin`` is an autocommit connection."""
    name = "hall_test_" + uuid.uuid4().hex[:10]
    pg_admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    finally:
        pg_admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def hall_env(workdir: Path, broker_url: str, db_url: str | None = None, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "HALL_CONFIG": str(ROOT / "config" / "hall.toml"),
        "HALL_ID": "t" + uuid.uuid4().hex[:8],
        "HALL_DATABASE_URL": db_url or f"sqlite:///{workdir}/hall.db",
        "HALL_MQTT_URL": broker_url,
        "HALL_HTTP_HOST": "127.0.0.1",
        "HALL_HTTP_PORT": str(free_port()),
        # tests issue many tickets from one address without a token (the limit has tests of its own)
        "HALL_SERVER__ANONYMOUS_ISSUE_BURST": "1000000",
    })
    env.update(extra)
    return env

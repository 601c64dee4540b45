"""The queue server in the test process: FastAPI's app and its runtime, called through Starlette's
TestClient with the app's lifespan, for the API tests that need no process of their own.

``mqtt_url=None`` runs the runtime without its MQTT link (no broker: the pure tier); with a broker's URL
the runtime publishes and answers RPCs there as ``hallctl server`` does. The interface is that of
:class:`tests.peers.ServerProcess` (``api``, ``staff``, ``start``, ``stop``), so a test reads the same either way.
"""
from __future__ import annotations

import uuid
import warnings
from pathlib import Path
from typing import Any

with warnings.catch_warnings():  # starlette asks for httpx2, which this project does not use
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

from hall_contract.protocol import Topics
from queue_server.app import create_app
from queue_server.runtime import HallRuntime
from queue_server.settings import Settings, load_settings
from tests.peers import ROOT, Collector

PASSWORD = "Test-pass-1"
#: tests issue many tickets from one address without a token: the anonymous limit is for the tests that test it
TEST_LIMITS = {"HALL_SERVER__ANONYMOUS_ISSUE_BURST": "1000000"}


def hall_settings(db_url: str, mqtt_url: str | None = None, **extra: str) -> Settings:
    """The sample hall under a hall id of its own, on ``db_url`` (``HALL_*`` overrides in ``extra``)."""
    env = {"HALL_ID": "t" + uuid.uuid4().hex[:8], "HALL_DATABASE_URL": db_url, **TEST_LIMITS, **extra}
    if mqtt_url is not None:
        env["HALL_MQTT_URL"] = mqtt_url
    return load_settings(ROOT / "config" / "hall.toml", env=env)


class HallApp:
    """The queue server's app in this process; ``start()`` runs its lifespan, ``stop()`` ends it."""

    def __init__(self, settings: Settings, mqtt: bool = True) -> None:
        self.settings = settings
        self.mqtt = mqtt
        self.hall_id = settings.hall.id
        self.runtime: HallRuntime | None = None
        self.client: TestClient | None = None

    @property
    def mqtt_url(self) -> str:
        return self.settings.server.mqtt_url

    @classmethod
    def on(cls, workdir: Path, db_url: str | None = None, mqtt_url: str | None = None, **extra: str) -> HallApp:
        """A hall on ``db_url`` (a SQLite file in ``workdir`` by default), with MQTT when ``mqtt_url`` is given."""
        settings = hall_settings(db_url or f"sqlite:///{workdir}/hall.db", mqtt_url, **extra)
        return cls(settings, mqtt=mqtt_url is not None)

    def start(self) -> HallApp:
        """Run the app's lifespan; with MQTT, until the server says ``online`` (so it has subscribed: the
        link subscribes before it publishes its status, on one connection)."""
        runtime = HallRuntime(self.settings)
        if not self.mqtt:
            runtime.start(mqtt=False)
            self.runtime, self.client = runtime, TestClient(create_app(runtime, manage_runtime=False))
            self.client.__enter__()
            return self
        status = Topics(self.hall_id).device_status(self.settings.server.device_id)
        seen = Collector(self.settings.server.mqtt_url, (status,))
        try:
            self.runtime, self.client = runtime, TestClient(create_app(runtime))  # the lifespan runs the runtime
            self.client.__enter__()
            online = seen.wait_for(lambda ms: any(b'"online"' in p and not retained for _, p, retained, _ in ms), 10)
            assert online, "the server did not come online on the broker"
        finally:
            seen.close()
        return self

    def stop(self) -> None:
        if self.client is not None:
            self.client.__exit__(None, None, None)
            self.client = None
        if self.runtime is not None and not self.mqtt:
            self.runtime.stop()
        self.runtime = None

    def api(self, method: str, path: str, body: Any = None, token: str | None = None,
            raw: bytes | None = None, tablet: str | None = None) -> tuple[int, Any]:
        """``(status, body)``: JSON decoded, other text as text, no content as ``None`` (as ``ServerProcess.api``);
        ``tablet``: a paired rating tablet's token."""
        assert self.client is not None, "not started"
        headers = {"content-type": "application/json"}
        if tablet:
            headers["x-rating-tablet"] = tablet
        if token:
            headers["authorization"] = f"Bearer {token}"
        r = self.client.request(method, path, content=raw, json=None if raw is not None else body, headers=headers)
        if not r.content:
            return r.status_code, None
        if "json" in r.headers.get("content-type", ""):
            return r.status_code, r.json()
        return r.status_code, r.text

    def staff(self, name: str, role: str, window: int | None = None, password: str = PASSWORD) -> str:
        """A staff account (straight into the database) and its login token."""
        assert self.runtime is not None, "not started"
        self.runtime.staff.add(name, password, role, window, replace=True)
        status, body = self.api("POST", "/api/auth/login", {"username": name, "password": password})
        assert status == 200, body
        return str(body["access_token"])

    def tablet(self, window: int) -> str:
        """Window ``window``'s rating tablet, paired by a manager: its token."""
        status, body = self.api("POST", f"/api/evaluations/{window}/pair", {}, token=self.staff("pairer", "manager"))
        assert status == 201, body
        return str(body["tablet_token"])

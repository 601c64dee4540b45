"""The queue server's app in this process on a clock the test sets (a scripted week), without a broker."""
from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

with warnings.catch_warnings():  # starlette asks for httpx2, which this project does not use
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

from queue_server.app import create_app
from queue_server.runtime import HallRuntime
from tests.hall_app import PASSWORD, hall_settings


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class ClockedHall:
    def __init__(self, runtime: HallRuntime, client: TestClient, clock: Clock) -> None:
        self.runtime, self.client, self.clock = runtime, client, clock

    def api(self, method: str, path: str, body: Any = None, token: str | None = None,
            tablet: str | None = None) -> tuple[int, Any]:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        if tablet:
            headers["x-rating-tablet"] = tablet
        r = self.client.request(method, path, json=body, headers=headers)
        if not r.content:
            return r.status_code, None
        return r.status_code, r.json() if "json" in r.headers.get("content-type", "") else r.text

    def tablet(self, n: int, manager_token: str) -> str:
        """Window ``n``'s rating tablet, paired by the manager with a code."""
        code = self.api("POST", f"/api/evaluations/{n}/pairing", {}, manager_token)[1]["code"]
        return str(self.api("POST", f"/api/evaluations/{n}/pair", {"code": code})[1]["tablet_token"])

    def staff(self, name: str, role: str, window: int | None = None) -> str:
        self.runtime.staff.add(name, PASSWORD, role, window, replace=True)
        status, body = self.api("POST", "/api/auth/login", {"username": name, "password": PASSWORD})
        assert status == 200, body
        return str(body["access_token"])


@contextmanager
def clocked_hall(tmp_path: Path, start: datetime, db: str | None = None, **env: str) -> Iterator[ClockedHall]:
    """The hall on ``db`` (a SQLite file in ``tmp_path`` by default) at ``start``; ``hall.clock.now`` moves it."""
    clock = Clock(start)
    runtime = HallRuntime(hall_settings(db or f"sqlite:///{tmp_path}/hall.db", **env), clock=clock)
    runtime.start(mqtt=False)
    client = TestClient(create_app(runtime, manage_runtime=False))
    client.__enter__()
    try:
        yield ClockedHall(runtime, client, clock)
    finally:
        client.__exit__(None, None, None)
        runtime.stop()

"""What the day-long report tests share: a clock the test sets, and the API as the hall's staff use it."""
from __future__ import annotations

import threading
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi.testclient import TestClient
    from httpx import Response

    from queue_server.runtime import HallRuntime


class SettableClock:
    """The server's clock, moved by the test; read from the server's threads too (behind a lock)."""

    def __init__(self, start: datetime) -> None:
        self.now = start
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self.now

    def set(self, now: datetime) -> None:
        with self._lock:
            self.now = now


class StaffApi:
    """The API through a test client, as staff logged in with :meth:`staff` (or a rating tablet) call it."""

    def __init__(self, client: TestClient, runtime: HallRuntime) -> None:
        self.client, self.runtime = client, runtime
        self.tokens: dict[str, str] = {}

    def staff(self, name: str, role: str, window: int | None = None) -> None:
        assert self.runtime.store is not None
        self.runtime.staff.add(name, "Test-pass-1", role, window)
        r = self.client.post("/api/auth/login", json={"username": name, "password": "Test-pass-1"})
        self.tokens[name] = r.json()["access_token"]

    def request(self, method: str, path: str, who: str | None, body: Any, tablet: str | None) -> Response:
        headers = {"authorization": f"Bearer {self.tokens[who]}"} if who else {}
        if tablet:
            headers["x-rating-tablet"] = tablet
        return self.client.request(method, path, json=body, headers=headers)


def answer(r: Response) -> Any:
    """The answer's JSON, or its text when it is not JSON (CSV, HTML)."""
    return r.json() if r.content and "json" in r.headers.get("content-type", "") else r.text

"""Browser tests: Playwright driving Debian's Chromium against a real ``hallctl server`` and Mosquitto.

One headless Chromium for the session (the ``chromium`` fixture in tests/conftest.py), a fresh browser
context (its own sessionStorage) per page.
Screenshots go to ``artifacts/screenshots/web-*.png`` for a person to look at.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from queue_server.store import StaffStore, make_engine
from tests.peers import ROOT, Broker, ServerProcess, hall_env, http

SHOTS = ROOT / "artifacts" / "screenshots"
PASSWORD = "Test-pass-1"


class WebHall:
    """A running server with helpers to add staff (straight into its database) and open pages."""

    def __init__(self, server: ServerProcess, browser: Any) -> None:
        self.server = server
        self.browser = browser
        self.base = server.base
        self.hall_id = server.env["HALL_ID"]
        self._staff = StaffStore(make_engine(server.env["HALL_DATABASE_URL"]))
        self._contexts: list[Any] = []
        self.js_errors: list[str] = []

    def staff(self, name: str, role: str, window: int | None = None) -> str:
        self._staff.add(name, PASSWORD, role, window, replace=True)
        status, body = http("POST", self.base + "/api/auth/login", {"username": name, "password": PASSWORD})
        assert status == 200, body
        return str(body["access_token"])

    def api(self, method: str, path: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
        return self.server.api(method, path, body, token)

    def page(self, width: int = 1400, height: int = 900) -> Any:
        ctx = self.browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
        self._contexts.append(ctx)
        page = ctx.new_page()
        page.set_default_timeout(8000)
        page.on("pageerror", lambda e: self.js_errors.append(str(e)))
        return page

    def login(self, page: Any, name: str, then: str | None = None) -> None:
        page.goto(self.base + "/login" + (f"?next={then}" if then else ""))
        page.fill("#username", name)
        page.fill("#password", PASSWORD)
        page.click("#login-submit")
        page.wait_for_url(lambda url: "/login" not in url)

    def close(self) -> None:
        for ctx in self._contexts:
            ctx.close()
        self._staff.engine.dispose()


@pytest.fixture
def web(tmp_path: Path, broker: Broker, chromium: Any) -> Iterator[Callable[..., WebHall]]:
    """``web(**env)`` starts a server with extra ``HALL_*`` settings and gives its :class:`WebHall`."""
    started: list[tuple[ServerProcess, WebHall]] = []

    def start(**env: str) -> WebHall:
        workdir = tmp_path / f"s{len(started)}"
        workdir.mkdir()
        server = ServerProcess(hall_env(workdir, broker.url, **env), workdir)
        server.start()
        hall = WebHall(server, chromium)
        started.append((server, hall))
        return hall

    yield start
    for server, hall in started:
        hall.close()
        server.stop()


def shot(page: Any, name: str, full_page: bool = True) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"web-{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path

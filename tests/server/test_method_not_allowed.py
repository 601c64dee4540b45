"""A method a path does not have answers 405 with every method the path does have in ``Allow``, also where
a path's GET and POST are separate routes."""
from __future__ import annotations

import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

with warnings.catch_warnings():  # starlette asks for httpx2, which this project does not use
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from fastapi.testclient import TestClient

from queue_server.app import create_app
from queue_server.runtime import HallRuntime
from queue_server.settings import load_settings
from tests.peers import ROOT


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = load_settings(ROOT / "config" / "hall.toml", env={
        "HALL_ID": "t" + uuid.uuid4().hex[:8], "HALL_DATABASE_URL": f"sqlite:///{tmp_path}/hall.db",
        "HALL_ADVISOR__ENABLED": "false"})
    runtime = HallRuntime(settings)
    runtime.start(mqtt=False)
    try:
        with TestClient(create_app(runtime, manage_runtime=False)) as c:
            yield c
    finally:
        runtime.stop()


def test_allow_names_every_method_of_the_path(client: TestClient) -> None:
    for method, path, allowed in [("OPTIONS", "/api/appointments", "GET, POST"),
                                  ("DELETE", "/api/appointments/slots", "GET, PUT"),
                                  ("OPTIONS", "/api/windows/1/authorisations", "GET, POST"),
                                  ("PATCH", "/api/desk/feedback", "GET, POST"),
                                  ("POST", "/api/reports/period", "GET")]:
        r = client.request(method, path)
        assert (r.status_code, r.headers.get("allow"), r.json()["error"]["code"]) == \
            (405, allowed, "method_not_allowed"), path


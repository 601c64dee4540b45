"""The queue server on each database the hall supports: in this process for the API, as a process for load."""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest

from tests.hall_app import HallApp
from tests.peers import Broker, ServerProcess, fresh_database, hall_env

DATABASES = ["sqlite", pytest.param("postgres", marks=[pytest.mark.peer, pytest.mark.postgres])]


@pytest.fixture(params=DATABASES)
def srv(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[HallApp]:
    """The server's app in this process, without a broker: on a SQLite file, then on a fresh PostgreSQL database."""
    db = request.getfixturevalue("pg_url") if request.param == "postgres" else None
    app = HallApp.on(tmp_path, db).start()
    yield app
    app.stop()


@pytest.fixture(scope="module", params=DATABASES)
def srv_shared(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[HallApp]:
    """One server for the module's tests that must leave nothing behind (requests it refuses)."""
    with ExitStack() as stack:
        db = stack.enter_context(fresh_database(request.getfixturevalue("pg_admin"))) \
            if request.param == "postgres" else None
        app = HallApp.on(tmp_path_factory.mktemp("hall"), db).start()
        stack.callback(app.stop)
        yield app


@pytest.fixture(params=DATABASES)
def srv_process(request: pytest.FixtureRequest, tmp_path: Path, broker: Broker) -> Iterator[ServerProcess]:
    """``hallctl server`` on SQLite, then on a fresh PostgreSQL database."""
    db = request.getfixturevalue("pg_url") if request.param == "postgres" else None
    s = ServerProcess(hall_env(tmp_path, broker.url, db), tmp_path)
    s.start()
    yield s
    s.stop()

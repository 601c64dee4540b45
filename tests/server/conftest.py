"""A queue server on each database the hall supports."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.peers import Broker, ServerProcess, hall_env


@pytest.fixture(params=["sqlite", "postgres"])
def srv(request: pytest.FixtureRequest, tmp_path: Path, broker: Broker) -> Iterator[ServerProcess]:
    """``hallctl server`` on SQLite, then on a fresh PostgreSQL database."""
    db = request.getfixturevalue("pg_url") if request.param == "postgres" else None
    s = ServerProcess(hall_env(tmp_path, broker.url, db), tmp_path)
    s.start()
    yield s
    s.stop()

"""The front office's API tests: the server's app in this process, on SQLite and PostgreSQL, on a clock."""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.frontdesk._clocked import Clock, ClockedHall
from tests.hall_app import HallApp
from tests.server.conftest import DATABASES


@pytest.fixture(params=DATABASES)
def desk_hall(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[ClockedHall]:
    db = request.getfixturevalue("pg_url") if request.param == "postgres" else None
    hall = ClockedHall(HallApp.on(tmp_path, db), Clock()).start()
    yield hall
    hall.stop()

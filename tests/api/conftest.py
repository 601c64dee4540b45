"""The queue server's app in this process on a SQLite file, as a stranger on the hall network meets it."""
from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.hall_app import HallApp


@pytest.fixture
def open_hall(tmp_path: Path) -> Iterator[Callable[..., HallApp]]:
    """``open_hall(**HALL_overrides)``: a started hall without a broker; stopped after the test."""
    started: list[HallApp] = []

    def start(**extra: str) -> HallApp:
        app = HallApp.on(tmp_path / f"hall{len(started)}", **extra).start()
        started.append(app)
        return app

    yield start
    for app in started:
        app.stop()

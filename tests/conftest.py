"""Real peers for the whole suite: Mosquitto brokers of our own, PostgreSQL when it can be had, ``hallctl``
processes, a Kivy window; and the two tiers (``tests/tiers.py``: what ``make unit`` leaves out)."""
from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from tests.peers import HALLCTL, PG_ADMIN_URL, ROOT, Broker, ServerProcess, fresh_database, hall_env
from tests.tiers import (  # noqa: F401  (hooks: the tiers and the CI rule apply to the whole suite)
    pytest_collection_modifyitems,
    pytest_fixture_setup,
    pytest_runtest_protocol,
    pytest_sessionfinish,
)

# PC/SC goes to this session's own pcscd (tests/hardware/_card_fixtures.py starts it on first use), never to
# the machine's: libpcsclite reads the socket path once, so it is set before anything talks PC/SC.
os.environ["PCSCLITE_CSOCK_NAME"] = f"/tmp/hall-test-pcscd-{os.getpid()}/pcscd.comm"

from tests.hardware._card_fixtures import (  # noqa: F401  (fixtures: defined once, for the whole session)
    _holder_fixture,
    _pcscd_fixture,
    _sam_fixture,
    _virtual_card_fixture,
)

if TYPE_CHECKING:
    from tests.hall_app import HallApp

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]

pytest_plugins = ["pytester"]  # tests/test_tiers.py runs pytest on small suites of its own


@pytest.fixture(scope="session")
def chromium() -> Iterator[Any]:
    """The session's one headless Debian Chromium (Playwright's sync API allows one per process)."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium is not installed at /usr/bin/chromium (make test installs the chromium package)")
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    yield browser
    browser.close()
    pw.stop()


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Broker]:
    """The session's Mosquitto (open, no persistence); each test keeps to a hall id of its own."""
    b = Broker(tmp_path_factory.mktemp("broker"))
    b.start()
    yield b
    b.stop()


@pytest.fixture
def new_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[..., Broker]]:
    """``new_broker(**options)``: a started Mosquitto of the test's own, to stop, restart or configure
    (options as :class:`Broker` takes them); every one is stopped after the test."""
    started: list[Broker] = []

    def start(**options: Any) -> Broker:
        b = Broker(tmp_path_factory.mktemp("own-broker"), **options)
        b.start()
        started.append(b)
        return b

    yield start
    for b in started:
        b.stop()


@pytest.fixture
def hallctl() -> Callable[..., subprocess.CompletedProcess[str]]:
    """``hallctl(*args, env=None, input=None)``: the command line as a process, as an operator runs it
    (with an ``env`` of its own too, PC/SC goes to this run's pcscd)."""

    def run(*args: str, env: dict[str, str] | None = None, input: str | None = None,
            timeout: float = 120.0) -> subprocess.CompletedProcess[str]:
        if env is not None:
            env = {**env, "PCSCLITE_CSOCK_NAME": os.environ["PCSCLITE_CSOCK_NAME"]}
        return subprocess.run([HALLCTL, *args], env=env, input=input, capture_output=True, text=True, cwd=ROOT,
                              timeout=timeout)

    return run


@pytest.fixture
def kivy_window() -> type[Any]:
    """The process's one Kivy window (offscreen SDL): the :class:`WindowDriver` class that drives it.

    Kivy is imported here, not when the tests are collected, so that the pure tier never loads it."""
    from tests.kiosk.kivy_harness import WindowDriver

    return WindowDriver


@pytest.fixture
def ui(rig: Any, kivy_window: type[Any]) -> Iterator[Any]:
    """The kiosk model of the test's own ``rig`` fixture in that window (a :class:`WindowDriver`), closed after."""
    driver = kivy_window(rig.model, lambda: rig.now)
    yield driver
    driver.close()


def _pg_connect() -> object:
    import psycopg

    return psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3)


@pytest.fixture(scope="session")
def pg_admin() -> Iterator[object]:
    """A connection to the PostgreSQL server (started here if it is installed but stopped)."""
    import psycopg

    try:
        conn = _pg_connect()
    except psycopg.OperationalError:
        versions = sorted(Path("/etc/postgresql").glob("*")) if Path("/etc/postgresql").exists() else []
        if not versions:
            pytest.skip("PostgreSQL is not installed on this machine")
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1].name, "main", "start"],
                       check=False, capture_output=True)
        try:
            conn = _pg_connect()
        except psycopg.OperationalError as err:
            pytest.skip(f"PostgreSQL does not answer at {PG_ADMIN_URL}: {err}")
    yield conn
    conn.close()  # type: ignore[attr-defined]


@pytest.fixture
def pg_url(pg_admin: object) -> Iterator[str]:
    """A fresh PostgreSQL database for one test, dropped afterwards."""
    with fresh_database(pg_admin) as url:
        yield url


@pytest.fixture
def hall_app(tmp_path: Path, broker: Broker) -> Iterator[HallApp]:
    """The queue server's app in this process on SQLite, its runtime on the session's broker (for the tests
    of what it says and does; the process itself is :func:`server`)."""
    from tests.hall_app import HallApp

    app = HallApp.on(tmp_path, mqtt_url=broker.url).start()
    yield app
    app.stop()


@pytest.fixture
def server(tmp_path: Path, broker: Broker) -> Iterator[ServerProcess]:
    """``hallctl server`` on SQLite, talking to the session's broker."""
    srv = ServerProcess(hall_env(tmp_path, broker.url), tmp_path)
    srv.start()
    yield srv
    srv.stop()

"""Session-wide real peers: one Mosquitto of our own, PostgreSQL when it can be had."""
from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.peers import Broker, ServerProcess, hall_env

# PC/SC goes to this session's own pcscd (tests/hardware/_card_fixtures.py starts it on first use), never to
# the machine's: libpcsclite reads the socket path once, so it is set before anything talks PC/SC.
os.environ["PCSCLITE_CSOCK_NAME"] = f"/tmp/hall-test-pcscd-{os.getpid()}/pcscd.comm"

from tests.hardware._card_fixtures import (  # noqa: F401  (fixtures: defined once, for the whole session)
    _holder_fixture,
    _pcscd_fixture,
    _sam_fixture,
    _virtual_card_fixture,
)

PG_ADMIN_URL = os.environ.get("HALL_TEST_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Broker]:
    b = Broker(tmp_path_factory.mktemp("broker"))
    b.start()
    yield b
    b.stop()


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
    name = "hall_test_" + uuid.uuid4().hex[:10]
    pg_admin.execute(f'CREATE DATABASE "{name}"')  # type: ignore[attr-defined]
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    pg_admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')  # type: ignore[attr-defined]


@pytest.fixture
def server(tmp_path: Path, broker: Broker) -> Iterator[ServerProcess]:
    """``hallctl server`` on SQLite, talking to the session's broker."""
    srv = ServerProcess(hall_env(tmp_path, broker.url), tmp_path)
    srv.start()
    yield srv
    srv.stop()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """On CI (``CI=true``) a skipped test is a failure: a peer that could not be had must not pass quietly."""
    if os.environ.get("CI", "").lower() not in ("true", "1", "yes"):
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    skipped = reporter.stats.get("skipped", []) if reporter is not None else []
    if skipped and exitstatus == 0:
        reporter.write_line(f"CI=true: {len(skipped)} test(s) skipped; on CI every peer must be there", red=True)
        for report in skipped[:20]:
            reporter.write_line(f"  skipped: {report.nodeid}: {report.longrepr[-1] if report.longrepr else ''}")
        session.exitstatus = pytest.ExitCode.TESTS_FAILED

"""Recovery drill (第五十九条): back up under load, restore into a fresh database, lose nothing."""
from __future__ import annotations

import json
import subprocess
import threading
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

from queue_server.store.repo import normalise_url
from tests.peers import HALLCTL, ROOT, Broker, ServerProcess, hall_env
from tests.waiting import eventually


def _load(base: str, stop: threading.Event, answered: list[str], tag: str) -> None:
    i = 0
    while not stop.is_set():
        body = json.dumps({"queue": "AB"[i % 2], "request_id": f"{tag}-{i}"}).encode()
        req = urllib.request.Request(base + "/api/tickets", data=body, method="POST",
                                     headers={"content-type": "application/json"})
        with urllib.request.urlopen(req, timeout=10) as r:
            answered.append(json.loads(r.read())["number"])
        i += 1


def _rows(url: str, table: str) -> list[tuple[object, ...]]:
    engine = sa.create_engine(normalise_url(url))
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(sa.text(f"SELECT * FROM {table} ORDER BY 1"))]
    engine.dispose()
    return rows


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=[pytest.mark.peer, pytest.mark.postgres])])
def dbs(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, str]]:
    """(the hall's database, a fresh empty one to restore into)"""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/hall.db", f"sqlite:///{tmp_path}/restored.db"
    else:
        first = request.getfixturevalue("pg_url")
        admin = request.getfixturevalue("pg_admin")
        second = first + "_r"
        admin.execute(f'CREATE DATABASE "{second.rsplit("/", 1)[1]}"')
        yield first, second
        admin.execute(f'DROP DATABASE IF EXISTS "{second.rsplit("/", 1)[1]}" WITH (FORCE)')


@pytest.mark.timeout(180)
def test_backup_under_load_restores_every_ticket_and_audit_row(tmp_path: Path, broker: Broker,
                                                               dbs: tuple[str, str]) -> None:
    hall_db, fresh_db = dbs
    env = hall_env(tmp_path, broker.url, hall_db)
    srv = ServerProcess(env, tmp_path)
    srv.start()
    clerk = srv.staff("drill", "clerk", window=1)
    srv.api("POST", "/api/windows/1/open", token=clerk)
    stop = threading.Event()
    answered: list[str] = []
    workers = [threading.Thread(target=_load, args=(srv.base, stop, answered, f"w{i}")) for i in range(2)]
    for w in workers:
        w.start()
    try:
        eventually(lambda: len(answered) >= 60, 60, "60 tickets issued under load")
        for _ in range(5):
            srv.api("POST", "/api/windows/1/call-next", token=clerk)
        before = set(answered)
        out = tmp_path / ("backup.db" if hall_db.startswith("sqlite") else "backup.pgdump")
        r = subprocess.run([HALLCTL, "backup", "--out", str(out)], env=env, capture_output=True, text=True,
                           cwd=ROOT, timeout=120)
        assert r.returncode == 0, r.stderr
        backed_up = len(answered)
        eventually(lambda: len(answered) > backed_up, 30, "the load goes on after the backup")
    finally:
        stop.set()
        for w in workers:
            w.join(10)
        srv.stop()
    assert len(answered) > len(before), "tickets were issued while and after the backup ran"

    restore_env = dict(env, HALL_DATABASE_URL=fresh_db)
    r = subprocess.run([HALLCTL, "restore", str(out)], env=restore_env, capture_output=True, text=True, cwd=ROOT,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    restored = {row[2] for row in _rows(fresh_db, "ticket")}  # column 2: number
    assert before <= restored, "every ticket answered before the backup is in it"
    original_tickets = {row[0]: row for row in _rows(hall_db, "ticket")}
    for row in _rows(fresh_db, "ticket"):
        assert original_tickets[row[0]][:8] == row[:8], "restored tickets are the tickets that were issued"
    original_audit = _rows(hall_db, "audit")
    restored_audit = _rows(fresh_db, "audit")
    assert restored_audit == original_audit[:len(restored_audit)], "the audit trail is a prefix of the live one"
    assert sum(1 for a in restored_audit if a[3] == "issue") == len(restored)
    assert _rows(fresh_db, "staff") == _rows(hall_db, "staff")

    again = subprocess.run([HALLCTL, "restore", str(out)], env=restore_env, capture_output=True, text=True, cwd=ROOT,
                           timeout=120)
    assert again.returncode != 0 and ("--force" in again.stderr or "exists" in again.stderr)

    srv2 = ServerProcess(restore_env, tmp_path)
    srv2.start()
    try:
        st, t = srv2.api("POST", "/api/tickets", {"queue": "A"})
        assert st == 201
        last_a = max(int(n[1:]) for n in restored if n.startswith("A"))
        assert int(t["number"][1:]) == last_a + 1, "numbering continues from the restored day"
    finally:
        srv2.stop()

"""第五十九条: backups on a schedule (the systemd timer and its service), copied to a second place, and the
restore drill that restores the newest backup into a scratch database, counts its rows and records the result
where the console shows it."""
from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.hall_app import HallApp
from tests.peers import HALLCTL

Hallctl = Callable[..., subprocess.CompletedProcess[str]]


def a_day_in_the_hall(tmp_path: Path, db: str) -> None:
    """A hall with tickets, a served visit and audit rows (in this process; stopped afterwards)."""
    hall = HallApp.on(tmp_path, db).start()
    try:
        wang = hall.staff("wang", "clerk", 1)
        for _ in range(5):
            assert hall.api("POST", "/api/tickets", {"queue": "A"})[0] == 201
        assert hall.api("POST", "/api/windows/1/open", None, wang)[0] == 200
        for step in ("call-next", "start", "finish"):
            assert hall.api("POST", f"/api/windows/1/{step}", None, wang)[0] == 200
    finally:
        hall.stop()


def env_for(db: str, **extra: str) -> dict[str, str]:
    return {**os.environ, "HALL_DATABASE_URL": db, **extra}


@pytest.mark.timeout(120)
def test_a_backup_is_copied_to_the_second_place_and_the_drill_is_recorded(tmp_path: Path, hallctl: Hallctl) -> None:
    db = f"sqlite:///{tmp_path}/hall.db"
    a_day_in_the_hall(tmp_path, db)
    local, mounted = tmp_path / "backups", tmp_path / "mnt-backup"
    mounted.mkdir()
    env = env_for(db, HALL_BACKUP__DIR=str(local), HALL_BACKUP__COPY_TO=str(mounted), HALL_BACKUP__KEEP="2")

    r = hallctl("backup", env=env)
    assert r.returncode == 0, r.stderr
    made = sorted(local.glob("hall-*.db"))
    assert len(made) == 1 and f"copied to: {mounted / made[0].name}" in r.stdout
    assert (mounted / made[0].name).read_bytes() == made[0].read_bytes()

    r = hallctl("backup", "drill", env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith(f"restore drill ok: {made[0]}") and "ticket 5" in r.stdout

    hall = HallApp.on(tmp_path, db).start()
    try:
        boss = hall.staff("boss", "manager")
        assert hall.api("GET", "/api/backups")[0] == 401
        status, body = hall.api("GET", "/api/backups", None, boss)
        assert status == 200 and body["last_drill_ok"] is True
        drill = body["drills"][0]
        assert drill["backup"] == str(made[0]) and drill["counts"]["ticket"] == 5 and drill["counts"]["staff"] == 1
        assert drill["counts"]["audit"] >= 7 and drill["revision"] and drill["at"].endswith("+08:00")
        assert body["last_backup"]["copied_to"] == str(mounted / made[0].name)
        actions = [row["action"] for row in hall.runtime.store.audit_rows(10)]
        assert "backup_drill" in actions and "backup" in actions
    finally:
        hall.stop()


@pytest.mark.timeout(120)
def test_rsync_copies_and_old_backups_are_pruned(tmp_path: Path, hallctl: Hallctl) -> None:
    if shutil.which("rsync") is None:
        pytest.skip("rsync is not installed")
    db = f"sqlite:///{tmp_path}/hall.db"
    a_day_in_the_hall(tmp_path, db)
    local, far = tmp_path / "backups", tmp_path / "nas"
    far.mkdir()
    env = env_for(db, HALL_BACKUP__DIR=str(local), HALL_BACKUP__COPY_TO=str(far), HALL_BACKUP__COPY_WITH="rsync",
                  HALL_BACKUP__KEEP="2")
    for i in range(3):
        r = hallctl("backup", "--out", str(local / f"hall-2026120{i + 1}-120000.db"), env=env)
        assert r.returncode == 0, r.stderr
    assert len(list(far.glob("hall-*.db"))) == 3
    r = hallctl("backup", env=env)  # a dated one: the two newest stay
    assert r.returncode == 0, r.stderr
    assert len(list(local.glob("hall-*.db"))) == 2


@pytest.mark.timeout(180)
@pytest.mark.postgres
def test_on_postgresql_the_drill_restores_into_a_scratch_database_it_drops(tmp_path: Path, hallctl: Hallctl,
                                                                          pg_url: str, pg_admin: Any) -> None:
    a_day_in_the_hall(tmp_path, pg_url)
    env = env_for(pg_url, HALL_BACKUP__DIR=str(tmp_path / "backups"))
    r = hallctl("backup", env=env)
    assert r.returncode == 0, r.stderr
    assert len(list((tmp_path / "backups").glob("hall-*.pgdump"))) == 1
    r = hallctl("backup", "drill", env=env)
    assert r.returncode == 0, r.stderr
    assert "restore drill ok" in r.stdout and "ticket 5" in r.stdout
    left = pg_admin.execute("SELECT datname FROM pg_database WHERE datname LIKE 'hall_drill_%'").fetchall()
    assert left == []


@pytest.mark.timeout(120)
def test_a_drill_without_a_backup_fails_and_is_recorded_as_failed(tmp_path: Path, hallctl: Hallctl) -> None:
    db = f"sqlite:///{tmp_path}/hall.db"
    a_day_in_the_hall(tmp_path, db)
    env = env_for(db, HALL_BACKUP__DIR=str(tmp_path / "empty"))
    r = hallctl("backup", "drill", env=env)
    assert r.returncode == 1 and "restore drill failed: no backup in" in r.stderr
    from queue_server.backups import drill_history
    from queue_server.store import Store

    store = Store(db)
    try:
        assert drill_history(store)[0]["ok"] is False
    finally:
        store.close()


def test_the_timer_and_its_service_are_installed_and_systemd_accepts_them(tmp_path: Path, hallctl: Hallctl) -> None:
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed")
    r = hallctl("install", "--role", "server", "--root", str(tmp_path), timeout=60)
    assert r.returncode == 0, r.stderr
    units = tmp_path / "etc/systemd/system"
    service, timer = units / "hall-backup.service", units / "hall-backup.timer"
    text = service.read_text()
    assert f"ExecStart={Path(HALLCTL).resolve()} backup --config /etc/hall/hall.toml" in text
    assert "Type=oneshot" in text and "User=hall" in text
    assert "OnCalendar=" in timer.read_text() and "Persistent=true" in timer.read_text()
    v = subprocess.run(["systemd-analyze", "verify", str(service), str(timer)], capture_output=True, text=True,
                       timeout=60)
    assert v.returncode == 0 and not v.stdout.strip() and not v.stderr.strip(), v.stdout + v.stderr
    when = subprocess.run(["systemd-analyze", "calendar", "*-*-* 12:15:00"], capture_output=True, text=True,
                          timeout=30)
    assert when.returncode == 0

"""The uplink's backlog where a person looks: the ``uplink`` line of ``hallctl doctor``."""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from hall_contract.protocol import IssueTicketArgs
from queue_server.actor import Actor
from queue_server.store.outbox import backlog
from tests.peers import HALLCTL, ROOT, free_port
from tests.uplink._hall import hall_service


def _doctor(db: str, **env: str) -> str:
    full = {k: v for k, v in os.environ.items() if k != "HALL_NATS_URL"}
    full.update({"HALL_CONFIG": str(ROOT / "config/hall.toml"), "HALL_ID": "hall-1", "HALL_DATABASE_URL": db,
                 "HALL_MQTT_URL": f"mqtt://127.0.0.1:{free_port()}", **env})
    out = subprocess.run([HALLCTL, "doctor"], env=full, capture_output=True, text=True, timeout=60).stdout
    return next(line for line in out.splitlines() if line.split()[1:2] == ["uplink"])


@pytest.mark.peer  # hallctl doctor as a process, nats-server
def test_doctor_says_how_many_events_wait_and_whether_the_province_answers(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path}/hall.db"
    svc = hall_service(db)
    for _ in range(3):
        svc.issue(IssueTicketArgs(queue="A"), Actor.device("kiosk-1"))
    waiting = backlog(svc.store.engine, "hall-1").waiting
    svc.store.close()
    line = _doctor(db)
    assert line.startswith("ok") and "HALL_NATS_URL not set" in line and f"{waiting} events waiting" in line
    dead = free_port()
    line = _doctor(db, HALL_NATS_URL=f"nats://relay:secret@127.0.0.1:{dead}")
    assert line.startswith("FAIL") and f"127.0.0.1:{dead}" in line and "secret" not in line

"""How long a scheduled backup, its copy and the restore drill take for a hall's year of tickets (SQLite).

Builds a database with ``--days`` business days of ``--per-day`` tickets each (through the real service,
so the audit trail is as the hall writes it), then times ``scheduled_backup`` (backup + copy to a second
folder) and ``drill`` (restore into a scratch database, upgrade, count). Usage:

    .venv/bin/python benchmarks/backup_drill.py --days 20 --per-day 500
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from hall_contract.protocol import IssueTicketArgs  # noqa: E402
from queue_server.backups import drill, scheduled_backup  # noqa: E402
from queue_server.service import Actor, HallService  # noqa: E402
from queue_server.settings import load_settings  # noqa: E402
from queue_server.store import Store  # noqa: E402

TZ = ZoneInfo("Asia/Shanghai")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--days", type=int, default=20)
    ap.add_argument("--per-day", type=int, default=500)
    a = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="hall-bench-backup-"))
    try:
        url = f"sqlite:///{work}/hall.db"
        settings = load_settings(ROOT / "config" / "hall.toml", env={
            "HALL_ID": "b" + uuid.uuid4().hex[:8], "HALL_DATABASE_URL": url,
            "HALL_BACKUP__DIR": str(work / "backups"), "HALL_BACKUP__COPY_TO": str(work / "second")})
        (work / "second").mkdir()
        store = Store(url)
        store.upgrade()
        now = [datetime(2026, 11, 2, 9, 0, tzinfo=TZ)]
        svc = HallService(settings, store, clock=lambda: now[0])
        built = time.perf_counter()
        for day in range(a.days):
            now[0] = datetime(2026, 11, 2, 9, 0, tzinfo=TZ) + timedelta(days=day)
            for i in range(a.per_day):
                svc.issue(IssueTicketArgs(queue="ABC"[i % 3]), Actor.anonymous("bench"))
        built = time.perf_counter() - built
        size = (work / "hall.db").stat().st_size
        t0 = time.perf_counter()
        result = scheduled_backup(store, url, settings.backup)
        t_backup = time.perf_counter() - t0
        t0 = time.perf_counter()
        report = drill(store, url, settings.backup)
        t_drill = time.perf_counter() - t0
        store.close()
        print(f"database: {a.days * a.per_day} tickets over {a.days} days, {size / 1e6:.1f} MB "
              f"(built in {built:.1f} s)")
        print(f"backup + copy: {t_backup:.2f} s ({result['bytes'] / 1e6:.1f} MB, copied: {bool(result['copied_to'])})")
        print(f"restore drill: {t_drill:.2f} s, ok={report['ok']}, counts={report.get('counts')}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

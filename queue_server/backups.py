"""Scheduled backups (第五十九条): a dated backup, a copy in a second place, old ones pruned, and the
restore drill that proves the newest backup can be restored.

``[backup]`` says where: ``dir`` (the local folder), ``copy_to`` (a mounted path such as
``/mnt/backup/hall``, or an ``rsync``/``scp`` target such as ``backup@nas:/srv/hall``) and how many
to keep. The systemd timer ``hall-backup.timer`` runs ``hallctl backup`` on schedule.

The drill restores the newest backup into a scratch database, brings it to the current schema,
counts its rows and checks them against the live database, and records the result in the hall's
database (``hall_meta`` ``backup_drills``, and the audit trail), where the console reads it.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from queue_server.settings import BackupConfig
from queue_server.store import Store, normalise_url
from queue_server.store.backup import BackupError, backup, default_name, restore

#: tables the drill counts (the hall's record; staff accounts and the outbox are counted too)
COUNTED = ("ticket", "audit", "rating", "staff", "uplink_outbox")
HISTORY_KEY, LAST_BACKUP_KEY = "backup_drills", "backup_last"
HISTORY_MAX = 50
PATTERNS = ("hall-*.db", "hall-*.pgdump")


def is_remote(target: str) -> bool:
    """``host:path`` or ``user@host:path`` (rsync/scp), not a local path."""
    head = target.split("/", 1)[0]
    return not target.startswith("/") and ":" in head


def copy_backup(path: Path, target: str, how: str = "auto", timeout_s: float = 600) -> str:
    """Copy ``path`` into ``target`` (a folder, local or remote); answers where it went."""
    if how == "auto":
        how = ("rsync" if shutil.which("rsync") else "scp") if is_remote(target) else "copy"
    if how == "copy":
        folder = Path(target)
        if not folder.is_dir():
            raise BackupError(f"the copy folder {folder} does not exist (is the backup disk mounted?)")
        part = folder / (path.name + ".part")
        shutil.copy2(path, part)
        if part.stat().st_size != path.stat().st_size:
            raise BackupError(f"the copy in {folder} is incomplete")
        part.replace(folder / path.name)
        return str(folder / path.name)
    args = {"rsync": ["rsync", "-a", "--partial", "--timeout=60"], "scp": ["scp", "-B", "-q", "-p"]}.get(how)
    if args is None:
        raise BackupError(f"copy_with must be auto, copy, rsync or scp, not {how!r}")
    if shutil.which(args[0]) is None:
        raise BackupError(f"{args[0]} is missing: apt-get install {'openssh-client' if how == 'scp' else how}")
    dest = target.rstrip("/") + "/"
    try:
        r = subprocess.run([*args, str(path), dest], capture_output=True, text=True, timeout=timeout_s)
    except subprocess.TimeoutExpired as err:
        raise BackupError(f"{how} to {target} took longer than {timeout_s:.0f} s") from err
    if r.returncode != 0:
        raise BackupError(f"{how} to {target} failed: {(r.stderr or r.stdout).strip()[:300]}")
    return dest + path.name


def backups_in(folder: Path) -> list[Path]:
    """The backups in ``folder``, oldest first."""
    found = [p for pattern in PATTERNS for p in folder.glob(pattern) if p.is_file()]
    return sorted(found, key=lambda p: (p.stat().st_mtime, p.name))


def prune(folder: Path, keep: int) -> list[Path]:
    """Remove all but the ``keep`` newest backups; answers the removed ones."""
    old = backups_in(folder)[:-keep] if keep > 0 else []
    for p in old:
        p.unlink(missing_ok=True)
    return old


def scheduled_backup(store: Store, url: str, cfg: BackupConfig, out: Path | None = None,
                     copy: bool = True) -> dict[str, Any]:
    """Back up, copy to the second place, prune; the result is kept in the hall's database."""
    folder = Path(cfg.dir)
    path = backup(url, out or default_name(url, folder))
    result: dict[str, Any] = {"at": datetime.now(UTC).isoformat(), "file": str(path), "bytes": path.stat().st_size,
                              "copied_to": None, "copy_error": None}
    try:
        if copy and cfg.copy_to:
            result["copied_to"] = copy_backup(path, cfg.copy_to, cfg.copy_with)
    except BackupError as err:
        result["copy_error"] = str(err)
    result["pruned"] = len(prune(folder, cfg.keep)) if out is None else 0
    with store.transaction() as conn:
        store.set_meta(conn, LAST_BACKUP_KEY, json.dumps(result, ensure_ascii=False))
        store.audit(conn, "system:backup", "backup", path.name[:64], result)
    return result


def counts(url: str) -> dict[str, int]:
    engine = sa.create_engine(_sa_url(url))
    try:
        with engine.connect() as conn:
            have = set(sa.inspect(conn).get_table_names())
            return {t: int(conn.execute(sa.text(f"SELECT COUNT(*) FROM {t}")).scalar() or 0)  # the fixed names above
                    for t in COUNTED if t in have}
    finally:
        engine.dispose()


def _sa_url(url: str) -> str:
    return normalise_url(url)


@contextmanager
def scratch_database(live_url: str, given: str | None) -> Iterator[str]:
    """A database to restore into: ``given``, else a temporary SQLite file or PostgreSQL database."""
    if given:
        yield given
        return
    if live_url.startswith("sqlite"):
        with tempfile.TemporaryDirectory(prefix="hall-drill-") as tmp:
            yield f"sqlite:///{tmp}/drill.db"
        return
    name = "hall_drill_" + uuid.uuid4().hex[:10]
    admin = sa.create_engine(_sa_url(live_url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        yield sa.engine.make_url(live_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def drill(store: Store, live_url: str, cfg: BackupConfig, scratch: str | None = None) -> dict[str, Any]:
    """Restore the newest backup into a scratch database and check it; the result is recorded."""
    started = time.monotonic()
    found = backups_in(Path(cfg.dir))
    result: dict[str, Any] = {"at": datetime.now(UTC).isoformat(), "ok": False, "backup": None, "error": None}
    try:
        if not found:
            raise BackupError(f"no backup in {cfg.dir}")
        newest = found[-1]
        result.update(backup=str(newest), bytes=newest.stat().st_size,
                      backup_age_s=round(time.time() - newest.stat().st_mtime))
        with scratch_database(live_url, scratch) as target:
            restore(target, newest, force=True)
            restored = Store(target)
            try:
                restored.upgrade()
                result["revision"] = restored.revision()
            finally:
                restored.close()
            result["counts"] = counts(target)
        live = counts(live_url)
        short = [t for t, n in result["counts"].items() if n > live.get(t, 0)]
        empty = "audit" not in result["counts"] or result["counts"]["audit"] == 0
        if short:
            raise BackupError(f"the backup holds more rows than the hall in {', '.join(short)}")
        if empty:
            raise BackupError("the restored database has no audit trail")
        result["live_counts"] = live
        result["ok"] = True
    except (BackupError, sa.exc.SQLAlchemyError, OSError) as err:
        result["error"] = str(err).splitlines()[0][:300]
    result["seconds"] = round(time.monotonic() - started, 2)
    record_drill(store, result)
    return result


def record_drill(store: Store, result: dict[str, Any]) -> None:
    history = drill_history(store)
    history.insert(0, result)
    with store.transaction() as conn:
        store.set_meta(conn, HISTORY_KEY, json.dumps(history[:HISTORY_MAX], ensure_ascii=False))
        store.audit(conn, "system:drill", "backup_drill", "ok" if result["ok"] else "failed",
                    {k: v for k, v in result.items() if k != "live_counts"})


def drill_history(store: Store) -> list[dict[str, Any]]:
    raw = store.get_meta(HISTORY_KEY)
    try:
        history = json.loads(raw) if raw else []
    except ValueError:
        return []
    return history if isinstance(history, list) else []


def last_backup(store: Store) -> dict[str, Any] | None:
    raw = store.get_meta(LAST_BACKUP_KEY)
    try:
        value = json.loads(raw) if raw else None
    except ValueError:
        return None
    return value if isinstance(value, dict) else None

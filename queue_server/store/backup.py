"""Backups of the hall's database while the hall runs, and restoring them.

SQLite: the online backup API copies a consistent snapshot page by page while the server keeps
writing (WAL mode), so a backup never holds half a transaction. PostgreSQL: ``pg_dump`` in
its custom format, which is one consistent snapshot by construction; ``pg_restore`` loads it.
A backup restores into the same kind of database it came from.
"""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
from datetime import datetime
from pathlib import Path

import sqlalchemy as sa

from queue_server.keyfile import private_file


class BackupError(Exception):
    pass


def _sqlite_path(url: str) -> Path:
    path = sa.engine.make_url(url).database
    if not path or path == ":memory:":
        raise BackupError("an in-memory database cannot be backed up")
    return Path(path)


def _pg_url(url: str) -> str:
    """libpq's form of the URL (no SQLAlchemy driver suffix)."""
    u = sa.engine.make_url(url).set(drivername="postgresql")
    return u.render_as_string(hide_password=False)


def default_name(url: str, folder: Path) -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    return folder / (f"hall-{stamp}.db" if url.startswith("sqlite") else f"hall-{stamp}.pgdump")


def backup(url: str, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    tmp.unlink(missing_ok=True)
    private_file(tmp)  # a backup holds the hall's records: 0600 from its first byte (pg_dump keeps the mode)
    if url.startswith("sqlite"):
        src_path = _sqlite_path(url)
        if not src_path.exists():
            raise BackupError(f"no database at {src_path}")
        src = sqlite3.connect(f"file:{src_path}?mode=ro", uri=True, timeout=30)
        dst = sqlite3.connect(tmp)
        try:
            src.backup(dst, pages=256)
            if dst.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise BackupError("the copy failed its integrity check")
        finally:
            dst.close()
            src.close()
    elif url.startswith("postgresql"):
        if shutil.which("pg_dump") is None:
            raise BackupError("pg_dump is missing: apt-get install postgresql-client")
        r = subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--file", str(tmp), _pg_url(url)],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise BackupError(f"pg_dump failed: {r.stderr.strip()}")
    else:
        raise BackupError(f"cannot back up {url.split(':')[0]} databases")
    tmp.replace(out)
    return out


def restore(url: str, source: Path, force: bool = False) -> None:
    """Load ``source`` into the database at ``url`` (stop the server first)."""
    if not source.exists():
        raise BackupError(f"no backup at {source}")
    if url.startswith("sqlite"):
        if source.suffix == ".pgdump":
            raise BackupError("that is a PostgreSQL backup; restore it into PostgreSQL")
        target = _sqlite_path(url)
        if target.exists() and target.stat().st_size > 0 and not force:
            raise BackupError(f"{target} exists: stop the server and pass --force to overwrite it")
        private_file(target)
        src = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        dst = sqlite3.connect(target, timeout=30)
        try:
            src.backup(dst)
        finally:
            dst.close()
            src.close()
    elif url.startswith("postgresql"):
        if source.suffix != ".pgdump":
            raise BackupError("that is a SQLite backup; restore it into SQLite")
        args = ["pg_restore", "--no-owner", "--exit-on-error", "--single-transaction", "--dbname", _pg_url(url)]
        if force:
            args[1:1] = ["--clean", "--if-exists"]
        r = subprocess.run([*args, str(source)], capture_output=True, text=True)
        if r.returncode != 0:
            raise BackupError(f"pg_restore failed: {r.stderr.strip()}")
    else:
        raise BackupError(f"cannot restore into {url.split(':')[0]} databases")

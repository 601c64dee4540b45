"""The hall's secrets and records are readable by the server's user alone (findings 10 and 16): the
token key and the holder_ref salt live in a 0600 key file, not in the database; the database and every
``hallctl backup`` file are 0600; a copy of the database mints no token and reveals no holder."""
from __future__ import annotations

import hashlib
import hmac
import json
import os
import stat
import subprocess
from collections.abc import Callable
from pathlib import Path

import jwt
import sqlalchemy as sa

from queue_server.auth import key_of
from tests.hall_app import HallApp


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_the_key_file_and_the_database_are_private(tmp_path: Path) -> None:
    old = os.umask(0o022)  # as a service's default umask would leave them
    try:
        hall = HallApp.on(tmp_path).start()
    finally:
        os.umask(old)
    try:
        key_file, db = tmp_path / "hall.key", tmp_path / "hall.db"
        assert mode(key_file) == 0o600 and mode(db) == 0o600
        assert all(mode(p) == 0o600 for p in tmp_path.glob("hall.db-*"))  # WAL and shared memory alike
        secrets = json.loads(key_file.read_text())
        assert set(secrets) == {"token_secret", "holder_salt"}
        assert hall.settings.hall.id not in secrets["holder_salt"]

        token = hall.staff("boss", "manager")
        claims = jwt.decode(token, key_of(secrets["token_secret"]), algorithms=["HS256"])
        assert claims["sub"] == "boss"
        engine = sa.create_engine(f"sqlite:///{db}")
        with engine.connect() as conn:
            meta = dict(conn.execute(sa.text("SELECT key, value FROM hall_meta")).all())
        engine.dispose()
        assert "secret_key" not in meta and secrets["token_secret"] not in json.dumps(meta)
    finally:
        hall.stop()


def test_a_stored_holder_ref_needs_the_secret_salt(tmp_path: Path) -> None:
    hall = HallApp.on(tmp_path).start()
    try:
        desk = hall.staff("desk", "manager")
        kiosk_ref = hashlib.sha256(b"110101194001011234").hexdigest()  # what anyone with the ID number can make
        assert hall.api("POST", "/api/tickets", {"queue": "A", "holder_ref": kiosk_ref}, token=desk)[0] == 201
        st, err = hall.api("POST", "/api/tickets", {"queue": "A", "holder_ref": kiosk_ref}, token=desk)
        assert st == 409 and err["error"]["code"] == "already_waiting"  # a second ticket is still refused
        engine = sa.create_engine(f"sqlite:///{tmp_path / 'hall.db'}")
        with engine.connect() as conn:
            stored = conn.execute(sa.text("SELECT holder_ref FROM ticket")).scalar()
        engine.dispose()
        salt = json.loads((tmp_path / "hall.key").read_text())["holder_salt"]
        assert stored != kiosk_ref
        assert stored == hmac.new(salt.encode(), b"holder-ref\0" + kiosk_ref.encode(), hashlib.sha256).hexdigest()
    finally:
        hall.stop()


def test_an_existing_key_file_open_to_others_is_narrowed(tmp_path: Path) -> None:
    key_file = tmp_path / "hall.key"
    key_file.write_text(json.dumps({"token_secret": "s" * 40, "holder_salt": "t" * 40}))
    key_file.chmod(0o644)
    hall = HallApp.on(tmp_path).start()
    try:
        assert mode(key_file) == 0o600
        token = hall.staff("boss", "manager")
        assert jwt.decode(token, key_of("s" * 40), algorithms=["HS256"])["sub"] == "boss"  # the file's key signs
    finally:
        hall.stop()


def test_hallctl_backup_files_are_private(tmp_path: Path,
                                          hallctl: Callable[..., subprocess.CompletedProcess[str]]) -> None:
    env = {**os.environ, "HALL_DATABASE_URL": f"sqlite:///{tmp_path / 'hall.db'}"}
    assert hallctl("db", "upgrade", env=env).returncode == 0
    out = tmp_path / "backups" / "hall-copy.db"
    r = hallctl("backup", "--out", str(out), env=env)
    assert r.returncode == 0, r.stderr
    assert mode(out) == 0o600 and mode(tmp_path / "hall.db") == 0o600

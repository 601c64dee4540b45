"""The hall's secrets, in a file of their own (mode 0600), never in the database.

The file holds the token signing key and the salt that keys every stored ``holder_ref``. A copy
of the database (a backup) therefore lets no one mint a staff token or test an ID number against
the stored holder references. The file is created with random values on the server's first start
and kept; an existing file readable by others is narrowed to 0600.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import secrets
import stat
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

log = logging.getLogger(__name__)

__all__ = ["HallSecrets", "key_path", "load_or_create", "private_file", "rekey_holder"]


@dataclass(frozen=True)
class HallSecrets:
    token_secret: str
    holder_salt: str


def key_path(database_url: str, configured: str | None) -> Path:
    """``key_file`` when configured; else beside a SQLite database (``hall.db`` → ``hall.key``); else ``var/``."""
    if configured:
        return Path(configured)
    if database_url.startswith("sqlite"):
        db = sa.engine.make_url(database_url).database
        if db and db != ":memory:":
            return Path(db).with_suffix(".key")
    return Path("var/hall.key")


def private_file(path: Path) -> None:
    """Make ``path`` readable by its owner only (creating it empty when missing)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)
    if stat.S_IMODE(path.stat().st_mode) != 0o600:
        os.chmod(path, 0o600)


def load_or_create(path: Path) -> HallSecrets:
    """The secrets in ``path``; a new file of random secrets (0600) when there is none."""
    if path.exists():
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            log.warning("%s was readable by others (mode %o): narrowed to 0600", path, mode)
            os.chmod(path, 0o600)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return HallSecrets(str(data["token_secret"]), str(data["holder_salt"]))
        except (ValueError, KeyError, TypeError) as err:
            raise ValueError(f"{path} is not a hall key file (token_secret, holder_salt): move it away and "
                             "start again to make a new one (every staff token is then logged out)") from err
    made = HallSecrets(secrets.token_urlsafe(48), secrets.token_urlsafe(32))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".new")
    tmp.unlink(missing_ok=True)
    fd = os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump({"token_secret": made.token_secret, "holder_salt": made.holder_salt}, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    log.info("made the hall's key file %s (0600)", path)
    return made


def rekey_holder(salt: str, holder_ref: str | None) -> str | None:
    """The stored form of a kiosk's ``holder_ref``: keyed again with the hall's secret salt.

    A kiosk's reference can be computed by anyone who knows the ID number and the kiosk's salt;
    the stored one needs the secret as well, so no one can block a citizen's ticket by guessing it.
    """
    if not holder_ref:
        return holder_ref
    return hmac.new(salt.encode(), b"holder-ref\0" + holder_ref.encode(), hashlib.sha256).hexdigest()

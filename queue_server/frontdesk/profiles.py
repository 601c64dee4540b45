"""Staff profiles: the name, staff number and photo the standard's 亮牌 shows, and the window kind a
clerk without a fixed window may work at."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from queue_server.frontdesk.tables import profile_t

#: a photo larger than this is refused (a badge photo is a few dozen kB)
MAX_PHOTO_BYTES = 256 * 1024
WINDOW_KINDS = ("accept", "query", "bulk", "elastic")
_MAGIC = ((b"\x89PNG\r\n\x1a\n", "image/png"), (b"\xff\xd8\xff", "image/jpeg"))


@dataclass(frozen=True)
class StaffProfile:
    username: str
    display_name: str | None
    staff_no: str | None
    window_kind: str | None
    has_photo: bool


def photo_mime(data: bytes) -> str:
    """The image type of a PNG or JPEG photo within the size bound; ValueError for anything else."""
    if len(data) > MAX_PHOTO_BYTES:
        raise ValueError(f"the photo is {len(data) // 1024} kB; at most {MAX_PHOTO_BYTES // 1024} kB")
    for magic, mime in _MAGIC:
        if data.startswith(magic):
            return mime
    raise ValueError("the photo must be a PNG or JPEG image")


def read_photo(path: str | Path) -> bytes:
    p = Path(path)
    if not p.is_file():
        raise ValueError(f"no photo file at {p}")
    if p.stat().st_size > MAX_PHOTO_BYTES:
        raise ValueError(f"the photo is {p.stat().st_size // 1024} kB; at most {MAX_PHOTO_BYTES // 1024} kB")
    data = p.read_bytes()
    photo_mime(data)
    return data


class ProfileStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def set(self, username: str, *, display_name: str | None = None, staff_no: str | None = None,
            window_kind: str | None = None, photo: bytes | None = None) -> StaffProfile:
        """Set the given fields (None leaves a field as it is)."""
        if display_name is not None and not 1 <= len(display_name.strip()) <= 32:
            raise ValueError("the display name must have 1-32 characters")
        if staff_no is not None and not (1 <= len(staff_no) <= 32 and staff_no.isprintable()):
            raise ValueError("the staff number must have 1-32 printable characters")
        if window_kind is not None and window_kind not in WINDOW_KINDS:
            raise ValueError(f"the window kind must be one of {', '.join(WINDOW_KINDS)}")
        values: dict[str, object] = {k: v for k, v in (("display_name", display_name and display_name.strip()),
                                                       ("staff_no", staff_no), ("window_kind", window_kind))
                                     if v is not None}
        if photo is not None:
            values.update(photo=photo, photo_mime=photo_mime(photo))
        values["updated_at"] = datetime.now(UTC)
        with self.engine.begin() as conn:
            done = conn.execute(profile_t.update().where(profile_t.c.username == username).values(**values))
            if not done.rowcount:
                conn.execute(profile_t.insert().values(username=username, **values))
        got = self.get(username)
        assert got is not None
        return got

    def get(self, username: str) -> StaffProfile | None:
        cols = [profile_t.c.username, profile_t.c.display_name, profile_t.c.staff_no, profile_t.c.window_kind,
                profile_t.c.photo_mime]
        with self.engine.connect() as conn:
            r = conn.execute(sa.select(*cols).where(profile_t.c.username == username)).first()
        if r is None:
            return None
        return StaffProfile(r.username, r.display_name, r.staff_no, r.window_kind, r.photo_mime is not None)

    def photo(self, username: str) -> tuple[bytes, str] | None:
        with self.engine.connect() as conn:
            r = conn.execute(sa.select(profile_t.c.photo, profile_t.c.photo_mime)
                             .where(profile_t.c.username == username)).first()
        return None if r is None or r.photo is None else (bytes(r.photo), str(r.photo_mime))

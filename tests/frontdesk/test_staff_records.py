"""Staff records: the guide and self-service roles, a display name, a staff number and a bounded photo."""
from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from pathlib import Path
from subprocess import CompletedProcess

import pytest

from queue_server.frontdesk.profiles import ProfileStore
from tests.frontdesk._clocked import ClockedHall
from tests.peers import ServerProcess, http


def _png(w: int = 4, h: int = 4) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + b"\x80\x80\xff" * w for _ in range(h))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@pytest.mark.timeout(90)
def test_staff_add_takes_the_new_roles_a_badge_and_a_bounded_photo(
        server: ServerProcess, hallctl: Callable[..., CompletedProcess[str]], tmp_path: Path) -> None:
    photo = tmp_path / "zhang.png"
    photo.write_bytes(_png())
    r = hallctl("staff", "add", "zhangmin", "--role", "guide", "--display-name", "张敏", "--staff-no", "HB0301",
                "--photo", str(photo), "--password-stdin", env=server.env, input="Guide-pass-1\n")
    assert r.returncode == 0, r.stderr
    assert "guide" in r.stdout
    st, body = http("POST", server.base + "/api/auth/login", {"username": "zhangmin", "password": "Guide-pass-1"})
    assert st == 200 and body["role"] == "guide"
    token = body["access_token"]
    st, card = server.api("GET", "/api/staff/zhangmin/card", token=token)
    assert st == 200 and card == {"display_name": "张敏", "staff_no": "HB0301",
                                  "photo_url": "/api/staff/zhangmin/photo"}
    assert server.api("GET", "/api/staff/nobody/card", token=token)[0] == 404
    # to a stranger the card would say which login names exist
    assert server.api("GET", "/api/staff/zhangmin/card")[0] == 401

    r = hallctl("staff", "add", "kiosk1", "--role", "selfservice", "--password-stdin", env=server.env,
                input="Self-pass-1\n")
    assert r.returncode == 0, r.stderr
    big = tmp_path / "big.png"
    big.write_bytes(_png() + b"\0" * 300_000)
    r = hallctl("staff", "add", "li", "--role", "clerk", "--photo", str(big), "--password-stdin", env=server.env,
                input="Clerk-pass-1\n")
    assert r.returncode == 1 and "at most 256 kB" in r.stderr + r.stdout
    text = tmp_path / "photo.png"
    text.write_text("not an image")
    r = hallctl("staff", "add", "li", "--role", "clerk", "--photo", str(text), "--password-stdin", env=server.env,
                input="Clerk-pass-1\n")
    assert r.returncode == 1 and "PNG or JPEG" in r.stderr + r.stdout
    r = hallctl("staff", "add", "li", "--role", "clerk", "--kind", "counter", "--password-stdin", env=server.env,
                input="Clerk-pass-1\n")
    assert r.returncode == 1 and "accept, query, bulk, elastic" in r.stderr + r.stdout
    r = hallctl("staff", "add", "li", "--role", "porter", "--password-stdin", env=server.env, input="Clerk-pass-1\n")
    assert r.returncode == 1 and "guide" in r.stderr + r.stdout


def test_a_clerk_without_a_fixed_window_works_at_any_window_of_their_kind(desk_hall: ClockedHall) -> None:
    hall = desk_hall
    assert hall.runtime is not None and hall.runtime.store is not None
    floating = hall.staff("li", "clerk")  # no window: any window of the kind on the record
    ProfileStore(hall.runtime.store.engine).set("li", display_name="李敏", staff_no="HB0420", window_kind="query")
    assert hall.api("POST", "/api/windows/7/open", token=floating)[0] == 200
    assert hall.api("POST", "/api/windows/8/open", token=floating)[0] == 200
    st, err = hall.api("POST", "/api/windows/1/open", token=floating)
    assert (st, err["error"]["code"]) == (403, "wrong_window_kind")
    anywhere = hall.staff("zhao", "clerk")  # no kind on the record: any window, as before
    assert hall.api("POST", "/api/windows/1/open", token=anywhere)[0] == 200
    fixed = hall.staff("wang", "clerk", 2)
    assert hall.api("POST", "/api/windows/3/open", token=fixed)[1]["error"]["code"] == "wrong_window"

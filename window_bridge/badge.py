"""亮牌 on a window's LED screen: 「工号 HB0301 张敏」 after the screen's text, when a clerk with a display
name is at the window (open or paused) and the line has room for both.

The badge comes from the window's retained state (``clerk_name``, ``staff_no``; never a login name).
It is plain text of bounded length (a name of at most :data:`NAME_CHARS` characters, a staff number of
letters, digits and ``-``), and is left out whole rather than cut when the screen's GB2312 line would
overflow or the name has a character the screen cannot show.
"""
from __future__ import annotations

import re

from hall_contract.protocol import WindowState, plain_text
from hardware.rs485.register_map import SCREEN_TEXT_MAX_BYTES

#: the longest name a window screen shows (a Chinese name has 2-4 characters; 欧阳 names a few more)
NAME_CHARS = 8
STAFF_NO = re.compile(r"[A-Za-z0-9\-]{1,12}")
GAP = "  "


def badge_line(w: WindowState) -> str | None:
    """Window ``w``'s badge (工号 HB0301 张敏, or the name alone without a usable staff number), or None."""
    name = plain_text(w.clerk_name) or ""
    if w.status == "closed" or not name or len(name) > NAME_CHARS:
        return None
    staff_no = plain_text(w.staff_no) or ""
    return f"工号 {staff_no} {name}" if STAFF_NO.fullmatch(staff_no) else name


def fits(text: str) -> bool:
    """``text`` is one line a window screen can show (GB2312, within its bytes)."""
    try:
        return len(text.encode("gb2312")) <= SCREEN_TEXT_MAX_BYTES
    except UnicodeEncodeError:
        return False


def with_badge(text: str, badge: str | None) -> str:
    """``text`` followed by ``badge`` when both fit on the screen, else ``text`` alone."""
    if not badge:
        return text
    joined = f"{text}{GAP}{badge}"
    return joined if fits(joined) else text


__all__ = ["badge_line", "fits", "with_badge"]

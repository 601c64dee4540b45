"""What the wall display shows, as plain Python: the board view-model (no Kivy here).

:func:`decode` turns an MQTT message into a contract model (or raises ``ValueError``);
:class:`BoardModel` folds the models into the hall's current picture and :meth:`BoardModel.view`
renders it as strings for the screen. Times come in as arguments, so tests never sleep.
Nothing personal is shown: calls carry ticket numbers and window names only.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from hall_contract.protocol import (
    SCHEMA_VERSION,
    Board,
    CallMessage,
    DeviceCommand,
    QueueState,
    Topics,
    ValidationError,
    WindowState,
    parse_json_object,
)
from hardware.speech.numerals import chinese_number

WEEKDAYS = "一二三四五六日"
NOTICE_MAX = 280  # characters: a longer line would not fit in one texture (16384 px at 1080p)
STATUS_WORDS = {"paused": "暂停服务", "closed": "未开放"}


@dataclass(frozen=True)
class WindowCleared:
    """A retained window state was deleted (empty payload)."""

    number: int


@dataclass(frozen=True)
class Resync:
    """The link (re)connected: the retained window and queue states arrive again, so the old ones go."""


Decoded = CallMessage | Board | WindowState | QueueState | DeviceCommand | WindowCleared | Resync

#: the banner of a display that has lost the hall (Chinese, English)
BANNER = ("暂停叫号，请留意窗口提示", "Calling paused: please watch the window screens")
STALE = "信息未更新"


def decode(topics: Topics, device_id: str, topic: str, payload: bytes) -> Decoded | None:
    """The contract model for a message the display follows; None for a topic it ignores.

    Raises ``ValueError`` (a ``ValidationError`` is one) for a malformed payload.
    """
    tail = topics.tail(topic)
    if len(tail) == 3 and tail[0] == "windows" and tail[2] == "state" and tail[1].isdigit() and not payload:
        return WindowCleared(int(tail[1]))
    model: type[CallMessage | Board | WindowState | QueueState | DeviceCommand]
    if tail == ["calls"]:
        model = CallMessage
    elif tail == ["board"]:
        model = Board
    elif len(tail) == 3 and tail[0] == "windows" and tail[2] == "state":
        model = WindowState
    elif len(tail) == 3 and tail[0] == "queues" and tail[2] == "state":
        model = QueueState
    elif tail == ["devices", device_id, "cmd"]:
        model = DeviceCommand
    else:
        return None
    data = parse_json_object(payload)
    if data.get("v") != SCHEMA_VERSION:
        raise ValueError(f"schema version {data.get('v')!r}, this display reads {SCHEMA_VERSION}")
    msg = model.model_validate(data)
    if isinstance(msg, WindowState) and str(msg.number) != tail[1]:
        raise ValueError(f"window {msg.number} state on the topic of window {tail[1]}")
    if isinstance(msg, QueueState) and msg.code != tail[1]:
        raise ValueError(f"queue {msg.code} state on the topic of queue {tail[1]}")
    return msg


@dataclass(frozen=True)
class CallRow:
    number: str
    window_name: str
    recall: str  # "" or 第二次呼叫 …


@dataclass(frozen=True)
class QueueRow:
    code: str
    name: str
    waiting: str
    wait: str


@dataclass(frozen=True)
class WindowRow:
    number: int
    name: str
    state: str  # the ticket being served, 空闲, 暂停服务, 未开放
    status: str  # open | paused | closed (for the colour)


@dataclass(frozen=True)
class BoardView:
    hall_name: str
    latest: CallRow | None
    recent: list[CallRow]
    queues: list[QueueRow]
    windows: list[WindowRow]
    notice: str
    online: bool
    flashing: bool
    live: bool = True  # False once the link has been down for offline_banner_s: nothing is current
    banner: str = ""  # what the banner says when not live ("" when live)


def attempt_words(attempt: int, calls: int = 0) -> str:
    """第二次呼叫 for attempt 2 …, 最后一次呼叫 for the last of ``calls`` (see ``[policy] max_recalls``);
    nothing for a first call."""
    if attempt < 2:
        return ""
    if calls and attempt >= calls:
        return "最后一次呼叫"
    return f"第{chinese_number(attempt)}次呼叫" if attempt <= 99 else f"第{attempt}次呼叫"


def wait_words(waiting: int, predicted_wait_s: int) -> str:
    if waiting <= 0:
        return "无需等候"
    minutes = max(1, math.ceil(predicted_wait_s / 60))
    if minutes < 120:
        return f"约{minutes}分钟"
    hours, rest = divmod(minutes, 60)
    return f"约{hours}小时" + (f"{rest}分" if rest else "")


def clock_words(at: datetime) -> tuple[str, str]:
    """(date, time) in the hall's words: ("2024年5月6日 星期一", "09:15:02")."""
    return f"{at.year}年{at.month}月{at.day}日 星期{WEEKDAYS[at.weekday()]}", at.strftime("%H:%M:%S")


@dataclass
class BoardModel:
    hall_name: str
    windows_filter: set[int] = field(default_factory=set)  # empty: the whole hall
    recent_count: int = 8
    flash_s: float = 6.0
    default_notice: str = ""
    online: bool = False
    calls: list[CallMessage] = field(default_factory=list)  # newest first, shown windows only
    queues: dict[str, QueueState] = field(default_factory=dict)
    windows: dict[int, WindowState] = field(default_factory=dict)
    server_notice: str | None = None
    manager_notice: str | None = None
    issuing: bool = True
    issuing_message: str | None = None  # why not, and when issuing resumes (午休暂停取号，13:30恢复取号)
    flash_until: float = 0.0
    calls_per_ticket: int = 0  # 1 + max_recalls; 0: unknown (no 最后一次呼叫)
    offline_banner_s: float = 5.0
    offline_since: float | None = None  # monotonic: since when the link is down (None: up, or not known down)
    english: bool = False  # the banner in English too

    def shows(self, window: int) -> bool:
        return not self.windows_filter or window in self.windows_filter

    def apply(self, msg: Decoded, now: float) -> bool:
        """Fold one message in (``now``: monotonic seconds); True when the screen changes."""
        if isinstance(msg, CallMessage):
            return self._call(msg, now)
        if isinstance(msg, Board):
            self.hall_name = msg.hall_name or self.hall_name
            self.calls = [c for c in msg.calls if self.shows(c.window)][: self.recent_count + 1 + 8]
            self.queues.update({q.code: q for q in msg.queues})
            self.server_notice, self.issuing = msg.notice, msg.issuing
            self.issuing_message = msg.issuing_message
            return True
        if isinstance(msg, WindowState):
            if not self.shows(msg.number):
                return False
            self.windows[msg.number] = msg
            return True
        if isinstance(msg, WindowCleared):
            return self.windows.pop(msg.number, None) is not None
        if isinstance(msg, Resync):
            self.windows.clear()
            self.queues.clear()
            return True
        if isinstance(msg, QueueState):
            self.queues[msg.code] = msg
            return True
        if isinstance(msg, DeviceCommand) and msg.cmd == "notice":
            self.manager_notice = (msg.text or "").strip()[:500] or None
            return True
        return False

    def _call(self, call: CallMessage, now: float) -> bool:
        if not self.shows(call.window):
            return False
        self.calls.insert(0, call)
        del self.calls[self.recent_count + 1 + 8:]
        self.flash_until = now + self.flash_s
        return True

    def set_online(self, online: bool, now: float | None = None) -> bool:
        """The link's state (``now``: monotonic, when it changed); True when it changed."""
        changed, self.online = online != self.online, online
        if changed:
            self.offline_since = None if online else now
        return changed

    def live(self, now: float) -> bool:
        """Up, or down for less than ``offline_banner_s``: what the screen shows is still the hall's."""
        return self.offline_since is None or now - self.offline_since < self.offline_banner_s

    def banner(self) -> str:
        zh, en = BANNER
        return f"{zh}\n{en}" if self.english else zh

    def view(self, now: float) -> BoardView:
        rows: list[CallRow] = []
        seen: set[str] = set()
        for c in self.calls:  # a recall replaces the earlier line of the same ticket
            if c.number not in seen:
                seen.add(c.number)
                rows.append(CallRow(c.number, c.window_name or f"{c.window}号窗口",
                                    attempt_words(c.attempt, self.calls_per_ticket)))
        live = self.live(now)
        queues = [QueueRow(q.code, q.name, str(q.waiting), wait_words(q.waiting, q.predicted_wait_s))
                  if live else QueueRow(q.code, q.name, "—", STALE) for q in self._shown_queues()]
        windows = [WindowRow(w.number, w.name or f"{w.number}号窗口", self._window_state(w), w.status)
                   if live else WindowRow(w.number, w.name or f"{w.number}号窗口", STALE, "unknown")
                   for _, w in sorted(self.windows.items())]
        return BoardView(
            hall_name=self.hall_name,
            latest=rows[0] if rows else None,
            recent=rows[1:self.recent_count + 1],
            queues=queues,
            windows=windows,
            notice=self.notice(),
            online=self.online,
            flashing=live and now < self.flash_until,
            live=live,
            banner="" if live else self.banner(),
        )

    def _shown_queues(self) -> list[QueueState]:
        if self.windows_filter and self.windows:
            served = {q for w in self.windows.values() for q in w.queues}
            return [q for code, q in sorted(self.queues.items()) if code in served]
        return [q for _, q in sorted(self.queues.items())]

    @staticmethod
    def _window_state(w: WindowState) -> str:
        if w.status != "open":
            return STATUS_WORDS.get(w.status, w.status)
        if w.current and w.current_state in (None, "called", "serving"):
            return w.current
        return "空闲"

    def notice(self) -> str:
        parts = [p for p in (self.manager_notice, self.server_notice) if p]
        if not self.issuing:
            parts.append(self.issuing_message or "今日已暂停取号，请留意现场通知")
        unique = list(dict.fromkeys(parts))
        text = "　　◆　　".join(unique) if unique else self.default_notice
        return text if len(text) <= NOTICE_MAX else text[:NOTICE_MAX - 1] + "…"


__all__ = [
    "BANNER", "STALE", "BoardModel", "BoardView", "CallRow", "Decoded", "QueueRow", "Resync", "ValidationError",
    "WindowCleared", "WindowRow",
    "attempt_words", "clock_words", "decode", "wait_words",
]

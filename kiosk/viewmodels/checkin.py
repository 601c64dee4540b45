"""预约签到 at the kiosk: the citizen types the booking code on the keypad or puts their ID card on the
reader, and the kiosk asks the server over ``rpc/appointment_checkin``.

By card only the holder reference goes to the server (the kiosk's HMAC of the ID number), never the
number. Within the booking's check-in window the ticket is an ``appointment`` ticket; after it the
server issues a normal one and says why, and the screen shows that message. A request without a reply
is sent again with the same ``request_id`` (a booking checked in twice answers its ticket again).
Plain Python with the time passed in, like the other flows; the screen is wired by the shell.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from hall_contract.protocol import RpcReply
from kiosk.viewmodels.keypad import Keypad

CODE_DIGITS = 8
METHOD = "appointment_checkin"
WORDS = {
    "title": ("预约签到", "Appointment check-in"),
    "prompt": ("请输入 8 位预约码，或在读卡区放置身份证",
               "Type your 8-digit booking code, or put your ID card on the reader"),
    "waiting": ("正在签到，请稍候…", "Checking in…"),
    "on_time": ("签到成功，请留意叫号", "Checked in. Please wait for your number"),
    "late": ("已超过预约签到时间，已为您取普通号", "Check-in time has passed: this is a normal ticket"),
    "refused": ("签到未成功", "Check-in failed"),
}


@dataclass(frozen=True)
class CheckedIn:
    number: str
    queue: str
    on_time: bool
    message: str


@dataclass(frozen=True)
class CheckInRefused:
    code: str
    message: str


@dataclass(frozen=True)
class CheckInView:
    title: str
    prompt: str
    entered: str
    can_submit: bool
    busy: bool
    headline: str | None
    number: str | None
    message: str | None


class AppointmentCheckIn:
    def __init__(self, device_id: str, reply_to: str, timeout_s: float = 2.5, give_up_s: float = 20.0) -> None:
        self.device_id, self.reply_to = device_id, reply_to
        self.timeout_s, self.give_up_s = timeout_s, give_up_s
        self.keypad = Keypad(CODE_DIGITS, secret=False)
        self._pending: dict[str, Any] | None = None
        self._started = self._sent = 0.0
        self.outcome: CheckedIn | CheckInRefused | None = None

    def press(self, key: str) -> None:
        if self._pending is None:
            self.keypad.press(key)

    def by_code(self, now: float) -> dict[str, Any] | None:
        """The request for the code typed (None until all 8 digits are there)."""
        if self.keypad.count < CODE_DIGITS or self._pending is not None:
            return None
        return self._start(now, {"code": self.keypad.take()})

    def by_card(self, now: float, holder_ref: str) -> dict[str, Any] | None:
        """The request for the card just read (its holder reference; the ID number stays in the kiosk)."""
        if self._pending is not None or not holder_ref:
            return None
        return self._start(now, {"holder_ref": holder_ref})

    def _start(self, now: float, args: dict[str, Any]) -> dict[str, Any]:
        self.outcome = None
        self._pending = {"v": 1, "request_id": str(uuid.uuid4()), "reply_to": self.reply_to,
                         "source": self.device_id, **args}
        self._started = self._sent = now
        return self._pending

    def due(self, now: float, connected: bool) -> dict[str, Any] | None:
        """The request to send again now (same ``request_id``), or None; gives up after ``give_up_s``."""
        p = self._pending
        if p is None or not connected:
            return None
        if now - self._started >= self.give_up_s:
            self._pending = None
            self.outcome = CheckInRefused("timeout", "服务器无应答，请到咨询台签到 (no answer: please ask at the desk)")
            return None
        if now - self._sent < self.timeout_s:
            return None
        self._sent = now
        return p

    def on_reply(self, reply: RpcReply) -> bool:
        """Take the server's answer; False for a reply to some other request."""
        if self._pending is None or reply.request_id != self._pending["request_id"]:
            return False
        self._pending = None
        if reply.ok and reply.result:
            t = reply.result.get("ticket") or {}
            self.outcome = CheckedIn(str(t.get("number", "")), str(t.get("queue", "")),
                                     bool(reply.result.get("on_time")), str(reply.result.get("message", "")))
        else:
            err = reply.error
            self.outcome = CheckInRefused(err.code if err else "error", err.message if err else "")
        return True

    def view(self, language: str = "zh_CN") -> CheckInView:
        i = 1 if language.startswith("en") else 0
        o = self.outcome
        headline = number = message = None
        if isinstance(o, CheckedIn):
            headline, number, message = WORDS["on_time" if o.on_time else "late"][i], o.number, _half(o.message, i)
        elif isinstance(o, CheckInRefused):
            headline, message = WORDS["refused"][i], _half(o.message, i)
        elif self._pending is not None:
            headline = WORDS["waiting"][i]
        return CheckInView(WORDS["title"][i], WORDS["prompt"][i], self.keypad.shown,
                           self.keypad.count == CODE_DIGITS and self._pending is None, self._pending is not None,
                           headline, number, message)


def _half(message: str, i: int) -> str:
    """The server's "中文 (English)" in the screen's language."""
    zh, sep, en = message.partition(" (")
    return (en.rstrip(")") if i and sep else zh) or message

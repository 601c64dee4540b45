"""One ticket request at a time over ``rpc/issue_ticket``, retried with the same ``request_id``.

A request without a reply after ``timeout_s`` is sent again with the *same* ``request_id``
(the server answers a repeat with the first answer and issues nothing new), at once when the
broker link comes back, until ``give_up_s``. Only a reply carrying the pending ``request_id``
counts: a late reply to an abandoned request is ignored, so a citizen never gets two tickets
and never a ticket the server did not issue.
"""
from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from hall_contract.protocol import RpcReply, TicketPublic


@dataclass
class Pending:
    request_id: str
    payload: dict[str, Any] = field(repr=False)
    started: float
    sent: float
    attempts: int = 1


@dataclass(frozen=True)
class Issued:
    ticket: TicketPublic


@dataclass(frozen=True)
class Refused:
    code: str
    message: str
    number: str | None = None


Outcome = Issued | Refused


class Ticketing:
    def __init__(self, device_id: str, reply_to: str, timeout_s: float = 2.5, give_up_s: float = 20.0) -> None:
        self.device_id = device_id
        self.reply_to = reply_to
        self.timeout_s = timeout_s
        self.give_up_s = give_up_s
        self.pending: Pending | None = None
        self.history: list[str] = []  # request ids sent, newest last (for tests and the maintenance screen)

    def start(self, now: float, *, item: str | None = None, queue: str | None = None, priority: str = "normal",
              holder: str | None = None, holder_ref: str | None = None) -> dict[str, Any]:
        """A new request (a new ``request_id``); answers the payload to publish."""
        payload: dict[str, Any] = {"v": 1, "request_id": str(uuid.uuid4()), "reply_to": self.reply_to,
                                   "priority": priority, "source": self.device_id}
        if item is not None:
            payload["item"] = item
        if queue is not None:
            payload["queue"] = queue
        if holder is not None:
            if "*" not in holder:
                raise ValueError("a holder goes to the server masked only")
            payload["holder"] = holder
        if holder_ref is not None:
            payload["holder_ref"] = holder_ref
        self.pending = Pending(payload["request_id"], payload, started=now, sent=now)
        self.history.append(payload["request_id"])
        return payload

    @property
    def busy(self) -> bool:
        return self.pending is not None

    def due(self, now: float, connected: bool) -> dict[str, Any] | None:
        """The payload to send again now (same ``request_id``), or None."""
        p = self.pending
        if p is None or not connected or now - p.sent < self.timeout_s:
            return None
        p.sent, p.attempts = now, p.attempts + 1
        return p.payload

    def reconnected(self, now: float) -> dict[str, Any] | None:
        """The broker is back: send the pending request again at once."""
        p = self.pending
        if p is None:
            return None
        p.sent, p.attempts = now, p.attempts + 1
        return p.payload

    def expired(self, now: float) -> bool:
        """Whether the pending request has waited too long; it is then dropped."""
        if self.pending is not None and now - self.pending.started >= self.give_up_s:
            self.pending = None
            return True
        return False

    def cancel(self) -> None:
        self.pending = None

    def accept(self, reply: RpcReply) -> Outcome | None:
        """The outcome of ``reply`` if it answers the pending request, else None (ignored)."""
        p = self.pending
        if p is None or reply.request_id != p.request_id:
            return None
        self.pending = None
        if reply.ok and reply.result is not None:
            try:
                return Issued(TicketPublic.model_validate(reply.result))
            except ValueError:
                return Refused("bad_reply", "服务器答复无法识别")
        error = reply.error
        if error is None:
            return Refused("bad_reply", "服务器答复无法识别")
        number = None
        if error.code == "already_waiting":
            number = next((w.strip("()（）,，.") for w in error.message.split() if _looks_like_number(w)), None)
        return Refused(error.code, error.message, number)


def _looks_like_number(word: str) -> bool:
    w = word.strip("()（）,，.")
    return len(w) >= 2 and w[0].isalpha() and w[0].isupper() and w[1:].isdigit()

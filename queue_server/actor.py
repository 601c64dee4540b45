"""Who does something in the hall: a member of staff, a device, the server itself, or a stranger.

An :class:`Actor` is an identity established by the server (a staff token, a device's RPC
request, the server's own timers), never a name a caller makes up. Every command of the hall
service takes one, and the audit trail records it as ``kind:id`` with the role and window.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Any


class ActorKind(StrEnum):
    STAFF = "staff"
    DEVICE = "device"
    SYSTEM = "system"
    ANONYMOUS = "anonymous"


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    #: the staff username, the device id, the server's part (``advisor``, ``day``), or the channel
    id: str
    #: how a person reads it (the username, a device's name); ``id`` when not given
    name: str = ""
    #: the staff role (``clerk``, ``manager``, ``admin``, ``auditor``); None for others
    role: str | None = None
    #: the window a clerk is assigned to, or the window a device serves
    window: int | None = None

    @classmethod
    def staff(cls, username: str, role: str, window: int | None = None, name: str = "") -> Actor:
        return cls(ActorKind.STAFF, username, name or username, role, window)

    @classmethod
    def device(cls, device_id: str, window: int | None = None, name: str = "") -> Actor:
        return cls(ActorKind.DEVICE, device_id, name or device_id, None, window)

    @classmethod
    def system(cls, part: str) -> Actor:
        return cls(ActorKind.SYSTEM, part, part)

    @classmethod
    def anonymous(cls, channel: str = "web") -> Actor:
        return cls(ActorKind.ANONYMOUS, channel, channel)

    @property
    def clerk(self) -> str | None:
        """The clerk a window takes on when this actor acts there (a logged-in clerk), else None."""
        return self.id if self.kind is ActorKind.STAFF and self.role == "clerk" else None

    @property
    def audit_name(self) -> str:
        """The audit trail's ``actor`` column: ``staff:c3``, ``device:kiosk-1``, ``system:advisor``."""
        return f"{self.kind}:{self.id}"[:64]

    def audit_detail(self) -> dict[str, Any]:
        """What the audit row's detail adds about the actor (only what is known)."""
        out: dict[str, Any] = {}
        if self.role is not None:
            out["role"] = self.role
        if self.window is not None:
            out["actor_window"] = self.window
        if self.name and self.name != self.id:
            out["actor_name"] = self.name
        return out


#: the server's own work: loading the day, the day's rollover, the advisor applying its advice
STARTUP = Actor.system("startup")
DAY = Actor.system("day")
ADVISOR = Actor.system("advisor")

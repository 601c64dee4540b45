"""Who can staff an elastic window: the people the advice may name.

The caller (the server, or the simulation) passes the people available right now:

* ``floating``: back-office staff marked as floating in the configuration, the hall's
  reserve for elastic windows; named first;
* ``clerk``: a clerk on duty and idle (logged in, nobody at or waiting for their window);
* ``guide``: the hall's guide (导办员), named last, since at a rush the guide is needed at the
  door.

Within a role the one nearest the windows (shortest ``walk_s``) goes, then the order given.
A person already on the way to a window, or named in the same advice, is not named again.
"""
from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    FLOATING = "floating"
    CLERK = "clerk"
    GUIDE = "guide"


ROLE_ORDER = (Role.FLOATING, Role.CLERK, Role.GUIDE)
ROLE_ZH = {Role.FLOATING: "后台", Role.CLERK: "柜员", Role.GUIDE: "导办员"}
ROLE_EN = {Role.FLOATING: "back office", Role.CLERK: "clerk", Role.GUIDE: "guide"}


@dataclass(frozen=True)
class Person:
    """Someone who could go to an elastic window now."""

    id: str
    name: str
    role: Role
    #: seconds to reach the elastic windows; None: the hall's configured walk time
    walk_s: float | None = None

    def walk_or(self, default_s: float) -> float:
        return default_s if self.walk_s is None else self.walk_s

    def label_zh(self) -> str:
        return f"{ROLE_ZH[self.role]}{self.name}"

    def label_en(self) -> str:
        return f"{self.name} ({ROLE_EN[self.role]})"


def pick_person(people: Sequence[Person], taken: Collection[str], default_walk_s: float) -> Person | None:
    """The person to name for the next window, or None when nobody is left."""
    free = [(ROLE_ORDER.index(p.role), p.walk_or(default_walk_s), i, p) for i, p in enumerate(people)
            if p.id not in taken]
    return min(free, key=lambda x: x[:3])[3] if free else None


__all__ = ["ROLE_EN", "ROLE_ZH", "Person", "Role", "pick_person"]

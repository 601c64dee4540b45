"""The calls waiting to be spoken, kept true to the hall (plain Python: times passed in, no I/O).

A call waits here until the voice is free. It leaves without being spoken when it stops being
true: the same ticket or the same window was called again (the newer call replaces it), the
window's retained state says the ticket is no longer ``called`` there (started, finished,
passed, transferred, or the window called someone else), or it is older than
``max_delay_s`` by the call's own time (``at``, against the hall clock) or by the time it was
received, whichever is older. So at most one call per window waits, and none waits long.
"""
from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from hall_contract.protocol import CallMessage, WindowState

log = logging.getLogger(__name__)

#: why a call was not spoken
SUPERSEDED, MOVED_ON, LATE, OFFLINE, FULL = "superseded", "moved_on", "late", "offline", "full"


@dataclass(frozen=True)
class PendingCall:
    call: CallMessage
    received: float  # monotonic seconds
    made: datetime | None  # the call's ``at``; None when it cannot be read

    def age_s(self, now: float, wall: datetime) -> float:
        """Seconds since the call was made or received, whichever is longer ago."""
        age = now - self.received
        if self.made is not None:
            age = max(age, (wall - self.made).total_seconds())
        return age

    @property
    def key(self) -> str:
        return f"{self.call.number}→{self.call.window}"


def made_at(call: CallMessage, tz: tzinfo) -> datetime | None:
    try:
        at = datetime.fromisoformat(call.at)
    except ValueError:
        return None
    return at if at.tzinfo is not None else at.replace(tzinfo=tz)


class VoiceQueue:
    """Calls not yet spoken, oldest first; at most one per window and one per ticket."""

    def __init__(self, max_delay_s: float, tz: tzinfo, limit: int = 100) -> None:
        self.max_delay_s = max_delay_s
        self.tz = tz
        self.limit = limit
        self.pending: list[PendingCall] = []
        self.dropped: Counter[str] = Counter()
        self.most = 0  # the most calls that waited at once

    def __len__(self) -> int:
        return len(self.pending)

    def add(self, call: CallMessage, received: float, wall: datetime) -> PendingCall | None:
        """Queue ``call`` (replacing any older call of its window or ticket); None when it is already too old."""
        self._drop(lambda p: p.call.window == call.window or p.call.number == call.number, SUPERSEDED)
        p = PendingCall(call, received, made_at(call, self.tz))
        age = p.age_s(received, wall)
        if age > self.max_delay_s:
            log.warning("call %s was made %.0f s before it arrived: not spoken (late delivery, or this "
                        "machine's clock is off: check its time service)", p.key, age)
            self.dropped[LATE] += 1
            return None
        self.pending.append(p)
        if len(self.pending) > self.limit:
            self._count(self.pending.pop(0), FULL)
        self.most = max(self.most, len(self.pending))
        return p

    def window_state(self, w: WindowState) -> None:
        """The window's retained state moved on: drop its calls that are no longer what it is doing."""
        self._drop(lambda p: p.call.window == w.number
                   and (w.current != p.call.number or w.current_state not in (None, "called")), MOVED_ON)

    def window_cleared(self, number: int) -> None:
        self._drop(lambda p: p.call.window == number, MOVED_ON)

    def clear(self, reason: str = OFFLINE) -> None:
        self._drop(lambda _p: True, reason)

    def prune(self, now: float, wall: datetime) -> None:
        """Drop the calls older than ``max_delay_s``."""
        self._drop(lambda p: p.age_s(now, wall) > self.max_delay_s, LATE)

    def take(self, now: float, wall: datetime) -> tuple[PendingCall, int] | None:
        """The oldest call still in time, and how many wait behind it; too-old ones are dropped on the way."""
        self.prune(now, wall)
        if not self.pending:
            return None
        return self.pending.pop(0), len(self.pending)

    def _drop(self, stale: Callable[[PendingCall], bool], reason: str) -> None:
        keep = []
        for p in self.pending:
            if stale(p):
                self._count(p, reason)
            else:
                keep.append(p)
        self.pending = keep

    def _count(self, p: PendingCall, reason: str) -> None:
        self.dropped[reason] += 1
        log.info("not spoken: %s (%s)", p.key, reason.replace("_", " "))

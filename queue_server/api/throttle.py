"""Bounds on what one name or one address can try: wrong passwords, anonymous tickets.

Both keep their counts in memory, in tables of bounded size (the oldest entries go first), so a
stranger cycling through names or addresses cannot make the server keep more. A restart forgets
them; that is accepted (a lockout is minutes, not a ban).
"""
from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_ENTRIES = 10_000


class _Bounded(OrderedDict[str, "_Entry"]):
    def touch(self, key: str, make: Callable[[], _Entry]) -> _Entry:
        entry = self.get(key)
        if entry is None:
            entry = self[key] = make()
            while len(self) > MAX_ENTRIES:
                self.popitem(last=False)
        else:
            self.move_to_end(key)
        return entry


@dataclass
class _Entry:
    failures: int = 0
    locked_until: float = 0.0
    times: deque[float] = field(default_factory=deque)
    tokens: float = 0.0
    at: float = 0.0


class LoginThrottle:
    """Locks a login name after ``max_failures`` wrong passwords in a row, and an address after
    ``per_client`` wrong passwords (any names) within ``lockout_s``; both for ``lockout_s``."""

    def __init__(self, max_failures: int, lockout_s: float, per_client: int,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.max_failures, self.lockout_s, self.per_client = max_failures, lockout_s, per_client
        self.clock = clock
        self._names = _Bounded()
        self._clients = _Bounded()
        self._lock = threading.Lock()

    def wait_s(self, name: str, client: str) -> float:
        """Seconds before ``name`` may try again from ``client`` (0: now)."""
        now = self.clock()
        with self._lock:
            wait = 0.0
            entry = self._names.get(name.casefold())
            if entry is not None and entry.locked_until > now:
                wait = entry.locked_until - now
            c = self._clients.get(client)
            if c is not None:
                self._forget_old(c, now)
                if len(c.times) >= self.per_client:
                    wait = max(wait, c.times[0] + self.lockout_s - now)
            return wait

    def failed(self, name: str, client: str) -> None:
        now = self.clock()
        with self._lock:
            entry = self._names.touch(name.casefold(), _Entry)
            entry.failures += 1
            if entry.failures >= self.max_failures:
                entry.failures, entry.locked_until = 0, now + self.lockout_s
            c = self._clients.touch(client, _Entry)
            self._forget_old(c, now)
            c.times.append(now)

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._names.pop(name.casefold(), None)

    def _forget_old(self, c: _Entry, now: float) -> None:
        while c.times and c.times[0] <= now - self.lockout_s:
            c.times.popleft()


class RateLimit:
    """A token bucket per key: ``burst`` at once, then ``per_minute``."""

    def __init__(self, burst: int, per_minute: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.burst, self.rate = burst, per_minute / 60.0
        self.clock = clock
        self._keys = _Bounded()
        self._lock = threading.Lock()

    def take(self, key: str) -> float:
        """Take one; the seconds to wait when none is left (then nothing is taken), else 0."""
        now = self.clock()
        with self._lock:
            fresh = key not in self._keys
            b = self._keys.touch(key, _Entry)
            if fresh:
                b.tokens, b.at = float(self.burst), now
            b.tokens = min(float(self.burst), b.tokens + (now - b.at) * self.rate)
            b.at = now
            if b.tokens >= 1.0:
                b.tokens -= 1.0
                return 0.0
            return (1.0 - b.tokens) / self.rate


def minutes(seconds: float) -> int:
    return max(1, math.ceil(seconds / 60))

"""Fair handling of requests: one lane per sender, served in turn, each with its own rate.

A device that floods the server fills only its own lane (bounded: beyond ``lane_size`` its
requests are dropped) and spends only its own tokens (beyond them it is answered
``rate_limited`` without touching the database), so a kiosk's ticket request waits behind at
most one request of each other busy sender, never behind a flood. All anonymous requests
(the plain ``rpc/{method}`` form) share one lane.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

T = TypeVar("T")


@dataclass
class TokenBucket:
    rate_per_s: float
    burst: float
    tokens: float = -1.0
    at: float = field(default_factory=time.monotonic)

    def take(self, now: float) -> bool:
        if self.tokens < 0:
            self.tokens = self.burst
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate_per_s)
        self.at = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


class FairInbox(Generic[T]):
    """Items queued per sender; :meth:`get` takes them round robin over the senders."""

    def __init__(self, lane_size: int = 200, max_lanes: int = 1000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.lane_size = lane_size
        self.max_lanes = max_lanes
        self.clock = clock
        self._lanes: OrderedDict[str, deque[T]] = OrderedDict()
        self._cond = threading.Condition()
        self._closed = False
        self.dropped = 0

    def put(self, sender: str, item: T) -> bool:
        """Queue ``item`` in ``sender``'s lane; False (dropped) when that lane is full or too many senders wait."""
        with self._cond:
            lane = self._lanes.get(sender)
            if lane is None:
                if len(self._lanes) >= self.max_lanes:
                    self.dropped += 1
                    return False
                lane = self._lanes[sender] = deque()
            if len(lane) >= self.lane_size:
                self.dropped += 1
                return False
            lane.append(item)
            self._cond.notify()
            return True

    def get(self, timeout: float | None = None) -> tuple[str, T] | None:
        """The next item of the next sender in turn; None once closed (or after ``timeout``)."""
        with self._cond:
            if not self._cond.wait_for(lambda: self._closed or bool(self._lanes), timeout):
                return None
            if self._closed:
                return None
            sender, lane = next(iter(self._lanes.items()))
            item = lane.popleft()
            del self._lanes[sender]
            if lane:  # to the back of the round
                self._lanes[sender] = lane
            return sender, item

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify_all()

    def waiting(self) -> int:
        with self._cond:
            return sum(len(lane) for lane in self._lanes.values())


class RateLimits:
    """A token bucket per sender (at most ``max_senders`` remembered; the idlest is forgotten first)."""

    def __init__(self, rate_per_s: float, burst: int, max_senders: int = 2000,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rate_per_s, self.burst, self.max_senders, self.clock = rate_per_s, burst, max_senders, clock
        self._buckets: OrderedDict[str, TokenBucket] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, sender: str) -> bool:
        now = self.clock()
        with self._lock:
            bucket = self._buckets.pop(sender, None) or TokenBucket(self.rate_per_s, self.burst, at=now)
            self._buckets[sender] = bucket
            while len(self._buckets) > self.max_senders:
                self._buckets.popitem(last=False)
            return bucket.take(now)

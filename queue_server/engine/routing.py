"""Who is called next: the order inside a queue and the choice across queues.

**Inside a queue** tickets wait in two lines, priority (elderly, disabled, appointment) and
normal, each in order of ``queued_at`` (issue time; a transferred ticket keeps the issue
time of its first ticket, see ``Hall.transfer``). Priority tickets go first, but never more
than ``max_priority_streak`` of them in a row while a normal ticket waits: then the normal
head gets its turn and the count starts again. With the default bound of 2 and a queue
holding priority P1 P2 P3 and normal N1 N2 the calls go P1 P2 N1 P3 N2.

**Across queues** a window that serves several queues (an elastic window serving A and B)
takes the queue whose longest-waiting ticket is furthest beyond that queue's target wait,
measured as ``waited / target``. Example: A's oldest ticket has waited 12 min against a
15 min target (0.8), B's oldest 6 min against a 5 min target (1.2): B goes first although
A's ticket waited longer. Ties go to the queue listed first for the window. Inside the
chosen queue the priority rule above decides which ticket is called.
"""
from __future__ import annotations

import bisect
from collections.abc import Iterator, Sequence
from datetime import datetime

from queue_server.engine.model import QueueSpec, Ticket


def _order(t: Ticket) -> tuple[datetime, int, int]:
    return (t.queued_at, t.hop, t.seq)


class QueueLine:
    """The waiting tickets of one queue, with the priority-streak bound."""

    def __init__(self, spec: QueueSpec, max_priority_streak: int) -> None:
        self.spec = spec
        self.bound = max(1, max_priority_streak)
        self._priority: list[Ticket] = []
        self._normal: list[Ticket] = []
        #: priority calls in a row while a normal ticket waited
        self.streak = 0

    def __len__(self) -> int:
        return len(self._priority) + len(self._normal)

    def _line(self, t: Ticket) -> list[Ticket]:
        return self._priority if t.is_priority else self._normal

    def add(self, t: Ticket) -> None:
        bisect.insort_right(self._line(t), t, key=_order)

    def _index(self, t: Ticket) -> int:
        """Where ``t`` stands in its line (O(log n): the lines are kept in order)."""
        line = self._line(t)
        i = bisect.bisect_left(line, _order(t), key=_order)
        while i < len(line) and line[i] is not t:
            if _order(line[i]) != _order(t):
                break
            i += 1
        if i == len(line) or line[i] is not t:
            raise ValueError(f"{t.number} is not waiting in {self.spec.code}")
        return i

    def remove(self, t: Ticket) -> None:
        del self._line(t)[self._index(t)]

    def oldest(self) -> Ticket | None:
        heads = [line[0] for line in (self._priority, self._normal) if line]
        return min(heads, key=_order) if heads else None

    def next_ticket(self) -> Ticket | None:
        if self._priority and (not self._normal or self.streak < self.bound):
            return self._priority[0]
        if self._normal:
            return self._normal[0]
        return None

    def take(self, t: Ticket) -> None:
        """Remove ``t`` as called, keeping the streak count."""
        normal_waiting = bool(self._normal)
        self.remove(t)
        self.streak = self.streak + 1 if t.is_priority and normal_waiting else 0

    def ahead_of(self, t: Ticket) -> int:
        """People called before ``t`` if nobody else arrives: ``i`` normal tickets ahead let
        at most ``bound`` priority tickets in before each of them and before ``t``."""
        if t.is_priority:
            j = self._index(t)
            return j + min(len(self._normal), j // self.bound)
        i = self._index(t)
        return i + min(len(self._priority), self.bound * (i + 1))

    def queued_before(self, t: datetime) -> int:
        """How many wait here since before ``t`` (O(log n): the lines are kept in order)."""
        key = (t, -1, -1)
        return sum(bisect.bisect_left(line, key, key=_order) for line in (self._priority, self._normal))

    def __iter__(self) -> Iterator[Ticket]:
        yield from self._priority
        yield from self._normal


def urgency(line: QueueLine, now: datetime) -> float:
    """How far the queue's longest wait is beyond its target (1.0 = exactly at target)."""
    oldest = line.oldest()
    if oldest is None:
        return -1.0
    return oldest.waited_s(now) / max(1.0, line.spec.target_wait_s)


def choose_line(lines: Sequence[QueueLine], now: datetime) -> QueueLine | None:
    """The queue a window serving ``lines`` (in its listed order) calls from next."""
    best: QueueLine | None = None
    best_score = -1.0
    for line in lines:
        if not len(line):
            continue
        score = urgency(line, now)
        if best is None or score > best_score:
            best, best_score = line, score
    return best

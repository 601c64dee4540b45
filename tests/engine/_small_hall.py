"""A small hall for the advisor's tests: queues A and B, windows 1 (A), 2 (B), elastic 10-12."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from queue_server.engine import (
    AdvisorPolicy,
    BusinessHours,
    Hall,
    ItemSpec,
    Policy,
    QueueSpec,
    WindowKind,
    WindowSpec,
)

TZ = ZoneInfo("Asia/Shanghai")
DAY = date(2025, 3, 3)  # a Monday
T0 = datetime(2025, 3, 3, 9, 0, tzinfo=TZ)
HOURS = BusinessHours(((time(9), time(12)), (time(13, 30), time(17))))


def small_hall(open_dedicated: bool = True) -> Hall:
    """A (target 15 min, 10 min per ticket) and B (target 10 min, 3 min): windows 1 (A), 2 (B),
    elastic 10, 11, 12 (closed)."""
    queues = [QueueSpec("A", "综合受理", 900.0, 600.0), QueueSpec("B", "查询出件", 600.0, 180.0)]
    windows = [WindowSpec(1, "1号窗口", WindowKind.ACCEPT), WindowSpec(2, "2号窗口", WindowKind.QUERY),
               *(WindowSpec(n, f"{n}号窗口", WindowKind.ELASTIC, ("A",)) for n in (10, 11, 12))]
    items = [ItemSpec("X", "x", "A", 600.0), ItemSpec("Y", "y", "B", 180.0)]
    hall = Hall(queues, windows, items, Policy(), TZ, DAY)
    if open_dedicated:
        hall.open_window(T0, 1)
        hall.open_window(T0, 2)
    return hall


def issue(hall: Hall, queue: str, n: int, start: datetime, span_s: float) -> None:
    for i in range(n):
        hall.issue(start + timedelta(seconds=span_s * i / max(1, n)), queue=queue)


def at(hhmm: str) -> datetime:
    return datetime.combine(DAY, time.fromisoformat(hhmm), tzinfo=TZ)


def policy(**kw: object) -> AdvisorPolicy:
    """The default advisor settings with the small hall's business hours."""
    return AdvisorPolicy(**{"hours": HOURS, **kw})  # type: ignore[arg-type]

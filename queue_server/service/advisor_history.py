"""The advisor's history from the hall's own database: the same weekday over past weeks.

One query per business day: the first issues (``hop = 0``) of the tickets stored for the same
weekday in each of the last ``weeks`` weeks, reduced per local day, queue and half hour by
:func:`~queue_server.engine.history_rows` (the reduction ``hallctl simulate --weeks`` makes of
its replayed weeks). Today's own arrivals come from the hall in memory, not from here.
"""
from __future__ import annotations

import logging
from datetime import date, timedelta, tzinfo

import sqlalchemy as sa
from sqlalchemy.exc import SQLAlchemyError

from queue_server.engine import ArrivalHistory, history_rows
from queue_server.store import Store
from queue_server.store.tables import ticket_t

log = logging.getLogger(__name__)


def same_weekdays(day: date, weeks: int) -> list[date]:
    """``day``'s weekday in each of the ``weeks`` weeks before it, oldest first."""
    return [day - timedelta(weeks=k) for k in range(weeks, 0, -1)]


def load_history(store: Store, day: date, weeks: int, tz: tzinfo) -> ArrivalHistory:
    """Arrivals per queue and half hour on the same weekday of the last ``weeks`` weeks."""
    days = same_weekdays(day, weeks)
    query = (sa.select(ticket_t.c.issued_at, ticket_t.c.queue, ticket_t.c.hop)
             .where(ticket_t.c.day.in_(days), ticket_t.c.hop == 0))
    with store.engine.connect() as conn:
        rows = conn.execute(query).all()
    return ArrivalHistory(history_rows(rows, tz))


class HistoryCache:
    """The history for the hall's current day, read once a day (the past does not change)."""

    def __init__(self, store: Store, weeks: int, tz: tzinfo) -> None:
        self.store, self.weeks, self.tz = store, weeks, tz
        self._day: date | None = None
        self._history: ArrivalHistory | None = None

    def for_day(self, day: date) -> ArrivalHistory | None:
        """The history for ``day``; None when the database could not be read (tried again next time)."""
        if self._day != day:
            try:
                self._history = load_history(self.store, day, self.weeks, self.tz)
            except SQLAlchemyError as err:
                log.warning("advisor history not read: %s", str(err).splitlines()[0])
                return None
            self._day = day
        return self._history

    def forget(self) -> None:
        """Read again on the next call (after a restore, or a test storing past days)."""
        self._day = None


__all__ = ["HistoryCache", "load_history", "same_weekdays"]

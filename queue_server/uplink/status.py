"""The uplink's backlog where people look: ``/metrics`` gauges and the ``hallctl doctor`` line."""
from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from queue_server.store.outbox import Backlog, backlog

if TYPE_CHECKING:
    from queue_server.service import HallService
    from queue_server.settings import Settings

#: a backlog older than this is a fault for ``hallctl doctor`` (the relay or the uplink is down)
STALE_S = 600.0


class UplinkGauges(Collector):
    def __init__(self, service: HallService) -> None:
        self.service = service

    def collect(self) -> Iterator[GaugeMetricFamily]:
        b = backlog(self.service.store.engine, self.service.settings.hall.id)
        yield GaugeMetricFamily("hall_uplink_backlog_events", "events not yet acknowledged by the province",
                                value=b.waiting)
        yield GaugeMetricFamily("hall_uplink_oldest_age_seconds", "age of the oldest unacknowledged event",
                                value=b.oldest_age_s())
        yield GaugeMetricFamily("hall_uplink_last_seq", "last event written to the outbox", value=b.last_seq)
        yield GaugeMetricFamily("hall_uplink_sent_seq", "last event acknowledged by the province", value=b.sent_seq)


def describe(b: Backlog) -> str:
    if b.waiting == 0:
        return f"all {b.last_seq} events acknowledged"
    return f"{b.waiting} events waiting, oldest {b.oldest_age_s() / 60:.1f} min"


def uplink_check(s: Settings) -> tuple[str, bool, str]:
    """One doctor line: the province's NATS answers, and the backlog is not stale."""
    from queue_server.store import Store

    store = Store(s.server.database_url)
    try:
        b = backlog(store.engine, s.hall.id)
    except Exception as err:  # an unmigrated database is the database line's finding
        return ("uplink", False, f"outbox unreadable: {str(err).splitlines()[0][:120]}")
    finally:
        store.close()
    if not s.server.nats_url:
        return ("uplink", True, f"HALL_NATS_URL not set: {describe(b)} in the outbox")
    first = s.server.nats_url.split(",")[0]
    u = urlsplit(first)
    host, port = u.hostname or "127.0.0.1", u.port or 4222
    try:
        with socket.create_connection((host, port), timeout=2):
            pass
    except OSError as err:
        return ("uplink", False, f"{host}:{port}: {err}; {describe(b)}")
    return ("uplink", b.oldest_age_s() < STALE_S, f"{host}:{port} answers; {describe(b)}")

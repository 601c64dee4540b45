"""The aggregator: a JetStream durable pull consumer feeding :class:`~province.ingest.Ingest`.

Several aggregators may pull from one durable at once (each batch goes to one of them). A
batch is acknowledged only after its transaction committed; a batch that failed is not, and
JetStream delivers it again after ``ack_wait`` (to this or another aggregator), where the
event table's key makes the repeat harmless.

``fetch()`` of nats-py ends an empty wait in three ways: plain ``asyncio.TimeoutError``, the
NATS ``TimeoutError``, or an empty list. All three mean "nothing now".
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass, field

import nats
import nats.errors
import nats.js.errors
from nats.aio.msg import Msg
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy, StorageType

from province.ingest import BatchResult, Ingest, claim_slot
from province.settings import ProvinceSettings

log = logging.getLogger(__name__)
DUPLICATE_WINDOW_S = 3600.0


@dataclass
class ConsumerStats:
    batches: int = 0
    events: int = 0
    duplicates: int = 0
    parked: int = 0
    failures: int = 0
    last_error: str = ""
    connected: bool = False
    totals: BatchResult = field(default_factory=BatchResult)


async def ensure_stream(js: nats.js.JetStreamContext, s: ProvinceSettings) -> str:
    """The stream that captures every hall's events, created when missing."""
    try:
        return await js.find_stream_name_by_subject(s.subjects)
    except nats.js.errors.NotFoundError:
        pass
    info = await js.add_stream(name=s.stream, subjects=[s.subjects], storage=StorageType.FILE,
                               num_replicas=s.replicas, duplicate_window=DUPLICATE_WINDOW_S)
    return str(info.config.name)


class Aggregator:
    def __init__(self, settings: ProvinceSettings, ingest: Ingest) -> None:
        self.s = settings
        self.ingest = ingest
        self.stats = ConsumerStats()

    async def run(self, stop: asyncio.Event) -> None:
        delay = 0.5
        while not stop.is_set():
            try:
                await self._session(stop)
                delay = 0.5
            except Exception as err:  # the aggregator outlives NATS and database outages
                self.stats.connected = False
                self.stats.failures += 1
                self.stats.last_error = f"{type(err).__name__}: {err}"[:300]
                log.warning("aggregator: %s; retrying in %.1f s", self.stats.last_error, delay)
                await _sleep(stop, delay)
                delay = min(delay * 2, 10.0)

    async def _session(self, stop: asyncio.Event) -> None:
        async def quiet(_err: Exception) -> None:
            return None

        # nats-py's first connect() can wait for ever on a refused port: bound it
        nc = await asyncio.wait_for(nats.connect(servers=self.s.nats_servers(), connect_timeout=3,
                                                 max_reconnect_attempts=-1, reconnect_time_wait=0.5, error_cb=quiet,
                                                 name="province-aggregator"), 10)
        slot, lock = await asyncio.to_thread(claim_slot, self.ingest.engine)
        self.ingest.slot = slot
        try:
            js = nc.jetstream(timeout=10)
            stream = await ensure_stream(js, self.s)
            cfg = ConsumerConfig(durable_name=self.s.durable, ack_policy=AckPolicy.EXPLICIT,
                                 deliver_policy=DeliverPolicy.ALL, ack_wait=self.s.ack_wait_s, max_deliver=-1,
                                 max_ack_pending=50_000, filter_subject=self.s.subjects)
            sub = await js.pull_subscribe(self.s.subjects, durable=self.s.durable, stream=stream, config=cfg)
            self.stats.connected = True
            pending: tuple[asyncio.Future[BatchResult], list[Msg]] | None = None
            try:
                while not stop.is_set():
                    msgs = await self._fetch(sub)  # the next batch arrives while the last one commits
                    if pending is not None:
                        await self._settle(*pending)
                        pending = None
                    if msgs:
                        items = [(m.subject, m.data) for m in msgs]
                        pending = (asyncio.ensure_future(asyncio.to_thread(self.ingest.apply, items)), msgs)
            finally:
                if pending is not None:
                    await self._settle(*pending)
        finally:
            self.stats.connected = False
            await nc.close()
            if lock is not None:
                await asyncio.to_thread(lock.close)

    async def _fetch(self, sub: nats.js.JetStreamContext.PullSubscription) -> list[Msg]:
        try:
            return await sub.fetch(self.s.batch, timeout=1) or []
        except (TimeoutError, nats.errors.TimeoutError):
            return []

    async def _settle(self, work: asyncio.Future[BatchResult], msgs: list[Msg]) -> None:
        """Acknowledge a batch once its transaction committed; a failed one comes back later."""
        try:
            res = await work
        except Exception as err:
            self.stats.failures += 1
            self.stats.last_error = f"{type(err).__name__}: {err}"[:300]
            log.warning("aggregator: batch of %d not stored (%s); it will be delivered again", len(msgs),
                        self.stats.last_error)
            for m in msgs:
                await m.nak(delay=2)
            await asyncio.sleep(1)
            return
        for m in msgs:
            await m.ack()
        st = self.stats
        st.batches += 1
        st.events += res.new
        st.duplicates += res.duplicates
        st.parked += res.parked


async def _sleep(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)

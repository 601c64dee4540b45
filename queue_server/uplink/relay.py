"""The hall's uplink relay: outbox events to the province's JetStream stream, in order, exactly once.

One loop: read the events after the ``uplink_sent`` mark, publish them (pipelined, each with
``Nats-Msg-Id: {hall}:{seq}`` so the stream drops a repeat), and move the mark up to the last
event of an unbroken run of acknowledgements. Nothing is marked before the stream has stored
it, so a crash of the relay, the server, NATS or the machine at any point leaves the events in
the outbox, and the next start publishes them again; the stream's duplicate window and the
province's ``(hall_id, seq)`` key drop what had already arrived.

Any failure (no server, no stream, a timeout, a dropped connection) closes the connection and
retries after a back-off that doubles up to ``backoff_max_s``.
"""
from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import nats
import nats.errors
import nats.js.errors
from nats.js.api import StorageType
from sqlalchemy.engine import Engine

from hall_contract.uplink import ALL_HALLS_SUBJECTS, DEFAULT_STREAM, hall_subjects, msg_id, subject
from queue_server.store.outbox import mark_sent, pending, prune_sent, sent_seq

log = logging.getLogger(__name__)

#: how long the stream remembers a message id (a relay restarted within it publishes no duplicate)
DUPLICATE_WINDOW_S = 3600.0
#: acknowledged events are kept this long in the hall before they are pruned
KEEP_SENT_DAYS = 30
CONNECT_TIMEOUT_S = 5.0


class PublishFailed(Exception):
    pass


@dataclass
class RelayStats:
    published: int = 0
    sent_seq: int = 0
    connected: bool = False
    last_error: str = ""
    failures: int = 0
    stream: str = ""
    since: datetime = field(default_factory=lambda: datetime.now(UTC))


class Relay:
    def __init__(self, engine: Engine, hall_id: str, nats_url: str, *, stream: str = DEFAULT_STREAM,
                 batch: int = 500, window: int = 128, ack_timeout_s: float = 5.0, poll_s: float = 0.05,
                 backoff_s: float = 0.5, backoff_max_s: float = 15.0) -> None:
        self.engine = engine
        self.hall_id = hall_id
        self.url = nats_url
        self.where = redact(nats_url)
        self.stream = stream
        self.batch = batch
        self.window = window
        self.ack_timeout_s = ack_timeout_s
        self.poll_s = poll_s
        self.backoff_s = backoff_s
        self.backoff_max_s = backoff_max_s
        self.stats = RelayStats()
        self.on_progress: Callable[[RelayStats], None] | None = None
        self._last_prune = datetime.min.replace(tzinfo=UTC)

    async def run(self, stop: asyncio.Event) -> None:
        delay = self.backoff_s
        while not stop.is_set():
            try:
                await self._session(stop)
                delay = self.backoff_s
            except Exception as err:  # every failure is retried: the relay must outlive its peers
                self.stats.connected = False
                self.stats.failures += 1
                self.stats.last_error = f"{type(err).__name__}: {err}"[:300]
                log.warning("uplink to %s failed (%s); retrying in %.1f s", self.where, self.stats.last_error, delay)
                await _sleep(stop, delay)
                delay = min(delay * 2, self.backoff_max_s)

    async def _session(self, stop: asyncio.Event) -> None:
        async def quiet(_err: Exception) -> None:
            return None

        servers = [u.strip() for u in self.url.split(",") if u.strip()]  # a cluster: any of its servers
        # nats-py's connect() can wait for ever on a refused port: bound it
        nc = await asyncio.wait_for(nats.connect(servers=servers, connect_timeout=3, allow_reconnect=False,
                                                 max_reconnect_attempts=0, error_cb=quiet,
                                                 inbox_prefix=f"_INBOX.{self.hall_id}",  # the ACL's own inbox
                                                 name=f"hall-uplink-{self.hall_id}"), CONNECT_TIMEOUT_S)
        try:
            js = nc.jetstream(timeout=self.ack_timeout_s)
            self.stats.stream = await self._ensure_stream(js)
            self.stats.connected = True
            log.info("uplink connected to %s, stream %s", self.where, self.stats.stream)
            await self._pump(js, stop, lambda: nc.is_connected)
        finally:
            self.stats.connected = False
            await nc.close()

    async def _ensure_stream(self, js: nats.js.JetStreamContext) -> str:
        """The stream that captures this hall's subjects, created (file storage) when there is none."""
        try:
            return await js.find_stream_name_by_subject(hall_subjects(self.hall_id))
        except nats.js.errors.NotFoundError:
            pass
        except (nats.js.errors.APIError, nats.errors.NoRespondersError, nats.errors.TimeoutError) as err:
            # no JetStream API here (a leaf node in the hall forwards publishes, not the API) or no right to
            # use it: publish all the same; without a stream the publishes fail and are retried
            log.info("uplink cannot look up the stream (%s); publishing all the same", type(err).__name__)
            return "?"
        try:
            info = await js.add_stream(name=self.stream, subjects=[ALL_HALLS_SUBJECTS], storage=StorageType.FILE,
                                       duplicate_window=DUPLICATE_WINDOW_S)
        except nats.js.errors.APIError as err:
            log.warning("uplink could not create stream %s (%s); publishing all the same", self.stream, err)
            return "?"
        log.info("uplink created stream %s for %s", info.config.name, ALL_HALLS_SUBJECTS)
        return str(info.config.name)

    async def _pump(self, js: nats.js.JetStreamContext, stop: asyncio.Event, alive: Callable[[], bool]) -> None:
        done = await asyncio.to_thread(sent_seq, self.engine, self.hall_id)
        self.stats.sent_seq = done
        while not stop.is_set():
            if not alive():
                raise PublishFailed("connection lost")
            rows = await asyncio.to_thread(pending, self.engine, self.hall_id, done, self.batch)
            if not rows:
                await self._maybe_prune()
                await _sleep(stop, self.poll_s)
                continue
            acked = await self._publish(js, rows)
            if acked > done:
                await asyncio.to_thread(mark_sent, self.engine, self.hall_id, acked)
                self.stats.published += acked - done
                done = self.stats.sent_seq = acked
                if self.on_progress is not None:
                    self.on_progress(self.stats)
            if acked < rows[-1][0]:
                raise PublishFailed(f"the stream acknowledged up to {acked} of {rows[-1][0]}")

    async def _publish(self, js: nats.js.JetStreamContext, rows: list[tuple[int, str, str]]) -> int:
        """Publish ``rows`` a window at a time; the last seq of the unbroken run of acknowledgements."""
        acked = rows[0][0] - 1
        for i in range(0, len(rows), self.window):
            part = rows[i:i + self.window]
            results = await asyncio.gather(*(self._one(js, seq, kind, body) for seq, kind, body in part),
                                           return_exceptions=True)
            for (seq, _, _), res in zip(part, results, strict=True):
                if isinstance(res, BaseException):
                    self.stats.last_error = f"{type(res).__name__}: {res}"[:300]
                    return acked
                acked = seq
        return acked

    def _one(self, js: nats.js.JetStreamContext, seq: int, kind: str, body: str) -> Awaitable[object]:
        return js.publish(subject(self.hall_id, kind), body.encode(),
                          headers={"Nats-Msg-Id": msg_id(self.hall_id, seq)})

    async def _maybe_prune(self) -> None:
        now = datetime.now(UTC)
        if now - self._last_prune < timedelta(hours=1):
            return
        self._last_prune = now
        cut = (now - timedelta(days=KEEP_SENT_DAYS)).date()
        n = await asyncio.to_thread(prune_sent, self.engine, self.hall_id, cut)
        if n:
            log.info("pruned %d acknowledged events before %s", n, cut)


def redact(urls: str) -> str:
    """The server list without user names and passwords, for logs."""
    return ",".join(re.sub(r"//[^@/]*@", "//", u.strip()) for u in urls.split(","))


async def _sleep(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)

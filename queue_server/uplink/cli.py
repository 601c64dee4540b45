"""``hallctl uplink``: the relay as its systemd unit runs it."""
from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from collections.abc import Callable
from typing import Annotated

import typer

from hall_contract.cli import ConfigOpt

log = logging.getLogger(__name__)


async def _watchdog(stop: asyncio.Event, interval: float, notify: Callable[[str], bool]) -> None:
    while not stop.is_set():
        notify("WATCHDOG=1")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), interval)


def register(app: typer.Typer) -> None:
    @app.command("uplink")
    def uplink_cmd(
        config: ConfigOpt = None,
        stream: Annotated[str, typer.Option(help="stream to create when none captures this hall's subjects")]
        = "HALL_EVENTS",
        backoff_max: Annotated[float, typer.Option(help="longest wait between retries, seconds")] = 15.0,
    ) -> None:
        """Publish the hall's outbox to the province over NATS JetStream (HALL_NATS_URL)."""
        from hall_contract.cli import settings_or_exit, setup_logging
        from hall_contract.sdnotify import notify, watchdog_interval_s
        from queue_server.settings import Settings
        from queue_server.store import Store
        from queue_server.uplink.relay import Relay

        s = settings_or_exit(Settings, config)
        setup_logging()
        store = Store(s.server.database_url, s.server.sqlite_synchronous)
        store.upgrade()
        if not s.server.nats_url:
            log.warning("HALL_NATS_URL is not set: events wait in the outbox")
        notify("READY=1")
        relay = Relay(store.engine, s.hall.id, s.server.nats_url or "", stream=stream, backoff_max_s=backoff_max)

        async def main() -> None:
            stop = asyncio.Event()
            loop = asyncio.get_running_loop()
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.add_signal_handler(sig, stop.set)
            interval = watchdog_interval_s()
            jobs = [relay.run(stop) if s.server.nats_url else stop.wait()]
            if interval:  # the loop answers: the relay is not stuck (its peers may be down; it retries)
                jobs.append(_watchdog(stop, interval, notify))
            await asyncio.gather(*jobs)

        try:
            asyncio.run(main())
        finally:
            notify("STOPPING=1")
            store.close()

    province = next((g.typer_instance for g in app.registered_groups if g.name == "province"), None)
    if province is not None:  # the province app is installed: its demo runs simulated halls of ours
        _register_demo(province)


def _register_demo(province: typer.Typer) -> None:
    @province.command("demo")
    def demo_cmd(
        config: ConfigOpt = None,
        halls: Annotated[int, typer.Option(min=1, max=50, help="simulated halls")] = 5,
        speed: Annotated[float, typer.Option(min=0, help="simulated seconds per wall-clock second "
                                             "(0: as fast as possible)")] = 60.0,
        tickets: Annotated[int | None, typer.Option(min=1, help="tickets per hall and day "
                                                    "(default: as hallctl simulate)")] = None,
        duration: Annotated[float, typer.Option(help="stop after this many seconds, or once every day is "
                                                "replayed and acknowledged (0: until Ctrl-C)")] = 0,
        port: Annotated[int | None, typer.Option(help="the province page's port (default: a free one)")] = None,
        pg: Annotated[str, typer.Option(help="PostgreSQL server; a fresh database is made on it")]
        = "postgresql://postgres@127.0.0.1:5432/postgres",
        keep: Annotated[bool, typer.Option(help="keep the database and files afterwards")] = False,
    ) -> None:
        """A province in a box: NATS JetStream, the aggregator and its pages on a fresh PostgreSQL database,
        and N simulated halls replaying a business day through the real engine, outbox and relay."""
        import sys

        from hall_contract.cli import setup_logging
        from queue_server.uplink.demo import run_province_demo

        setup_logging()
        sys.exit(run_province_demo(config, halls, speed, tickets, duration, port, pg, keep))

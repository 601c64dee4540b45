"""``hallctl province``: the province aggregator with its API and pages, and its database."""
from __future__ import annotations

import asyncio
import logging
import signal
from typing import Annotated

import typer

province_app = typer.Typer(help="the province tier: every hall's events from NATS JetStream (PROVINCE_* env)",
                           no_args_is_help=True)
log = logging.getLogger("hallctl.province")


def _setup_logging() -> None:
    import os
    import sys

    logging.basicConfig(level=os.environ.get("HALL_LOG_LEVEL", "INFO").upper(), stream=sys.stderr, force=True,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)


@province_app.command("serve")
def serve(
    host: Annotated[str | None, typer.Option(help="listen address (PROVINCE_HTTP_HOST, HALL_HTTP_HOST)")] = None,
    port: Annotated[int | None, typer.Option(help="listen port (PROVINCE_HTTP_PORT, HALL_HTTP_PORT, 8080)")] = None,
    consumers: Annotated[int, typer.Option(min=0, max=8, help="aggregators in this process (0: pages only)")] = 1,
    http: Annotated[bool, typer.Option("--http/--no-http", help="serve the API and pages")] = True,
) -> None:
    """Aggregate every hall's events into PostgreSQL (PROVINCE_DATABASE_URL) from NATS (PROVINCE_NATS_URL),
    and serve the province's API and monitoring pages."""
    from province.db import make_engine, upgrade
    from province.settings import ProvinceSettings

    _setup_logging()
    s = ProvinceSettings.from_env()
    engine = make_engine(s.database_url, s.timezone)
    upgrade(engine)
    if http:
        import uvicorn

        from province.api import create_app

        uvicorn.run(create_app(s, engine, consumers), host=host or s.http_host, port=port or s.http_port,
                    log_level="warning", access_log=False)
        return
    _aggregate_only(s, engine, consumers)


def _aggregate_only(s: object, engine: object, consumers: int) -> None:
    from province.consumer import Aggregator
    from province.ingest import Ingest

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        aggs = [Aggregator(s, Ingest(engine)) for _ in range(max(1, consumers))]  # type: ignore[arg-type]
        await asyncio.gather(*(a.run(stop) for a in aggs))

    asyncio.run(main())


@province_app.command("migrate")
def migrate() -> None:
    """Apply the province database's migrations (serve also does this at start-up)."""
    from province.db import make_engine, revision, upgrade
    from province.settings import ProvinceSettings

    engine = make_engine(ProvinceSettings.from_env().database_url)
    before = revision(engine)
    upgrade(engine)
    typer.echo(f"province database at revision {revision(engine)} (was {before or 'empty'})")


def register(app: typer.Typer) -> None:
    app.add_typer(province_app, name="province")

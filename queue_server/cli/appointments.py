"""``hallctl appointments``: bookings made on the provincial platform (CSV import) and the day's bookings."""
from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer

from hall_contract.cli import ConfigOpt, fail, settings_or_exit
from queue_server.settings import Settings

if TYPE_CHECKING:
    from queue_server.service import HallService

class _Offline:
    """What the booking book needs of the hall when the server is not in this process: no tickets are issued."""

    def __init__(self, s: Settings) -> None:
        self.settings, self.tz = s, s.hall.tz()

    def now(self) -> datetime:
        return datetime.now(self.tz)


def _offline(s: Settings) -> HallService:
    return cast("HallService", _Offline(s))


appointments_app = typer.Typer(help="预约: bookings", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(appointments_app, name="appointments")


@appointments_app.command("import")
def import_csv(file: Annotated[Path, typer.Argument(help="the provincial platform's CSV export")],
               config: ConfigOpt = None) -> None:
    """Import bookings from a CSV file (booking_id, date, time, queue or item, name, id_number); a booking
    imported before is skipped. Exit 1 when a row could not be imported (the others are)."""
    from queue_server.frontdesk.appointments import AppointmentBook
    from queue_server.frontdesk.csv_import import import_bookings, read_text
    from queue_server.store import Store

    s = settings_or_exit(Settings, config)
    try:
        text = read_text(file)
    except (OSError, ValueError) as err:
        fail(str(err))
    store = Store(s.server.database_url, s.server.sqlite_synchronous)
    try:
        store.upgrade()
        result = import_bookings(AppointmentBook(_offline(s), store.engine, s.appointments), text)
    finally:
        store.close()
    for line in result.errors:
        typer.echo(line, err=True)
    typer.echo(f"imported {result.imported}, skipped {result.skipped} (imported before), "
               f"refused {len(result.errors)}")
    if result.errors:
        raise typer.Exit(1)


@appointments_app.command("list")
def list_day(day: Annotated[str | None, typer.Option("--date", help="YYYY-MM-DD, default today")] = None,
             config: ConfigOpt = None) -> None:
    """The day's bookings (masked) and its figures."""
    from queue_server.frontdesk.appointments import AppointmentBook
    from queue_server.store import Store

    s = settings_or_exit(Settings, config)
    store = Store(s.server.database_url, s.server.sqlite_synchronous)
    try:
        store.upgrade()
        svc = _offline(s)
        d = date.fromisoformat(day) if day else svc.now().date()
        book = AppointmentBook(svc, store.engine, s.appointments)
        for b in book.bookings(d):
            typer.echo(f"{b['start']}\t{b['queue']}\t{b['item'] or '-'}\t{b['holder'] or '-'}\t{b['holder_id']}\t"
                       f"{b['state']}\t{b['ticket'] or '-'}")
        typer.echo(" ".join(f"{k}={v}" for k, v in book.figures(d).items()))
    except ValueError as err:
        fail(str(err))
    finally:
        store.close()

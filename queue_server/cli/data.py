"""``hallctl backup`` and ``hallctl restore``."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hall_contract.cli import ConfigOpt, fail, settings_or_exit
from queue_server.settings import Settings


def register(app: typer.Typer) -> None:
    @app.command("backup")
    def backup_cmd(config: ConfigOpt = None,
                   out: Annotated[Path | None, typer.Option(help="backup file (default: a dated file in --dir)")]
                   = None,
                   folder: Annotated[Path, typer.Option("--dir", help="folder for dated backups")]
                   = Path("var/backups")) -> None:
        """Back up the database, consistently, while the hall runs."""
        from queue_server.store.backup import BackupError, backup, default_name

        s = settings_or_exit(Settings, config)
        url = s.server.database_url
        try:
            path = backup(url, out or default_name(url, folder))
        except BackupError as err:
            fail(str(err))
        typer.echo(f"backup written: {path} ({path.stat().st_size} bytes)")

    @app.command("purge")
    def purge_cmd(config: ConfigOpt = None,
                  days: Annotated[int | None, typer.Option(help="keep this many days (default: retention."
                                                           "personal_data_days)")] = None) -> None:
        """Blank masked holders and ratings' notes older than the retention period (figures are kept).

        The server does this by itself at start-up and at each new business day."""
        from datetime import UTC, datetime

        from queue_server.store import Store
        from queue_server.store.retention import purge_personal_data

        s = settings_or_exit(Settings, config)
        store = Store(s.server.database_url)
        store.upgrade()
        now = datetime.now(UTC).astimezone(s.hall.tz())
        done = purge_personal_data(store.engine, now.date(), days or s.retention.personal_data_days, now, "hallctl")
        store.close()
        typer.echo(f"personal data of days before {done['before']} blanked: {done['tickets']} tickets, "
                   f"{done['ratings']} rating notes")

    @app.command("restore")
    def restore_cmd(source: Annotated[Path, typer.Argument(help="a file written by hallctl backup")],
                    config: ConfigOpt = None,
                    force: Annotated[bool, typer.Option(help="overwrite a database that has data")] = False) -> None:
        """Restore a backup into the configured database (stop the server first)."""
        from queue_server.store import Store
        from queue_server.store.backup import BackupError, restore

        s = settings_or_exit(Settings, config)
        try:
            restore(s.server.database_url, source, force=force)
        except BackupError as err:
            fail(str(err))
        store = Store(s.server.database_url)
        store.upgrade()  # a backup from an older release is brought up to date
        typer.echo(f"restored {source} (schema revision {store.revision()})")
        store.close()

"""``hallctl backup`` and ``hallctl restore``."""
from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from hall_contract.cli import ConfigOpt, fail, settings_or_exit
from queue_server.settings import Settings


def register(app: typer.Typer) -> None:
    backup_app = typer.Typer(help="Back up the database (on schedule: hall-backup.timer); drill a restore.",
                             no_args_is_help=False, invoke_without_command=True)
    app.add_typer(backup_app, name="backup")

    @backup_app.callback()
    def backup_cmd(ctx: typer.Context, config: ConfigOpt = None,
                   out: Annotated[Path | None, typer.Option(help="backup file (default: a dated file in --dir)")]
                   = None,
                   folder: Annotated[Path | None, typer.Option("--dir", help="folder for dated backups "
                                                               "(default: backup.dir)")] = None,
                   copy: Annotated[bool, typer.Option("--copy/--no-copy", help="copy to backup.copy_to")]
                   = True) -> None:
        """Back up the database, consistently, while the hall runs; copy it to the second place."""
        if ctx.invoked_subcommand is not None:
            return
        from queue_server.backups import scheduled_backup
        from queue_server.store import Store
        from queue_server.store.backup import BackupError

        s = settings_or_exit(Settings, config)
        cfg = s.backup if folder is None else s.backup.model_copy(update={"dir": str(folder)})
        store = Store(s.server.database_url)
        try:
            store.upgrade()
            result = scheduled_backup(store, s.server.database_url, cfg, out, copy)
        except BackupError as err:
            fail(str(err))
        finally:
            store.close()
        typer.echo(f"backup written: {result['file']} ({result['bytes']} bytes)")
        if result["copied_to"]:
            typer.echo(f"copied to: {result['copied_to']}")
        if result["copy_error"]:
            fail(f"the copy failed: {result['copy_error']}")

    @backup_app.command("drill")
    def drill_cmd(config: ConfigOpt = None,
                  scratch: Annotated[str | None, typer.Option(help="database URL to restore into (default: a "
                                                              "temporary one beside the hall's)")] = None) -> None:
        """Restore the newest backup into a scratch database, count its rows, record the result (第五十九条)."""
        from queue_server.backups import drill
        from queue_server.store import Store

        s = settings_or_exit(Settings, config)
        store = Store(s.server.database_url)
        try:
            store.upgrade()
            result = drill(store, s.server.database_url, s.backup, scratch)
        finally:
            store.close()
        if not result["ok"]:
            fail(f"restore drill failed: {result['error']}")
        rows = ", ".join(f"{t} {n}" for t, n in result["counts"].items())
        typer.echo(f"restore drill ok: {result['backup']} restored in {result['seconds']} s "
                   f"(schema {result['revision']}; {rows})")

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

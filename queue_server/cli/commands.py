"""The queue server's commands: ``hallctl server``, ``staff``, ``db``, ``backup``/``restore``, ``simulate``."""
from __future__ import annotations

import logging
import sys
import threading
from typing import Annotated

import typer

from hall_contract.cli import ConfigOpt, fail, settings_or_exit, setup_logging
from queue_server.settings import Settings

log = logging.getLogger("hallctl")
staff_app = typer.Typer(help="staff accounts", no_args_is_help=True)
db_app = typer.Typer(help="the database", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the server's commands to ``hallctl``."""
    from queue_server.cli.data import register as register_data
    from queue_server.simulate.cli import register as register_simulate

    app.command()(server)
    app.add_typer(staff_app, name="staff")
    app.add_typer(db_app, name="db")
    register_data(app)
    register_simulate(app)


def server(config: ConfigOpt = None,
           host: Annotated[str | None, typer.Option(help="listen address (HALL_HTTP_HOST)")] = None,
           port: Annotated[int | None, typer.Option(help="listen port (HALL_HTTP_PORT)")] = None) -> None:
    """Run the queue server: HTTP API, MQTT state and RPC (as the systemd unit starts it)."""
    import uvicorn

    from hall_contract.sdnotify import notify, supervise
    from queue_server.app import create_app
    from queue_server.runtime import HallRuntime

    s = settings_or_exit(Settings, config)
    setup_logging()
    bind_host, bind_port = host or s.server.http_host, port or s.server.http_port
    app_ = create_app(HallRuntime(s))
    stop = threading.Event()
    supervise(lambda: _healthy(bind_host, bind_port), lambda: _healthy(bind_host, bind_port), stop)

    class Server(uvicorn.Server):
        def handle_exit(self, sig: int, frame: object) -> None:
            stop.set()
            notify("STOPPING=1")  # uvicorn re-raises the signal after shutdown: say it now
            super().handle_exit(sig, frame)  # type: ignore[arg-type]

    Server(uvicorn.Config(app_, host=bind_host, port=bind_port, log_level="warning", access_log=False,
                          lifespan="on", timeout_keep_alive=s.server.http_keepalive_s,
                          limit_concurrency=s.server.http_max_connections)).run()
    stop.set()


def _healthy(host: str, port: int) -> bool:
    """The server answers its own health check (the event loop is alive, the service is up)."""
    import json
    import urllib.error
    import urllib.request

    target = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    try:
        with urllib.request.urlopen(f"http://{target}:{port}/healthz", timeout=5) as r:
            return bool(json.loads(r.read()).get("ok"))
    except urllib.error.HTTPError as err:  # 503: at http_max_connections, yet the loop answered (no restart)
        return err.code == 503
    except (OSError, ValueError):
        return False


@staff_app.command("add")
def staff_add(name: Annotated[str, typer.Argument(help="login name")],
              role: Annotated[str, typer.Option(help="clerk, manager, admin or auditor")],
              window: Annotated[int | None, typer.Option(help="the clerk's window")] = None,
              password_stdin: Annotated[bool, typer.Option("--password-stdin",
                                                           help="read the password from standard input")] = False,
              replace: Annotated[bool, typer.Option(help="reset an existing account")] = False,
              config: ConfigOpt = None) -> None:
    """Create a staff account (asks for the password, or reads it from --password-stdin)."""
    from queue_server.store import StaffStore, Store

    s = settings_or_exit(Settings, config)
    if window is not None and window not in {w.number for w in s.windows}:
        fail(f"window {window} is not in the hall configuration")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = typer.prompt("password", hide_input=True, confirmation_prompt=True)
    store = Store(s.server.database_url, s.server.sqlite_synchronous)
    try:
        store.upgrade()
        account = StaffStore(store.engine).add(name, password, role, window, replace=replace)
    except ValueError as err:
        fail(str(err))
    finally:
        store.close()
    where = f" at window {account.window}" if account.window else ""
    typer.echo(f"staff {account.username}: {account.role}{where}")


@staff_app.command("list")
def staff_list(config: ConfigOpt = None) -> None:
    """List staff accounts (no passwords)."""
    from queue_server.store import StaffStore, Store

    s = settings_or_exit(Settings, config)
    store = Store(s.server.database_url)
    store.upgrade()
    for a in StaffStore(store.engine).all():
        typer.echo(f"{a.username}\t{a.role}\t{a.window or '-'}\t{'active' if a.active else 'disabled'}")
    store.close()


@db_app.command("upgrade")
def db_upgrade(config: ConfigOpt = None) -> None:
    """Apply the schema migrations (the server also does this at start-up)."""
    from queue_server.store import Store

    s = settings_or_exit(Settings, config)
    store = Store(s.server.database_url)
    before = store.revision()
    store.upgrade()
    typer.echo(f"database at revision {store.revision()} (was {before or 'empty'})")
    store.close()

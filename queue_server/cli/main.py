"""The ``hallctl`` command tree."""
from __future__ import annotations

import importlib
import logging
import sys
import threading
from pathlib import Path
from typing import Annotated

import typer

from queue_server.cli.common import ConfigOpt, fail, settings_or_exit, setup_logging

app = typer.Typer(help="服务大厅排队叫号设备 — the hall appliance: queue server, kiosk, display, devices.",
                  no_args_is_help=True, add_completion=False)
config_app = typer.Typer(help="hall configuration", no_args_is_help=True)
staff_app = typer.Typer(help="staff accounts", no_args_is_help=True)
db_app = typer.Typer(help="the database", no_args_is_help=True)
app.add_typer(config_app, name="config")
app.add_typer(staff_app, name="staff")
app.add_typer(db_app, name="db")

log = logging.getLogger("hallctl")


@app.command()
def server(config: ConfigOpt = None,
           host: Annotated[str | None, typer.Option(help="listen address (HALL_HTTP_HOST)")] = None,
           port: Annotated[int | None, typer.Option(help="listen port (HALL_HTTP_PORT)")] = None) -> None:
    """Run the queue server: HTTP API, MQTT state and RPC (as the systemd unit starts it)."""
    import uvicorn

    from queue_server.api.app import create_app
    from queue_server.cli.sdnotify import notify, supervise
    from queue_server.runtime import HallRuntime

    s = settings_or_exit(config)
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
                          lifespan="on")).run()
    stop.set()


def _healthy(host: str, port: int) -> bool:
    """The server answers its own health check (the event loop is alive, the service is up)."""
    import json
    import urllib.request

    target = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    try:
        with urllib.request.urlopen(f"http://{target}:{port}/healthz", timeout=5) as r:
            return bool(json.loads(r.read()).get("ok"))
    except (OSError, ValueError):
        return False


@app.command()
def demo(config: ConfigOpt = None,
         duration: Annotated[float, typer.Option(help="stop after this many seconds (0 = until Ctrl-C)")] = 0,
         rate: Annotated[float, typer.Option(help="simulated arrivals per minute")] = 30.0,
         windows: Annotated[bool, typer.Option("--windows/--no-windows",
                                               help="open the kiosk and wall display windows")] = True) -> None:
    """The whole hall on one machine: server, broker (started when none answers), kiosk, wall display,
    simulated citizens and windows."""
    from queue_server.cli.demo import run_demo

    setup_logging()
    sys.exit(run_demo(settings_or_exit(config), duration, rate, config, windows))


@config_app.command("check")
def config_check(file: Annotated[Path, typer.Argument(help="the hall configuration (TOML)")]) -> None:
    """Validate a hall configuration and say exactly which key is wrong, and where."""
    from queue_server.config_errors import ConfigError
    from queue_server.settings import load_settings

    try:
        s = load_settings(file, env={})
    except ConfigError as err:
        for p in err.problems:
            typer.echo(p.render(err.file), err=True)
        raise typer.Exit(1) from None
    typer.echo(f"{file}: ok — hall {s.hall.id}, {len(s.queues)} queues, {len(s.windows)} windows, "
               f"{len(s.items)} service items")


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

    s = settings_or_exit(config)
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

    s = settings_or_exit(config)
    store = Store(s.server.database_url)
    store.upgrade()
    for a in StaffStore(store.engine).all():
        typer.echo(f"{a.username}\t{a.role}\t{a.window or '-'}\t{'active' if a.active else 'disabled'}")
    store.close()


@db_app.command("upgrade")
def db_upgrade(config: ConfigOpt = None) -> None:
    """Apply the schema migrations (the server also does this at start-up)."""
    from queue_server.store import Store

    s = settings_or_exit(config)
    store = Store(s.server.database_url)
    before = store.revision()
    store.upgrade()
    typer.echo(f"database at revision {store.revision()} (was {before or 'empty'})")
    store.close()


@app.command()
def doctor(config: ConfigOpt = None) -> None:
    """Check config, broker, database and devices: one line each, exit 1 on a fault."""
    from queue_server.cli.doctor import run_doctor

    sys.exit(run_doctor(config))


def _optional(module: str, attr: str, name: str) -> None:
    """Add an app's sub-command when that app is part of this install."""
    try:
        mod = importlib.import_module(module)
    except ModuleNotFoundError as err:
        if err.name and module.startswith(err.name):
            return
        raise
    obj = getattr(mod, attr)
    if isinstance(obj, typer.Typer):
        app.add_typer(obj, name=name)
    else:
        obj(app)


_optional("hardware.card_cli", "card_app", "card")
_optional("hardware.printer_cli", "printer_app", "printer")
_optional("queue_server.simulate.cli", "register", "simulate")
_optional("queue_server.cli.install", "register", "install")
_optional("queue_server.cli.devices", "register", "devices")
_optional("queue_server.cli.data", "register", "backup")
_optional("province.cli", "register", "province")
_optional("queue_server.uplink.cli", "register", "uplink")
_optional("kiosk.cli", "register", "kiosk")
_optional("display.cli", "register", "display")

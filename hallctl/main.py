"""The ``hallctl`` command tree: every app's commands, each imported lazily.

An app that is not installed on this machine (no Kivy on the server, no server packages on a
kiosk) simply has no commands here; ``hallctl --help`` works everywhere.
"""
from __future__ import annotations

import importlib
import sys
from pathlib import Path
from typing import Annotated

import typer

from hall_contract.cli import ConfigOpt, settings_or_exit, setup_logging

app = typer.Typer(help="服务大厅排队叫号设备 — the hall appliance: queue server, kiosk, display, devices.",
                  no_args_is_help=True, add_completion=False)
config_app = typer.Typer(help="hall configuration", no_args_is_help=True)
app.add_typer(config_app, name="config")


@app.command()
def demo(config: ConfigOpt = None,
         duration: Annotated[float, typer.Option(help="stop after this many seconds (0 = until Ctrl-C)")] = 0,
         rate: Annotated[float, typer.Option(help="simulated arrivals per minute")] = 30.0,
         windows: Annotated[bool, typer.Option("--windows/--no-windows",
                                               help="open the kiosk and wall display windows")] = True) -> None:
    """The whole hall on one machine: server, broker (started when none answers), kiosk, wall display,
    simulated citizens and windows."""
    from hallctl.demo import run_demo
    from hallctl.settings import HallConfiguration

    setup_logging()
    sys.exit(run_demo(settings_or_exit(HallConfiguration, config), duration, rate, config, windows))


@config_app.command("check")
def config_check(file: Annotated[Path, typer.Argument(help="the hall configuration (TOML)")]) -> None:
    """Validate a hall configuration and say exactly which key is wrong, and where."""
    from hall_contract.config import ConfigError
    from hallctl.settings import load_configuration

    try:
        s = load_configuration(file, env={})
    except ConfigError as err:
        for p in err.problems:
            typer.echo(p.render(err.file), err=True)
        raise typer.Exit(1) from None
    from hallctl.sizing import check_sizing

    findings = check_sizing(s)
    for f in findings:
        typer.echo(f"{file}: {f.key}: {f.level}: {f.message}", err=f.level == "error")
    if any(f.level == "error" for f in findings):
        raise typer.Exit(1)
    typer.echo(f"{file}: ok — hall {s.hall.id}, {len(s.queues)} queues, {len(s.windows)} windows, "
               f"{len(s.items)} service items")


@app.command()
def doctor(config: ConfigOpt = None) -> None:
    """Check config, broker, database and devices: one line each, exit 1 on a fault."""
    from hallctl.doctor import run_doctor

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


_optional("queue_server.cli.commands", "register", "server")
_optional("hardware.card_cli", "card_app", "card")
_optional("hardware.printer_cli", "printer_app", "printer")
_optional("hallctl.install", "register", "install")
_optional("hallctl.devices", "register", "devices")
_optional("province.cli", "register", "province")  # before the uplink: it adds `demo` to the province group
_optional("queue_server.uplink.cli", "register", "uplink")
_optional("kiosk.cli", "register", "kiosk")
_optional("display.cli", "register", "display")
_optional("window_bridge.cli", "register", "window-bridge")

"""``hallctl display`` and ``hallctl window-bridge`` (registered by ``queue_server.cli.main``)."""
from __future__ import annotations

import logging
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

ConfigOpt = Annotated[Path | None, typer.Option("--config", "-c", help="hall configuration (default "
                                                "$HALL_CONFIG or config/hall.toml)")]


class Layout(StrEnum):
    landscape = "landscape"
    portrait = "portrait"
    auto = "auto"


def _settings(config: Path | None) -> object:
    from queue_server.config_errors import ConfigError
    from queue_server.settings import load_settings

    try:
        return load_settings(config)
    except ConfigError as err:
        for p in err.problems:
            typer.echo(p.render(err.file), err=True)
        raise typer.Exit(2) from None


def _logging() -> None:
    level = os.environ.get("HALL_LOG_LEVEL", "INFO").upper()
    fmt = "%(levelname)s %(name)s: %(message)s" if os.environ.get("INVOCATION_ID") else \
        "%(asctime)s %(levelname)s %(name)s: %(message)s"
    logging.basicConfig(level=level, format=fmt, stream=sys.stderr)


def register(app: typer.Typer) -> None:
    @app.command("display")
    def display(config: ConfigOpt = None,
                layout: Annotated[Layout | None,
                                  typer.Option(help="screen layout (default: display.layout in the config)")] = None,
                fullscreen: Annotated[bool | None, typer.Option("--fullscreen/--windowed",
                                                                help="whole screen or a window")] = None,
                no_voice: Annotated[bool, typer.Option("--no-voice", help="show calls, do not speak them")] = False,
                ) -> None:
        """Run the wall display: latest call, recent calls, queues, clock, notice; calls spoken in Mandarin."""
        from display.launch import run_display
        from queue_server.settings import Settings

        s = _settings(config)
        assert isinstance(s, Settings)
        _logging()
        sys.exit(run_display(s, layout.value if layout else None, fullscreen, False if no_voice else None))

    @app.command("window-bridge")
    def window_bridge(config: ConfigOpt = None,
                      line: Annotated[str | None, typer.Option(
                          help="RS-485 line URL (default: devices.rs485_url in the config)")] = None) -> None:
        """Bridge each window's RS-485 devices: LED screen (state and calls), caller keypad (window commands)
        and 好差评 evaluator (rating requests and results)."""
        from display.bridge import run_bridge
        from queue_server.settings import Settings

        s = _settings(config)
        assert isinstance(s, Settings)
        _logging()
        sys.exit(run_bridge(s, line))

"""``hallctl display`` (registered by :mod:`hallctl.main`)."""
from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from hall_contract.cli import ConfigOpt, settings_or_exit, setup_logging


class Layout(StrEnum):
    landscape = "landscape"
    portrait = "portrait"
    auto = "auto"


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
        from display.settings import DisplayAppSettings

        s = settings_or_exit(DisplayAppSettings, config)
        setup_logging()
        sys.exit(run_display(s, layout.value if layout else None, fullscreen, False if no_voice else None))

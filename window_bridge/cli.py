"""``hallctl window-bridge`` (registered by :mod:`hallctl.main`)."""
from __future__ import annotations

import sys
from typing import Annotated

import typer

from hall_contract.cli import ConfigOpt, settings_or_exit, setup_logging


def register(app: typer.Typer) -> None:
    @app.command("window-bridge")
    def window_bridge(config: ConfigOpt = None,
                      line: Annotated[str | None, typer.Option(
                          help="RS-485 line URL (default: devices.rs485_url in the config)")] = None) -> None:
        """Bridge each window's RS-485 devices: LED screen (state and calls), caller keypad (window commands)
        and 好差评 evaluator (rating requests and results)."""
        from window_bridge.bridge import run_bridge
        from window_bridge.settings import BridgeAppSettings

        s = settings_or_exit(BridgeAppSettings, config)
        setup_logging()
        sys.exit(run_bridge(s, line))

"""Shared bits of the CLI: the --config option, loading settings, logging."""
from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from queue_server.settings import Settings

ConfigOpt = Annotated[Path | None, typer.Option("--config", "-c", help="hall configuration (default "
                                                "$HALL_CONFIG or config/hall.toml)")]


def fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def settings_or_exit(config: Path | None) -> Settings:
    from queue_server.config_errors import ConfigError
    from queue_server.settings import load_settings

    try:
        return load_settings(config)
    except ConfigError as err:
        for p in err.problems:
            typer.echo(p.render(err.file), err=True)
        raise typer.Exit(2) from None


def setup_logging() -> None:
    """Structured one-line logs on stderr (the journal adds the time when run under systemd)."""
    level = os.environ.get("HALL_LOG_LEVEL", "INFO").upper()
    fmt = "%(levelname)s %(name)s: %(message)s" if os.environ.get("INVOCATION_ID") else \
        "%(asctime)s %(levelname)s %(name)s: %(message)s"
    logging.basicConfig(level=level, format=fmt, stream=sys.stderr)
    logging.getLogger("alembic").setLevel(max(logging.WARNING, logging.getLogger().level))

"""What every app's commands share: the ``--config`` option, settings or exit, logging, failing."""
from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Annotated, NoReturn, TypeVar

import typer
from pydantic import BaseModel

from hall_contract.config import ConfigError, load

M = TypeVar("M", bound=BaseModel)

ConfigOpt = Annotated[Path | None, typer.Option("--config", "-c", help="hall configuration (default "
                                                "$HALL_CONFIG or config/hall.toml)")]


def fail(message: str) -> NoReturn:
    typer.echo(f"error: {message}", err=True)
    raise typer.Exit(1)


def settings_or_exit(model: type[M], config: Path | None, code: int = 2) -> M:
    """The app's settings, or every problem on stderr and exit ``code``."""
    try:
        return load(model, config)
    except ConfigError as err:
        for p in err.problems:
            typer.echo(p.render(err.file), err=True)
        raise typer.Exit(code) from None


class JsonLines(logging.Formatter):
    """One JSON object per line: what the journal keeps and log shippers read."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"level": record.levelname.lower(), "logger": record.name, "msg": record.getMessage()}
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def setup_logging() -> None:
    """Log lines on stderr: JSON under systemd (``INVOCATION_ID`` set) or with ``HALL_LOG_FORMAT=json``,
    readable text otherwise. The journal adds the time and the unit. Level from ``HALL_LOG_LEVEL``."""
    level = os.environ.get("HALL_LOG_LEVEL", "INFO").upper()
    handler = logging.StreamHandler(sys.stderr)
    if os.environ.get("HALL_LOG_FORMAT", "json" if os.environ.get("INVOCATION_ID") else "text") == "json":
        handler.setFormatter(JsonLines())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler], force=True)
    logging.getLogger("alembic").setLevel(max(logging.WARNING, logging.getLogger().level))

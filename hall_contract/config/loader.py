"""Reading the hall configuration: defaults < the TOML file < ``HALL_*`` variables.

The file is ``--config``, else ``HALL_CONFIG``, else ``config/hall.toml``. Named variables
of the contract: ``HALL_ID``, ``HALL_DATABASE_URL``, ``HALL_MQTT_URL``, ``HALL_HTTP_HOST``,
``HALL_HTTP_PORT``, ``HALL_PUBLIC_URL``, ``HALL_NATS_URL``; any other key as
``HALL_<SECTION>__<KEY>`` (``HALL_ADVISOR__AUTO_APPLY=true``). Each app validates with its
own model (:class:`~hall_contract.config.sections.HallSettings` and its sections); every
problem is reported with its key, its line and the fix (:class:`ConfigError`).
"""
from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from hall_contract.config.problems import ConfigError, Problem, locate
from hall_contract.guide import GUIDE_FILE, read_guide

M = TypeVar("M", bound=BaseModel)

PACKAGE_CONFIG = Path(__file__).resolve().parent.parent.parent / "config" / "hall.toml"
DEFAULT_CONFIG = Path("config/hall.toml")
NAMED_ENV: dict[str, tuple[str, str]] = {
    "HALL_ID": ("hall", "id"),
    "HALL_DATABASE_URL": ("server", "database_url"),
    "HALL_MQTT_URL": ("server", "mqtt_url"),
    "HALL_HTTP_HOST": ("server", "http_host"),
    "HALL_HTTP_PORT": ("server", "http_port"),
    "HALL_PUBLIC_URL": ("server", "public_url"),
    "HALL_NATS_URL": ("server", "nats_url"),
}
#: keys that moved to another section, so an old file gets a clear hint instead of "unknown key"
MOVED: dict[str, str] = {"display.bridge_device_id": "window_bridge.device_id"} | {
    f"display.{k}": f"window_bridge.{k}" for k in (
        "screen_units", "screen_brightness", "screen_retry_s", "screen_refresh_s", "keypad_units", "keypad_poll_s",
        "transfer_queues", "command_retry_s", "command_deadline_s", "message_show_s", "evaluator_units",
        "evaluator_poll_s", "evaluator_check_s")}


def env_overrides(env: Mapping[str, str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for key, value in env.items():
        if key in NAMED_ENV:
            section, field = NAMED_ENV[key]
        elif key.startswith("HALL_") and "__" in key:
            section, _, field = key[5:].lower().partition("__")
        else:
            continue
        try:
            parsed: Any = json.loads(value) if value[:1] in "[{" or value in ("true", "false") else value
        except ValueError:
            parsed = value
        out.setdefault(section, {})[field] = parsed
    return out


def config_path(path: str | os.PathLike[str] | None, env: Mapping[str, str] = os.environ) -> Path:
    if path:
        return Path(path)
    if env.get("HALL_CONFIG"):
        return Path(env["HALL_CONFIG"])
    return DEFAULT_CONFIG if DEFAULT_CONFIG.exists() else PACKAGE_CONFIG


def read_config(path: str | os.PathLike[str] | None = None,
                env: Mapping[str, str] = os.environ) -> tuple[Path, str, dict[str, Any]]:
    """The file, its text and its data with the environment's overrides applied."""
    file = config_path(path, env)
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as err:
        raise ConfigError(file, [Problem("", None, f"cannot read the file: {err.strerror}")]) from err
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        m = re.search(r"line (\d+)", str(err))
        raise ConfigError(file, [Problem("", int(m.group(1)) if m else None, f"not valid TOML: {err}")]) from err
    if "guide" not in data:  # 办事指南 from guide.toml beside the file (hall_contract.guide)
        try:
            guide = read_guide(file)
        except (OSError, tomllib.TOMLDecodeError) as err:
            raise ConfigError(file.parent / GUIDE_FILE, [Problem("guide", None, f"cannot read it: {err}")]) from err
        if guide is not None:
            data["guide"] = guide
    for section, fields in env_overrides(env).items():
        target = data.setdefault(section, {})
        if isinstance(target, dict):
            target.update(fields)
    return file, text, data


def load(model: type[M], path: str | os.PathLike[str] | None = None, env: Mapping[str, str] = os.environ) -> M:
    """Read, override and validate against ``model``; raises :class:`ConfigError` naming every wrong key."""
    file, text, data = read_config(path, env)
    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise ConfigError(file, problems(err, text)) from err


def problems(err: ValidationError, text: str) -> list[Problem]:
    found = []
    for e in err.errors():
        loc = tuple(e["loc"])
        key = ".".join(str(p) for p in loc)
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] == "extra_forbidden":
            moved = MOVED.get(key)
            msg = (f"moved to [{moved.split('.')[0]}] (write it there as {moved.split('.')[1]})" if moved
                   else "unknown key (misspelt, or in the wrong section?)")
        found.append(Problem(key, locate(text, loc), msg))
    return found

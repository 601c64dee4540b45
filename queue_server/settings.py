"""The hall configuration: one typed schema, read from TOML, overridden by ``HALL_*`` variables.

Precedence: built-in defaults < the TOML file (``--config``, ``HALL_CONFIG``, default
``config/hall.toml``) < environment. Named variables of the contract: ``HALL_ID``,
``HALL_DATABASE_URL``, ``HALL_MQTT_URL``, ``HALL_HTTP_HOST``, ``HALL_HTTP_PORT``; any other key
as ``HALL_<SECTION>__<KEY>`` (``HALL_ADVISOR__AUTO_APPLY=true``). Settings are built at
start-up by :func:`load_settings`, never at import.
"""
from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Mapping
from datetime import time, tzinfo
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from display.settings import DisplaySettings
from hardware.config import DeviceSettings
from kiosk.settings import KioskSettings
from queue_server.config_errors import ConfigError, Problem, locate
from queue_server.engine.model import WindowKind

PACKAGE_CONFIG = Path(__file__).resolve().parent.parent / "config" / "hall.toml"
DEFAULT_CONFIG = Path("config/hall.toml")
NAMED_ENV = {
    "HALL_ID": ("hall", "id"),
    "HALL_DATABASE_URL": ("server", "database_url"),
    "HALL_MQTT_URL": ("server", "mqtt_url"),
    "HALL_HTTP_HOST": ("server", "http_host"),
    "HALL_HTTP_PORT": ("server", "http_port"),
    "HALL_NATS_URL": ("server", "nats_url"),
}


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid")


class HallInfo(_Section):
    id: str = Field(default="demo-hall", pattern=r"^[A-Za-z0-9_-]{1,64}$",
                    description="MQTT topic prefix hall/{id}/: letters, digits, - and _")
    name: str = "人力资源和社会保障服务大厅"
    name_en: str = "Human Resources and Social Security Service Hall"
    timezone: str = "Asia/Shanghai"
    language: Literal["zh_CN", "en"] = "zh_CN"
    status_url: str = Field(default="http://127.0.0.1:8080/t/{number}",
                            description="ticket status page for the QR code; {number} is replaced")

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError) as err:
            raise ValueError(f"unknown time zone {v!r}; use an IANA name such as Asia/Shanghai") from err
        return v

    def tz(self) -> tzinfo:
        return ZoneInfo(self.timezone)


class Hours(_Section):
    sessions: list[tuple[time, time]] = Field(
        default_factory=lambda: [(time(9), time(12)), (time(13, 30), time(17))],
        description='business hours, e.g. [["09:00", "12:00"], ["13:30", "17:00"]]')

    @field_validator("sessions")
    @classmethod
    def _ordered(cls, v: list[tuple[time, time]]) -> list[tuple[time, time]]:
        last = time(0)
        for start, end in v:
            if not start < end:
                raise ValueError(f"session {start:%H:%M}-{end:%H:%M} ends before it starts")
            if start < last:
                raise ValueError("sessions must be in order and must not overlap")
            last = end
        return v


class QueueConfig(_Section):
    code: str = Field(pattern=r"^[A-Z]$", description="ticket prefix letter")
    name: str
    name_en: str = ""
    target_wait_s: int = Field(gt=0, description="the wait the hall aims for, seconds")


class WindowConfig(_Section):
    number: int = Field(ge=1, le=99)
    name: str = ""
    kind: WindowKind
    queues: list[str] = Field(default_factory=list, description="elastic windows: queues when opened")

    def display_name(self) -> str:
        return self.name or f"{self.number}号窗口"


class ItemConfig(_Section):
    code: str
    name: str
    board: str
    queue: str
    kind: Literal["instant", "limited"] = "instant"
    limit_days: int = Field(default=0, ge=0)
    self_service: bool = False
    mean_service_min: float = Field(default=10.0, gt=0)


class PolicyConfig(_Section):
    max_priority_streak: int = Field(default=2, ge=1, description="priority calls in a row while "
                                     "a normal ticket of the same queue waits")
    max_recalls: int = Field(default=2, ge=0, description="recalls before a ticket is a no-show")
    recent_calls: int = Field(default=8, ge=1, le=50)
    service_sample: int = Field(default=20, ge=1)
    arrival_window_s: float = Field(default=1800.0, gt=0)


class AdvisorConfig(_Section):
    enabled: bool = True
    interval_s: float = Field(default=15.0, gt=0)
    auto_apply: bool = Field(default=False, description="open/close elastic windows by itself")


#: reasons a citizen can pick after a 不满意/非常不满意 rating (codes; the pages show the words)
RATING_REASONS = ("long_wait", "attitude", "slow", "unclear", "come_again", "other")


class RatingsConfig(_Section):
    """好差评: after each finished visit the window's evaluator is asked for one rating."""

    enabled: bool = Field(default=True, description="ask for a rating after every finished visit")
    timeout_s: float = Field(default=60.0, gt=0, le=600, description="seconds the citizen has to rate; "
                             "no answer by then is recorded as no_rating")
    grace_s: float = Field(default=2.0, ge=0, le=30, description="seconds a late device answer is still taken")
    reasons: list[str] = Field(default_factory=lambda: list(RATING_REASONS),
                               description=f"reasons offered after a negative rating, from {', '.join(RATING_REASONS)}")

    @field_validator("reasons")
    @classmethod
    def _known_reasons(cls, v: list[str]) -> list[str]:
        unknown = [r for r in v if r not in RATING_REASONS]
        if unknown:
            raise ValueError(f"unknown reason {unknown[0]!r}; use some of {', '.join(RATING_REASONS)}")
        return v


class ServerConfig(_Section):
    database_url: str = "sqlite:///var/hall.db"
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=1, le=65535)
    mqtt_url: str = "mqtt://127.0.0.1:1883"
    device_id: str = "hall-server"
    secret_key: str | None = Field(default=None, description="token signing key; generated and "
                                   "kept in the database when unset")
    token_ttl_s: int = Field(default=12 * 3600, gt=0)
    sqlite_synchronous: Literal["OFF", "NORMAL", "FULL"] = "NORMAL"
    publish_interval_s: float = Field(default=0.05, ge=0, description="board/queue state coalescing")
    nats_url: str | None = Field(default=None, description="the province's NATS (nats://host:4222) the uplink "
                                 "relay publishes to; unset: events wait in the outbox")

    @field_validator("nats_url")
    @classmethod
    def _nats_scheme(cls, v: str | None) -> str | None:
        if v in (None, ""):
            return None
        if not re.match(r"^(nats|tls)://", v):
            raise ValueError("use nats://user:pass@host:4222 (or tls:// for TLS)")
        return v

    @field_validator("database_url")
    @classmethod
    def _db_scheme(cls, v: str) -> str:
        if not re.match(r"^(sqlite|postgresql)(\+\w+)?://", v):
            raise ValueError("use sqlite:///path/to/hall.db or postgresql://user@host/db")
        return v

    @field_validator("mqtt_url")
    @classmethod
    def _mqtt_scheme(cls, v: str) -> str:
        if not re.match(r"^mqtts?://", v):
            raise ValueError("use mqtt://user:pass@host:1883 (or mqtts:// for TLS)")
        return v


class RetentionConfig(_Section):
    personal_data_days: int = Field(default=90, ge=1, le=3650, description="days a ticket keeps its masked holder "
                                    "and a rating its follow-up note; figures are kept")


class Settings(_Section):
    hall: HallInfo = Field(default_factory=HallInfo)
    hours: Hours = Field(default_factory=Hours)
    queues: list[QueueConfig] = Field(min_length=1)
    windows: list[WindowConfig] = Field(min_length=1)
    items: list[ItemConfig] = Field(default_factory=list)
    policy: PolicyConfig = Field(default_factory=PolicyConfig)
    advisor: AdvisorConfig = Field(default_factory=AdvisorConfig)
    server: ServerConfig = Field(default_factory=ServerConfig)
    ratings: RatingsConfig = Field(default_factory=RatingsConfig)
    retention: RetentionConfig = Field(default_factory=RetentionConfig)
    devices: DeviceSettings = Field(default_factory=DeviceSettings)
    kiosk: KioskSettings = Field(default_factory=KioskSettings)
    display: DisplaySettings = Field(default_factory=DisplaySettings)

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        codes = [q.code for q in self.queues]
        _unique(codes, "queue code")
        _unique([w.number for w in self.windows], "window number")
        _unique([i.code for i in self.items], "item code")
        dedicated = {WindowKind.ACCEPT: "A", WindowKind.QUERY: "B", WindowKind.BULK: "C"}
        for w in self.windows:
            need = dedicated.get(w.kind)
            if need and need not in codes:
                raise ValueError(f"window {w.number} is a {w.kind} window but queue {need} is not configured")
            if w.kind is not WindowKind.ELASTIC and w.queues and w.queues != [need]:
                raise ValueError(f"window {w.number}: only elastic windows list queues ({w.kind} serves {need})")
            for q in w.queues:
                if q not in codes:
                    raise ValueError(f"window {w.number} lists unknown queue {q!r}")
        for i in self.items:
            if i.queue not in codes:
                raise ValueError(f"item {i.code} is served in unknown queue {i.queue!r}")
        return self

    def queue_names(self) -> dict[str, str]:
        return {q.code: q.name for q in self.queues}


def _unique(values: list[Any], what: str) -> None:
    seen: set[Any] = set()
    for v in values:
        if v in seen:
            raise ValueError(f"{what} {v!r} appears twice")
        seen.add(v)


def _env_overrides(env: Mapping[str, str]) -> dict[str, dict[str, Any]]:
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


def load_settings(path: str | os.PathLike[str] | None = None,
                  env: Mapping[str, str] = os.environ) -> Settings:
    """Read, override and validate; raises :class:`ConfigError` naming every wrong key."""
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
    for section, fields in _env_overrides(env).items():
        target = data.setdefault(section, {})
        if isinstance(target, dict):
            target.update(fields)
    try:
        return Settings.model_validate(data)
    except ValidationError as err:
        problems = []
        for e in err.errors():
            loc = tuple(e["loc"])
            key = ".".join(str(p) for p in loc)
            msg = e["msg"].removeprefix("Value error, ")
            if e["type"] == "extra_forbidden":
                msg = "unknown key (misspelt, or in the wrong section?)"
            problems.append(Problem(key, locate(text, loc), msg))
        raise ConfigError(file, problems) from err

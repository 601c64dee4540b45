"""The sections of the hall configuration that every app reads.

``[hall]`` (who and where), ``[hours]``, ``[[queues]]``, ``[[windows]]``, ``[[items]]`` and the
broker part of ``[server]``. Each app extends :class:`HallSettings` with its own sections
(the server's ``[server]``, ``[policy]`` ...; the kiosk's ``[kiosk]``; the display's
``[display]``; the window bridge's ``[window_bridge]``); ``hallctl config check`` validates
the union of them all and refuses unknown keys anywhere.
"""
from __future__ import annotations

from datetime import time, tzinfo
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from hall_contract.guide import ItemGuide
from hall_contract.vocabulary import KIND_QUEUE, WindowKind

DeviceId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")]

#: The device ids a hall has when its configuration names none.
DEFAULT_SERVER_ID = "hall-server"
DEFAULT_KIOSK_ID = "kiosk-1"
DEFAULT_DISPLAY_ID = "display-1"
DEFAULT_BRIDGE_ID = "window-bridge-1"


class Section(BaseModel):
    """A section of the file: an unknown key is an error (misspelt, or in the wrong section)."""

    model_config = ConfigDict(extra="forbid")


class HallInfo(Section):
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


class Hours(Section):
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


class QueueConfig(Section):
    code: str = Field(pattern=r"^[A-Z]$", description="ticket prefix letter")
    name: str
    name_en: str = ""
    target_wait_s: int = Field(gt=0, description="the wait the hall aims for, seconds")


class WindowConfig(Section):
    number: int = Field(ge=1, le=99)
    name: str = ""
    kind: WindowKind
    queues: list[str] = Field(default_factory=list, description="elastic windows: queues when opened")

    def display_name(self) -> str:
        return self.name or f"{self.number}号窗口"


class ItemConfig(Section):
    code: str
    name: str
    board: str
    queue: str
    kind: Literal["instant", "limited"] = "instant"
    limit_days: int = Field(default=0, ge=0)
    self_service: bool = False
    mean_service_min: float = Field(default=10.0, gt=0)


class ServerLink(BaseModel):
    """What every app needs of ``[server]``: the broker, and the server's own device id.
    The server's other keys are the server's business (ignored here, checked there)."""

    model_config = ConfigDict(extra="ignore")

    mqtt_url: str = "mqtt://127.0.0.1:1883"
    device_id: DeviceId = DEFAULT_SERVER_ID
    public_url: str | None = Field(default=None, description="the base URL citizens' phones and other machines "
                                   "reach the hall server at (HALL_PUBLIC_URL); QR codes and status links use it")

    @field_validator("public_url")
    @classmethod
    def _http_base(cls, v: str | None) -> str | None:
        if v is None or not v.strip():
            return None
        if not v.startswith(("http://", "https://")):
            raise ValueError("use http://host:port or https://host")
        return v.rstrip("/")

    @field_validator("mqtt_url")
    @classmethod
    def _mqtt_scheme(cls, v: str) -> str:
        if not v.startswith(("mqtt://", "mqtts://")):
            raise ValueError("use mqtt://user:pass@host:1883 (or mqtts:// for TLS)")
        return v


class DeviceSection(BaseModel):
    """An app's section seen from another app: only its device id (the rest is ignored)."""

    model_config = ConfigDict(extra="ignore")

    device_id: DeviceId


class HallSettings(BaseModel):
    """The sections every app shares; other apps' sections are ignored here."""

    model_config = ConfigDict(extra="ignore")

    hall: HallInfo = Field(default_factory=HallInfo)
    hours: Hours = Field(default_factory=Hours)
    queues: list[QueueConfig] = Field(min_length=1)
    windows: list[WindowConfig] = Field(min_length=1)
    items: list[ItemConfig] = Field(default_factory=list)
    server: ServerLink = Field(default_factory=ServerLink)
    guide: dict[str, ItemGuide] = Field(default_factory=dict, description="办事指南 by item code (guide.toml)")

    @model_validator(mode="after")
    def _consistent(self) -> Any:
        codes = [q.code for q in self.queues]
        _unique(codes, "queue code")
        _unique([w.number for w in self.windows], "window number")
        _unique([i.code for i in self.items], "item code")
        for w in self.windows:
            need = KIND_QUEUE.get(w.kind)
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
        unknown = sorted(set(self.guide) - {i.code for i in self.items})
        if unknown:
            raise ValueError(f"guide.toml has a guide for unknown item(s) {', '.join(unknown)}")
        return self

    def queue_names(self) -> dict[str, str]:
        return {q.code: q.name for q in self.queues}

    def status_url(self) -> str:
        """The ticket status page with ``{number}``: on ``HALL_PUBLIC_URL`` when set."""
        base = self.server.public_url
        return f"{base}/t/{{number}}" if base else self.hall.status_url


def _unique(values: list[Any], what: str) -> None:
    seen: set[Any] = set()
    for v in values:
        if v in seen:
            raise ValueError(f"{what} {v!r} appears twice")
        seen.add(v)

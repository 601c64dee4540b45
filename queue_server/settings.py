"""The queue server's configuration: the shared sections and the server's own.

The server reads ``[server]`` (database, HTTP, tokens), ``[policy]``, ``[advisor]``,
``[ratings]`` and ``[retention]`` beside the sections every app shares
(:mod:`hall_contract.config`); of the kiosk's and display's sections it needs only their
device ids, to list them on the console before they are first heard from.
Settings are built at start-up by :func:`load_settings`, never at import.
"""
from __future__ import annotations

import os
import re
from collections.abc import Mapping
from typing import Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from hall_contract.config import (
    DEFAULT_BRIDGE_ID,
    DEFAULT_DISPLAY_ID,
    DEFAULT_KIOSK_ID,
    DeviceId,
    DeviceSection,
    HallSettings,
    Rs485Units,
    Section,
    ServerLink,
    WindowDevicesSection,
    config_path,
    load,
)
from queue_server.appointment_settings import AppointmentsConfig

__all__ = ["RATING_REASONS", "AdvisorConfig", "BackupConfig", "GradesConfig", "PolicyConfig", "RatingsConfig",
           "RetentionConfig", "ServerConfig", "Settings", "config_path", "load_settings"]



class PolicyConfig(Section):
    max_priority_streak: int = Field(default=2, ge=1, description="priority calls in a row while "
                                     "a normal ticket of the same queue waits")
    max_recalls: int = Field(default=2, ge=0, description="recalls before a ticket is a no-show")
    recent_calls: int = Field(default=8, ge=1, le=50)
    service_sample: int = Field(default=20, ge=1)
    arrival_window_s: float = Field(default=1800.0, gt=0)
    call_guard_s: float = Field(default=5.0, ge=0, le=60, description="a second call-next this soon after the "
                                "window's last call, the ticket not started, does nothing")


class AdvisorConfig(Section):
    enabled: bool = True
    interval_s: float = Field(default=15.0, gt=0)
    auto_apply: bool = Field(default=False, description="open/close elastic windows by itself")
    min_open_s: float = Field(default=1800.0, ge=0, le=4 * 3600, description="an elastic window stays open at "
                              "least this long, and no close is advised this long after any open")
    min_closed_s: float = Field(default=1800.0, ge=0, le=4 * 3600, description="an elastic window stays closed "
                                "at least this long, and no open is advised this long after any close")
    open_wait_share_of_target: float = Field(default=0.5, gt=0, le=1, description="open when more windows are "
                                             "needed to keep the mean wait within this share of the target")
    close_wait_share_of_target: float = Field(default=0.25, gt=0, le=1, description="close only when the other "
                                              "windows keep it within this (smaller) share for the next hour")
    walk_time_s: float = Field(default=180.0, ge=0, le=3600, description="time a person takes to reach an "
                               "elastic window and start calling")
    open_lead_s: float = Field(default=900.0, ge=0, le=7200, description="the forecast is looked at this "
                               "far beyond the walk when opening")
    forecast_today_weight: float = Field(default=0.5, ge=0, le=1, description="how much today's arrivals so far "
                                         "scale the history's forecast (0: history only, 1: fully)")
    history_weeks: int = Field(default=8, ge=1, le=52, description="the same weekday over this many past weeks "
                               "makes the forecast")
    max_changes_per_day: int = Field(default=8, ge=1, le=100, description="closes are advised only while a "
                                     "reopen of every closed elastic window stays within this many changes")
    pending_grace_s: float = Field(default=600.0, ge=0, le=3600, description="an accepted open whose window has "
                                   "not opened this long after the walk is advised again")
    share_windows: bool = Field(default=True, description="an elastic window opened by advice serves every "
                                "queue, the queue it is for first")
    floating_staff: list[str] = Field(default_factory=list, max_length=50, description="usernames of back-office "
                                      "staff who may be sent to an elastic window (named first)")
    guides: list[str] = Field(default_factory=list, max_length=20, description="usernames of the hall's guides "
                              "(导办员), named last when nobody else is free")

    @model_validator(mode="after")
    def _margins(self) -> AdvisorConfig:
        if self.close_wait_share_of_target > self.open_wait_share_of_target:
            raise ValueError("close_wait_share_of_target must not be above open_wait_share_of_target "
                             "(the gap between them keeps the advice from flapping)")
        return self


#: reasons a citizen can pick after a 不满意/非常不满意 rating, by the standard's three dimensions
#: (服务态度, 办事效率, 办事质量; codes, the pages show the words); ``attitude`` is the older catch-all
REASON_DIMENSIONS: dict[str, tuple[str, ...]] = {
    "attitude": ("rude", "ignored", "uniform", "attitude"),
    "efficiency": ("long_wait", "slow", "away"),
    "quality": ("unclear", "come_again", "error"),
    "other": ("other",),
}
RATING_REASONS = tuple(r for rs in REASON_DIMENSIONS.values() for r in rs)
DEFAULT_REASONS = ("rude", "ignored", "uniform", "long_wait", "slow", "away", "unclear", "come_again", "error",
                   "other")


class RatingsConfig(Section):
    """好差评: after each finished visit the window's evaluator is asked for one rating."""

    enabled: bool = Field(default=True, description="ask for a rating after every finished visit")
    timeout_s: float = Field(default=60.0, gt=0, le=600, description="seconds the citizen has to rate; "
                             "no answer by then is recorded as no_rating")
    grace_s: float = Field(default=2.0, ge=0, le=30, description="seconds a late device answer is still taken")
    reasons: list[str] = Field(default_factory=lambda: list(DEFAULT_REASONS),
                               description=f"reasons offered after a negative rating, from {', '.join(RATING_REASONS)}")

    @field_validator("reasons")
    @classmethod
    def _known_reasons(cls, v: list[str]) -> list[str]:
        unknown = [r for r in v if r not in RATING_REASONS]
        if unknown:
            raise ValueError(f"unknown reason {unknown[0]!r}; use some of {', '.join(RATING_REASONS)}")
        return v


class GradesConfig(Section):
    """绩效 A-E per clerk over a period (第四十九条); the formula is in :mod:`queue_server.period`.

    score = satisfaction_weight × 满意率 + volume_weight × (served ÷ the busiest clerk's served)
            − negative_penalty × 差评 (each 不满意/非常不满意), clamped to 0..100;
    A ≥ a, B ≥ b, C ≥ c, D ≥ d, else E; fewer than ``min_rated`` ratings: no grade.
    """

    satisfied_min: int = Field(default=4, ge=3, le=5, description="ratings at or above this count as 满意")
    satisfaction_weight: float = Field(default=70.0, ge=0, le=100, description="points for a 100 % 满意率")
    volume_weight: float = Field(default=30.0, ge=0, le=100, description="points for the busiest clerk's volume")
    negative_penalty: float = Field(default=5.0, ge=0, le=100, description="points off per negative rating")
    min_rated: int = Field(default=5, ge=0, le=10000, description="ratings needed before a clerk is graded")
    a: float = Field(default=90.0, ge=0, le=100)
    b: float = Field(default=80.0, ge=0, le=100)
    c: float = Field(default=70.0, ge=0, le=100)
    d: float = Field(default=60.0, ge=0, le=100)
    follow_up_days: int = Field(default=7, ge=1, le=60, description="a negative rating with no 整改 case yet "
                                "is on time when closed within this many calendar days; a case counts by its "
                                "working-day due date")
    long_wait_factor: float = Field(default=1.0, gt=0, le=10, description="a wait longer than this × the "
                                    "queue's target_wait_s is a long wait in the risk summary")

    @model_validator(mode="after")
    def _ordered(self) -> GradesConfig:
        if not self.a >= self.b >= self.c >= self.d:
            raise ValueError("grade thresholds must fall: a >= b >= c >= d")
        return self


class ServerConfig(ServerLink):
    model_config = ConfigDict(extra="forbid")

    database_url: str = "sqlite:///var/hall.db"
    http_host: str = "127.0.0.1"
    http_port: int = Field(default=8080, ge=1, le=65535)
    secret_key: str | None = Field(default=None, description="token signing key; when unset the key in "
                                   "key_file signs")
    key_file: str | None = Field(default=None, description="the hall's secrets (token signing key, holder_ref "
                                 "salt), mode 0600, created on first start; default: beside a SQLite database "
                                 "(hall.db -> hall.key), else var/hall.key")
    max_body_bytes: int = Field(default=64 * 1024, ge=1024, le=16 * 1024 * 1024,
                                description="a larger HTTP request body is refused with 413")
    login_max_failures: int = Field(default=5, ge=1, le=100, description="wrong passwords in a row for one "
                                    "login name before it is locked for login_lockout_s")
    login_lockout_s: int = Field(default=300, ge=1, le=86400)
    login_max_failures_per_client: int = Field(default=20, ge=1, le=10000, description="wrong passwords from "
                                               "one address (any names) within login_lockout_s before it waits")
    anonymous_issue_burst: int = Field(default=20, ge=1, le=10**9, description="tickets one address may take "
                                       "without a token at once")
    anonymous_issue_per_minute: float = Field(default=10.0, gt=0, le=60000, description="and then per minute")
    live_max_clients: int = Field(default=1200, ge=1, le=100000, description="WebSocket /api/live connections")
    live_max_anonymous: int = Field(default=1000, ge=0, le=100000, description="of which without a token")
    live_queue_messages: int = Field(default=64, ge=4, le=10000, description="updates waiting for one live "
                                     "client; a client that falls this far behind is dropped")
    token_ttl_s: int = Field(default=12 * 3600, gt=0)
    sqlite_synchronous: Literal["OFF", "NORMAL", "FULL"] = "NORMAL"
    publish_interval_s: float = Field(default=0.05, ge=0, description="board/queue state coalescing")
    http_keepalive_s: int = Field(default=5, ge=1, le=300, description="an idle kept-alive HTTP connection is "
                                  "closed after this")
    http_max_connections: int = Field(default=2000, ge=10, le=100000, description="open HTTP connections and "
                                      "WebSockets at once; above it new requests get 503 (keep it below the "
                                      "unit's LimitNOFILE)")
    kiosk_ids: list[DeviceId] = Field(default_factory=list, description="the hall's other kiosks besides "
                                      "[kiosk] device_id (only kiosks may set a ticket's priority and holder)")
    rpc_per_device_per_s: float = Field(default=20.0, gt=0, description="requests a device may make per second "
                                        "over MQTT, sustained (more are answered rate_limited)")
    rpc_burst: int = Field(default=60, ge=1, description="requests a device may make at once before "
                           "rpc_per_device_per_s applies")
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


class RetentionConfig(Section):
    personal_data_days: int = Field(default=90, ge=1, le=3650, description="days a ticket keeps its masked holder "
                                    "and a rating its follow-up note; figures are kept")


class BackupConfig(Section):
    """第五十九条: backups on a schedule (``hall-backup.timer`` runs ``hallctl backup``), copied to a second place."""

    dir: str = Field(default="var/backups", description="the local folder of dated backups")
    copy_to: str | None = Field(default=None, description="the second place: a mounted folder (/mnt/backup/hall) or "
                                "an rsync/scp target (backup@nas:/srv/hall)")
    copy_with: Literal["auto", "copy", "rsync", "scp"] = Field(default="auto", description="auto: rsync (else scp) "
                                                               "for host:path, a file copy for a folder")
    keep: int = Field(default=30, ge=1, le=3650, description="local backups kept (older ones are removed)")


LOCAL_HOSTS = frozenset({"localhost", "0.0.0.0", "::", "::1", ""})  # no address a phone can use


class Settings(HallSettings):
    server: ServerConfig = Field(default_factory=ServerConfig)
    policy: PolicyConfig = Field(default_factory=PolicyConfig)
    advisor: AdvisorConfig = Field(default_factory=AdvisorConfig)
    ratings: RatingsConfig = Field(default_factory=RatingsConfig)
    grades: GradesConfig = Field(default_factory=GradesConfig)
    retention: RetentionConfig = Field(default_factory=RetentionConfig)
    appointments: AppointmentsConfig = Field(default_factory=AppointmentsConfig)
    backup: BackupConfig = Field(default_factory=BackupConfig)
    kiosk: DeviceSection = Field(default_factory=lambda: DeviceSection(device_id=DEFAULT_KIOSK_ID))
    display: DeviceSection = Field(default_factory=lambda: DeviceSection(device_id=DEFAULT_DISPLAY_ID))
    window_bridge: WindowDevicesSection = Field(
        default_factory=lambda: WindowDevicesSection(device_id=DEFAULT_BRIDGE_ID))
    devices: Rs485Units = Field(default_factory=Rs485Units)

    def status_url(self) -> str:
        """On ``HALL_PUBLIC_URL``; else on the address the server listens at, when that is one a phone can
        reach (not loopback, not every address); else ``[hall] status_url``."""
        if self.server.public_url:
            return super().status_url()
        host = self.server.http_host
        if host in LOCAL_HOSTS or host.startswith("127."):
            return self.hall.status_url
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.server.http_port}/t/{{number}}"


def load_settings(path: str | os.PathLike[str] | None = None, env: Mapping[str, str] = os.environ) -> Settings:
    """Read, override and validate; raises :class:`~hall_contract.config.ConfigError` naming every wrong key."""
    return load(Settings, path, env)

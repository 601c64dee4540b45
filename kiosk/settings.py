"""The kiosk's configuration: the shared sections, ``[kiosk]`` and ``[devices]``.

Every key can be overridden by ``HALL_KIOSK__<KEY>`` (``HALL_KIOSK__IDLE_TIMEOUT_S=90``).
The staff password is kept only as a scrypt hash (make one with ``hallctl kiosk --hash-password``).
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from hall_contract.config import DEFAULT_KIOSK_ID, DeviceSection, HallSettings, load
from hall_contract.passwords import hash_password, is_hash, verify_password
from hardware.config import DeviceSettings
from hardware.speech.letters import check_reading

__all__ = ["KioskAppSettings", "KioskSettings", "hash_password", "load_kiosk_settings", "verify_password"]


class KioskSettings(DeviceSection):
    model_config = ConfigDict(extra="forbid")

    device_id: str = Field(default=DEFAULT_KIOSK_ID, pattern=r"^[A-Za-z0-9_-]{1,64}$",
                           description="MQTT client id and devices/{id}/status")
    language: Literal["zh_CN", "en"] | None = Field(
        default=None, description="language the kiosk starts in and returns to; None = the hall's language")
    idle_timeout_s: float = Field(default=60.0, gt=0, description="a session without a touch ends after this")
    elderly_idle_timeout_s: float = Field(default=120.0, gt=0, description="the same in elderly mode (长者模式)")
    countdown_s: float = Field(default=20.0, ge=0, description="the last seconds of a session show a countdown")
    ticket_screen_s: float = Field(default=12.0, gt=0, description="how long a printed ticket stays on screen")
    card_left_s: float = Field(default=20.0, gt=0, description="a card still in (or an ID card on) its reader this "
                               "long after the take-your-card screen is left behind: spoken reminder and the fault "
                               "card_left (idcard_left)")
    elderly_zoom: float = Field(default=1.3, ge=1.0, le=1.6, description="text size in elderly mode (长者模式)")
    qr_screen_s: float = Field(default=45.0, gt=0,
                               description="how long a ticket stays on screen when it could not be printed")
    elderly_age: int = Field(default=70, ge=50, le=120, description="holders this old get elderly priority and mode")
    items_per_page: int = Field(default=8, ge=2, le=20, description="service items per page")
    elderly_items_per_page: int = Field(default=4, ge=1, le=10, description="service items per page, elderly mode")
    rpc_timeout_s: float = Field(default=2.5, gt=0, description="a ticket request without reply is sent again "
                                 "(same request_id) after this")
    rpc_give_up_s: float = Field(default=20.0, gt=0, description="a ticket request is abandoned after this")
    printer_poll_s: float = Field(default=10.0, gt=0, description="printer status is asked this often")
    idcard_poll_s: float = Field(default=0.5, gt=0, description="the ID card reader is asked for a card this often")
    holder_salt: str = Field(default="", description="per-hall secret for holder_ref (HMAC-SHA256 of the ID "
                             "number); the same on every kiosk of the hall. Empty = derived from the hall id")
    staff_password_hash: str | None = Field(
        default=None, description="maintenance screen password, from `hallctl kiosk --hash-password`; "
        "None = maintenance screen locked")
    gateway: Literal["local", "http"] = Field(default="local", description="self-service platform backend")
    gateway_url: str | None = Field(default=None, description="http backend: base URL of the platform JSON API")
    gateway_token: str | None = Field(default=None, description="http backend: bearer token")
    gateway_timeout_s: float = Field(default=5.0, gt=0)
    gateway_db: str = Field(default="var/kiosk-gateway.db", description="local backend: its SQLite file")
    pin_unblock_item: str = Field(default="KA-005", description="the service item that unblocks a PIN "
                                  "(tells a citizen with a blocked card which windows to go to)")
    voice_guidance: bool = Field(default=True, description="speak each step in elderly mode")
    speech_output: str = Field(default="auto", description="audio output for voice guidance: auto, aplay, "
                               "pacat, play, none or file:DIR")
    speech_cache_dir: str = Field(default="var/speech-cache", description="rendered phrases (WAV) are kept here")

    @field_validator("gateway_url")
    @classmethod
    def _http_url(cls, v: str | None) -> str | None:
        if v is not None and not v.startswith(("http://", "https://")):
            raise ValueError("use http://host:port/api or https://...")
        return v.rstrip("/") if v else v

    @field_validator("staff_password_hash")
    @classmethod
    def _hash_form(cls, v: str | None) -> str | None:
        if v and not is_hash(v):
            raise ValueError("not a password hash: make one with `hallctl kiosk --hash-password`")
        return v or None

    @model_validator(mode="after")
    def _consistent(self) -> KioskSettings:
        if self.gateway == "http" and not self.gateway_url:
            raise ValueError("gateway = \"http\" needs gateway_url (the platform's base URL)")
        if self.elderly_idle_timeout_s < self.idle_timeout_s:
            raise ValueError("elderly_idle_timeout_s must not be shorter than idle_timeout_s")
        return self


class CallingPolicy(BaseModel):
    """What the ticket needs of the server's ``[policy]``: how often a number is called before it is passed."""

    model_config = ConfigDict(extra="ignore")  # the server's other keys are checked by the server

    max_recalls: int = Field(default=2, ge=0, le=9, description="recalls after the first call")

    @property
    def calls(self) -> int:
        return 1 + self.max_recalls


class LetterReadings(BaseModel):
    """What the kiosk reads of ``[display]``: how a ticket letter is spoken, so the kiosk reads a number as the wall
    display calls it."""

    model_config = ConfigDict(extra="ignore")  # the display's other keys are checked by the display

    letter_readings: dict[str, str] = Field(default_factory=dict, description='e.g. {C = "西"} or {C = "xi1"}')

    @field_validator("letter_readings")
    @classmethod
    def _readings(cls, v: dict[str, str]) -> dict[str, str]:
        if any(len(k) != 1 or not "A" <= k.upper() <= "Z" for k in v):
            raise ValueError("letter_readings keys are single letters A-Z")
        return {k.upper(): check_reading(r) for k, r in v.items()}


class KioskAppSettings(HallSettings):
    kiosk: KioskSettings = Field(default_factory=KioskSettings)
    devices: DeviceSettings = Field(default_factory=DeviceSettings)
    policy: CallingPolicy = Field(default_factory=CallingPolicy)
    display: LetterReadings = Field(default_factory=LetterReadings)


def load_kiosk_settings(path: str | os.PathLike[str] | None = None,
                        env: Mapping[str, str] = os.environ) -> KioskAppSettings:
    return load(KioskAppSettings, path, env)

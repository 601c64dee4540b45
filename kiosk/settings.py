"""The ``[kiosk]`` section of the hall configuration."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class KioskSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    device_id: str = Field(default="kiosk-1", pattern=r"^[A-Za-z0-9_-]{1,64}$",
                           description="MQTT client id and devices/{id}/status")

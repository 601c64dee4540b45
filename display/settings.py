"""The ``[display]`` section of the hall configuration."""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class DisplaySettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    device_id: str = Field(default="display-1", pattern=r"^[A-Za-z0-9_-]{1,64}$",
                           description="MQTT client id and devices/{id}/status")

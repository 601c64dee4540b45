"""Device settings: the ``[devices]`` section of the hall configuration."""
from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field


class DeviceSettings(BaseModel):
    """Where this machine finds its devices. Unset means "not fitted"."""

    model_config = ConfigDict(extra="forbid")

    printer_url: str | None = Field(
        default=None,
        description="ticket printer: tcp://host:9100, serial:///dev/ttyUSB0, usb://04b8:0202, cups://QUEUE",
    )
    printer_timeout_s: float = Field(default=3.0, gt=0, description="socket/serial timeout for the printer")
    card_reader: str | None = Field(default=None, description="PC/SC reader name (substring); None = first")
    idcard_url: str | None = Field(default=None, description="SAM ID-card reader: serial URL or pty path")
    idcard_baudrate: int = Field(
        default=115200, gt=0, description="SAM ID-card reader line speed in bit/s (some older readers: 9600)"
    )
    card_timeout_s: float = Field(
        default=5.0, gt=0, description="how long one card read (social security or ID card) may take"
    )
    rs485_url: str | None = Field(default=None, description="RS-485 line for window devices: serial URL")
    printer_columns: int = Field(
        default=48, ge=16, le=64,
        description="half-width characters per printed line: 48 for 80 mm paper, 32 for 58 mm",
    )
    rs485_baudrate: int = Field(default=9600, gt=0, description="RS-485 line speed in bit/s (8N1)")
    rs485_timeout_s: float = Field(
        default=0.3, gt=0, description="how long to wait for one window device's answer before giving up"
    )
    rs485_units: dict[str, Annotated[int, Field(ge=1, le=247)]] = Field(
        default_factory=dict,
        description='window devices on the RS-485 line, name -> Modbus unit id 1..247, e.g. {"w3-screen" = 1}',
    )

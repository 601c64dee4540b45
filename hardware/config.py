"""Device settings: the ``[devices]`` section of the hall configuration."""
from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from hall_contract.config import Rs485Units


class DeviceSettings(Rs485Units):
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
    scanner_url: str | None = Field(
        default=None,
        description="QR/barcode scanner for the 电子社保卡 login: serial URL or path, e.g. /dev/ttyACM0 "
        "(USB-CDC), /dev/serial/by-id/..., socket://host:port",
    )
    scanner_baudrate: int = Field(
        default=9600, gt=0, description="scanner line speed in bit/s (an RS-232 scanner; USB-CDC ignores it)"
    )
    scanner_suffix: Literal["CR", "LF", "CRLF"] = Field(
        default="CR", description="what the scanner sends after each code, as set in the scanner"
    )
    scanner_mode: Literal["continuous", "trigger"] = Field(
        default="continuous",
        description="continuous: the scanner reads whatever is shown (sense mode); trigger: it reads when "
        "the kiosk sends SYN T CR",
    )
    scanner_dedupe_s: float = Field(
        default=1.0, ge=0, description="the same code seen again within this many seconds counts once"
    )
    a4_printer_url: str | None = Field(
        default=None,
        description="A4 document printer (参保证明, 权益记录): cups://QUEUE, or cups://QUEUE?server=HOST:PORT "
        "or ?server=/run/cups/cups.sock for a CUPS server other than the default",
    )
    a4_job_timeout_s: float = Field(
        default=120.0, gt=0,
        description="a print job not completed within this many seconds counts as stuck (device fault)",
    )

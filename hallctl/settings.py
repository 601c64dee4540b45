"""The whole hall configuration: every app's sections together, as ``hallctl config check`` sees it.

Each app reads only its own sections and ignores the others'; here the union is checked, so an
unknown key or section anywhere in the file is reported.
"""
from __future__ import annotations

import os
from collections.abc import Mapping

from pydantic import ConfigDict, Field

from display.settings import DisplaySettings
from hall_contract.config import load
from hallctl.front import FrontSettings
from hardware.config import DeviceSettings
from kiosk.settings import KioskSettings
from queue_server.settings import Settings
from window_bridge.settings import WindowBridgeSettings


class HallConfiguration(Settings):
    """Every section of the hall configuration."""

    model_config = ConfigDict(extra="forbid")

    kiosk: KioskSettings = Field(default_factory=KioskSettings)
    display: DisplaySettings = Field(default_factory=DisplaySettings)
    window_bridge: WindowBridgeSettings = Field(default_factory=WindowBridgeSettings)
    devices: DeviceSettings = Field(default_factory=DeviceSettings)
    front: FrontSettings = Field(default_factory=FrontSettings)


def load_configuration(path: str | os.PathLike[str] | None = None,
                       env: Mapping[str, str] = os.environ) -> HallConfiguration:
    return load(HallConfiguration, path, env)

"""The hall configuration: shared sections, the loader and its problems report."""
from hall_contract.config.loader import DEFAULT_CONFIG, NAMED_ENV, PACKAGE_CONFIG, config_path, load, read_config
from hall_contract.config.problems import ConfigError, Problem
from hall_contract.config.sections import (
    DEFAULT_BRIDGE_ID,
    DEFAULT_DISPLAY_ID,
    DEFAULT_KIOSK_ID,
    DEFAULT_SERVER_ID,
    DeviceId,
    DeviceSection,
    HallInfo,
    HallSettings,
    Hours,
    ItemConfig,
    QueueConfig,
    Rs485Units,
    Section,
    ServerLink,
    WindowConfig,
    WindowDevicesSection,
)

__all__ = [
    "DEFAULT_BRIDGE_ID", "DEFAULT_CONFIG", "DEFAULT_DISPLAY_ID", "DEFAULT_KIOSK_ID", "DEFAULT_SERVER_ID",
    "NAMED_ENV", "PACKAGE_CONFIG", "ConfigError", "DeviceId", "DeviceSection", "HallInfo", "HallSettings", "Hours",
    "ItemConfig", "Problem", "QueueConfig", "Rs485Units", "Section", "ServerLink", "WindowConfig",
    "WindowDevicesSection", "config_path", "load", "read_config",
]

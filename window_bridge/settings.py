"""The window bridge's configuration: the shared sections, ``[window_bridge]`` and ``[devices]``.

Override any key from the environment as ``HALL_WINDOW_BRIDGE__<KEY>``
(``HALL_WINDOW_BRIDGE__SCREEN_UNITS={"3": 1}``).
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Annotated

from pydantic import ConfigDict, Field

from hall_contract.config import DEFAULT_BRIDGE_ID, DeviceId, HallSettings, WindowDevicesSection, load
from hardware.config import DeviceSettings

WindowNumber = Annotated[int, Field(ge=1, le=99)]
Unit = Annotated[int, Field(ge=1, le=247)]  # Modbus unit id on the RS-485 line
QueueCode = Annotated[str, Field(pattern=r"^[A-Z]{1,4}$")]


class WindowBridgeSettings(WindowDevicesSection):
    """The window devices on the RS-485 line: LED screens, caller keypads, evaluators."""

    model_config = ConfigDict(extra="forbid")

    device_id: DeviceId = Field(default=DEFAULT_BRIDGE_ID, description="the bridge's devices/{id}/status")
    screen_units: dict[WindowNumber, Unit] = Field(
        default_factory=dict, description='window number -> Modbus unit of its LED screen, e.g. {"3" = 1}; '
        'empty: the [devices] rs485_units named "w<N>-screen"')
    screen_brightness: int | None = Field(default=None, ge=0, le=100, description="set at start, percent")
    screen_retry_s: float = Field(default=5.0, gt=0, description="retry a screen, keypad or evaluator that did "
                                  "not answer after this many seconds")
    screen_refresh_s: float = Field(default=60.0, gt=0, description="rewrite every screen this often "
                                    "(a screen that restarted shows the right text again)")
    keypad_units: dict[WindowNumber, Unit] = Field(
        default_factory=dict, description='window number -> Modbus unit of its caller keypad, e.g. {"3" = 2}; '
        'empty: the [devices] rs485_units named "w<N>-keypad"')
    keypad_poll_s: float = Field(default=0.3, gt=0, le=10, description="read each keypad's key presses this often")
    transfer_queues: dict[WindowNumber, QueueCode] = Field(
        default_factory=dict, description='window number -> queue a keypad\'s transfer key moves the current ticket '
        'to, when the keypad names none, e.g. {"3" = "B"}; a window without one ignores the key (logged)')
    command_retry_s: float = Field(default=2.0, gt=0, description="send a keypad command again (same request_id) "
                                   "when the server has not answered after this many seconds")
    command_deadline_s: float = Field(default=15.0, gt=0, description="give up a key press the server has not "
                                      "answered this many seconds after it was pressed (the screen says so)")
    message_show_s: float = Field(default=3.0, gt=0, le=60, description="how long a keypad error (无人等候, "
                                  "窗口未开放 ...) shows on the window's screen before its normal text")
    offline_text_s: float = Field(default=5.0, ge=1, le=120, description="after the broker link has been down "
                                  "this long, every screen shows offline_text instead of a call that may be stale")
    offline_text: str = Field(default="暂停叫号", min_length=1, max_length=16,
                              description="what the screens say while the hall is lost (short: an LED screen)")
    evaluator_units: dict[WindowNumber, Unit] = Field(
        default_factory=dict, description='window number -> Modbus unit of its evaluator (评价器), e.g. {"3" = 3}; '
        'empty: the [devices] rs485_units named "w<N>-evaluator"')
    evaluator_poll_s: float = Field(default=0.5, gt=0, le=10, description="read a waiting evaluator's result "
                                    "this often")
    evaluator_check_s: float = Field(default=30.0, gt=0, description="check an idle evaluator still answers "
                                     "this often (a silent one is a fault on the status topic)")



class BridgeAppSettings(HallSettings):
    window_bridge: WindowBridgeSettings = Field(default_factory=WindowBridgeSettings)
    devices: DeviceSettings = Field(default_factory=DeviceSettings)


def load_bridge_settings(path: str | os.PathLike[str] | None = None,
                         env: Mapping[str, str] = os.environ) -> BridgeAppSettings:
    return load(BridgeAppSettings, path, env)

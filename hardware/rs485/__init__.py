"""Window devices on RS-485 (Modbus RTU): screen, caller keypad, evaluator, and their simulator."""
from hardware.rs485.bus import Rs485Bus
from hardware.rs485.devices import CallerKeypad, EvaluationResult, Evaluator, WindowScreen, read_identity
from hardware.rs485.errors import (
    DeviceError,
    DeviceGarbled,
    DeviceMismatch,
    DeviceNoAnswer,
    DeviceRejected,
    LineUnavailable,
    Rs485Error,
)
from hardware.rs485.register_map import DeviceType, EvalState, Identity, Key, KeyEvent

__all__ = [
    "CallerKeypad",
    "DeviceError",
    "DeviceGarbled",
    "DeviceMismatch",
    "DeviceNoAnswer",
    "DeviceRejected",
    "DeviceType",
    "EvalState",
    "EvaluationResult",
    "Evaluator",
    "Identity",
    "Key",
    "KeyEvent",
    "LineUnavailable",
    "Rs485Bus",
    "Rs485Error",
    "WindowScreen",
    "read_identity",
]

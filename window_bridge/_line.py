"""One device on the bridge's RS-485 line (screen, keypad, evaluator), as the bridge's faults see it."""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass

from hardware.rs485 import (
    DeviceGarbled,
    DeviceMismatch,
    DeviceNoAnswer,
    DeviceRejected,
    LineUnavailable,
    Rs485Error,
)

log = logging.getLogger(__name__)

FAULT_WORDS: dict[type[Rs485Error], str] = {
    DeviceNoAnswer: "no_answer", DeviceGarbled: "garbled", DeviceRejected: "rejected", DeviceMismatch: "wrong_device",
}


@dataclass
class LineDevice:
    """``kind`` (screen, keypad, evaluator) of window ``window`` at Modbus ``unit``; ``fault``: see FAULT_WORDS."""

    kind: str
    window: int
    unit: int
    fault: str | None = None
    checked: bool = False  # identity read since the last mismatch
    next_try: float = 0.0  # monotonic; a device in fault is left alone until then

    @property
    def fault_name(self) -> str | None:
        """``keypad_3_no_answer`` for the bridge's status topic."""
        return f"{self.kind}_{self.window}_{self.fault}" if self.fault else None

    def attempt(self, retry_s: float, work: Callable[[], None]) -> bool:
        """Run ``work`` (I/O with this device); on a device error note the fault and back off ``retry_s``.

        ``LineUnavailable`` is the whole line's problem: it goes up to the bridge."""
        try:
            work()
        except LineUnavailable:
            raise
        except Rs485Error as err:
            fault = FAULT_WORDS.get(type(err), "error")
            if self.fault != fault:
                log.warning("window %d %s (unit %d): %s", self.window, self.kind, self.unit, err)
            self.fault = fault
            self.next_try = time.monotonic() + retry_s
            if fault == "wrong_device":
                self.checked = False
            return False
        if self.fault:
            log.info("window %d %s (unit %d) answers again", self.window, self.kind, self.unit)
        self.fault = None
        return True

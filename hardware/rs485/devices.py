"""Host-side drivers for the window devices: screen, caller keypad, evaluator."""
from __future__ import annotations

import itertools
import logging
from dataclasses import dataclass

from hardware.rs485 import register_map as rm
from hardware.rs485.bus import Rs485Bus
from hardware.rs485.errors import DeviceError, DeviceMismatch

log = logging.getLogger(__name__)


def read_identity(bus: Rs485Bus, unit: int) -> rm.Identity:
    """Read the identity block every device has (raises ``DeviceNoAnswer`` etc.)."""
    return rm.Identity(*bus.read(unit, rm.DEVICE_TYPE, rm.IDENTITY_COUNT))


class _Device:
    kind: rm.DeviceType

    def __init__(self, bus: Rs485Bus, unit: int) -> None:
        self.bus, self.unit = bus, unit

    def identify(self) -> rm.Identity:
        """Read the identity block and check the unit is the expected kind of device."""
        identity = read_identity(self.bus, self.unit)
        if identity.device_type != self.kind:
            raise DeviceMismatch(self.unit, self.kind.name.lower(), identity.device_type)
        return identity


class WindowScreen(_Device):
    """The LED strip above a window (窗口屏): one line of GB2312 text."""

    kind = rm.DeviceType.SCREEN

    def __init__(self, bus: Rs485Bus, unit: int) -> None:
        super().__init__(bus, unit)
        self._commits = itertools.count(0)

    def show(self, text: str) -> None:
        """Display ``text`` (e.g. ``请A001号办理``): length, text and commit in one write."""
        commit = next(self._commits) % 65535 + 1
        self.bus.write(self.unit, rm.SCREEN_TEXT_LEN, [*rm.pack_screen_text(text), commit])

    def shown_text(self) -> str:
        """Read back the text now displayed (staged registers, when the commit matches)."""
        regs = self.bus.read(self.unit, rm.SCREEN_TEXT_LEN, 1 + rm.SCREEN_TEXT_REGS)
        return rm.unpack_screen_text(regs)

    def set_brightness(self, percent: int) -> None:
        """Brightness 0..100 % (0 blanks the screen)."""
        if not 0 <= percent <= 100:
            raise ValueError("亮度应为0..100 / brightness must be 0..100")
        self.bus.write(self.unit, rm.SCREEN_BRIGHTNESS, [percent])


class CallerKeypad(_Device):
    """The clerk's caller keypad (呼叫器). :meth:`poll` returns each key press exactly once."""

    kind = rm.DeviceType.KEYPAD

    def __init__(self, bus: Rs485Bus, unit: int) -> None:
        super().__init__(bus, unit)
        self._boot_id: int | None = None
        self._last_seq = 0

    def poll(self) -> list[rm.KeyEvent]:
        """New key events, oldest first; acknowledges them on the device.

        An event is returned once even when the acknowledgement is lost (it is then
        acknowledged at the next poll); a keypad restart (new boot id) resets the count.
        """
        boot_id, listed = rm.decode_events(self.bus.read(self.unit, rm.KEYPAD_BOOT_ID, rm.KEYPAD_BLOCK))
        if boot_id != self._boot_id:
            self._boot_id, self._last_seq = boot_id, 0
        fresh = [e for e in listed if self._last_seq == 0 or rm.seq_after(e.seq, self._last_seq)]
        if fresh:
            self._last_seq = fresh[-1].seq
        if listed:
            try:
                self.bus.write(self.unit, rm.KEYPAD_ACK, [self._last_seq])
            except DeviceError as err:  # counted as read already: return them, acknowledge next time
                log.info("keypad (unit %d): acknowledgement not confirmed, again at the next poll: %s",
                         self.unit, err)
        return fresh

    @property
    def boot_id(self) -> int:
        """Which power-on of the keypad the presses belong to (0 before the first poll)."""
        return self._boot_id or 0


@dataclass(frozen=True)
class EvaluationResult:
    """What the citizen chose: ``score`` 1..5, or ``None`` when the request timed out."""

    ticket_number: str
    score: int | None
    request_id: int

    @property
    def words(self) -> str | None:
        """非常不满意 .. 非常满意."""
        return rm.SCORE_WORDS.get(self.score) if self.score is not None else None


class Evaluator(_Device):
    """The rating pad at the window (评价器)."""

    kind = rm.DeviceType.EVALUATOR

    def __init__(self, bus: Rs485Bus, unit: int) -> None:
        super().__init__(bus, unit)
        self._requests = itertools.count(0)
        self.pending: int | None = None

    def request(self, ticket_number: str, timeout_s: int = 30) -> int:
        """Ask the citizen to rate the service for ``ticket_number``; returns the request id."""
        if not 1 <= timeout_s <= 600:
            raise ValueError("评价等待时间应为1..600秒 / timeout must be 1..600 s")
        request_id = next(self._requests) % 65535 + 1
        values = [*rm.pack_ticket(ticket_number), int(timeout_s), request_id]  # request id last
        self.bus.write(self.unit, rm.EVAL_TICKET, values)
        self.pending = request_id
        return request_id

    def poll_result(self) -> EvaluationResult | None:
        """The result of the pending request once there is one (returned once), else ``None``."""
        if self.pending is None:
            return None
        regs = self.bus.read(self.unit, rm.EVAL_STATE, rm.EVAL_BLOCK)
        state, result_id, score = regs[0], regs[1], regs[2]
        if result_id != self.pending or state not in (rm.EvalState.RATED, rm.EvalState.TIMED_OUT):
            return None
        self.pending = None
        rated = state == rm.EvalState.RATED and 1 <= score <= 5
        return EvaluationResult(rm.unpack_ticket(regs[3:7]), score if rated else None, result_id)

"""Behaviour of the simulated window devices, register by register (no I/O here).

Each model presents its registers (:meth:`registers`) and takes writes (:meth:`write`)
exactly as docs/rs485-register-map.md says; :mod:`hardware.rs485.simulator` serves them
over Modbus RTU. Tests drive the physical side: ``press``, ``rate``, ``text``.
"""
from __future__ import annotations

import random
import threading
import time

from hardware.rs485 import register_map as rm

ILLEGAL_VALUE = 3  # Modbus exception code 03
Region = tuple[int, int, bool]  # first address, register count, read-only


class DeviceModel:
    """Identity block and locking shared by all simulated devices."""

    kind: rm.DeviceType
    regions: tuple[Region, ...]
    firmware = 0x0102  # 1.2

    def __init__(self, unit: int) -> None:
        self.unit = unit
        self.lock = threading.RLock()
        self.boot_id = random.randint(1, 0xFFFF)

    def registers(self) -> dict[int, int]:
        """Every register's current value, by address."""
        ident = [int(self.kind), rm.MAP_VERSION, self.firmware, self.boot_id]
        return dict(enumerate(ident, start=rm.DEVICE_TYPE))

    def write(self, address: int, values: list[int]) -> int | None:
        """Apply a write; return a Modbus exception code to refuse it."""
        raise NotImplementedError


class ScreenModel(DeviceModel):
    """The window LED screen: keeps its staged and displayed text."""

    kind = rm.DeviceType.SCREEN
    regions = ((0, rm.IDENTITY_COUNT, True), (rm.SCREEN_BRIGHTNESS, 0x23, False), (rm.SCREEN_SHOWN, 1, True))

    def __init__(self, unit: int) -> None:
        super().__init__(unit)
        self.staged = [0] * (1 + rm.SCREEN_TEXT_REGS)  # length, then text
        self.brightness = 80
        self.commit = self.shown_commit = 0
        self.text = ""  # what a person in the hall would read now
        self.history: list[str] = []

    def registers(self) -> dict[int, int]:
        regs = super().registers()
        regs[rm.SCREEN_BRIGHTNESS] = self.brightness
        regs.update(enumerate(self.staged, start=rm.SCREEN_TEXT_LEN))
        regs[rm.SCREEN_COMMIT], regs[rm.SCREEN_SHOWN] = self.commit, self.shown_commit
        return regs

    def write(self, address: int, values: list[int]) -> int | None:
        writes = list(enumerate(values, start=address))
        for addr, value in writes:
            if addr == rm.SCREEN_BRIGHTNESS and value > 100:
                return ILLEGAL_VALUE
            if addr == rm.SCREEN_TEXT_LEN and value > rm.SCREEN_TEXT_MAX_BYTES:
                return ILLEGAL_VALUE
        for addr, value in writes:
            if addr == rm.SCREEN_BRIGHTNESS:
                self.brightness = value
            elif rm.SCREEN_TEXT_LEN <= addr < rm.SCREEN_COMMIT:
                self.staged[addr - rm.SCREEN_TEXT_LEN] = value
            elif addr == rm.SCREEN_COMMIT:
                self.commit = value
                if value:
                    self.text = rm.unpack_screen_text(self.staged)
                    self.shown_commit = value
                    self.history.append(self.text)
        return None


class KeypadModel(DeviceModel):
    """The caller keypad: a FIFO of key events that the host reads and acknowledges."""

    kind = rm.DeviceType.KEYPAD
    regions = (
        (0, rm.IDENTITY_COUNT, True), (rm.KEYPAD_BOOT_ID, rm.KEYPAD_BLOCK, True), (rm.KEYPAD_ACK, 1, False)
    )

    def __init__(self, unit: int) -> None:
        super().__init__(unit)
        self.fifo: list[rm.KeyEvent] = []
        self.seq = 0
        self.acked = 0

    def press(self, key: rm.Key, target_queue: str | None = None) -> bool:
        """A clerk presses a key; False (error beep) when the FIFO is full."""
        with self.lock:
            if len(self.fifo) >= rm.KEYPAD_FIFO_DEPTH:
                return False
            self.seq = rm.next_seq(self.seq)
            self.fifo.append(rm.KeyEvent(self.seq, key, ord(target_queue) if target_queue else 0))
            return True

    def restart(self) -> None:
        """Power cycle: new boot id, empty FIFO, sequence numbers start again."""
        with self.lock:
            old = self.boot_id
            while self.boot_id == old:
                self.boot_id = random.randint(1, 0xFFFF)
            self.fifo, self.seq, self.acked = [], 0, 0

    def registers(self) -> dict[int, int]:
        regs = super().registers()
        block = rm.encode_events(self.boot_id, len(self.fifo), self.fifo)
        regs.update(enumerate(block, start=rm.KEYPAD_BOOT_ID))
        regs[rm.KEYPAD_ACK] = self.acked
        return regs

    def write(self, address: int, values: list[int]) -> int | None:
        if address == rm.KEYPAD_ACK:
            self.acked = values[0]
            self.fifo = [e for e in self.fifo if rm.seq_after(e.seq, self.acked)]
        return None


class EvaluatorModel(DeviceModel):
    """The evaluator: shows a rating request, takes a score or times out."""

    kind = rm.DeviceType.EVALUATOR
    regions = ((0, rm.IDENTITY_COUNT, True), (rm.EVAL_TICKET, 6, False), (rm.EVAL_STATE, rm.EVAL_BLOCK, True))

    def __init__(self, unit: int, auto_rate: int | None = None, auto_delay_s: float = 0.5) -> None:
        super().__init__(unit)
        self.auto_rate, self.auto_delay_s = auto_rate, auto_delay_s
        self.request_regs = [0] * 6  # ticket (4), timeout, request id
        self.state = rm.EvalState.IDLE
        self.result_id = self.score = 0
        self.result_ticket = [0] * rm.EVAL_TICKET_REGS
        self.asked_at = self.deadline = 0.0

    @property
    def asking_for(self) -> str | None:
        """The ticket the pad is asking about now (None when idle)."""
        with self.lock:
            self._tick()
            return rm.unpack_ticket(self.result_ticket) if self.state == rm.EvalState.WAITING else None

    def rate(self, score: int) -> bool:
        """The citizen presses a rating key 1..5; False when nothing is being asked."""
        if not 1 <= score <= 5:
            raise ValueError("score must be 1..5")
        with self.lock:
            self._tick()
            if self.state != rm.EvalState.WAITING:
                return False
            self.state, self.score = rm.EvalState.RATED, score
            return True

    def _tick(self) -> None:
        if self.state != rm.EvalState.WAITING:
            return
        now = time.monotonic()
        if self.auto_rate is not None and now >= self.asked_at + self.auto_delay_s:
            self.state, self.score = rm.EvalState.RATED, self.auto_rate
        elif now >= self.deadline:
            self.state = rm.EvalState.TIMED_OUT

    def registers(self) -> dict[int, int]:
        self._tick()
        regs = super().registers()
        regs.update(enumerate(self.request_regs, start=rm.EVAL_TICKET))
        block = [int(self.state), self.result_id, self.score, *self.result_ticket]
        regs.update(enumerate(block, start=rm.EVAL_STATE))
        return regs

    def write(self, address: int, values: list[int]) -> int | None:
        writes = list(enumerate(values, start=address))
        if any(a == rm.EVAL_TIMEOUT and not 1 <= v <= 600 for a, v in writes):
            return ILLEGAL_VALUE
        for addr, value in writes:
            self.request_regs[addr - rm.EVAL_TICKET] = value
            if addr == rm.EVAL_REQUEST and value:
                self.state, self.result_id, self.score = rm.EvalState.WAITING, value, 0
                self.result_ticket = self.request_regs[: rm.EVAL_TICKET_REGS]
                self.asked_at = time.monotonic()
                self.deadline = self.asked_at + self.request_regs[4]
        return None


MODELS: dict[str, type[DeviceModel]] = {
    "screen": ScreenModel, "keypad": KeypadModel, "evaluator": EvaluatorModel,
}

"""The 3x4 on-screen keypad: a PIN shown as dots, or a number (receipt, staff password) shown as typed.

The digits live only in this object until :meth:`Keypad.take` hands them on and forgets them;
``repr`` never shows them, and nothing here logs.
"""
from __future__ import annotations

KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "clear", "0", "back")
DOT_ON, DOT_OFF = "●", "○"


class Keypad:
    def __init__(self, length: int = 6, *, secret: bool = True, min_length: int | None = None) -> None:
        self.length = length
        self.min_length = length if min_length is None else min_length
        self.secret = secret
        self._digits: list[str] = []

    def __repr__(self) -> str:
        return f"Keypad(entered={len(self._digits)}/{self.length}, secret={self.secret})"

    def configure(self, length: int, *, secret: bool, min_length: int | None = None) -> None:
        self.length, self.secret = length, secret
        self.min_length = length if min_length is None else min_length
        self._digits.clear()

    def press(self, key: str) -> None:
        if key == "clear":
            self._digits.clear()
        elif key == "back":
            if self._digits:
                self._digits.pop()
        elif len(key) == 1 and key.isdigit() and len(self._digits) < self.length:
            self._digits.append(key)

    @property
    def count(self) -> int:
        return len(self._digits)

    @property
    def complete(self) -> bool:
        return self.min_length <= len(self._digits) <= self.length

    @property
    def shown(self) -> str:
        """What the screen shows: dots for a PIN (``●●●○○○``), the digits otherwise."""
        if self.secret:
            return DOT_ON * len(self._digits) + DOT_OFF * max(0, self.length - len(self._digits))
        return "".join(self._digits)

    def take(self) -> str:
        """The digits entered, once: the keypad is empty afterwards."""
        value = "".join(self._digits)
        self._digits.clear()
        return value

    def clear(self) -> None:
        self._digits.clear()

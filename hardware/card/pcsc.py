"""The PC/SC transport: one connection to the card in one reader, through pyscard's ``scard``.

It only opens, transmits, closes; every PC/SC failure becomes a :class:`CardError`.
pyscard is imported on first use so that ``hallctl --help`` works without it.
"""
from __future__ import annotations

import time
from types import ModuleType
from typing import Any

from hardware.card.errors import (
    CardError,
    CardRemoved,
    CardServiceUnavailable,
    CardTimeout,
    NoCard,
    NoReader,
)

REMOVAL_GRACE_S = 0.6  # pcscd reports a pulled card within ~0.15 s of the failed transmit


def _scard() -> ModuleType:
    try:
        from smartcard import scard
    except ImportError as err:  # pragma: no cover - depends on the installation
        raise CardServiceUnavailable("pyscard is not installed") from err
    return scard


def _hr(value: int) -> int:
    return value & 0xFFFFFFFF


def error_for_pcsc(hresult: int, where: str) -> CardError:
    """The :class:`CardError` for a PC/SC result code."""
    sc = _scard()
    hr = _hr(hresult)
    detail = f"{where}: {sc.SCardGetErrorMessage(hresult).strip()} (0x{hr:08X})"
    if hr in (_hr(sc.SCARD_E_NO_SERVICE), _hr(sc.SCARD_E_SERVICE_STOPPED)):
        return CardServiceUnavailable(detail)
    if hr in (_hr(sc.SCARD_E_NO_READERS_AVAILABLE), _hr(sc.SCARD_E_UNKNOWN_READER)):
        return NoReader(detail)
    if hr in (_hr(sc.SCARD_E_NO_SMARTCARD), _hr(sc.SCARD_W_UNRESPONSIVE_CARD)):
        return NoCard(detail)
    if hr in (_hr(sc.SCARD_W_REMOVED_CARD), _hr(sc.SCARD_W_RESET_CARD)):
        return CardRemoved(detail)
    if hr == _hr(sc.SCARD_E_TIMEOUT):
        return CardTimeout(detail)
    return CardError(detail)


def list_readers() -> list[str]:
    """Names of the PC/SC readers pcscd knows (empty when none)."""
    sc = _scard()
    hr, context = sc.SCardEstablishContext(sc.SCARD_SCOPE_USER)
    if hr != sc.SCARD_S_SUCCESS:
        raise error_for_pcsc(hr, "establish context")
    try:
        hr, readers = sc.SCardListReaders(context, [])
        if _hr(hr) == _hr(sc.SCARD_E_NO_READERS_AVAILABLE):
            return []
        if hr != sc.SCARD_S_SUCCESS:
            raise error_for_pcsc(hr, "list readers")
        return list(readers)
    finally:
        sc.SCardReleaseContext(context)


def choose_reader(readers: list[str], wanted: str | None) -> str:
    """The first reader whose name contains ``wanted`` (any reader when None)."""
    for name in readers:
        if wanted is None or wanted.lower() in name.lower():
            return name
    raise NoReader(f"reader {wanted!r}" if wanted else "no PC/SC reader")


class PcscConnection:
    """A shared connection to the card in ``reader`` (a name substring; None = first reader)."""

    def __init__(self, reader: str | None = None) -> None:
        self.wanted = reader
        self.reader_name: str | None = None
        self.atr = b""
        self._context: Any = None
        self._card: Any = None
        self._protocol: Any = None

    def open(self) -> None:
        sc = _scard()
        hr, context = sc.SCardEstablishContext(sc.SCARD_SCOPE_USER)
        if hr != sc.SCARD_S_SUCCESS:
            raise error_for_pcsc(hr, "establish context")
        self._context = context
        try:
            self.reader_name = choose_reader(list_readers(), self.wanted)
            hr, card, protocol = sc.SCardConnect(
                context, self.reader_name, sc.SCARD_SHARE_SHARED, sc.SCARD_PROTOCOL_T0 | sc.SCARD_PROTOCOL_T1
            )
            if hr != sc.SCARD_S_SUCCESS:
                raise error_for_pcsc(hr, "connect")
            self._card, self._protocol = card, protocol
            hr, _name, _state, _proto, atr = sc.SCardStatus(card)
            self.atr = bytes(atr) if hr == sc.SCARD_S_SUCCESS else b""
        except BaseException:
            self.close()
            raise

    def transmit(self, command: bytes) -> bytes:
        """Send one APDU, answer response data + SW1 SW2."""
        sc = _scard()
        if self._card is None:
            raise CardError("connection not open")
        hr, response = sc.SCardTransmit(self._card, self._protocol, list(command))
        if hr == sc.SCARD_S_SUCCESS:
            if len(response) < 2 and self._card_gone():  # vpcd answers b"" for a card pulled mid-APDU
                raise CardRemoved("no answer to the APDU")
            return bytes(response)
        error = error_for_pcsc(hr, "transmit")
        if not isinstance(error, CardRemoved) and self._card_gone():
            raise CardRemoved(error.detail) from error
        raise error

    def _card_gone(self) -> bool:
        """After a failed transmit: whether pcscd sees the card leave within the grace time."""
        sc = _scard()
        deadline = time.monotonic() + REMOVAL_GRACE_S
        state = sc.SCARD_STATE_UNAWARE
        while time.monotonic() < deadline:
            wait_ms = max(1, int((deadline - time.monotonic()) * 1000))
            hr, states = sc.SCardGetStatusChange(self._context, wait_ms, [(self.reader_name, state)])
            if hr != sc.SCARD_S_SUCCESS:
                return _hr(hr) != _hr(sc.SCARD_E_TIMEOUT)
            state = states[0][1] & ~sc.SCARD_STATE_CHANGED
            if state & sc.SCARD_STATE_EMPTY:
                return True
        return False

    def close(self) -> None:
        sc = _scard()
        card, self._card = self._card, None
        context, self._context = self._context, None
        if card is not None:
            sc.SCardDisconnect(card, sc.SCARD_LEAVE_CARD)
        if context is not None:
            sc.SCardReleaseContext(context)

    def __enter__(self) -> PcscConnection:
        self.open()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

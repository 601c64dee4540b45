"""Reading a social security card: the SSSE application's dialogue over any APDU transport."""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import replace
from typing import Protocol, TypeVar

from hall_contract.citizen import nation_name, sex_name
from hardware.card import apdu
from hardware.card.errors import CardAccessDenied, CardError, CardTimeout, error_for_status
from hardware.card.model import SocialSecurityCardData

log = logging.getLogger(__name__)

T = TypeVar("T")
MAX_CHAINED = 8  # GET RESPONSE / 6C re-sends per command before the answer counts as garbled


class ApduTransport(Protocol):
    """Anything that sends one APDU and answers ``data + SW1 SW2`` (a :class:`PcscConnection`)."""

    def transmit(self, command: bytes) -> bytes: ...


class SocialSecurityCard:
    """The SSSE application of the card behind ``transport``.

    Handles the T=0 dialogue (``61xx`` → GET RESPONSE, ``6Cxx`` → re-send with Le=xx) and
    reads every data element by its tag, so card generations with different record
    positions read alike.
    """

    def __init__(self, transport: ApduTransport) -> None:
        self.transport = transport

    def exchange(self, command: bytes) -> tuple[bytes, int]:
        """Send ``command``; follow ``61xx``/``6Cxx``; answer ``(data, sw)``."""
        # The header alone is logged: a VERIFY body is the PIN.
        log.debug("APDU %s", command[:4].hex(" "))
        data, sw = apdu.split_response(self.transport.transmit(command))
        for _ in range(MAX_CHAINED):
            if sw >> 8 == 0x61:
                more, sw = apdu.split_response(self.transport.transmit(apdu.get_response(sw & 0xFF)))
                data += more
            elif sw >> 8 == 0x6C:
                data, sw = apdu.split_response(self.transport.transmit(apdu.with_le(command, sw & 0xFF)))
            else:
                return data, sw
        raise error_for_status(sw)

    def _check(self, command: bytes) -> bytes:
        data, sw = self.exchange(command)
        if sw != apdu.SW_OK:
            raise error_for_status(sw)
        return data

    def select_application(self) -> None:
        self._check(apdu.select_aid())

    def verify_pin(self, pin: str) -> None:
        """VERIFY the holder's PIN; raises :class:`WrongPin` (with tries left) or :class:`PinBlocked`."""
        _data, sw = self.exchange(apdu.verify_pin(pin))
        if sw != apdu.SW_OK:
            raise error_for_status(sw, verifying=True)

    def read_element(self, tag: int, *, optional: bool = False) -> bytes | None:
        """The value of data element ``tag`` in the current EF (None if ``optional`` and absent)."""
        data, sw = self.exchange(apdu.read_record_by_tag(tag))
        if sw == 0x6A83 and optional:
            return None
        if sw != apdu.SW_OK:
            raise error_for_status(sw)
        return apdu.parse_tlv(data, tag)

    def _element(self, tag: int) -> bytes:
        value = self.read_element(tag)
        assert value is not None  # only optional reads answer None
        return value

    def read(self, pin: str | None = None) -> SocialSecurityCardData:
        """Select the application, verify ``pin`` if given, read EF05 and EF06."""
        self.select_application()
        if pin is not None:
            self.verify_pin(pin)
        self._check(apdu.select_ef(apdu.EF_CARD))
        card = SocialSecurityCardData(
            card_id=self._element(apdu.TAG_CARD_ID).hex().upper(),
            spec_version=apdu.decode_text(self._element(apdu.TAG_SPEC_VERSION), "ascii"),
            issued=apdu.decode_date(self._element(apdu.TAG_ISSUED)),
            expires=apdu.decode_date(self._element(apdu.TAG_EXPIRES)),
            card_number=apdu.decode_text(self._element(apdu.TAG_CARD_NUMBER), "ascii"),
        )
        self._check(apdu.select_ef(apdu.EF_HOLDER))
        try:
            ssn = apdu.decode_text(self._element(apdu.TAG_SSN), "ascii")
        except CardAccessDenied:
            log.info("EF06 refused (6982): holder data needs PSAM authentication")
            return replace(card, restricted=True)
        name = apdu.decode_text(self._element(apdu.TAG_NAME))
        extension = self.read_element(apdu.TAG_NAME_EXT, optional=True)
        if extension:
            name += apdu.decode_text(extension)
        return replace(
            card,
            ssn=ssn,
            name=name,
            gender=sex_name(apdu.decode_sex(self._element(apdu.TAG_SEX))),
            nation=nation_name(apdu.bcd_decode(self._element(apdu.TAG_NATION))),
            birth=apdu.decode_date(self._element(apdu.TAG_BIRTH)),
        )


def on_card(reader: str | None, action: Callable[[SocialSecurityCard], T], timeout_s: float) -> T:
    """Connect to the card in ``reader`` (name substring, None = first), run ``action``, disconnect.

    The dialogue runs in a worker thread: a card that stops answering raises
    :class:`CardTimeout` after ``timeout_s`` while the worker finishes (and disconnects) on its
    own once the card answers or is pulled.
    """
    from hardware.card.pcsc import PcscConnection

    outcome: list[T | BaseException] = []

    def work() -> None:
        try:
            with PcscConnection(reader) as connection:
                outcome.append(action(SocialSecurityCard(connection)))
        except BaseException as err:  # handed over to the caller's thread
            outcome.append(err)

    worker = threading.Thread(target=work, name="card-dialogue", daemon=True)
    worker.start()
    worker.join(timeout_s)
    if not outcome:
        raise CardTimeout(f"no answer within {timeout_s:g} s")
    result = outcome[0]
    if isinstance(result, CardError):
        raise result
    if isinstance(result, BaseException):
        raise CardError(type(result).__name__) from result
    return result


def read_card(
    reader: str | None = None, pin: str | None = None, timeout_s: float = 5.0
) -> SocialSecurityCardData:
    """Read the card in ``reader`` within ``timeout_s``, verifying ``pin`` first when given."""
    if pin is not None:
        apdu.verify_pin(pin)  # a malformed PIN fails here, in the caller's thread
    return on_card(reader, lambda card: card.read(pin), timeout_s)


def probe_card(reader: str | None = None, timeout_s: float = 3.0) -> None:
    """Select the SSSE application and nothing else (no personal data): does the card answer?"""
    on_card(reader, SocialSecurityCard.select_application, timeout_s)

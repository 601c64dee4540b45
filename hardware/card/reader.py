"""Reading a social security card: the SSSE application's dialogue over any APDU transport."""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Protocol, TypeVar

from hall_contract.citizen import nation_name, sex_name
from hardware.card import apdu
from hardware.card.errors import (
    CardAccessDenied,
    CardError,
    CardNotSupported,
    CardTimeout,
    error_for_status,
)
from hardware.card.model import SocialSecurityCardData

log = logging.getLogger(__name__)

T = TypeVar("T")
MAX_CHAINED = 8  # GET RESPONSE / 6C re-sends per command before the answer counts as garbled
MAX_RECORDS = 32  # records read by number in one EF before giving up on finding its end
# What a card answers to READ RECORD by identifier when it reads by record number only:
# incorrect P1-P2, function not supported, wrong parameters, INS/CLA not supported, wrong length,
# command incompatible with the file structure.
REFUSED_BY_IDENTIFIER = frozenset({0x6A86, 0x6A81, 0x6B00, 0x6D00, 0x6E00, 0x6700, 0x6981})
CARD_TAGS = (apdu.TAG_CARD_ID, apdu.TAG_SPEC_VERSION, apdu.TAG_ISSUED, apdu.TAG_EXPIRES, apdu.TAG_CARD_NUMBER)
HOLDER_TAGS = (apdu.TAG_SSN, apdu.TAG_NAME, apdu.TAG_SEX, apdu.TAG_NATION, apdu.TAG_BIRTH)


class ApduTransport(Protocol):
    """Anything that sends one APDU and answers ``data + SW1 SW2`` (a :class:`PcscConnection`)."""

    def transmit(self, command: bytes) -> bytes: ...


class SocialSecurityCard:
    """The SSSE application of the card behind ``transport``.

    Handles the T=0 dialogue (``61xx`` → GET RESPONSE, ``6Cxx`` → re-send with Le=xx) and
    reads each data element by its record identifier (the tag), as LD/T 32 and ISO 7816-4
    describe, so card generations with different record positions read alike. A card that
    refuses reads by identifier is read by record number in file order instead (records
    1..n, each matched by its own tag); :attr:`record_access` tells which way it answered.
    """

    def __init__(self, transport: ApduTransport) -> None:
        self.transport = transport
        self.record_access: str | None = None  # "identifier" or "number", once a file was read

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

    def read_elements(
        self, file_id: int, required: Sequence[int], optional: Sequence[int] = ()
    ) -> dict[int, bytes]:
        """Select EF ``file_id`` and read its data elements: tag → value (absent optional ones left out)."""
        self._check(apdu.select_ef(file_id))
        if self.record_access != "number":
            try:
                values = self._read_by_identifier(required, optional)
            except _Refused as refusal:
                log.info("EF%04X: READ RECORD by identifier refused (%s); reading by record number",
                         file_id, refusal)
                self.record_access = "number"
            else:
                self.record_access = "identifier"
                return values
        return self._read_by_number(file_id, required, optional)

    def _read_by_identifier(self, required: Sequence[int], optional: Sequence[int]) -> dict[int, bytes]:
        values: dict[int, bytes] = {}
        for tag in (*required, *optional):
            data, sw = self.exchange(apdu.read_record_by_id(tag))
            if sw == apdu.SW_OK:
                values[tag] = apdu.parse_tlv(data, tag)
            elif sw == apdu.SW_RECORD_NOT_FOUND and tag in optional:
                continue
            elif sw == apdu.SW_RECORD_NOT_FOUND or sw in REFUSED_BY_IDENTIFIER:
                # a mandatory element "not found" by identifier: a card that cannot search
                raise _Refused(f"SW={sw:04X} for tag {tag:02X}")
            else:
                raise error_for_status(sw)
        return values

    def _read_by_number(self, file_id: int, required: Sequence[int], optional: Sequence[int]) -> dict[int, bytes]:
        wanted = {*required, *optional}
        values: dict[int, bytes] = {}
        for number in range(1, MAX_RECORDS + 1):
            data, sw = self.exchange(apdu.read_record_by_number(number))
            if sw == apdu.SW_RECORD_NOT_FOUND:
                break  # past the last record
            if sw != apdu.SW_OK:
                raise error_for_status(sw)
            tag, value = apdu.parse_record(data)
            values.setdefault(tag, value)
            if wanted <= values.keys():
                break
        missing = [tag for tag in required if tag not in values]
        if missing:
            raise CardNotSupported(f"EF{file_id:04X} has no record {missing[0]:02X}")
        return {tag: value for tag, value in values.items() if tag in wanted}

    def read(self, pin: str | None = None) -> SocialSecurityCardData:
        """Select the application, verify ``pin`` if given, read EF05 and EF06."""
        self.select_application()
        if pin is not None:
            self.verify_pin(pin)
        ef05 = self.read_elements(apdu.EF_CARD, CARD_TAGS)
        card = SocialSecurityCardData(
            card_id=ef05[apdu.TAG_CARD_ID].hex().upper(),
            spec_version=apdu.decode_text(ef05[apdu.TAG_SPEC_VERSION], "ascii"),
            issued=apdu.decode_date(ef05[apdu.TAG_ISSUED]),
            expires=apdu.decode_date(ef05[apdu.TAG_EXPIRES]),
            card_number=apdu.decode_text(ef05[apdu.TAG_CARD_NUMBER], "ascii"),
        )
        try:
            ef06 = self.read_elements(apdu.EF_HOLDER, HOLDER_TAGS, optional=(apdu.TAG_NAME_EXT,))
        except CardAccessDenied:
            log.info("EF06 refused (6982): holder data needs PSAM authentication")
            return replace(card, restricted=True, record_access=self.record_access or "identifier")
        name = apdu.decode_text(ef06[apdu.TAG_NAME])
        if apdu.TAG_NAME_EXT in ef06:
            name += apdu.decode_text(ef06[apdu.TAG_NAME_EXT])
        return replace(
            card,
            ssn=apdu.decode_text(ef06[apdu.TAG_SSN], "ascii"),
            name=name,
            gender=sex_name(apdu.decode_sex(ef06[apdu.TAG_SEX])),
            nation=nation_name(apdu.bcd_decode(ef06[apdu.TAG_NATION])),
            birth=apdu.decode_date(ef06[apdu.TAG_BIRTH]),
            record_access=self.record_access or "identifier",
        )


class _Refused(Exception):
    """The card does not read records by identifier."""


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

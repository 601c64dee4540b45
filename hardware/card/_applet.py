"""The card side of the simulator: a T=0 social security card answering APDUs (no I/O).

It answers the way a T=0 card does: a command with response data answers ``61 xx`` and the
terminal fetches the data with GET RESPONSE; a wrong Le answers ``6C xx``.
"""
from __future__ import annotations

from datetime import date

from hall_contract.citizen import nation_code, sex_code
from hardware.card import apdu
from hardware.card.holders import Holder

SW_OK = b"\x90\x00"
PIN_TRIES = 3
RID_MOHRSS = bytes.fromhex("D156000005")  # registered application provider id of 人社部


def _sw(sw: int) -> bytes:
    return sw.to_bytes(2, "big")


def card_dates(holder: Holder, state: str) -> tuple[date, date]:
    """Issue and expiry date of the holder's card: ten years, in the past for ``expired``."""
    seed = int(holder.card_number[-4:])
    issued = date(2009 if state == "expired" else 2019, 1 + seed % 12, 1 + seed % 28)
    return issued, issued.replace(year=issued.year + 10)


def card_files(holder: Holder, state: str, generation: int) -> dict[int, dict[int, bytes]]:
    """EF05 and EF06 of the holder's card, each a mapping tag → value."""
    issued, expires = card_dates(holder, state)
    region = apdu.bcd_encode(holder.id_number[:4] + "00")
    serial = apdu.bcd_encode(holder.card_number[1:].rjust(8, "0"))
    name = holder.name.encode("gbk")
    ef05 = {
        apdu.TAG_CARD_ID: region + RID_MOHRSS + serial + bytes(4),
        apdu.TAG_SPEC_VERSION: f"{generation}.00".encode("ascii"),
        apdu.TAG_ISSUED: apdu.encode_date(issued),
        apdu.TAG_EXPIRES: apdu.encode_date(expires),
        apdu.TAG_CARD_NUMBER: holder.card_number.encode("ascii"),
    }
    ef06 = {
        apdu.TAG_SSN: holder.id_number.encode("ascii"),
        apdu.TAG_NAME: name[:30].ljust(30, b"\x00"),
        apdu.TAG_SEX: sex_code(holder.gender).encode("ascii"),
        apdu.TAG_NATION: apdu.bcd_encode(nation_code(holder.nation)),
        apdu.TAG_BIRTH: apdu.encode_date(holder.birth),
    }
    if generation >= 3:  # 姓名扩展 exists from the third generation on
        ef06[apdu.TAG_NAME_EXT] = name[30:].ljust(20, b"\x00")
    return {apdu.EF_CARD: ef05, apdu.EF_HOLDER: ef06}


class SsseApplet:
    """The SSSE application of one simulated card. ``process`` takes an APDU, answers data + SW."""

    def __init__(self, holder: Holder, *, state: str | None = None, generation: int = 3) -> None:
        self.holder = holder
        self.state = state or holder.card_status
        self.files = card_files(holder, self.state, generation)
        self.pin_tries_left = PIN_TRIES
        self.third_gen_restricted = False  # EF06 answers 6982 (no PSAM authentication)
        self.answer_6c = False  # READ RECORD with Le=00 answers 6Cxx instead of 61xx
        self._selected_app = False
        self._current_ef: int | None = None
        self._pending = b""

    def reset(self) -> None:
        """Power-on / warm reset: nothing selected, PIN try counter kept (it lives in EEPROM)."""
        self._selected_app = False
        self._current_ef = None
        self._pending = b""

    def process(self, command: bytes) -> bytes:
        if len(command) < 4:
            return _sw(0x6700)
        cla, ins = command[0], command[1]
        pending, self._pending = self._pending, b""
        if cla != 0x00:
            return _sw(0x6E00)
        if ins == 0xC0:
            return self._get_response(pending, command)
        if ins == 0xA4:
            return self._select(command)
        if ins == 0xB2:
            return self._read_record(command)
        if ins == 0x20:
            return self._verify(command)
        return _sw(0x6D00)

    def _answer(self, data: bytes, le: int | None) -> bytes:
        """Send ``data`` T=0 style: ``61 xx`` (or ``6C xx``) first unless Le already fits."""
        if le == len(data):
            return data + SW_OK
        if le is None or (le == 0 and not self.answer_6c):
            self._pending = data
            return bytes([0x61, len(data) & 0xFF])
        return bytes([0x6C, len(data) & 0xFF])

    def _get_response(self, pending: bytes, command: bytes) -> bytes:
        if not pending:
            return _sw(0x6985)
        le = command[4] if len(command) > 4 else 0
        if le == 0 or le > len(pending):
            self._pending = pending
            return bytes([0x6C, len(pending)])
        self._pending = pending[le:]
        rest = len(self._pending)
        return pending[:le] + (bytes([0x61, rest]) if rest else SW_OK)

    def _select(self, command: bytes) -> bytes:
        if len(command) < 5 or len(command) < 5 + command[4]:
            return _sw(0x6700)
        p1, body = command[2], command[5 : 5 + command[4]]
        if p1 == 0x04:
            if body != apdu.SSSE_AID:
                return _sw(0x6A82)
            if self.state == "lost":  # the platform locked the application after 挂失
                return _sw(0x6A81)
            self._selected_app, self._current_ef = True, None
            fci = bytes([0x6F, len(body) + 2, 0x84, len(body)]) + body
            return self._answer(fci, None)
        if p1 == 0x02 and self._selected_app and len(body) == 2:
            file_id = int.from_bytes(body, "big")
            if file_id not in self.files:
                return _sw(0x6A82)
            self._current_ef = file_id
            return SW_OK
        return _sw(0x6A82 if p1 == 0x02 else 0x6A86)

    def _read_record(self, command: bytes) -> bytes:
        tag, p2 = command[2], command[3]
        if p2 != 0x04:
            return _sw(0x6A86)
        if self._current_ef is None:
            return _sw(0x6986)
        if self._current_ef == apdu.EF_HOLDER and self.third_gen_restricted:
            return _sw(0x6982)
        value = self.files[self._current_ef].get(tag)
        if value is None:
            return _sw(0x6A83)
        le = command[4] if len(command) == 5 else None
        return self._answer(apdu.encode_tlv(tag, value), le)

    def _verify(self, command: bytes) -> bytes:
        if len(command) != 8 or command[4] != 3:
            return _sw(0x6700)
        if self.pin_tries_left == 0:
            return _sw(0x6983)
        if command[5:8] == apdu.bcd_encode(self.holder.pin):
            self.pin_tries_left = PIN_TRIES
            return SW_OK
        self.pin_tries_left -= 1
        return _sw(0x63C0 | self.pin_tries_left) if self.pin_tries_left else _sw(0x6983)

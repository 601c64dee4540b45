"""The card side of the simulator: a T=0 social security card answering APDUs (no I/O).

It answers as ISO 7816-4 has a card answer, not as our reader asks:

- EF05 and EF06 are linear files of SIMPLE-TLV records stored in file order (EF06 starts
  with 社会保障号码, tag 08, as record 1).
- READ RECORD with P2 low bits ``100`` reads by record number (P1 = position, 1..n; P1 = 0
  the current record); with ``000``/``001``/``010``/``011`` by record identifier (P1 = the
  tag; first, last, next, previous occurrence). P2's upper 5 bits name the file by SFI, 0 the
  current EF. A record that is not there answers ``6A83``; no current EF ``6986``; an SFI
  that names no file ``6A82``; an RFU P2 ``6A86``.
- ``record_access="number"`` is an older card that knows record numbers only: every read
  by identifier is refused with ``refuse_sw`` (``6A86`` incorrect P1-P2 unless told
  otherwise, as such cards answer ``6A86``, ``6B00`` or ``6A81``).
- T=0: a command with response data answers ``61 xx`` and the terminal fetches the data
  with GET RESPONSE; a wrong Le answers ``6C xx``.
"""
from __future__ import annotations

from datetime import date

from hall_contract.citizen import nation_code, sex_code
from hardware.card import apdu
from hardware.card.holders import Holder

SW_OK = b"\x90\x00"
PIN_TRIES = 3
RID_MOHRSS = bytes.fromhex("D156000005")  # registered application provider id of 人社部
RECORD_ACCESS = ("both", "number")
Records = list[tuple[int, bytes]]  # (tag, value) in file order


def _sw(sw: int) -> bytes:
    return sw.to_bytes(2, "big")


def card_dates(holder: Holder, state: str) -> tuple[date, date]:
    """Issue and expiry date of the holder's card: ten years, in the past for ``expired``."""
    seed = int(holder.card_number[-4:])
    issued = date(2009 if state == "expired" else 2019, 1 + seed % 12, 1 + seed % 28)
    return issued, issued.replace(year=issued.year + 10)


def card_files(holder: Holder, state: str, generation: int) -> dict[int, Records]:
    """EF05 and EF06 of the holder's card: each a list of (tag, value) records in file order."""
    issued, expires = card_dates(holder, state)
    region = holder.id_number[:4] + "00"
    serial = apdu.bcd_encode(holder.card_number[1:].rjust(8, "0"))
    name = holder.name.encode("gbk")
    ef05 = [
        (apdu.TAG_CARD_ID, apdu.bcd_encode(region) + RID_MOHRSS + serial + bytes(4)),
        (apdu.TAG_CARD_TYPE, b"1"),
        (apdu.TAG_SPEC_VERSION, f"{generation}.00".encode("ascii")),
        (apdu.TAG_ISSUER, (region + "000000").encode("ascii")),
        (apdu.TAG_ISSUED, apdu.encode_date(issued)),
        (apdu.TAG_EXPIRES, apdu.encode_date(expires)),
        (apdu.TAG_CARD_NUMBER, holder.card_number.encode("ascii")),
    ]
    ef06 = [
        (apdu.TAG_SSN, holder.id_number.encode("ascii")),
        (apdu.TAG_NAME, name[:30].ljust(30, b"\x00")),
        (apdu.TAG_SEX, sex_code(holder.gender).encode("ascii")),
        (apdu.TAG_NATION, apdu.bcd_encode(nation_code(holder.nation))),
        (apdu.TAG_BIRTHPLACE, apdu.bcd_encode(holder.id_number[:6])),
        (apdu.TAG_BIRTH, apdu.encode_date(holder.birth)),
    ]
    if generation >= 3:  # 姓名扩展 exists from the third generation on, after the first-generation records
        ef06.append((apdu.TAG_NAME_EXT, name[30:].ljust(20, b"\x00")))
    return {apdu.EF_CARD: ef05, apdu.EF_HOLDER: ef06}


class SsseApplet:
    """The SSSE application of one simulated card. ``process`` takes an APDU, answers data + SW."""

    def __init__(
        self,
        holder: Holder,
        *,
        state: str | None = None,
        generation: int = 3,
        record_access: str = "both",
        refuse_sw: int = 0x6A86,
    ) -> None:
        if record_access not in RECORD_ACCESS:
            raise ValueError(f"record_access must be one of {RECORD_ACCESS}")
        self.holder = holder
        self.state = state or holder.card_status
        self.files = card_files(holder, self.state, generation)
        self.record_access = record_access
        self.refuse_sw = refuse_sw  # what a numbers-only card answers to a read by identifier
        self.pin_tries_left = PIN_TRIES
        self.third_gen_restricted = False  # EF06 answers 6982 (no PSAM authentication)
        self.answer_6c = False  # READ RECORD with Le=00 answers 6Cxx instead of 61xx
        self._selected_app = False
        self._current_ef: int | None = None
        self._current_record: int | None = None  # 1-based record pointer in the current EF
        self._pending = b""

    def reset(self) -> None:
        """Power-on / warm reset: nothing selected, PIN try counter kept (it lives in EEPROM)."""
        self._selected_app = False
        self._current_ef = self._current_record = None
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
            self._selected_app, self._current_ef, self._current_record = True, None, None
            fci = bytes([0x6F, len(body) + 2, 0x84, len(body)]) + body
            return self._answer(fci, None)
        if p1 == 0x02 and self._selected_app and len(body) == 2:
            file_id = int.from_bytes(body, "big")
            if file_id not in self.files:
                return _sw(0x6A82)
            self._current_ef, self._current_record = file_id, None
            return SW_OK
        return _sw(0x6A82 if p1 == 0x02 else 0x6A86)

    def _read_record(self, command: bytes) -> bytes:
        p1, sfi, mode = command[2], command[3] >> 3, command[3] & 0b111
        if sfi == 0x1F or mode == 0b111:  # RFU encodings of P2
            return _sw(0x6A86)
        if sfi:
            file_id = next((f for f in self.files if f & 0x1F == sfi), None) if self._selected_app else None
            if file_id is None:
                return _sw(0x6A82)
            if file_id != self._current_ef:
                self._current_ef, self._current_record = file_id, None
        if self._current_ef is None:
            return _sw(0x6986)  # command not allowed: no current EF
        if mode in (apdu.P2_FROM_NUMBER_TO_LAST, apdu.P2_FROM_LAST_TO_NUMBER):
            return _sw(0x6A81)  # several records in one answer: function not supported
        if mode != apdu.P2_RECORD_NUMBER and self.record_access == "number":
            return _sw(self.refuse_sw)
        if self._current_ef == apdu.EF_HOLDER and self.third_gen_restricted:
            return _sw(0x6982)
        records = self.files[self._current_ef]
        number = self._locate(records, p1, mode)
        if number is None:
            return _sw(apdu.SW_RECORD_NOT_FOUND)
        tag, value = records[number - 1]
        le = command[4] if len(command) == 5 else None
        answer = self._answer(apdu.encode_tlv(tag, value), le)
        if answer[0] != 0x6C:  # 6Cxx: wrong Le, the command was not carried out
            self._current_record = number
        return answer

    def _locate(self, records: Records, p1: int, mode: int) -> int | None:
        """The 1-based number of the record READ RECORD addresses, or None when there is none."""
        count, current = len(records), self._current_record
        if mode == apdu.P2_RECORD_NUMBER:
            number = p1 or current
            return number if number is not None and 1 <= number <= count else None
        if mode == apdu.P2_FIRST_OCCURRENCE:
            candidates = range(1, count + 1)
        elif mode == apdu.P2_LAST_OCCURRENCE:
            candidates = range(count, 0, -1)
        elif mode == apdu.P2_NEXT_OCCURRENCE:
            candidates = range((current or 0) + 1, count + 1)
        else:  # previous occurrence
            candidates = range((current or count + 1) - 1, 0, -1)
        # P1 = 00 in a search by identifier matches any record (ISO 7816-4)
        return next((n for n in candidates if p1 in (0, records[n - 1][0])), None)

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

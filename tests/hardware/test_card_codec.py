"""The social security card codec on exact bytes, and the SSSE dialogue against the card applet.

No pcscd here: the applet (the simulator's card side) is the peer, called in-process.
"""
from __future__ import annotations

from datetime import date

import pytest

from hardware.card import apdu
from hardware.card._applet import SsseApplet
from hardware.card.errors import (
    CardAccessDenied,
    CardError,
    CardGarbled,
    CardLocked,
    CardNotSupported,
    PinBlocked,
    WrongPin,
    error_for_status,
)
from hardware.card.holders import find_holder, load_holders
from hardware.card.model import SocialSecurityCardData
from hardware.card.reader import SocialSecurityCard

pytestmark = pytest.mark.timeout(30)


def test_select_ssse_application_bytes() -> None:
    assert apdu.select_aid() == bytes.fromhex("00A404000F 7378312E73682EC9E7BBE1B1A3D5CF")


def test_select_ef_read_record_get_response_bytes() -> None:
    assert apdu.select_ef(apdu.EF_CARD) == bytes.fromhex("00A4020002EF05")
    assert apdu.select_ef(apdu.EF_HOLDER) == bytes.fromhex("00A4020002EF06")
    # by record identifier: P1 = the tag, P2 = SFI<<3 | 000 (first occurrence; SFI 0 = current EF)
    assert apdu.read_record_by_id(apdu.TAG_SSN) == bytes.fromhex("00B2080000")
    assert apdu.read_record_by_id(apdu.TAG_NAME_EXT) == bytes.fromhex("00B24E0000")
    assert apdu.read_record_by_id(apdu.TAG_NAME, sfi=apdu.SFI_HOLDER) == bytes.fromhex("00B2093000")
    # by record number: P1 = the position in the file, P2 = SFI<<3 | 100
    assert apdu.read_record_by_number(1) == bytes.fromhex("00B2010400")
    assert apdu.read_record_by_number(2, sfi=apdu.SFI_CARD, le=0x12) == bytes.fromhex("00B2022C12")
    assert apdu.get_response(0x13) == bytes.fromhex("00C0000013")
    assert apdu.with_le(bytes.fromhex("00B2070000"), 0x0B) == bytes.fromhex("00B207000B")
    with pytest.raises(ValueError):
        apdu.read_record_by_id(1, sfi=31)


def test_verify_pin_is_three_bcd_bytes() -> None:
    assert apdu.verify_pin("463260") == bytes.fromhex("0020000003463260")
    assert apdu.verify_pin("027851") == bytes.fromhex("0020000003027851")


@pytest.mark.parametrize("pin", ["12345", "1234567", "12a456", "１２３４５６"])
def test_malformed_pin_is_refused_without_echo(pin: str) -> None:
    with pytest.raises(ValueError) as caught:
        apdu.verify_pin(pin)
    assert pin not in str(caught.value)


def test_bcd_and_dates() -> None:
    assert apdu.bcd_encode("20190601") == b"\x20\x19\x06\x01"
    assert apdu.bcd_encode("123") == b"\x12\x3f"
    assert apdu.bcd_decode(b"\x12\x3f") == "123"
    assert apdu.decode_date(b"\x19\x41\x03\x12") == date(1941, 3, 12)
    assert apdu.encode_date(date(2029, 9, 1)) == b"\x20\x29\x09\x01"
    with pytest.raises(CardGarbled):
        apdu.bcd_decode(b"\x1a")
    with pytest.raises(CardGarbled):
        apdu.decode_date(b"\x20\x19\x13\x01")  # month 13


def test_tlv_parsing() -> None:
    record = bytes.fromhex("0709") + b"A26566860"
    assert apdu.parse_tlv(record, 0x07) == b"A26566860"
    assert apdu.parse_record(record) == (0x07, b"A26566860")
    assert apdu.encode_tlv(0x07, b"A26566860") == record
    for bad in (record[:-1], b"\x08" + record[1:], b"\x07", b""):
        with pytest.raises(CardGarbled):
            apdu.parse_tlv(bad, 0x07)
    for bad in (record[:-1], record + b"\x00", b"\x07", b""):
        with pytest.raises(CardGarbled):
            apdu.parse_record(bad)


def test_text_fields() -> None:
    field = apdu.encode_text("王建国", 30)
    assert field == bytes.fromhex("CDF5BDA8B9FA") + bytes(24)
    assert apdu.decode_text(field) == "王建国"
    assert apdu.decode_text(b"3.00\x00\x00", "ascii") == "3.00"
    assert apdu.decode_sex(b"1") == "1" and apdu.decode_sex(b"\x02") == "2"
    with pytest.raises(CardGarbled):
        apdu.decode_text(b"\xff\xfe\x81", "gbk")
    with pytest.raises(CardGarbled):
        apdu.decode_sex(b"\x41")


@pytest.mark.parametrize(
    ("sw", "verifying", "error", "code"),
    [
        (0x63C2, True, WrongPin, "card_wrong_pin"),
        (0x63C0, True, PinBlocked, "card_pin_blocked"),
        (0x6983, True, PinBlocked, "card_pin_blocked"),
        (0x6982, False, CardAccessDenied, "card_access_denied"),
        (0x6A81, False, CardLocked, "card_locked"),
        (0x6A82, False, CardNotSupported, "card_not_supported"),
        (0x1234, False, CardGarbled, "card_garbled"),
        (0x6F00, False, CardError, "card_error"),
    ],
)
def test_status_words_become_clear_errors(
    sw: int, verifying: bool, error: type[CardError], code: str
) -> None:
    err = error_for_status(sw, verifying=verifying)
    assert type(err) is error and err.code == code
    assert err.message_zh and err.message_en
    if not isinstance(err, WrongPin):
        assert f"SW={sw:04X}" in str(err)


def test_wrong_pin_tells_tries_left() -> None:
    err = error_for_status(0x63C2, verifying=True)
    assert isinstance(err, WrongPin) and err.tries_left == 2
    assert "还可以尝试 2 次" in err.message_zh and "2 tries left" in err.message_en


class AppletTransport:
    """The card applet as an in-process APDU transport, recording what went over it."""

    def __init__(self, applet: SsseApplet) -> None:
        self.applet = applet
        self.sent: list[bytes] = []

    def transmit(self, command: bytes) -> bytes:
        self.sent.append(command)
        return self.applet.process(command)


def test_dialogue_reads_card_and_holder_by_identifier() -> None:
    holder = find_holder("130102194103121098")
    link = AppletTransport(SsseApplet(holder))
    data = SocialSecurityCard(link).read()
    assert (data.card_number, data.ssn, data.name, data.gender, data.nation) == (
        "A26566860", "130102194103121098", "王建国", "男", "汉"
    )
    assert data.birth == date(1941, 3, 12) and data.spec_version == "3.00"
    assert data.card_id.startswith("130100D156000005") and not data.restricted
    assert data.record_access == "identifier"
    # T=0: the SELECT answered 61xx and the terminal fetched the FCI with GET RESPONSE
    assert link.sent[0] == apdu.select_aid() and link.sent[1][:4] == bytes.fromhex("00C00000")
    reads = [c[:4] for c in link.sent if c[1] == 0xB2]
    assert bytes.fromhex("00B20800") in reads and bytes.fromhex("00B24E00") in reads
    assert all(r[3] & 0b111 == 0 for r in reads)  # every read by identifier, none by number


def test_dialogue_follows_6cxx() -> None:
    applet = SsseApplet(find_holder("131002196507041566"), generation=2)
    applet.answer_6c = True
    link = AppletTransport(applet)
    data = SocialSecurityCard(link).read()
    assert (data.name, data.nation, data.gender, data.spec_version) == ("杨立新", "回", "女", "2.00")
    assert bytes.fromhex("00B207000B") in link.sent  # re-sent with Le = 11 after 6C0B


def test_endless_chaining_is_garbled_not_a_hang() -> None:
    class Stuck:
        def transmit(self, command: bytes) -> bytes:
            return b"\x61\x05" if command[1] == 0xA4 else b"\x00\x61\x05"

    with pytest.raises(CardGarbled):
        SocialSecurityCard(Stuck()).select_application()


def test_one_byte_answer_is_garbled() -> None:
    class Short:
        def transmit(self, command: bytes) -> bytes:
            return b"\x90"

    with pytest.raises(CardGarbled):
        SocialSecurityCard(Short()).select_application()


def test_applet_pin_counter() -> None:
    holder = find_holder("130102194103121098")
    card = SocialSecurityCard(AppletTransport(SsseApplet(holder)))
    card.select_application()
    with pytest.raises(WrongPin) as first:
        card.verify_pin("000000")
    assert first.value.tries_left == 2
    card.verify_pin(holder.pin)  # the right PIN resets the counter
    tries = []
    for _ in range(2):
        with pytest.raises(WrongPin) as wrong:
            card.verify_pin("000000")
        tries.append(wrong.value.tries_left)
    with pytest.raises(PinBlocked):
        card.verify_pin("000000")
    with pytest.raises(PinBlocked):
        card.verify_pin(holder.pin)
    assert tries == [2, 1]


def test_every_shipped_holder_reads_back() -> None:
    for holder in load_holders():
        if holder.card_status == "lost":
            with pytest.raises(CardLocked):
                SocialSecurityCard(AppletTransport(SsseApplet(holder))).read()
            continue
        data = SocialSecurityCard(AppletTransport(SsseApplet(holder))).read()
        assert (data.ssn, data.name, data.gender, data.nation, data.birth) == (
            holder.id_number, holder.name, holder.gender, holder.nation, holder.birth
        )
        assert data.expired_on(date(2026, 1, 1)) == (holder.card_status == "expired")


def test_result_masks_and_age() -> None:
    data = SocialSecurityCardData(
        card_number="A26566860", card_id="00", spec_version="3.00", issued=date(2019, 1, 1),
        expires=date(2029, 1, 1), ssn="130102194103121098", name="王建国", gender="男", nation="汉",
        birth=date(1941, 3, 12),
    )
    assert data.masked_name() == "王*" and data.masked_id() == "1301**********1098"
    assert data.masked_card_number() == "A2*****60"
    assert data.age(date(2026, 3, 11)) == 84 and data.age(date(2026, 3, 12)) == 85
    assert "王建国" not in repr(data) and "130102194103121098" not in repr(data)
    leap = SocialSecurityCardData(
        "X", "0", "3.00", date(2019, 1, 1), date(2029, 1, 1), birth=date(1960, 2, 29)
    )
    assert leap.age(date(2026, 2, 28)) == 65 and leap.age(date(2026, 3, 1)) == 66
    assert leap.masked_name() is None and leap.age(date(2026, 1, 1)) is not None


def test_holder_repr_hides_pin() -> None:
    holder = find_holder("A26566860")
    assert holder.pin not in repr(holder)

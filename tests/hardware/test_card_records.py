"""READ RECORD as ISO 7816-4 defines it: the card simulator answers as a standard card, the
reader reads by record identifier and falls back to record numbers in file order.

No pcscd here: the applet (the simulator's card side) is the peer, called in-process.
"""
from __future__ import annotations

import pytest

from hardware.card import apdu
from hardware.card._applet import SsseApplet
from hardware.card.errors import CardAccessDenied, CardGarbled, CardNotSupported
from hardware.card.holders import find_holder, load_holders
from hardware.card.reader import MAX_RECORDS, SocialSecurityCard

pytestmark = pytest.mark.timeout(30)

WANG = "130102194103121098"  # 王建国, third generation card
SW_OK = b"\x90\x00"


class AppletTransport:
    """The card applet as an in-process APDU transport, recording what went over it."""

    def __init__(self, applet: SsseApplet) -> None:
        self.applet = applet
        self.sent: list[bytes] = []

    def transmit(self, command: bytes) -> bytes:
        self.sent.append(command)
        return self.applet.process(command)


def _card(**options: object) -> SsseApplet:
    applet = SsseApplet(find_holder(WANG), **options)  # type: ignore[arg-type]
    applet.answer_6c = True  # answers in one exchange: 6Cxx, then the data with the right Le
    return applet


def _ask(applet: SsseApplet, command: bytes) -> tuple[bytes, int]:
    """Send one case-2 command the way a terminal does after 6Cxx; answer (data, sw)."""
    answer = applet.process(command)
    if answer[0] == 0x6C:
        answer = applet.process(apdu.with_le(command, answer[1]))
    return answer[:-2], int.from_bytes(answer[-2:], "big")


def _selected(applet: SsseApplet, file_id: int) -> SsseApplet:
    assert applet.process(apdu.select_aid())[:1] == b"\x61"
    assert applet.process(apdu.select_ef(file_id)) == SW_OK
    return applet


def test_holder_file_is_in_file_order_starting_with_tag_08() -> None:
    applet = _selected(_card(), apdu.EF_HOLDER)
    tags = []
    for number in range(1, 10):
        data, sw = _ask(applet, apdu.read_record_by_number(number))
        if sw == apdu.SW_RECORD_NOT_FOUND:
            break
        assert sw == apdu.SW_OK
        tags.append(apdu.parse_record(data)[0])
    assert tags == [0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x4E]


def test_old_read_by_tag_as_record_number_gets_6a83() -> None:
    """The reader's old command, ``00 B2 08 04``, asks for the 8th record of EF06: there is none."""
    applet = _selected(_card(), apdu.EF_HOLDER)
    assert _ask(applet, bytes.fromhex("00B2080400")) == (b"", 0x6A83)
    # and 00 B2 09 04 is not 姓名 either: EF06 has 7 records
    assert _ask(applet, bytes.fromhex("00B2090400"))[1] == 0x6A83
    # while by identifier the same P1 finds 社会保障号码
    data, sw = _ask(applet, apdu.read_record_by_id(apdu.TAG_SSN))
    assert sw == apdu.SW_OK and apdu.parse_record(data) == (0x08, WANG.encode())


def test_read_by_number_answers_by_position() -> None:
    applet = _selected(_card(), apdu.EF_HOLDER)
    data, sw = _ask(applet, apdu.read_record_by_number(2))
    assert sw == apdu.SW_OK and apdu.parse_record(data)[0] == apdu.TAG_NAME
    data, _ = _ask(applet, apdu.read_record_by_number(0))  # P1 = 0: the current record
    assert apdu.parse_record(data)[0] == apdu.TAG_NAME
    assert _ask(applet, apdu.read_record_by_number(8))[1] == 0x6A83


def test_identifier_occurrences_and_any_identifier() -> None:
    applet = _selected(_card(), apdu.EF_CARD)
    next_any = bytes([0x00, 0xB2, 0x00, apdu.P2_NEXT_OCCURRENCE, 0x00])
    previous_any = bytes([0x00, 0xB2, 0x00, apdu.P2_PREVIOUS_OCCURRENCE, 0x00])
    last_07 = bytes([0x00, 0xB2, 0x07, apdu.P2_LAST_OCCURRENCE, 0x00])
    assert apdu.parse_record(_ask(applet, next_any)[0])[0] == 0x01  # no current record: the first
    assert apdu.parse_record(_ask(applet, next_any)[0])[0] == 0x02
    assert apdu.parse_record(_ask(applet, last_07)[0])[0] == 0x07
    assert apdu.parse_record(_ask(applet, previous_any)[0])[0] == 0x06
    assert _ask(applet, apdu.read_record_by_id(0x4E))[1] == 0x6A83  # 姓名扩展 is in EF06, not here


def test_short_file_identifier_selects_the_file() -> None:
    applet = _card()
    applet.process(apdu.select_aid())
    data, sw = _ask(applet, apdu.read_record_by_id(apdu.TAG_NAME, sfi=apdu.SFI_HOLDER))
    assert sw == apdu.SW_OK and apdu.decode_text(apdu.parse_tlv(data, apdu.TAG_NAME)) == "王建国"
    # the SFI made EF06 current: SFI 0 now reads there
    assert _ask(applet, apdu.read_record_by_number(1))[1] == apdu.SW_OK
    assert _ask(applet, apdu.read_record_by_id(1, sfi=0x11))[1] == 0x6A82  # no file with SFI 17


@pytest.mark.parametrize(
    ("command", "sw"),
    [
        ("00B2010700", 0x6A86),  # P2 low bits 111: RFU
        ("00B201FC00", 0x6A86),  # SFI 11111: RFU
        ("00B2010500", 0x6A81),  # all records from P1: not supported
        ("00B2000400", 0x6A83),  # P1 = 0 (current record) before any record was read
    ],
)
def test_wrong_p1_p2_gets_standard_status_words(command: str, sw: int) -> None:
    applet = _selected(_card(), apdu.EF_CARD)
    assert _ask(applet, bytes.fromhex(command))[1] == sw


def test_no_current_ef_gets_6986() -> None:
    applet = _card()
    applet.process(apdu.select_aid())
    assert _ask(applet, apdu.read_record_by_number(1))[1] == 0x6986
    assert _ask(applet, apdu.read_record_by_id(apdu.TAG_CARD_ID))[1] == 0x6986


def test_numbers_only_card_refuses_identifiers() -> None:
    applet = _selected(_card(record_access="number"), apdu.EF_HOLDER)
    assert _ask(applet, apdu.read_record_by_id(apdu.TAG_SSN))[1] == 0x6A86
    assert apdu.parse_record(_ask(applet, apdu.read_record_by_number(1))[0])[0] == apdu.TAG_SSN
    with pytest.raises(ValueError):
        _card(record_access="tag")


@pytest.mark.parametrize("record_access", ["both", "number"])
def test_holder_file_reads_in_both_modes(record_access: str) -> None:
    """EF06 starts with tag 08: the login reads it on a standard card and on an older one."""
    link = AppletTransport(SsseApplet(find_holder(WANG), record_access=record_access))  # T=0: 61xx
    card = SocialSecurityCard(link)
    data = card.read(pin=find_holder(WANG).pin)
    assert (data.ssn, data.name, data.gender, data.nation) == (WANG, "王建国", "男", "汉")
    expected = "identifier" if record_access == "both" else "number"
    assert data.record_access == card.record_access == expected
    reads = [c[:4] for c in link.sent if c[1] == 0xB2]
    if record_access == "number":
        # one refused read by identifier, then records 1..n by number; EF06 goes straight to numbers
        assert [r[3] for r in reads].count(0x00) == 1
        assert reads[1:8] == [bytes([0, 0xB2, n, 0x04]) for n in range(1, 8)]
        assert bytes.fromhex("00B20104") in reads[8:]
    else:
        assert all(r[3] == 0x00 for r in reads)


@pytest.mark.parametrize("refuse_sw", [0x6A86, 0x6B00, 0x6A81, 0x6D00, 0x6E00])
def test_falls_back_whatever_the_refusal(refuse_sw: int) -> None:
    holder = find_holder("131002196507041566")  # second generation: no 姓名扩展 record
    applet = SsseApplet(holder, generation=2, record_access="number", refuse_sw=refuse_sw)
    data = SocialSecurityCard(AppletTransport(applet)).read()
    assert (data.name, data.nation, data.spec_version, data.record_access) == ("杨立新", "回", "2.00", "number")


def test_every_shipped_holder_reads_by_number() -> None:
    for holder in load_holders():
        if holder.card_status == "lost":
            continue
        data = SocialSecurityCard(AppletTransport(SsseApplet(holder, record_access="number"))).read()
        assert (data.ssn, data.name, data.birth) == (holder.id_number, holder.name, holder.birth)


def test_restricted_card_read_by_number_is_still_restricted() -> None:
    applet = _card(record_access="number")
    applet.third_gen_restricted = True
    data = SocialSecurityCard(AppletTransport(applet)).read()
    assert data.restricted and data.name is None and data.card_number == "A26566860"
    with pytest.raises(CardAccessDenied):
        SocialSecurityCard(AppletTransport(applet)).read_elements(apdu.EF_HOLDER, (apdu.TAG_SSN,))


class EndlessFile:
    """A broken card: refuses identifiers, and every record number answers a record of tag 99."""

    def __init__(self) -> None:
        self.reads = 0

    def transmit(self, command: bytes) -> bytes:
        if command[1] == 0xA4:
            return SW_OK
        if command[3] & 0b111 == apdu.P2_FIRST_OCCURRENCE:
            return b"\x6a\x86"
        self.reads += 1
        return apdu.encode_tlv(0x99, b"x") + SW_OK


def test_a_file_without_end_is_bounded() -> None:
    link = EndlessFile()
    with pytest.raises(CardNotSupported):
        SocialSecurityCard(link).read_elements(apdu.EF_CARD, (apdu.TAG_CARD_ID,))
    assert link.reads == MAX_RECORDS


def test_mandatory_record_missing_everywhere_is_not_supported() -> None:
    applet = _selected(_card(), apdu.EF_CARD)
    applet.files[apdu.EF_CARD] = [r for r in applet.files[apdu.EF_CARD] if r[0] != apdu.TAG_CARD_ID]
    with pytest.raises(CardNotSupported) as caught:
        SocialSecurityCard(AppletTransport(applet)).read()
    assert "01" in str(caught.value)


def test_garbled_record_by_number_is_garbled() -> None:
    class Garbled(EndlessFile):
        def transmit(self, command: bytes) -> bytes:
            answer = super().transmit(command)
            return answer[:1] + b"\x09" + answer[2:] if command[1] == 0xB2 and answer[-2:] == SW_OK else answer

    with pytest.raises(CardGarbled):
        SocialSecurityCard(Garbled()).read_elements(apdu.EF_CARD, (apdu.TAG_CARD_ID,))

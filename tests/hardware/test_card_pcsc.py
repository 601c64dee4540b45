"""The social security card through the real stack: pyscard → pcscd → vpcd → our virtual card.

Skipped only when the ``pcscd`` binary is missing; anything else missing is a failure.
"""
from __future__ import annotations

import threading
import time
from datetime import date

import pytest
from typer.testing import CliRunner

from hardware.card import (
    CardError,
    CardGarbled,
    CardLocked,
    CardRemoved,
    CardTimeout,
    CardWatcher,
    NoCard,
    NoReader,
    PinBlocked,
    WrongPin,
    apdu,
    read_card,
)
from hardware.card.holders import Holder
from hardware.card_cli import card_app, card_checks
from hardware.config import DeviceSettings
from tests.hardware._card_fixtures import CardFactory

pytestmark = pytest.mark.timeout(60)


def test_reads_card_and_holder(virtual_card: CardFactory, pcscd: str, holder: Holder) -> None:
    card = virtual_card()
    data = read_card(pcscd, timeout_s=5.0)
    assert (data.card_number, data.ssn, data.name, data.gender, data.nation, data.birth) == (
        holder.card_number, holder.id_number, holder.name, holder.gender, holder.nation, holder.birth
    )
    assert data.spec_version == "3.00" and not data.restricted and not data.expired
    assert data.masked_name() == "王*" and data.masked_id() == "1301**********1098"
    assert data.age(date(2026, 3, 12)) == 85
    assert data.record_access == "identifier"
    # T=0 on the wire: GET RESPONSE after every 61xx, EF05/EF06 selected by id, elements by identifier
    assert bytes.fromhex("00A404000F") in card.headers
    assert bytes.fromhex("00A4020002") in card.headers
    assert bytes.fromhex("00B2070000") in card.headers and bytes.fromhex("00B2090000") in card.headers
    assert not any(h[:2] == b"\x00\xb2" and h[3] & 0b111 for h in card.headers)  # none by number
    assert any(h[:4] == bytes.fromhex("00C00000") for h in card.headers)


@pytest.mark.parametrize("record_access", ["both", "number"])
def test_standard_card_holder_logs_in_both_modes(
    virtual_card: CardFactory, pcscd: str, holder: Holder, record_access: str
) -> None:
    """EF06's first record is tag 08: the PIN login reads the holder from a standard card
    (by identifier) and from an older one that reads by record number only."""
    card = virtual_card(record_access=record_access)
    data = read_card(pcscd, pin=holder.pin, timeout_s=5.0)
    assert (data.ssn, data.name, data.birth) == (holder.id_number, holder.name, holder.birth)
    reads = [h for h in card.headers if h[:2] == b"\x00\xb2"]
    if record_access == "number":
        assert data.record_access == "number"
        # refused once by identifier, then EF05 and EF06 read in file order: 00 B2 01 04, 02 04, ...
        assert sum(1 for h in reads if h[3] == 0x00) == 1
        assert [h[2] for h in reads if h[3] == 0x04][:7] == [1, 2, 3, 4, 5, 6, 7]
    else:
        assert data.record_access == "identifier" and all(h[3] == 0x00 for h in reads)


def test_old_read_by_tag_as_number_gets_6a83(virtual_card: CardFactory, pcscd: str) -> None:
    """The command the reader used to send, ``00 B2 08 04``: a standard card has no 8th record in EF06."""
    from hardware.card.pcsc import PcscConnection
    from hardware.card.reader import SocialSecurityCard

    virtual_card()
    with PcscConnection(pcscd) as connection:
        card = SocialSecurityCard(connection)
        card.select_application()
        assert card.exchange(apdu.select_ef(apdu.EF_HOLDER)) == (b"", 0x9000)
        assert card.exchange(bytes.fromhex("00B2080400")) == (b"", 0x6A83)
        data, sw = card.exchange(apdu.read_record_by_id(apdu.TAG_SSN))
        assert sw == 0x9000 and apdu.parse_tlv(data, apdu.TAG_SSN) == b"130102194103121098"


def test_second_generation_card_and_6c(virtual_card: CardFactory, pcscd: str) -> None:
    card = virtual_card("131002196507041566", generation=2)
    card.applet.answer_6c = True
    data = read_card(pcscd)
    assert (data.name, data.nation, data.spec_version) == ("杨立新", "回", "2.00")
    assert bytes.fromhex("00B207000B") in card.headers


def test_pin_counts_down_to_blocked(virtual_card: CardFactory, pcscd: str, holder: Holder) -> None:
    card = virtual_card()
    assert read_card(pcscd, pin=holder.pin).name == holder.name
    errors: list[CardError] = []
    for _ in range(3):
        with pytest.raises((WrongPin, PinBlocked)) as caught:
            read_card(pcscd, pin="000000")
        errors.append(caught.value)
    assert [type(e) for e in errors] == [WrongPin, WrongPin, PinBlocked]
    assert [getattr(e, "tries_left", 0) for e in errors] == [2, 1, 0]
    assert "还可以尝试 1 次" in str(errors[1]) and "000000" not in str(errors[1])
    with pytest.raises(PinBlocked):
        read_card(pcscd, pin=holder.pin)  # blocked stays blocked
    assert card.pin_tries_left == 0


def test_pulled_mid_read_raises_card_removed(virtual_card: CardFactory, pcscd: str) -> None:
    card = virtual_card()
    card.pull_after_apdus = 6
    start = time.monotonic()
    with pytest.raises(CardRemoved) as caught:
        read_card(pcscd, timeout_s=5.0)
    assert time.monotonic() - start < 2.0
    assert "重新插卡" in caught.value.message_zh


def test_no_card_and_no_reader(pcscd: str) -> None:
    with pytest.raises(NoCard):
        read_card(pcscd)
    with pytest.raises(NoReader):
        read_card("no such reader")


def test_slow_card_still_reads(virtual_card: CardFactory, pcscd: str) -> None:
    card = virtual_card()
    card.delay_s = 0.05
    assert read_card(pcscd, timeout_s=10.0).card_number == "A26566860"


def test_too_slow_card_times_out(virtual_card: CardFactory, pcscd: str) -> None:
    card = virtual_card()
    card.delay_s = 1.5
    start = time.monotonic()
    with pytest.raises(CardTimeout):
        read_card(pcscd, timeout_s=1.0)
    assert time.monotonic() - start < 1.5
    card.remove()  # the abandoned dialogue ends when the card goes


@pytest.mark.parametrize("mode", ["tlv", "sw"])
def test_garbled_answers_raise_card_garbled(virtual_card: CardFactory, pcscd: str, mode: str) -> None:
    card = virtual_card()
    card.garble = mode
    with pytest.raises(CardGarbled) as caught:
        read_card(pcscd)
    assert caught.value.code == "card_garbled" and "无法识别" in caught.value.message_zh


def test_random_answers_raise_a_card_error(virtual_card: CardFactory, pcscd: str) -> None:
    card = virtual_card()
    card.garble = "random"
    for _ in range(5):
        with pytest.raises(CardError):
            read_card(pcscd)


def test_third_generation_restricted_returns_card_only(virtual_card: CardFactory, pcscd: str) -> None:
    card = virtual_card()
    card.third_gen_restricted = True
    data = read_card(pcscd)
    assert data.restricted and data.card_number == "A26566860" and data.expires > data.issued
    assert (data.ssn, data.name, data.birth, data.masked_name()) == (None, None, None, None)


def test_lost_and_expired_cards(virtual_card: CardFactory, pcscd: str) -> None:
    card = virtual_card("130902197811111728")  # card_status lost in the CSV
    with pytest.raises(CardLocked):
        read_card(pcscd)
    card.remove()
    virtual_card("130203199909092294")  # card_status expired
    data = read_card(pcscd)
    assert data.expired and data.expires < date.today() and data.name == "马晓东"


def test_watcher_reports_insert_and_remove(virtual_card: CardFactory, pcscd: str) -> None:
    seen: list[tuple[str, float]] = []
    arrived, left = threading.Event(), threading.Event()

    def inserted(name: str) -> None:
        seen.append(("in", time.monotonic()))
        arrived.set()

    def removed(name: str) -> None:
        seen.append(("out", time.monotonic()))
        left.set()

    with CardWatcher(pcscd, inserted, removed):
        time.sleep(0.3)  # the watcher is waiting on pcscd before the card comes (the latency measured is pcscd's)
        start = time.monotonic()
        card = virtual_card()
        assert arrived.wait(2.0)
        insert_s = seen[0][1] - start
        start = time.monotonic()
        card.remove()
        assert left.wait(2.0)
        remove_s = seen[1][1] - start
    # pcscd polls vpcd every 0.4 s for arrivals; removals are seen at once
    assert insert_s < 1.0 and remove_s < 0.5, (insert_s, remove_s)
    assert [kind for kind, _ in seen] == ["in", "out"]


def test_cli_prints_holder_masked(virtual_card: CardFactory, pcscd: str, holder: Holder) -> None:
    virtual_card()
    result = CliRunner().invoke(card_app, ["read", "--reader", pcscd, "--pin-stdin"], input=f"{holder.pin}\n")
    assert result.exit_code == 0, result.output
    assert "王*" in result.output and "1301**********1098" in result.output and "A2*****60" in result.output
    assert "by record identifier" in result.output and "按记录标识符" in result.output
    for secret in (holder.name, holder.id_number, holder.card_number, holder.pin):
        assert secret not in result.output


def test_cli_says_when_the_card_answered_by_record_number(virtual_card: CardFactory, pcscd: str) -> None:
    virtual_card(record_access="number", refuse_sw=0x6B00)
    result = CliRunner().invoke(card_app, ["read", "--reader", pcscd])
    assert result.exit_code == 0, result.output
    assert "按记录号" in result.output and "by record number" in result.output and "王*" in result.output


def test_cli_exits_1_with_a_clear_message(pcscd: str) -> None:
    result = CliRunner().invoke(card_app, ["read", "--reader", pcscd])
    assert result.exit_code == 1
    assert "请插入社会保障卡" in result.output and "Please insert" in result.output


def test_doctor_checks(virtual_card: CardFactory, pcscd: str) -> None:
    settings = DeviceSettings(card_reader=pcscd)
    assert card_checks(settings) == [
        ("card reader", True, pcscd),
        ("social security card", True, f"no card in {pcscd}; not checked"),
    ]
    virtual_card()
    assert card_checks(settings)[1] == ("social security card", True, "answers; SSSE application present")
    name, ok, detail = card_checks(DeviceSettings(card_reader="no such reader"))[0]
    assert (name, ok) == ("card reader", False) and "未找到读卡器" in detail

"""The SAM ID-card reader through a real serial line: pyserial → pty pair (or TCP) → simulator."""
from __future__ import annotations

import time
from datetime import date

import pytest
import serial

from hardware.card.holders import find_holder
from hardware.card_cli import card_checks
from hardware.config import DeviceSettings
from hardware.idcard import (
    IdCardReader,
    IdCardReadFailed,
    IdCardRemoved,
    IdChecksumError,
    IdReaderGarbled,
    IdReaderTimeout,
    IdReaderUnavailable,
    NoIdCard,
    read_id_card,
)
from hardware.idcard.simulator import SAM_ID, SimulatedSamReader, photo_of

pytestmark = pytest.mark.timeout(30)
Sam = tuple[SimulatedSamReader, str]


def test_reads_the_card_over_a_pty(sam: Sam) -> None:
    sim, url = sam
    data = read_id_card(url, timeout_s=3.0)
    holder = sim.holder
    assert (data.name, data.id_number, data.gender, data.nation, data.birth) == (
        holder.name, holder.id_number, holder.gender, holder.nation, holder.birth
    )
    assert data.valid_to is None and data.authority == "石家庄市公安局长安分局"
    assert data.photo_wlt == photo_of(holder) and data.masked_id() == "1301**********1098"
    assert data.age(date(2026, 3, 12)) == 85
    assert sim.requests == [bytes.fromhex("2001"), bytes.fromhex("2002"), bytes.fromhex("3001")]


@pytest.mark.peer  # the SAM simulator on a TCP port
def test_reads_over_tcp_and_expired_card() -> None:
    with SimulatedSamReader(find_holder("130203199909092294")) as sim:
        data = read_id_card(sim.serve_tcp(), timeout_s=3.0)
    assert data.name == "马晓东" and data.expired and data.valid_to == date(2019, 9, 9)


def test_waits_for_a_card_then_says_none(sam: Sam) -> None:
    sim, url = sam
    sim.card_present = False
    start = time.monotonic()
    with pytest.raises(NoIdCard) as caught:
        read_id_card(url, timeout_s=0.6)
    assert 0.5 < time.monotonic() - start < 1.5
    assert caught.value.message_zh == "请将身份证放在读卡区"


def test_junk_before_frames_is_skipped(sam: Sam) -> None:
    sim, url = sam
    sim.junk_before = True
    assert read_id_card(url).name == "王建国"


def test_garbage_on_the_line_is_a_clear_error(sam: Sam) -> None:
    sim, url = sam
    sim.garble = True
    start = time.monotonic()
    with pytest.raises(IdReaderGarbled) as caught:
        read_id_card(url, timeout_s=5.0)
    assert time.monotonic() - start < 1.5  # noise then silence ends the wait early
    assert "无法识别" in caught.value.message_zh


def test_bad_checksums_are_retried_then_reported(sam: Sam) -> None:
    sim, url = sam
    sim.bad_checksum = True
    with pytest.raises(IdChecksumError):
        read_id_card(url)
    assert sim.requests == [bytes.fromhex("2001")] * 3  # first try and two re-sends


def test_simulator_answers_sw3_10_to_a_bad_request_checksum(sam: Sam) -> None:
    _sim, url = sam
    with serial.serial_for_url(url, baudrate=115200, timeout=1.0) as line:
        line.write(bytes.fromhex("AAAAAA9669 0003 2001 23"))
        assert line.read(11) == bytes.fromhex("AAAAAA9669 0004 000010 14")


def test_card_pulled_mid_read(sam: Sam) -> None:
    sim, url = sam
    sim.pull_mid_read = True
    start = time.monotonic()
    with pytest.raises(IdCardRemoved) as caught:
        read_id_card(url, timeout_s=5.0)
    assert time.monotonic() - start < 1.5
    assert "移开" in caught.value.message_zh
    with pytest.raises(NoIdCard):
        read_id_card(url, timeout_s=0.3)


def test_slow_reader_within_and_beyond_the_timeout(sam: Sam) -> None:
    sim, url = sam
    sim.delay_s = 0.2
    assert read_id_card(url, timeout_s=3.0).name == "王建国"
    sim.delay_s = 2.0
    start = time.monotonic()
    with pytest.raises(IdReaderTimeout):
        read_id_card(url, timeout_s=0.5)
    assert time.monotonic() - start < 1.2


def test_silent_reader_times_out(sam: Sam) -> None:
    sim, url = sam
    sim.silent = True
    with pytest.raises(IdReaderTimeout) as caught:
        read_id_card(url, timeout_s=0.4)
    assert "无响应" in caught.value.message_zh


def test_read_failure_status(sam: Sam) -> None:
    sim, url = sam
    sim.read_status = 0x41
    with pytest.raises(IdCardReadFailed):
        read_id_card(url)


def test_a_reader_that_echoes_never_crashes() -> None:
    # loop:// hears its own requests: a request frame is too short to be a response
    with IdCardReader("loop://") as reader, pytest.raises(IdReaderGarbled):
        reader.read_card(timeout_s=2.0)


def test_unopenable_port() -> None:
    with pytest.raises(IdReaderUnavailable):
        read_id_card("/dev/does-not-exist")


def test_sam_id_and_doctor_line(sam: Sam) -> None:
    sim, url = sam
    with IdCardReader(url) as reader:
        assert reader.sam_id() == SAM_ID.hex().upper()
    name, ok, detail = _idcard_line(url)
    assert (name, ok) == ("ID card reader", True) and "card on it" in detail
    sim.silent = True
    name, ok, detail = _idcard_line(url)
    assert not ok and "无响应" in detail


def _idcard_line(url: str) -> tuple[str, bool, str]:
    checks = card_checks(DeviceSettings(idcard_url=url, card_reader="no such reader", card_timeout_s=0.5))
    return checks[-1]

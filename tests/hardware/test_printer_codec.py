"""ESC/POS codec and ticket layout: exact bytes, no I/O."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest

from hardware.printer import codec
from hardware.printer.ticket import RecordSlip, TicketSlip, columns_of, record_bytes, ticket_bytes, wrap
from tests.hardware._printer_fixtures import fixture_sample_slip  # noqa: F401  (pytest fixture)

pytestmark = pytest.mark.timeout(30)


def gb(text: str) -> bytes:
    return text.encode("gb18030")


def test_full_width_punctuation_is_sent_as_gb18030_bytes() -> None:
    assert codec.text("转移（跨省），是：") == (
        b"\xd7\xaa\xd2\xc6" + b"\xa3\xa8" + b"\xbf\xe7\xca\xa1" + b"\xa3\xa9" + b"\xa3\xac"
        + b"\xca\xc7" + b"\xa3\xba" + b"\n"
    )


def test_simple_commands() -> None:
    assert codec.INIT == b"\x1b\x40"
    assert codec.CHINESE_ON == b"\x1c\x26"
    assert codec.align("center") == b"\x1b\x61\x01"
    assert codec.bold(True) == b"\x1b\x45\x01"
    assert codec.char_size(1, 1) == b"\x1d\x21\x00"
    assert codec.char_size(4, 4) == b"\x1d\x21\x33"
    assert codec.char_size(2, 1) == b"\x1d\x21\x10"
    assert codec.cut() == b"\x1b\x64\x04\x1d\x56\x00"
    with pytest.raises(ValueError):
        codec.char_size(9, 1)


def test_qr_sequence_is_model_2_store_then_print() -> None:
    assert codec.qr("http://h/t/A001", module_size=6, ec="M") == (
        b"\x1d(k\x04\x00\x31\x41\x32\x00"  # model 2
        b"\x1d(k\x03\x00\x31\x43\x06"  # module 6 dots
        b"\x1d(k\x03\x00\x31\x45\x31"  # error correction M
        b"\x1d(k\x12\x00\x31\x50\x30http://h/t/A001"  # store 15 bytes (pL = 15 + 3)
        b"\x1d(k\x03\x00\x31\x51\x30"  # print
    )


def test_qr_matches_python_escpos_native_qr() -> None:
    from escpos.constants import QR_ECLEVEL_M
    from escpos.printer import Dummy

    dummy = Dummy()
    dummy.qr("http://hall.example/t/B015", ec=QR_ECLEVEL_M, size=6, native=True)
    assert codec.qr("http://hall.example/t/B015", module_size=6, ec="M") == dummy.output


@pytest.mark.parametrize(
    ("value", "paper"),
    [(0x12, "ok"), (0x1E, "near_end"), (0x16, "near_end"), (0x72, "out"), (0x7E, "out"), (0x32, "out")],
)
def test_paper_sensor_decoding(value: int, paper: str) -> None:
    assert codec.is_status_byte(value)
    assert codec.decode_paper(value) == paper


def test_printer_and_offline_cause_decoding() -> None:
    assert codec.decode_online(0x12) and not codec.decode_online(0x1A)
    assert codec.decode_offline_cause(0x16) == codec.OfflineCause(True, False, False, False)
    assert codec.decode_offline_cause(0x1A) == codec.OfflineCause(False, True, False, False)
    assert codec.decode_offline_cause(0x32) == codec.OfflineCause(False, False, True, False)
    assert codec.decode_offline_cause(0x52) == codec.OfflineCause(False, False, False, True)
    assert not codec.is_status_byte(0x00) and not codec.is_status_byte(0xFF)


@pytest.mark.parametrize(
    ("printer", "cause", "paper", "faults", "can_print"),
    [
        (0x12, None, 0x12, [], True),
        (0x12, None, 0x1E, ["paper_low"], True),
        (0x1A, 0x32, 0x72, ["paper_out"], False),
        (0x1A, 0x16, 0x12, ["cover_open"], False),
        (0x1A, 0x52, 0x12, ["printer_offline"], False),
    ],
)
def test_status_from_bytes_uses_contract_fault_names(
    printer: int, cause: int | None, paper: int, faults: list[str], can_print: bool
) -> None:
    status = codec.status_from_bytes(printer, cause, paper)
    assert status.faults == faults
    assert status.can_print is can_print


def test_wrap_counts_full_width_as_two_columns() -> None:
    assert columns_of("A001，（）") == 10
    assert wrap("您前面还有 12 人，预计等候约 35 分钟，请留意叫号广播", 24) == [
        "您前面还有 12 人，预计等",
        "候约 35 分钟，请留意叫号",
        "广播",
    ]
    assert all(columns_of(p) <= 16 for p in wrap("see https://hall.example/t/A001/long/path now", 16))
    assert wrap("", 32) == [""]


def test_known_ticket_bytes_80mm() -> None:
    slip = TicketSlip(
        hall_name="人社大厅", queue_name="综合受理", number="A001", item_name="社保卡（补换）",
        ahead=0, predicted_wait_min=5, issued_at=datetime(2024, 5, 6, 1, 15, 2, tzinfo=UTC),
        status_url="http://h/t/A001",
    )
    expected = (
        b"\x1b\x40\x1c\x26\x1b\x61\x01"
        + b"\x1b\x45\x01\x1d\x21\x11" + gb("人社大厅") + b"\n" + b"\x1d\x21\x00\x1b\x45\x00"
        + gb("综合受理") + b"\n\n"
        + b"\x1b\x45\x01\x1d\x21\x33" + b"A001\n" + b"\x1d\x21\x00\x1b\x45\x00\n"
        + gb("社保卡") + b"\xa3\xa8" + gb("补换") + b"\xa3\xa9\n"
        + gb("您前面还有 0 人") + b"\xa3\xac" + gb("预计等候约 5 分钟") + b"\n\n"
        + b"\x1d(k\x04\x001A2\x00\x1d(k\x03\x001C\x06\x1d(k\x03\x001E1"
        + b"\x1d(k\x12\x001P0http://h/t/A001\x1d(k\x03\x001Q0"
        + gb("扫码查看排队进度") + b"\n"
        + gb("取号时间") + b"\xa3\xba" + b"2024-05-06 09:15:02\n"  # 01:15 UTC is 09:15 in the hall
        + b"\x1b\x45\x01" + gb("每个号最多呼叫三次，过号请重新取号") + b"\n\x1b\x45\x00"
        + b"\x1b\x64\x04\x1d\x56\x00"
    )
    assert ticket_bytes(slip, columns=48) == expected


def test_58mm_ticket_uses_smaller_number_and_narrower_lines(sample_slip: TicketSlip) -> None:
    data = ticket_bytes(sample_slip, columns=32)
    assert b"\x1d\x21\x22A001\n" in data
    assert b"\x1d(k\x03\x001C\x04" in data
    for line in data.split(b"\n"):
        text = line.split(b"\x1b\x45\x00")[-1].decode("gb18030", "ignore")
        if text.isprintable() and "http" not in text:
            assert columns_of(text) <= 32


def test_holder_must_be_masked(sample_slip: TicketSlip) -> None:
    from dataclasses import replace

    assert gb("持卡人") + b"\xa3\xba" + gb("张*") in ticket_bytes(sample_slip)
    with pytest.raises(ValueError, match="masked"):
        ticket_bytes(replace(sample_slip, holder_masked="张三"))


def test_record_layout() -> None:
    slip = RecordSlip("参保证明", ["姓名：张*", "参保状态：正常参保，累计缴费156个月"],
                      printed_at=datetime(2024, 5, 6, 10, 0, 0))
    data = record_bytes(slip, columns=32)
    assert data.startswith(b"\x1b\x40\x1c\x26\x1b\x61\x01\x1b\x45\x01\x1d\x21\x11" + gb("参保证明") + b"\n")
    assert b"\x1b\x61\x00" + b"-" * 32 + b"\n" + gb("姓名：张*") + b"\n" in data
    assert gb("打印时间：2024-05-06 10:00:00") in data
    assert data.endswith(b"\x1d\x56\x00")


def test_the_no_show_line_counts_the_calls_as_the_policy_sets_them() -> None:
    from hardware.printer.ticket import guidance

    assert guidance(3) == "每个号最多呼叫三次，过号请重新取号"
    assert guidance(2) == "每个号最多呼叫两次，过号请重新取号"

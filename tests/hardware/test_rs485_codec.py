"""Register-map codecs: exact register values, no I/O."""
from __future__ import annotations

import pytest

from hardware.rs485 import register_map as rm
from hardware.rs485.register_map import Key, KeyEvent

pytestmark = pytest.mark.timeout(30)


def test_screen_text_is_gb2312_two_bytes_per_register_high_first() -> None:
    regs = rm.pack_screen_text("请A001号办理")
    assert regs[0] == 12  # length in bytes
    assert regs[1:7] == [0xC7EB, 0x4130, 0x3031, 0xBAC5, 0xB0EC, 0xC0ED]
    assert regs[7:] == [0] * 26 and len(regs) == 33
    assert rm.unpack_screen_text(regs) == "请A001号办理"


def test_odd_length_text_pads_the_low_byte() -> None:
    regs = rm.pack_screen_text("暂停服务A")
    assert regs[0] == 9 and regs[5] == 0x4100
    assert rm.unpack_screen_text(regs) == "暂停服务A"


def test_full_width_punctuation_and_limits() -> None:
    assert rm.pack_screen_text("（暂停）")[1:5] == [0xA3A8, 0xD4DD, 0xCDA3, 0xA3A9]
    assert rm.pack_screen_text("号" * 32)[0] == 64
    with pytest.raises(ValueError, match=r"过长|at most"):
        rm.pack_screen_text("号" * 33)
    with pytest.raises(ValueError, match="GB2312"):
        rm.pack_screen_text("請😀")  # emoji is outside GB2312


def test_ticket_number_packing() -> None:
    assert rm.pack_ticket("A001") == [0x4130, 0x3031, 0, 0]
    assert rm.unpack_ticket([0x4130, 0x3031, 0, 0]) == "A001"
    with pytest.raises(ValueError):
        rm.pack_ticket("A0010000X")


def test_keypad_event_block_round_trip() -> None:
    events = [KeyEvent(7, Key.CALL_NEXT), KeyEvent(8, Key.TRANSFER, ord("B"))]
    regs = rm.encode_events(0x1234, 2, events)
    assert regs[:8] == [0x1234, 2, 7, 1, 0, 8, 5, 0x42]
    assert len(regs) == rm.KEYPAD_BLOCK and regs[8:] == [0] * 18
    assert rm.decode_events(regs) == (0x1234, events)
    assert events[1].target_queue == "B" and events[0].target_queue is None


def test_sequence_numbers_wrap_and_skip_zero() -> None:
    assert rm.next_seq(65535) == 1 and rm.next_seq(0) == 1
    assert rm.seq_after(1, 65535) and rm.seq_after(6, 5)
    assert not rm.seq_after(5, 5) and not rm.seq_after(4, 5)


def test_identity_describe() -> None:
    assert rm.Identity(2, 1, 0x0102, 99).describe() == "keypad, firmware 1.2, map v1"
    assert "unknown type 9" in rm.Identity(9, 1, 0, 0).describe()

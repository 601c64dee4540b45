"""The scanner's line codec on exact bytes: suffixes, bounds, garbage and repeated codes (pure, no port)."""
from __future__ import annotations

import pytest

from hardware.scanner.codec import (
    MAX_CODE_BYTES,
    Deduplicator,
    Dropped,
    LineDecoder,
    Scan,
    suffix_bytes,
)

pytestmark = pytest.mark.timeout(30)

ECARD = "ESSC:1301000000:4F2A9C0D7E11B3A58C62D0F4:20260312101500"  # an e-card code's shape, made up


def codes(events: list[Scan | Dropped]) -> list[str]:
    return [e.code for e in events if isinstance(e, Scan)]


def drops(events: list[Scan | Dropped]) -> list[str]:
    return [e.reason for e in events if isinstance(e, Dropped)]


@pytest.mark.parametrize("suffix", ["CR", "LF", "CRLF"])
def test_each_suffix_ends_a_code(suffix: str) -> None:
    end = suffix_bytes(suffix)
    decoder = LineDecoder(end)
    assert decoder.feed(ECARD[:10].encode(), 0.0) == []  # half a code: nothing yet
    events = decoder.feed(ECARD[10:].encode() + end + b"A1" + end + b"B2", 0.01)
    assert codes(events) == [ECARD, "A1"]
    assert codes(decoder.feed(end, 0.02)) == ["B2"]


def test_a_suffix_set_differently_leaves_no_stray_characters() -> None:
    decoder = LineDecoder(b"\r")  # the scanner actually sends CR LF
    assert codes(decoder.feed(b"ABC\r\nDEF\r\n", 0.0)) == ["ABC", "DEF"]
    decoder = LineDecoder(b"\r\n")  # the scanner sends CR only: nothing ends until CR LF
    assert decoder.feed(b"ABC\r", 0.0) == []
    assert drops(decoder.expire(1.0)) == ["no_terminator"]


def test_utf8_text_is_kept_whole() -> None:
    events = LineDecoder().feed("河北省人社厅 电子社保卡\r".encode(), 0.0)
    assert codes(events) == ["河北省人社厅 电子社保卡"]


@pytest.mark.parametrize(
    ("garbage", "reason"),
    [
        (b"\xff\xfe\xb0\xa1\r", "not_utf8"),
        ("社保".encode("gbk") + b"\r", "not_utf8"),  # a scanner set to GBK output
        (b"AB\x00CD\r", "control"),
        (b"\x16T\r", "control"),  # our own trigger command echoed back by a loop
        (b"\x1b[31mX\r", "control"),
    ],
)
def test_garbage_is_dropped_and_the_next_code_is_clean(garbage: bytes, reason: str) -> None:
    decoder = LineDecoder()
    events = decoder.feed(garbage + ECARD.encode() + b"\r", 0.0)
    assert drops(events) == [reason] and codes(events) == [ECARD]


def test_an_over_long_line_is_dropped_without_growing_the_buffer() -> None:
    decoder = LineDecoder(max_code_bytes=64)
    for i in range(100):  # 100 x 50 bytes, never a terminator within a chunk
        assert decoder.feed(b"x" * 50, i * 0.01) == []
        assert len(decoder._buffer) <= 64 + 50
    events = decoder.feed(b"tail\rOK\r", 1.0)
    assert events[0] == Dropped("too_long", 5004) and codes(events) == ["OK"]


def test_the_default_bound_fits_the_largest_qr_code() -> None:
    biggest = "9" * 2953
    assert codes(LineDecoder().feed(biggest.encode() + b"\r", 0.0)) == [biggest]
    assert drops(LineDecoder().feed(b"9" * (MAX_CODE_BYTES + 1) + b"\r", 0.0)) == ["too_long"]


def test_a_line_without_terminator_is_cut_off_after_silence() -> None:
    decoder = LineDecoder(idle_s=0.3)
    decoder.feed(b"PARTIAL", 0.0)
    assert decoder.expire(0.2) == []  # still arriving, perhaps
    assert decoder.expire(0.31) == [Dropped("no_terminator", 7)]
    assert codes(decoder.feed(b"NEXT\r", 0.5)) == ["NEXT"]  # not "PARTIALNEXT"
    decoder.feed(b"LATE", 1.0)
    events = decoder.feed(b"FRESH\r", 2.0)  # bytes after a long pause start a new line
    assert drops(events) == ["no_terminator"] and codes(events) == ["FRESH"]


def test_empty_lines_are_ignored() -> None:
    assert LineDecoder().feed(b"\r\r\r", 0.0) == []


def test_same_code_within_a_second_counts_once() -> None:
    dedupe = Deduplicator(1.0)
    seen = [dedupe.check(Scan("A", t)) for t in (0.0, 0.4, 0.9, 1.7, 3.0)]
    assert [type(e).__name__ for e in seen] == ["Scan", "Dropped", "Dropped", "Dropped", "Scan"]
    assert isinstance(dedupe.check(Scan("B", 3.1)), Scan)  # another code at once
    assert isinstance(dedupe.check(Scan("A", 3.2)), Scan)  # A after B: a new presentation


def test_a_scan_never_shows_its_code() -> None:
    assert ECARD not in repr(Scan(ECARD, 1.0)) and "55 characters" in repr(Scan(ECARD, 1.0))


def test_suffix_names() -> None:
    assert suffix_bytes("crlf") == b"\r\n"
    with pytest.raises(ValueError, match="CR, LF, CRLF"):
        suffix_bytes("TAB")
    with pytest.raises(ValueError):
        LineDecoder(b"\t")

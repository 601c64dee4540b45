"""SAM frames and the ID card text block on exact bytes."""
from __future__ import annotations

from datetime import date

import pytest

from hardware.idcard import frame
from hardware.idcard.errors import (
    IdCardReadFailed,
    IdCardSelectFailed,
    IdChecksumError,
    IdReaderGarbled,
    IdReaderRejected,
    NoIdCard,
    error_for_status,
)
from hardware.idcard.model import (
    TEXT_SIZE,
    IdCardData,
    decode_text_block,
    encode_text_block,
    id_card_from_block,
    join_read_data,
    split_read_data,
)

pytestmark = pytest.mark.timeout(30)

FIELDS = {
    "name": "王建国", "sex": "1", "nation": "01", "birth": "19410312",
    "address": "河北省石家庄市长安区和平路109号", "id_number": "130102194103121098",
    "authority": "石家庄市公安局长安分局", "valid_from": "20160312", "valid_to": "长期",
}


def test_requests_on_the_wire() -> None:
    assert frame.encode_request(*frame.CMD_FIND) == bytes.fromhex("AAAAAA9669 0003 2001 22")
    assert frame.encode_request(*frame.CMD_SELECT) == bytes.fromhex("AAAAAA9669 0003 2002 21")
    assert frame.encode_request(*frame.CMD_READ) == bytes.fromhex("AAAAAA9669 0003 3001 32")
    assert frame.encode_request(*frame.CMD_SAM_ID) == bytes.fromhex("AAAAAA9669 0003 12FF EE")


def test_responses_on_the_wire() -> None:
    assert frame.encode_response(0x9F, bytes(4)) == bytes.fromhex("AAAAAA9669 0008 00009F 00000000 97")
    assert frame.encode_response(0x80) == bytes.fromhex("AAAAAA9669 0004 000080 84")
    assert frame.encode_response(0x90, bytes(8)) == bytes.fromhex("AAAAAA9669 000C 000090" + "00" * 8 + "9C")
    read = frame.encode_response(0x90, join_read_data(bytes(256), bytes(1024)))
    assert read[5:7] == bytes.fromhex("0508")  # 3 + 4 + 256 + 1024 + 1 = 1288
    assert read[10:14] == bytes.fromhex("01000400")


def test_checksum_is_xor_of_length_and_body() -> None:
    assert frame.checksum(bytes.fromhex("00032001")) == 0x22
    assert frame.checksum(b"") == 0


def test_decoder_resynchronises_on_junk_and_split_reads() -> None:
    wire = b"\x00\xff\x96\x69\xaa" + frame.encode_response(0x9F, bytes(4))
    wire += b"\x13" + frame.encode_response(0x80)
    decoder = frame.FrameDecoder()
    bodies = []
    for byte in wire:  # one byte at a time, as a slow line delivers it
        decoder.feed(bytes([byte]))
        body = decoder.pop()
        if body is not None:
            bodies.append(frame.Response.parse(body))
    assert [r.sw3 for r in bodies] == [0x9F, 0x80]
    assert bodies[0].data == bytes(4) and decoder.junk == 6 and not decoder.buffer


def test_decoder_drops_bad_checksum_and_goes_on() -> None:
    bad = bytearray(frame.encode_response(0x90, b"\x01\x02"))
    bad[-1] ^= 0x01
    decoder = frame.FrameDecoder()
    decoder.feed(bytes(bad) + frame.encode_response(0x9F, bytes(4)))
    with pytest.raises(IdChecksumError):
        decoder.pop()
    body = decoder.pop()
    assert body is not None and frame.Response.parse(body).sw3 == 0x9F


def test_decoder_skips_a_preamble_with_an_impossible_length() -> None:
    decoder = frame.FrameDecoder(min_len=4)
    decoder.feed(frame.PREAMBLE + b"\xff\xff" + frame.encode_response(0x80))
    body = decoder.pop()
    assert body == bytes.fromhex("000080") and decoder.junk == 7


def test_decoder_survives_pure_noise() -> None:
    decoder = frame.FrameDecoder()
    decoder.feed(bytes(range(256)) * 4 + b"\xaa\xaa")
    assert decoder.pop() is None
    assert decoder.junk == 1024 and bytes(decoder.buffer) == b"\xaa\xaa" and not decoder.partial


def test_text_block_layout() -> None:
    block = encode_text_block(FIELDS)
    assert len(block) == TEXT_SIZE
    assert block[:6] == "王建国".encode("utf-16-le") and block[6:8] == b" \x00"
    assert block[30:32] == b"1\x00" and block[32:36] == "01".encode("utf-16-le")
    assert block[122:158] == "130102194103121098".encode("utf-16-le")
    assert block[204:208] == "长期".encode("utf-16-le")
    assert decode_text_block(block) == FIELDS | {"reserved": ""}


def test_card_from_block() -> None:
    data = id_card_from_block(encode_text_block(FIELDS), b"\x01" * 1024)
    assert (data.name, data.gender, data.nation, data.birth) == ("王建国", "男", "汉", date(1941, 3, 12))
    assert data.valid_to is None and not data.expired and len(data.photo_wlt) == 1024
    assert data.masked_name() == "王*" and data.masked_id() == "1301**********1098"
    assert data.age(date(2026, 3, 11)) == 84
    assert "王建国" not in repr(data) and "130102194103121098" not in repr(data)
    dated = id_card_from_block(encode_text_block(FIELDS | {"valid_to": "20190909"}))
    assert dated.valid_to == date(2019, 9, 9) and dated.expired_on(date(2019, 9, 10))


@pytest.mark.parametrize(
    "block",
    [bytes(255), b"\x00\xd8" * 128, encode_text_block(FIELDS | {"birth": "1941x312"}), encode_text_block({})],
)
def test_bad_text_blocks_are_garbled(block: bytes) -> None:
    with pytest.raises(IdReaderGarbled):
        id_card_from_block(block)


def test_read_data_lengths() -> None:
    data = join_read_data(b"T" * 256, b"P" * 1024)
    assert split_read_data(data) == (b"T" * 256, b"P" * 1024, b"")
    assert split_read_data(join_read_data(b"T", b"P", b"F"), with_fingerprint=True) == (b"T", b"P", b"F")
    for bad in (data[:-1], data + b"x", b"\x01"):
        with pytest.raises(IdReaderGarbled):
            split_read_data(bad)


@pytest.mark.parametrize(
    ("sw3", "error"),
    [(0x80, NoIdCard), (0x81, IdCardSelectFailed), (0x41, IdCardReadFailed), (0x10, IdChecksumError),
     (0x21, IdReaderRejected), (0x11, IdReaderRejected), (0x77, IdReaderGarbled)],
)
def test_status_bytes_become_clear_errors(sw3: int, error: type) -> None:
    err = error_for_status(sw3)
    assert type(err) is error and err.message_zh and err.message_en and f"SW3={sw3:02X}" in str(err)


def test_result_type_defaults() -> None:
    data = IdCardData(
        "林芳", "女", "汉", date(1986, 3, 3), "", "130602198603032943", "", date(2016, 3, 3), None
    )
    assert data.masked_name() == "林*" and data.photo_wlt == b""

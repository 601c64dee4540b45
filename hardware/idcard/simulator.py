"""A simulated SAM ID-card reader speaking the real frame protocol over a pty pair or TCP.

The reader side opens the pty path (or ``socket://host:port``) with ``serial_for_url`` exactly
as it would open ``/dev/ttyUSB0``. Fault switches, settable at any time: ``card_present``,
``delay_s`` (slow answers), ``silent`` (no answers), ``garble`` (junk instead of frames),
``junk_before`` (noise before every frame), ``bad_checksum``, ``pull_mid_read`` (half a read
answer, then the card is gone) and ``read_status`` (SW3 of the read, e.g. 0x41).

Run standalone: ``python -m hardware.idcard.simulator`` prints the pty path to use.
"""
from __future__ import annotations

import argparse
import hashlib
import random
import time
from datetime import date
from pathlib import Path

from hall_contract.citizen import age_on, nation_code, sex_code
from hardware.card.holders import CARD_STATES, Holder, find_holder
from hardware.idcard import frame
from hardware.idcard.errors import IdChecksumError
from hardware.idcard.model import LONG_TERM, PHOTO_SIZE, encode_text_block, join_read_data
from hardware.idcard.sim_link import PtyEndpoint, TcpEndpoint

SAM_ID = bytes.fromhex("0501000020101112001234567822116230")[:16]


def text_fields(holder: Holder, state: str) -> dict[str, str]:
    """The holder's ID card text: validity by age at issue (5/10/20 years, 长期 from 46 on)."""
    issued = date(2009 if state == "expired" else 2016, holder.birth.month, min(holder.birth.day, 28))
    age = age_on(holder.birth, issued)
    years = 10 if state == "expired" else 5 if age < 16 else 10 if age < 26 else 20 if age < 46 else 0
    valid_to = issued.replace(year=issued.year + years).strftime("%Y%m%d") if years else LONG_TERM
    return {
        "name": holder.name,
        "sex": sex_code(holder.gender),
        "nation": nation_code(holder.nation),
        "birth": holder.birth.strftime("%Y%m%d"),
        "address": f"河北省石家庄市长安区和平路{int(holder.id_number[14:17])}号",
        "id_number": holder.id_number,
        "authority": "石家庄市公安局长安分局",
        "valid_from": issued.strftime("%Y%m%d"),
        "valid_to": valid_to,
    }


def photo_of(holder: Holder) -> bytes:
    """1024 stand-in bytes for the encrypted WLT photo (deterministic per holder)."""
    seed = hashlib.sha256(holder.id_number.encode()).digest()
    return (seed * (PHOTO_SIZE // len(seed) + 1))[:PHOTO_SIZE]


class SimulatedSamReader:
    """The SAM and the card lying on it. ``respond`` is the pure part; ``serve_*`` the wire."""

    def __init__(self, holder: Holder, *, state: str | None = None) -> None:
        self.holder = holder
        self.state = state or holder.card_status
        self.card_present = True
        self.delay_s = 0.0
        self.silent = False
        self.garble = False
        self.junk_before = False
        self.bad_checksum = False
        self.pull_mid_read = False
        self.read_status = frame.SW3_OK
        self.requests: list[bytes] = []  # every request frame as received, for byte assertions
        self._rng = random.Random(3)
        self._endpoint: PtyEndpoint | TcpEndpoint | None = None

    def respond(self, request: frame.Request) -> bytes:
        """The SAM's answer frame to one request (no faults applied)."""
        cmd = (request.cmd, request.para)
        present = self.card_present
        if cmd == frame.CMD_SAM_ID:
            return frame.encode_response(frame.SW3_OK, SAM_ID)
        if cmd == frame.CMD_FIND:
            if not present:
                return frame.encode_response(0x80)
            return frame.encode_response(frame.SW3_FOUND, bytes(4))
        if cmd == frame.CMD_SELECT:
            if not present:
                return frame.encode_response(0x81)
            return frame.encode_response(frame.SW3_OK, bytes(8))
        if cmd in (frame.CMD_READ, frame.CMD_READ_FP):
            if not present or self.read_status != frame.SW3_OK:
                return frame.encode_response(self.read_status if present else 0x41)
            text = encode_text_block(text_fields(self.holder, self.state))
            fingerprint = b"" if cmd == frame.CMD_READ_FP else None
            data = join_read_data(text, photo_of(self.holder), fingerprint)
            return frame.encode_response(frame.SW3_OK, data)
        return frame.encode_response(0x21)

    def answer(self, received: bytes, decoder: frame.FrameDecoder) -> bytes:
        """Everything to write back for the bytes just ``received``, faults applied."""
        decoder.feed(received)
        out = b""
        while True:
            try:
                body = decoder.pop()
            except IdChecksumError:
                out += self._faulted(frame.encode_response(0x10), None)
                continue
            if body is None:
                return out
            self.requests.append(body)
            request = frame.Request.parse(body)
            out += self._faulted(self.respond(request), request)

    def _faulted(self, reply: bytes, request: frame.Request | None) -> bytes:
        if self.silent:
            return b""
        if self.delay_s:
            time.sleep(self.delay_s)
        if self.garble:
            return self._junk(len(reply))
        if self.bad_checksum:
            reply = reply[:-1] + bytes([reply[-1] ^ 0xFF])
        if self.pull_mid_read and request is not None and (request.cmd, request.para) == frame.CMD_READ:
            self.card_present = False
            reply = reply[: len(reply) // 2]
        return (self._junk(17) if self.junk_before else b"") + reply

    def _junk(self, count: int) -> bytes:
        return self._rng.randbytes(count).replace(b"\xaa", b"\x55")  # never a preamble

    # -- the wire -------------------------------------------------------------------------
    def serve_pty(self) -> str:
        """Start answering on a new pty pair; returns the path the reader opens."""
        self._start(PtyEndpoint())
        assert self._endpoint is not None
        return self._endpoint.url

    def serve_tcp(self, host: str = "127.0.0.1", port: int = 0) -> str:
        """Start answering on a TCP port; returns ``socket://host:port``."""
        self._start(TcpEndpoint(host, port))
        assert self._endpoint is not None
        return self._endpoint.url

    def _start(self, endpoint: PtyEndpoint | TcpEndpoint) -> None:
        if self._endpoint is not None:
            raise RuntimeError("already serving")
        self._endpoint = endpoint
        endpoint.start(self.answer)

    def stop(self) -> None:
        endpoint, self._endpoint = self._endpoint, None
        if endpoint is not None:
            endpoint.stop()

    def __enter__(self) -> SimulatedSamReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Simulated SAM resident ID card reader")
    parser.add_argument("--holder", default="130102194103121098", help="ID number of the card on it")
    parser.add_argument("--holders", type=Path, default=None, help="persons CSV (default: shipped)")
    parser.add_argument("--state", choices=CARD_STATES, default=None)
    parser.add_argument("--tcp", type=int, default=None, metavar="PORT", help="serve TCP instead of a pty")
    args = parser.parse_args(argv)
    sim = SimulatedSamReader(find_holder(args.holder, args.holders), state=args.state)
    url = sim.serve_tcp(port=args.tcp) if args.tcp is not None else sim.serve_pty()
    print(url, flush=True)
    try:
        while True:
            time.sleep(1.0)
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()


if __name__ == "__main__":
    main()

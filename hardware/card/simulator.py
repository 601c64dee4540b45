"""A virtual social security card behind the real ``pcscd``, through Debian's ``vsmartcard-vpcd``.

vpcd is a PC/SC reader driver that listens on TCP (127.0.0.1:35963 for reader
"Virtual PCD 00 00"). A virtual card is its TCP client: connecting inserts the card, closing
removes it. Each message is a 2-byte big-endian length and a payload; a 1-byte payload is a
control code (0 power off, 1 power on, 2 reset, 4 get ATR), anything longer is an APDU
answered with response data + SW1 SW2.

The card answers as ISO 7816-4 has it (see ``_applet``): records in file order, READ RECORD
by record number or by record identifier; ``record_access="number"`` makes an older card
that refuses reads by identifier (with ``refuse_sw``, 6A86 by default).

Fault switches, settable while the card is inserted: ``pull_after_apdus`` (the card is
pulled instead of answering APDU number N+1), ``delay_s`` (slow answers), ``garble``
("random", "tlv" or "sw"), ``third_gen_restricted`` (EF06 answers 6982) and the PIN try
counter of the applet (3 wrong PINs block it).

Run standalone: ``python -m hardware.card.simulator --holder 130102194103121098``.
"""
from __future__ import annotations

import argparse
import contextlib
import logging
import random
import socket
import threading
import time
from pathlib import Path

from hardware.card._applet import RECORD_ACCESS, SsseApplet
from hardware.card.holders import CARD_STATES, Holder, find_holder

log = logging.getLogger(__name__)

VPCD_HOST = "127.0.0.1"
VPCD_PORT = 35963
# TS=3B (direct), T0=68: TB1, TC1 and 8 historical bytes; no TD1, so T=0 only.
DEFAULT_ATR = bytes.fromhex("3B680000") + b"SSSE-SIM"
GARBLE_MODES = ("random", "tlv", "sw")
_CTRL_ATR = 4


class VirtualSocialSecurityCard:
    """One simulated card that can be inserted into and removed from vpcd's reader."""

    def __init__(
        self,
        holder: Holder,
        *,
        state: str | None = None,
        generation: int = 3,
        record_access: str = "both",
        refuse_sw: int = 0x6A86,
        host: str = VPCD_HOST,
        port: int = VPCD_PORT,
        atr: bytes = DEFAULT_ATR,
    ) -> None:
        if state is not None and state not in CARD_STATES:
            raise ValueError(f"card state must be one of {CARD_STATES}")
        self.applet = SsseApplet(
            holder, state=state, generation=generation, record_access=record_access, refuse_sw=refuse_sw
        )
        self.host, self.port, self.atr = host, port, atr
        self.pull_after_apdus: int | None = None
        self.delay_s = 0.0
        self.garble: str | None = None
        self.apdu_count = 0
        self.headers: list[bytes] = []  # first 5 bytes of each APDU received (never a PIN)
        self._rng = random.Random(7)
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None

    # fault switches that live in the applet
    @property
    def third_gen_restricted(self) -> bool:
        return self.applet.third_gen_restricted

    @third_gen_restricted.setter
    def third_gen_restricted(self, value: bool) -> None:
        self.applet.third_gen_restricted = value

    @property
    def pin_tries_left(self) -> int:
        return self.applet.pin_tries_left

    @property
    def inserted(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def insert(self, timeout_s: float = 5.0) -> None:
        """Connect to vpcd (retrying until it listens): the reader now holds a card."""
        if self.inserted:
            return
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                sock = socket.create_connection((self.host, self.port), timeout=1.0)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        sock.settimeout(None)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self._sock, self.apdu_count = sock, 0
        self.applet.reset()
        self._thread = threading.Thread(target=self._serve, args=(sock,), name="virtual-card", daemon=True)
        self._thread.start()

    def remove(self) -> None:
        """Close the connection: the card leaves the reader."""
        sock, self._sock = self._sock, None
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=5.0)

    def __enter__(self) -> VirtualSocialSecurityCard:
        self.insert()
        return self

    def __exit__(self, *exc: object) -> None:
        self.remove()

    def _serve(self, sock: socket.socket) -> None:
        try:
            while True:
                message = _recv_message(sock)
                if message is None:
                    return
                answer = self._handle(message)
                if answer is None:
                    continue
                if self._sock is not sock:  # pulled (or removed) while thinking
                    return
                sock.sendall(len(answer).to_bytes(2, "big") + answer)
        except OSError:
            return
        finally:
            if self._sock is sock:
                self._sock = None
                sock.close()

    def _handle(self, message: bytes) -> bytes | None:
        if len(message) == 1:
            if message[0] in (1, 2):
                self.applet.reset()
            return self.atr if message[0] == _CTRL_ATR else None
        self.apdu_count += 1
        self.headers.append(message[:5])
        if self.pull_after_apdus is not None and self.apdu_count > self.pull_after_apdus:
            log.info("card pulled at APDU %d", self.apdu_count)
            raise OSError("card pulled")
        if self.delay_s:
            time.sleep(self.delay_s)
        answer = self.applet.process(message)
        return self._garbled(answer) if self.garble else answer

    def _garbled(self, answer: bytes) -> bytes:
        if self.garble == "sw":  # a status word no specification defines
            return answer[:-2] + b"\x12\x34"
        if self.garble == "tlv" and answer[-2:] == b"\x90\x00" and len(answer) > 4:
            return answer[:1] + bytes([answer[1] + 7]) + answer[2:]  # length beyond the data
        if self.garble == "random":
            return self._rng.randbytes(self._rng.randint(1, 24))
        return answer


def _recv_exact(sock: socket.socket, count: int) -> bytes | None:
    data = b""
    while len(data) < count:
        # vpcd writes the length and the APDU separately: acknowledge at once, or Nagle on
        # its side and delayed ACKs on ours cost 40 ms per APDU.
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
        chunk = sock.recv(count - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def _recv_message(sock: socket.socket) -> bytes | None:
    header = _recv_exact(sock, 2)
    if header is None:
        return None
    return _recv_exact(sock, int.from_bytes(header, "big"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Virtual social security card for vpcd/pcscd")
    parser.add_argument("--holder", default="130102194103121098", help="ID number or card number")
    parser.add_argument("--holders", type=Path, default=None, help="persons CSV (default: shipped)")
    parser.add_argument("--state", choices=CARD_STATES, default=None, help="default: from the CSV")
    parser.add_argument("--generation", type=int, choices=(2, 3), default=3)
    parser.add_argument(
        "--record-access", choices=RECORD_ACCESS, default="both",
        help="both: READ RECORD by identifier and by number (standard); number: an older card, by number only",
    )
    parser.add_argument("--host", default=VPCD_HOST)
    parser.add_argument("--port", type=int, default=VPCD_PORT)
    parser.add_argument("--restricted", action="store_true", help="EF06 answers 6982")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds before each answer")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    card = VirtualSocialSecurityCard(
        find_holder(args.holder, args.holders),
        state=args.state,
        generation=args.generation,
        record_access=args.record_access,
        host=args.host,
        port=args.port,
    )
    card.third_gen_restricted, card.delay_s = args.restricted, args.delay
    card.insert(timeout_s=30.0)
    print(f"card inserted into vpcd at {args.host}:{args.port}; Ctrl+C removes it", flush=True)
    try:
        while card.inserted:
            time.sleep(0.2)
    except KeyboardInterrupt:
        pass
    finally:
        card.remove()


if __name__ == "__main__":
    main()

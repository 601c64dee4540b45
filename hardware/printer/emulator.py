"""An ESC/POS ticket printer on TCP (port 9100 style): a real peer for tests and the demo.

It records every byte, answers ``DLE EOT 1/2/3/4`` like an Epson TM printer, can be
switched at run time to near end, out of paper, offline, cover open or silent, and
draws each cut ticket as a PNG::

    python -m hardware.printer.emulator --port 9100 --out artifacts/printer
"""
from __future__ import annotations

import argparse
import socket
import socketserver
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Literal

from hardware.printer.interpreter import DOT_WIDTH_80MM, parse, render

Mode = Literal["ok", "near_end", "out", "offline", "cover_open", "silent"]
MODES: tuple[Mode, ...] = ("ok", "near_end", "out", "offline", "cover_open", "silent")

# Answers to DLE EOT 1 (printer), 2 (offline cause), 3 (error cause), 4 (paper sensor).
_ANSWERS: dict[Mode, dict[int, int]] = {
    "ok": {1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12},
    "near_end": {1: 0x12, 2: 0x12, 3: 0x12, 4: 0x1E},
    "out": {1: 0x1A, 2: 0x32, 3: 0x12, 4: 0x72},
    "offline": {1: 0x1A, 2: 0x52, 3: 0x12, 4: 0x12},
    "cover_open": {1: 0x1A, 2: 0x16, 3: 0x12, 4: 0x12},
}


class PrinterEmulator:
    """A threaded TCP printer on ``host:port`` (port 0 picks a free one; see :attr:`port`)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, out_dir: Path | None = None,
                 width_dots: int = DOT_WIDTH_80MM) -> None:
        self.host, self.requested_port, self.out_dir, self.width_dots = host, port, out_dir, width_dots
        self.mode: Mode = "ok"
        self.received = bytearray()  # every byte, status requests included
        self.tickets: list[bytes] = []  # the print data of each cut ticket
        self.discarded = 0  # print bytes thrown away while the printer could not print
        self.lock = threading.Lock()
        self._server: socketserver.ThreadingTCPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        """The port actually listened on."""
        if self._server is None:
            raise RuntimeError("emulator not started")
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """``tcp://host:port`` for :func:`hardware.printer.transport.transport_from_url`."""
        return f"tcp://{self.host}:{self.port}"

    def set_mode(self, mode: Mode) -> None:
        """Switch the simulated condition (takes effect for the next byte received)."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}")
        self.mode = mode

    def start(self) -> PrinterEmulator:
        """Listen and serve in a background thread."""
        emulator = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                emulator._serve(self.request)

        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self._server = socketserver.ThreadingTCPServer((self.host, self.requested_port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.1,),
                                        name="printer-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop listening and wait for the serving thread."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> PrinterEmulator:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    def wait_for_tickets(self, count: int, timeout_s: float = 5.0) -> bool:
        """Wait until ``count`` tickets have been cut (the client's write may still be in flight)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if len(self.tickets) >= count:
                return True
            time.sleep(0.01)
        return len(self.tickets) >= count

    def _serve(self, conn: socket.socket) -> None:
        """Read one connection: answer status requests, collect print data, cut tickets."""
        pending = b""
        page = bytearray()
        conn.settimeout(0.2)
        while self._server is not None:
            try:
                chunk = conn.recv(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            if not chunk:
                return
            with self.lock:
                self.received += chunk
            commands, pending = parse(pending + chunk)
            for command in commands:
                if command.code == b"\x10\x04":
                    self._answer(conn, command.args[0])
                    continue
                if self.mode not in ("ok", "near_end"):
                    self.discarded += len(command.code) + len(command.args)
                    continue
                page += (command.code if command.code != b"TEXT" else b"") + command.args
                if command.code == b"\x1dV":
                    self._cut(bytes(page))
                    page.clear()

    def _answer(self, conn: socket.socket, n: int) -> None:
        answer = _ANSWERS.get(self.mode, {}).get(n)
        if answer is not None:
            conn.sendall(bytes([answer]))

    def _cut(self, data: bytes) -> None:
        with self.lock:
            self.tickets.append(data)
            index = len(self.tickets)
        if self.out_dir is not None:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            for image in render(data, self.width_dots):
                image.save(self.out_dir / f"ticket-{index:04d}.png")


def main(argv: list[str] | None = None) -> None:
    """Run the emulator in the foreground until Ctrl-C."""
    parser = argparse.ArgumentParser(description="ESC/POS ticket printer emulator (TCP)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9100, help="0 picks a free port")
    parser.add_argument("--out", type=Path, default=None, help="folder for one PNG per ticket")
    parser.add_argument("--mode", choices=MODES, default="ok")
    args = parser.parse_args(argv)
    emulator = PrinterEmulator(args.host, args.port, args.out)
    emulator.set_mode(args.mode)
    with emulator:
        print(f"printer emulator listening on {emulator.url}", flush=True)
        try:
            while True:
                time.sleep(1)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()

"""A simulated 2D hall scanner on a pty pair, speaking as a USB-CDC scanner does.

The kiosk opens :attr:`SimulatedQrScanner.path`, a stable symlink to the pty (as udev's
``/dev/serial/by-id/...`` names a real scanner), with ``serial_for_url`` exactly as it would
open ``/dev/ttyACM0``. :meth:`unplug` closes the pty and removes the link, as pulling the USB
cable makes the device vanish; :meth:`plug` brings a new pty back under the same name.

``present(code)`` holds a code in front of the camera. In continuous (sense) mode the scanner
sends it at once, text + suffix; in trigger mode it sends it when the host triggers
(``SYN T CR``) and then ends the trigger, as Honeywell-style serial triggering does; ``SYN U
CR`` ends it without a read. ``send_raw`` puts any bytes on the line (noise, a bad setting).

Run standalone: ``python -m hardware.scanner.simulator`` prints the path and sends each line
typed on stdin as a scanned code.
"""
from __future__ import annotations

import argparse
import contextlib
import os
import select
import sys
import tempfile
import threading
import tty
from pathlib import Path

from hardware.scanner.codec import TRIGGER_OFF, TRIGGER_ON, suffix_bytes

POLL_S = 0.05


class SimulatedQrScanner:
    """One scanner that can be plugged in and pulled out. Not plugged in until :meth:`plug`."""

    def __init__(self, *, suffix: str = "CR", mode: str = "continuous", path: Path | None = None) -> None:
        self.suffix = suffix_bytes(suffix)
        self.mode = mode
        self._dir: tempfile.TemporaryDirectory[str] | None = None
        if path is None:
            self._dir = tempfile.TemporaryDirectory(prefix="hall-scanner-")
            path = Path(self._dir.name) / "ttyACM-scanner"
        self.path = path
        self.triggered = False
        self.commands: list[bytes] = []  # every command the host sent, in order
        self._presented: str | None = None
        self._fds: tuple[int, int] | None = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def plugged(self) -> bool:
        return self._fds is not None

    def plug(self) -> str:
        """Create the pty and point :attr:`path` at it; answers the path to open."""
        master, slave = os.openpty()
        tty.setraw(master)
        tty.setraw(slave)
        os.set_blocking(master, False)
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        self.path.symlink_to(os.ttyname(slave))
        self._fds = (master, slave)  # the slave stays open here too: the line is up while plugged
        self._stop.clear()
        self._thread = threading.Thread(target=self._listen, args=(master,), name="sim-scanner", daemon=True)
        self._thread.start()
        return str(self.path)

    def unplug(self) -> None:
        """Pull the cable: the pty closes (the host's reads fail) and the path disappears."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
            self._thread = None
        fds, self._fds = self._fds, None
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
        for fd in fds or ():
            with contextlib.suppress(OSError):
                os.close(fd)

    def close(self) -> None:
        self.unplug()
        if self._dir is not None:
            self._dir.cleanup()

    def __enter__(self) -> SimulatedQrScanner:
        self.plug()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def present(self, code: str) -> None:
        """Hold ``code`` in front of the camera (continuous mode: it is sent at once)."""
        with self._lock:
            self._presented = code
            if self.mode == "continuous" or self.triggered:
                self._decoded()

    def take_away(self) -> None:
        with self._lock:
            self._presented = None

    def send_raw(self, data: bytes) -> None:
        """Put ``data`` on the line as it is."""
        if self._fds is None:
            raise RuntimeError("scanner not plugged in")
        view = memoryview(data)
        while view:
            _, writable, _ = select.select([], [self._fds[0]], [], 1.0)
            if not writable:
                raise TimeoutError("nobody reads the scanner's port")
            view = view[os.write(self._fds[0], view) :]

    def _decoded(self) -> None:
        """Send the presented code; a trigger ends with the read (lock held)."""
        if self._presented is None:
            return
        self.send_raw(self._presented.encode("utf-8") + self.suffix)
        if self.mode == "trigger":
            self.triggered = False
            self._presented = None

    def _listen(self, master: int) -> None:
        pending = b""
        while not self._stop.is_set():
            readable, _, _ = select.select([master], [], [], POLL_S)
            if not readable:
                continue
            try:
                pending += os.read(master, 256)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:  # EIO: nobody holds the port open right now
                self._stop.wait(POLL_S)
                continue
            pending = self._commands(pending)[-(len(TRIGGER_ON) - 1) :]  # keep a command cut in two

    def _commands(self, pending: bytes) -> bytes:
        """Carry out the commands in ``pending`` in the order they came; answer what follows them."""
        while True:
            hits = [(pending.find(c), c) for c in (TRIGGER_ON, TRIGGER_OFF) if c in pending]
            if not hits:
                return pending
            at, command = min(hits)
            pending = pending[at + len(command) :]
            with self._lock:
                self.commands.append(command)
                self.triggered = command == TRIGGER_ON
                if self.triggered:
                    self._decoded()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Simulated QR/barcode scanner on a pty")
    parser.add_argument("--suffix", choices=("CR", "LF", "CRLF"), default="CR")
    parser.add_argument("--mode", choices=("continuous", "trigger"), default="continuous")
    args = parser.parse_args(argv)
    with SimulatedQrScanner(suffix=args.suffix, mode=args.mode) as scanner:
        print(f"scanner at {scanner.path}; each line typed here is scanned (Ctrl+D ends)", flush=True)
        for line in sys.stdin:
            scanner.present(line.rstrip("\n"))


if __name__ == "__main__":
    main()

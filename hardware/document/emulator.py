"""An office A4 printer that takes PDF over AppSocket (raw TCP, port 9100 style): a real peer.

CUPS drives it as it drives a networked PDF-capable laser printer: a queue with the
cups-filters "Generic PDF Printer" PPD and ``socket://host:port``. Each connection is one job:
PJL around a PDF (``@PJL ENTER LANGUAGE = PDF``), which the emulator unwraps and keeps. Fault
switch ``online = False`` closes the port, as a printer that is switched off or unplugged:
CUPS then keeps the job waiting and retrying, which is what a stuck job looks like.

    python -m hardware.document.emulator --port 9100 --out artifacts/a4
"""
from __future__ import annotations

import argparse
import contextlib
import socket
import threading
import time
from pathlib import Path

MAX_JOB_BYTES = 64 * 1024 * 1024  # a job larger than this is cut off (bounded memory)


def unwrap_pjl(data: bytes) -> bytes:
    """The PDF inside a PJL job (``%PDF`` … ``%%EOF``), or the data unchanged when there is none."""
    start = data.find(b"%PDF-")
    end = data.rfind(b"%%EOF")
    if start < 0 or end < start:
        return data
    return data[start : end + len(b"%%EOF")] + b"\n"


class PdfPrinterEmulator:
    """Listens on ``host:port`` (0: a free port, see :attr:`port`) while :attr:`online`."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, out_dir: Path | None = None) -> None:
        self.host, self.out_dir = host, out_dir
        self.jobs: list[bytes] = []  # the PDF of each job received, in order
        self.raw: list[bytes] = []  # each job as it came, PJL included
        self._lock = threading.Lock()
        self._received = threading.Condition(self._lock)
        self._port = port
        self._server: socket.socket | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return self._port

    @property
    def url(self) -> str:
        """The device URI of a CUPS queue for this printer."""
        return f"socket://{self.host}:{self.port}"

    @property
    def online(self) -> bool:
        return self._server is not None

    @online.setter
    def online(self, value: bool) -> None:
        if value and self._server is None:
            self.start()
        elif not value and self._server is not None:
            self.stop()

    def start(self) -> PdfPrinterEmulator:
        server = socket.create_server((self.host, self._port))
        server.settimeout(0.1)
        self._port = server.getsockname()[1]  # keep the port when switched off and on again
        self._server = server
        self._stop.clear()
        self._thread = threading.Thread(target=self._accept, args=(server,), name="a4-emulator", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5.0)
            self._thread = None
        if server is not None:
            server.close()

    def __enter__(self) -> PdfPrinterEmulator:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def wait_for_jobs(self, count: int, timeout_s: float = 30.0) -> list[bytes]:
        """The PDFs of the first ``count`` jobs, once that many have arrived."""
        with self._received:
            if not self._received.wait_for(lambda: len(self.jobs) >= count, timeout_s):
                raise TimeoutError(f"{len(self.jobs)} of {count} jobs arrived within {timeout_s} s")
            return self.jobs[:count]

    def _accept(self, server: socket.socket) -> None:
        while not self._stop.is_set():
            try:
                connection, _ = server.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=self._job, args=(connection,), name="a4-job", daemon=True).start()

    def _job(self, connection: socket.socket) -> None:
        data = bytearray()
        with connection:
            connection.settimeout(30.0)
            with contextlib.suppress(OSError):
                while chunk := connection.recv(65536):
                    if len(data) < MAX_JOB_BYTES:
                        data += chunk[: MAX_JOB_BYTES - len(data)]
        if not data.strip():
            return  # a connection test (CUPS' socket backend probes before sending)
        pdf = unwrap_pjl(bytes(data))
        with self._received:
            self.raw.append(bytes(data))
            self.jobs.append(pdf)
            number = len(self.jobs)
            self._received.notify_all()
        if self.out_dir is not None:
            self.out_dir.mkdir(parents=True, exist_ok=True)
            (self.out_dir / f"job-{number:04d}.pdf").write_bytes(pdf)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="A4 PDF printer on raw TCP (AppSocket)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=9100)
    parser.add_argument("--out", type=Path, default=Path("artifacts/a4"), help="folder for the received PDFs")
    args = parser.parse_args(argv)
    with PdfPrinterEmulator(args.host, args.port, args.out) as printer:
        print(f"A4 printer at {printer.url}; PDFs go to {args.out}. Ctrl+C stops.", flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            while True:
                time.sleep(1)


if __name__ == "__main__":
    main()

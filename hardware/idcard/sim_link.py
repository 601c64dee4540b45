"""The simulator's end of the line: a pty pair or a TCP server, each served by one thread.

A handler gets the bytes received and the frame decoder of the current connection, and
answers the bytes to write back.
"""
from __future__ import annotations

import contextlib
import os
import select
import socket
import threading
import tty
from collections.abc import Callable

from hardware.idcard.frame import FrameDecoder

Handler = Callable[[bytes, FrameDecoder], bytes]
POLL_S = 0.1


class PtyEndpoint:
    """A pty pair: the simulator holds the master, the reader opens ``url`` (the slave path).

    The simulator keeps the slave open too, so a reader closing and reopening the path never
    makes the master fail with EIO.
    """

    def __init__(self) -> None:
        self.master, self.slave = os.openpty()
        tty.setraw(self.master)
        tty.setraw(self.slave)
        os.set_blocking(self.master, False)
        self.url = os.ttyname(self.slave)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, handler: Handler) -> None:
        self._thread = threading.Thread(target=self._run, args=(handler,), name="sam-pty", daemon=True)
        self._thread.start()

    def _run(self, handler: Handler) -> None:
        decoder = FrameDecoder()
        while not self._stop.is_set():
            readable, _, _ = select.select([self.master], [], [], POLL_S)
            if not readable:
                continue
            try:
                received = os.read(self.master, 4096)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:  # EIO: nobody on the other side right now
                self._stop.wait(POLL_S)
                continue
            self._write(handler(received, decoder))

    def _write(self, data: bytes) -> None:
        while data and not self._stop.is_set():
            _, writable, _ = select.select([], [self.master], [], POLL_S)
            if writable:
                try:
                    data = data[os.write(self.master, data) :]
                except (BlockingIOError, InterruptedError):
                    continue

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
        for fd in (self.master, self.slave):
            with contextlib.suppress(OSError):
                os.close(fd)


class TcpEndpoint:
    """A TCP server for ``socket://host:port`` (one reader connection at a time)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.server = socket.create_server((host, port))
        self.server.settimeout(POLL_S)
        bound_host, bound_port = self.server.getsockname()[:2]
        self.url = f"socket://{bound_host}:{bound_port}"
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, handler: Handler) -> None:
        self._thread = threading.Thread(target=self._run, args=(handler,), name="sam-tcp", daemon=True)
        self._thread.start()

    def _run(self, handler: Handler) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.server.accept()
            except (TimeoutError, OSError):
                continue
            with conn:
                self._serve(conn, handler)

    def _serve(self, conn: socket.socket, handler: Handler) -> None:
        decoder = FrameDecoder()
        conn.settimeout(POLL_S)
        while not self._stop.is_set():
            try:
                received = conn.recv(4096)
            except TimeoutError:
                continue
            except OSError:
                return
            if not received:
                return
            with contextlib.suppress(OSError):
                conn.sendall(handler(received, decoder))

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2.0)
        self.server.close()

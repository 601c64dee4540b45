"""A simulated RS-485 line: two pseudo-terminals joined by a relay thread (like ``socat pty pty``).

The devices' server opens :attr:`PtyLine.device_port`, the host opens
:attr:`PtyLine.host_port`; the relay copies bytes both ways and can put noise on the line.
"""
from __future__ import annotations

import contextlib
import os
import select
import threading
import tty
from collections import deque


class PtyLine:
    """Two pty pairs and a relay between their master ends."""

    def __init__(self) -> None:
        self._fds: list[int] = []
        self.device_port = ""
        self.host_port = ""
        self._device_master = self._host_master = -1
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._write_lock = threading.Lock()
        # The last chunks relayed, ("host"|"device", bytes) by sender, for tests that check the wire.
        self.traffic: deque[tuple[str, bytes]] = deque(maxlen=1000)

    def open(self) -> None:
        """Create the ptys and start relaying."""
        self._device_master, self.device_port = self._pair()
        self._host_master, self.host_port = self._pair()
        self._stop.clear()
        self._thread = threading.Thread(target=self._relay, name="rs485-line", daemon=True)
        self._thread.start()

    def _pair(self) -> tuple[int, str]:
        master, slave = os.openpty()
        tty.setraw(master)
        tty.setraw(slave)
        self._fds += [master, slave]  # keep the slave open: the line stays up between openers
        return master, os.ttyname(slave)

    def inject_to_host(self, data: bytes) -> None:
        """Put bytes on the line towards the host, as noise from a bad cable would."""
        with self._write_lock:
            os.write(self._host_master, data)

    def _relay(self) -> None:
        peers = {self._device_master: self._host_master, self._host_master: self._device_master}
        while not self._stop.is_set():
            try:
                ready, _, _ = select.select(list(peers), [], [], 0.05)
                for fd in ready:
                    data = os.read(fd, 4096)
                    self.traffic.append(("device" if fd == self._device_master else "host", data))
                    with self._write_lock:
                        os.write(peers[fd], data)
            except OSError:
                if self._stop.is_set():
                    return
                self._stop.wait(0.01)  # a side closed and reopened its port (EIO on the master)

    def close(self) -> None:
        """Stop relaying and close every pty."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
            self._thread = None
        for fd in self._fds:
            with contextlib.suppress(OSError):
                os.close(fd)
        self._fds = []

"""systemd's notify protocol (READY, WATCHDOG, STOPPING) without a library.

Does nothing when the process was not started by systemd with ``Type=notify``. The watchdog
pings only while ``healthy()`` says so; a wedged process stops pinging and systemd restarts it.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Callable
from typing import Any, Protocol

log = logging.getLogger(__name__)


def notify(message: str) -> bool:
    path = os.environ.get("NOTIFY_SOCKET")
    if not path:
        return False
    address = "\0" + path[1:] if path.startswith("@") else path
    try:
        with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as s:
            s.connect(address)
            s.sendall(message.encode())
        return True
    except OSError as err:
        log.warning("systemd notify failed: %s", err)
        return False


def watchdog_interval_s() -> float | None:
    """Half the unit's ``WatchdogSec``, or None when no watchdog is configured for us."""
    usec = os.environ.get("WATCHDOG_USEC")
    pid = os.environ.get("WATCHDOG_PID")
    if not usec or (pid and pid != str(os.getpid())):
        return None
    try:
        return max(0.5, int(usec) / 2_000_000)
    except ValueError:
        return None


def supervise(ready: Callable[[], bool], healthy: Callable[[], bool], stop: threading.Event,
              name: str = "sd-watchdog") -> threading.Thread:
    """Send READY=1 once ``ready()`` holds, then WATCHDOG=1 while ``healthy()`` holds."""

    def run() -> None:
        while not stop.is_set() and not ready():
            stop.wait(0.2)
        if stop.is_set():
            return
        notify("READY=1\nSTATUS=serving")
        interval = watchdog_interval_s()
        while interval is not None and not stop.wait(interval):
            if healthy():
                notify("WATCHDOG=1")
            else:
                log.error("unhealthy: not pinging the systemd watchdog")

    t = threading.Thread(target=run, name=name, daemon=True)
    t.start()
    return t


class UiClock(Protocol):
    """What a UI toolkit's clock offers (Kivy's ``Clock``): run a callback every so often."""

    def schedule_interval(self, callback: Callable[[float], None], timeout: float) -> Any: ...

    def schedule_once(self, callback: Callable[[float], None], timeout: float = 0) -> Any: ...


def ui_watchdog(clock: UiClock, stall_s: float = 10.0) -> Callable[[], None]:
    """READY once the UI clock ticks, WATCHDOG while it keeps ticking (a frozen UI stops the pings).

    Call before the UI's main loop (``App.run()``) with its clock; call the returned function after it."""
    import time

    beat = [0.0]

    def tick(_dt: float) -> None:
        beat[0] = time.monotonic()

    event = clock.schedule_interval(tick, 1.0)
    clock.schedule_once(tick, 0)
    stop = threading.Event()
    supervise(lambda: beat[0] > 0, lambda: time.monotonic() - beat[0] < stall_s, stop, name="ui-watchdog")

    def done() -> None:
        stop.set()
        event.cancel()
        notify("STOPPING=1")

    return done

"""The window-screen bridge: each window's RS-485 LED screen follows the hall on MQTT.

``windows/{n}/state`` and ``calls`` decide what each screen says (:func:`screen_text`):
请A001号办理 while a ticket is called or served, 暂停服务 when the window is paused, the
window's name when it is idle or closed. One thread writes the screens in turn through
:class:`hardware.rs485.WindowScreen`; a screen that does not answer is retried every
``screen_retry_s`` and reported as a fault (``screen_3_no_answer``) on the bridge's status
topic, while the other screens keep being written.
"""
from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from display.device_link import DeviceLink
from hardware.rs485 import (
    DeviceGarbled,
    DeviceMismatch,
    DeviceNoAnswer,
    DeviceRejected,
    LineUnavailable,
    Rs485Bus,
    Rs485Error,
    WindowScreen,
)
from queue_server.protocol import CallMessage, Topics, ValidationError, WindowState, parse_json_object
from queue_server.settings import Settings

log = logging.getLogger(__name__)

PAUSED = "暂停服务"
FAULT_WORDS: dict[type[Rs485Error], str] = {
    DeviceNoAnswer: "no_answer", DeviceGarbled: "garbled", DeviceRejected: "rejected", DeviceMismatch: "wrong_device",
}


def screen_text(w: WindowState) -> str:
    """What window ``w``'s screen says."""
    if w.status == "paused":
        return PAUSED
    if w.status == "open" and w.current and w.current_state in (None, "called", "serving"):
        return f"请{w.current}号办理"
    return w.name or f"{w.number}号窗口"


def screen_units(settings: Settings) -> dict[int, int]:
    """Window number → Modbus unit: ``[display] screen_units``, else ``[devices] rs485_units`` ``w<N>-screen``."""
    if settings.display.screen_units:
        return dict(settings.display.screen_units)
    units: dict[int, int] = {}
    for name, unit in settings.devices.rs485_units.items():
        m = re.fullmatch(r"w(\d+)-screen", name)
        if m:
            units[int(m.group(1))] = unit
    return units


@dataclass
class Screen:
    window: int
    unit: int
    want: str
    shown: str | None = None
    fault: str | None = None
    checked: bool = False  # identity read once
    next_try: float = 0.0
    written_at: float = 0.0


class WindowScreenBridge:
    def __init__(self, settings: Settings, line_url: str, *, mqtt_url: str | None = None,
                 bus_factory: Callable[[str], Rs485Bus] | None = None) -> None:
        self.settings = settings
        d = settings.display
        self.line_url = line_url
        names = {w.number: w.display_name() for w in settings.windows}
        self.screens = {n: Screen(n, unit, names.get(n, f"{n}号窗口"))
                        for n, unit in sorted(screen_units(settings).items())}
        self.bus_factory = bus_factory or (lambda url: Rs485Bus.from_url(url, settings.devices.rs485_baudrate,
                                                                         settings.devices.rs485_timeout_s))
        self.bus: Rs485Bus | None = None
        self.line_fault = False
        self.line_next_try = 0.0
        self.topics = Topics(settings.hall.id)
        t = self.topics
        self.link = DeviceLink(mqtt_url or settings.server.mqtt_url, t, d.bridge_device_id, "window_screens",
                               (t.windows_all, t.calls), self.on_message, settings.hall.tz())
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.writes = 0

    def start(self) -> None:
        if not self.screens:
            log.warning("no window screens configured ([display] screen_units or [devices] rs485_units w<N>-screen)")
        self.link.start()
        self._thread = threading.Thread(target=self._run, name="window-screens", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(5)
        self.link.stop()
        if self.bus is not None:
            self.bus.close()

    # -- paho's thread -----------------------------------------------------------------------
    def on_message(self, topic: str, payload: bytes) -> None:
        tail = self.topics.tail(topic)
        try:
            if tail == ["calls"]:
                call = CallMessage.model_validate(parse_json_object(payload))
                self.want(call.window, f"请{call.number}号办理")
            elif len(tail) == 3 and tail[0] == "windows" and payload:
                w = WindowState.model_validate(parse_json_object(payload))
                self.want(w.number, screen_text(w))
        except (ValueError, ValidationError) as err:
            log.warning("ignored a malformed message on %s: %s", topic, str(err).splitlines()[0][:200])

    def want(self, window: int, text: str) -> None:
        with self._lock:
            s = self.screens.get(window)
            if s is None or s.want == text:
                return
            s.want = text
        self._wake.set()

    # -- the screens' thread -----------------------------------------------------------------
    def faults(self) -> list[str]:
        with self._lock:
            out = [f"screen_{s.window}_{s.fault}" for s in self.screens.values() if s.fault]
        return ["rs485_line_unavailable", *out] if self.line_fault else out

    def _run(self) -> None:
        self.link.link.wait_connected(2.0)
        self._stop.wait(0.2)  # let the retained window states arrive before the first pass
        brightness = self.settings.display.screen_brightness
        while not self._stop.is_set():
            self._wake.clear()
            if self._line_ready():
                self._pass(brightness)
            self.link.set_faults(self.faults())
            self._wake.wait(0.5)

    def _line_ready(self) -> bool:
        if self.bus is not None:
            return True
        now = time.monotonic()
        if now < self.line_next_try:
            return False
        bus = self.bus_factory(self.line_url)
        try:
            bus.open()
        except LineUnavailable as err:
            if not self.line_fault:
                log.error("%s", err)
            self.line_fault, self.line_next_try = True, now + self.settings.display.screen_retry_s
            return False
        self.bus, self.line_fault = bus, False
        log.info("RS-485 line %s open; %d screen(s)", self.line_url, len(self.screens))
        return True

    def _pass(self, brightness: int | None) -> None:
        refresh = self.settings.display.screen_refresh_s
        for s in list(self.screens.values()):
            if self._stop.is_set():
                return
            now = time.monotonic()
            with self._lock:
                text = s.want
            due = text != s.shown or now - s.written_at >= refresh
            if not due or now < s.next_try:
                continue
            self._write(s, text, brightness)

    def _write(self, s: Screen, text: str, brightness: int | None) -> None:
        assert self.bus is not None
        screen = WindowScreen(self.bus, s.unit)
        try:
            if not s.checked:
                screen.identify()
                if brightness is not None:
                    screen.set_brightness(brightness)
                s.checked = True
            screen.show(text)
        except LineUnavailable as err:
            log.error("lost the RS-485 line: %s", err)
            self.bus.close()
            self.bus, self.line_fault = None, True
            self.line_next_try = time.monotonic() + self.settings.display.screen_retry_s
            return
        except Rs485Error as err:
            fault = FAULT_WORDS.get(type(err), "error")
            if s.fault != fault:
                log.warning("window %d screen (unit %d): %s", s.window, s.unit, err)
            with self._lock:
                s.fault = fault
            s.next_try = time.monotonic() + self.settings.display.screen_retry_s
            if fault == "wrong_device":
                s.checked = False
            return
        if s.fault:
            log.info("window %d screen (unit %d) answers again", s.window, s.unit)
        with self._lock:
            s.fault = None
        s.shown, s.written_at, s.next_try = text, time.monotonic(), 0.0
        self.writes += 1
        log.debug("window %d screen: %s", s.window, text)


def run_bridge(settings: Settings, line_url: str | None) -> int:
    """``hallctl window-bridge``: run until SIGTERM or Ctrl-C."""
    import signal

    url = line_url or settings.devices.rs485_url
    if not url:
        log.error("no RS-485 line: give --line URL or set [devices] rs485_url")
        return 2
    bridge = WindowScreenBridge(settings, url)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    bridge.start()
    try:
        while not done.wait(1.0):
            pass
    except KeyboardInterrupt:
        pass
    bridge.stop()
    return 0

"""The window-device bridge: the RS-485 devices of the windows (screen, caller keypad, evaluator) on MQTT.

``windows/{n}/state`` and ``calls`` decide what each LED screen says (:func:`screen_text`):
请A001号办理 while a ticket is called or served, 暂停服务 when the window is paused, the
window's name when it is idle or closed; a keypad's error (无人等候, ...) shows for
``message_show_s`` in between. When the broker link has been down for ``offline_text_s``, every
screen says 暂停叫号 (``offline_text``) instead of a call that may no longer be true; after the
reconnect the retained window states arrive again and each screen its right text.
While a clerk with a display name is at an open or paused window, the screen adds the badge
(亮牌, 「工号 HB0301 张敏」) after its text when the line has room (:mod:`window_bridge.badge`).
Each caller keypad's presses become ``devices/{id}/rpc/window_command`` requests
(:mod:`window_bridge.keypads`);
each evaluator asks the server's rating requests and publishes the citizen's rating (:mod:`window_bridge.evaluators`).

One thread is the line's only master: it reads the keypads, serves the evaluators and writes
the screens in turn. A device that does not answer is retried every ``screen_retry_s`` and
reported as a fault (``screen_3_no_answer``, ``keypad_3_no_answer``,
``evaluator_3_no_answer``) on the bridge's status topic, while the other devices keep working.
"""
from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from hall_contract.link import DeviceLink
from hall_contract.protocol import CallMessage, Topics, WindowState, parse_json_object
from hardware.rs485 import LineUnavailable, Rs485Bus, WindowScreen
from window_bridge._line import LineDevice
from window_bridge.badge import badge_line, with_badge
from window_bridge.evaluators import EvaluatorDesk
from window_bridge.keypads import KeypadDesk
from window_bridge.settings import BridgeAppSettings as Settings

log = logging.getLogger(__name__)

PAUSED = "暂停服务"


def screen_text(w: WindowState) -> str:
    """What window ``w``'s screen says (with the clerk's badge when there is room)."""
    if w.status == "paused":
        text = PAUSED
    elif w.status == "open" and w.current and w.current_state in (None, "called", "serving"):
        text = f"请{w.current}号办理"
    else:
        text = w.name or f"{w.number}号窗口"
    return with_badge(text, badge_line(w))


def window_units(settings: Settings, kind: str) -> dict[int, int]:
    """Window number → Modbus unit of its ``kind`` (screen, keypad, evaluator) device:
    ``[window_bridge] {kind}_units``, else the ``[devices] rs485_units`` named ``w<N>-{kind}``."""
    configured: dict[int, int] = getattr(settings.window_bridge, f"{kind}_units")
    if configured:
        return dict(configured)
    units: dict[int, int] = {}
    for name, unit in settings.devices.rs485_units.items():
        m = re.fullmatch(rf"w(\d+)-{kind}", name)
        if m:
            units[int(m.group(1))] = unit
    return units


def screen_units(settings: Settings) -> dict[int, int]:
    """Window number → Modbus unit: ``[window_bridge] screen_units``, else ``[devices] rs485_units`` ``w<N>-screen``."""
    return window_units(settings, "screen")


@dataclass
class Screen(LineDevice):
    want: str = ""
    shown: str | None = None
    written_at: float = 0.0
    message: str | None = None  # a keypad's error, shown instead of ``want`` until ``message_until``
    message_until: float = 0.0

    def text(self, now: float, offline: str | None = None) -> str:
        """A keypad's message while it lasts, else ``offline`` when given (the hall is lost), else ``want``."""
        if self.message is not None and now < self.message_until:
            return self.message
        return offline if offline is not None else self.want


class WindowScreenBridge:
    """The window devices on one RS-485 line (screens, caller keypads, evaluators) and their MQTT side."""

    def __init__(self, settings: Settings, line_url: str, *, mqtt_url: str | None = None,
                 bus_factory: Callable[[str], Rs485Bus] | None = None) -> None:
        self.settings = settings
        d = settings.window_bridge
        self.line_url = line_url
        names = {w.number: w.display_name() for w in settings.windows}
        self.screens = {n: Screen("screen", n, unit, want=names.get(n, f"{n}号窗口"))
                        for n, unit in sorted(screen_units(settings).items())}
        self.badges: dict[int, str | None] = {}  # window → its clerk's badge, from its last state
        self.bus_factory = bus_factory or (lambda url: Rs485Bus.from_url(url, settings.devices.rs485_baudrate,
                                                                         settings.devices.rs485_timeout_s))
        self.bus: Rs485Bus | None = None
        self.line_fault = False
        self.line_next_try = 0.0
        self.topics = t = Topics(settings.hall.id)
        self._lock = threading.RLock()  # screens' wanted text and the keypads' commands (paho's and ours)
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.writes = 0
        self._lost_logged = False
        self.looped_at = time.monotonic()
        self.keypads = KeypadDesk(d, window_units(settings, "keypad"), t, settings.hall.tz(), self._publish,
                                  self.show_message, self._wake.set)
        self.evaluators = EvaluatorDesk(d, window_units(settings, "evaluator"), t, self._publish)
        self.link = DeviceLink(mqtt_url or settings.server.mqtt_url, t, d.device_id, "window_screens",
                               tz=settings.hall.tz())
        self.down_since: float | None = time.monotonic()  # the link is down from the start until it connects
        self.link.on_connected.append(self._link_up)
        self.link.on_disconnected.append(self._link_down)
        self.link.route(t.calls, self._on_call)
        self.link.route(t.windows_all, self._on_window)
        if self.keypads.keypads:
            self.link.route(t.reply(d.device_id), self._on_reply)
        if self.evaluators.evaluators:
            self.link.route(t.base + "evaluations/+/request", self._on_evaluation_request)

    def start(self) -> None:
        self.down_since = time.monotonic()
        if not (self.screens or self.keypads.keypads or self.evaluators.evaluators):
            log.warning("no window devices configured ([window_bridge] screen_units, keypad_units, evaluator_units "
                        "or [devices] rs485_units w<N>-screen, w<N>-keypad, w<N>-evaluator)")
        self.link.start()
        self._thread = threading.Thread(target=self._run, name="window-devices", daemon=True)
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
    def _link_up(self) -> None:
        with self._lock:
            was = self.down_since
            self.down_since = None
        if was is not None and self.offline(time.monotonic(), was):
            log.info("broker back: the screens show the windows' state again")
        self._wake.set()

    def _link_down(self) -> None:
        with self._lock:
            self.down_since = time.monotonic()
        self._wake.set()

    def offline(self, now: float, since: float | None = None) -> bool:
        """The link has been down for ``offline_text_s`` (the screens say ``offline_text``)."""
        since = self.down_since if since is None else since
        return since is not None and now - since >= self.settings.window_bridge.offline_text_s

    def _on_call(self, _topic: str, payload: bytes) -> None:
        call = CallMessage.model_validate(parse_json_object(payload))
        with self._lock:
            badge = self.badges.get(call.window)
        self.want(call.window, with_badge(f"请{call.number}号办理", badge))

    def _on_window(self, _topic: str, payload: bytes) -> None:
        if not payload:
            return  # a retained state was cleared
        w = WindowState.model_validate(parse_json_object(payload))
        with self._lock:
            self.badges[w.number] = badge_line(w)
        self.want(w.number, screen_text(w))
        with self._lock:
            self.keypads.on_window(w)

    def _on_reply(self, _topic: str, payload: bytes) -> None:
        with self._lock:
            self.keypads.on_reply(payload)

    def _on_evaluation_request(self, topic: str, payload: bytes) -> None:
        tail = self.topics.tail(topic)
        if len(tail) == 3 and tail[1].isdigit() and self.evaluators.on_request(int(tail[1]), payload):
            self._wake.set()

    def _publish(self, topic: str, payload: bytes) -> None:
        self.link.publish(topic, payload)

    def want(self, window: int, text: str) -> None:
        with self._lock:
            s = self.screens.get(window)
            if s is None or s.want == text:
                return
            s.want = text
        self._wake.set()

    def show_message(self, window: int, text: str) -> None:
        """Show ``text`` on window ``window``'s screen for ``message_show_s``, then its normal text again."""
        with self._lock:
            s = self.screens.get(window)
            if s is None:
                return
            s.message, s.message_until = text, time.monotonic() + self.settings.window_bridge.message_show_s
        self._wake.set()

    # -- the line's thread -------------------------------------------------------------------
    def healthy(self) -> bool:
        """The line's thread goes round (a wedged one stops the systemd watchdog's pings)."""
        return self._thread is not None and self._thread.is_alive() and time.monotonic() - self.looped_at < 20

    def faults(self) -> list[str]:
        devices = [*self.screens.values(), *self.keypads.keypads.values(), *self.evaluators.evaluators.values()]
        out = [f for d in devices if (f := d.fault_name)]
        return ["rs485_line_unavailable", *out] if self.line_fault else out

    def _run(self) -> None:
        self.link.wait_connected(2.0)
        self._stop.wait(0.2)  # let the retained window states arrive before the first pass
        brightness = self.settings.window_bridge.screen_brightness
        while not self._stop.is_set():
            self._wake.clear()
            self.looped_at = time.monotonic()
            if self._line_ready():
                try:
                    self._line_pass(brightness)
                except LineUnavailable as err:
                    self._line_lost(err)
            self._send_commands()
            self.link.set_faults(self.faults())
            self._wake.wait(self._sleep_s())

    def _line_pass(self, brightness: int | None) -> None:
        """Keypads first (a press goes out at once), then the evaluators, then the screens."""
        assert self.bus is not None
        commands = self.keypads.poll(self.bus, time.monotonic())
        if commands:
            with self._lock:
                self.keypads.add(commands)
            self._send_commands()
        self.evaluators.service(self.bus, time.monotonic())
        self._pass(brightness)

    def _send_commands(self) -> None:
        with self._lock:
            out = self.keypads.due(time.monotonic(), send=self.link.connected)
        for topic, payload in out:
            self._publish(topic, payload)

    def _sleep_s(self) -> float:
        """Until the next keypad read, evaluator step, retry or end of a message (at most 0.5 s)."""
        now = time.monotonic()
        due = now + 0.5
        if self.keypads.busy():
            due = min(due, now + 0.1)
        if self.bus is not None:
            due = min(due, self.keypads.next_poll(), self.evaluators.next_due())
        with self._lock:
            due = min([due, *(s.message_until for s in self.screens.values() if s.message and s.message_until > now)])
            if self.down_since is not None and not self.offline(now):
                due = min(due, self.down_since + self.settings.window_bridge.offline_text_s)
        return max(0.01, due - now)

    def _line_lost(self, err: LineUnavailable) -> None:
        log.error("lost the RS-485 line: %s", err)
        if self.bus is not None:
            self.bus.close()
        self.bus, self.line_fault = None, True
        self.line_next_try = time.monotonic() + self.settings.window_bridge.screen_retry_s

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
            self.line_fault, self.line_next_try = True, now + self.settings.window_bridge.screen_retry_s
            return False
        self.bus, self.line_fault = bus, False
        log.info("RS-485 line %s open; %d screen(s), %d keypad(s), %d evaluator(s)", self.line_url, len(self.screens),
                 len(self.keypads.keypads), len(self.evaluators.evaluators))
        return True

    def _pass(self, brightness: int | None) -> None:
        refresh = self.settings.window_bridge.screen_refresh_s
        lost = self.offline(time.monotonic())
        if lost and not self._lost_logged:
            log.warning("broker lost for %.0f s: the screens say %s", self.settings.window_bridge.offline_text_s,
                        self.settings.window_bridge.offline_text)
        self._lost_logged = lost
        offline_text = self.settings.window_bridge.offline_text if lost else None
        for s in list(self.screens.values()):
            if self._stop.is_set() or self.bus is None:  # stopping, or the line was lost
                return
            now = time.monotonic()
            with self._lock:
                text = s.text(now, offline_text)
            due = text != s.shown or now - s.written_at >= refresh
            if not due or now < s.next_try:
                continue
            self._write(s, text, brightness)

    def _write(self, s: Screen, text: str, brightness: int | None) -> None:
        assert self.bus is not None
        screen = WindowScreen(self.bus, s.unit)

        def show() -> None:
            if not s.checked:
                screen.identify()
                if brightness is not None:
                    screen.set_brightness(brightness)
                s.checked = True
            screen.show(text)

        try:
            if not s.attempt(self.settings.window_bridge.screen_retry_s, show):
                return
        except LineUnavailable as err:
            self._line_lost(err)
            return
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
    from hall_contract.sdnotify import notify, supervise

    bridge = WindowScreenBridge(settings, url)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    bridge.start()
    supervise(lambda: True, bridge.healthy, done, name="bridge-watchdog")  # Type=notify in its systemd unit
    try:
        while not done.wait(1.0):
            pass
    except KeyboardInterrupt:
        pass
    done.set()
    notify("STOPPING=1")
    bridge.stop()
    return 0

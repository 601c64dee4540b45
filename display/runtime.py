"""The display without its window: MQTT in, board view-model, voice calling, device status.

MQTT messages arrive on paho's thread: each is decoded there (a malformed or unknown one is
logged and dropped, never reaching the screen), a call is handed to the announcer at once,
and the model is queued for the UI thread, which folds it into the :class:`BoardModel` in
:meth:`DisplayRuntime.drain`. No Kivy import: tests drive this class without a window.
"""
from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from datetime import datetime

from display.announcer import Announcer, speech_config
from display.board import BoardModel, BoardView, Decoded, Resync, WindowCleared, decode
from display.settings import DisplayAppSettings as Settings
from hall_contract.link import DeviceLink
from hall_contract.protocol import CallMessage, DeviceCommand, Topics, WindowState
from hardware.speech import NullOutput, SpeechService, chinese_number

log = logging.getLogger(__name__)


class DisplayRuntime:
    def __init__(self, settings: Settings, *, voice: bool | None = None, speech: SpeechService | None = None,
                 mqtt_url: str | None = None) -> None:
        self.settings = settings
        d = settings.display
        self.tz = settings.hall.tz()
        self.topics = Topics(settings.hall.id)
        calls = settings.policy.calls
        self.model = BoardModel(hall_name=settings.hall.name, windows_filter=set(d.windows),
                                recent_count=d.recent_calls, flash_s=d.flash_s,
                                default_notice=d.default_notice.replace("{calls}", chinese_number(calls)),
                                calls_per_ticket=calls, offline_banner_s=d.offline_banner_s,
                                english=settings.hall.language == "en")
        self.inbox: queue.SimpleQueue[tuple[Decoded, float]] = queue.SimpleQueue()
        self.voice = d.voice if voice is None else voice
        self.announcer: Announcer | None = None
        if self.voice:
            self.announcer = Announcer(speech or SpeechService(speech_config(d)), d, self.tz, calls)
        t = self.topics
        self.link = DeviceLink(mqtt_url or settings.server.mqtt_url, t, d.device_id, "display", tz=self.tz)
        for topic_filter in (t.board, t.windows_all, t.queues_all, t.calls, t.device_cmd(d.device_id)):
            self.link.route(topic_filter, self.on_message)
        self.link.on_connected.append(self._link_up)
        self.link.on_disconnected.append(self._link_down)
        self.link_changes: queue.SimpleQueue[tuple[bool, float]] = queue.SimpleQueue()
        self.notify: Callable[[], None] = lambda: None
        self.rejected = 0
        self.was_live = True  # as the last tick saw it
        self.received = 0
        self.applied_calls: list[tuple[str, float]] = []  # (number, when shown) for benchmarks; capped

    def start(self, notify: Callable[[], None] | None = None) -> None:
        """Connect and start speaking; ``notify`` is called (from any thread) when :meth:`drain` has work."""
        self.notify = notify or self.notify
        unknown = [n for n in self.settings.display.windows if n not in {w.number for w in self.settings.windows}]
        if unknown:
            log.warning("display.windows lists windows the hall does not have: %s", unknown)
        if self.announcer is not None:
            self.announcer.start([w.number for w in self.settings.windows], [q.code for q in self.settings.queues])
        self.model.offline_since = time.monotonic()  # not connected yet: the banner if that lasts
        self.link.start()

    def stop(self) -> None:
        self.link.stop()
        if self.announcer is not None:
            self.announcer.stop()

    # -- paho's thread -----------------------------------------------------------------------
    def _link_up(self) -> None:
        """Subscribed again: the retained states follow, so the old picture of windows and queues goes."""
        self.link_changes.put((True, time.monotonic()))
        self.inbox.put((Resync(), time.monotonic()))
        self.notify()

    def _link_down(self) -> None:
        self.link_changes.put((False, time.monotonic()))
        self.notify()

    def on_message(self, topic: str, payload: bytes) -> None:
        received = time.monotonic()
        self.received += 1
        try:
            msg = decode(self.topics, self.settings.display.device_id, topic, payload)
        except ValueError as err:
            self.rejected += 1
            log.warning("ignored a malformed message on %s: %s", topic, str(err).splitlines()[0][:200])
            return
        if msg is None:
            return
        a = self.announcer
        if a is not None:
            if isinstance(msg, CallMessage):
                a.announce(msg, received=received)
            elif isinstance(msg, WindowState):
                a.window_state(msg)
            elif isinstance(msg, WindowCleared):
                a.window_cleared(msg.number)
        if isinstance(msg, DeviceCommand) and msg.cmd == "reload":
            log.info("reload asked: reconnecting to fetch every retained state again")
            threading.Thread(target=self.link.restart, name="display-reload", daemon=True).start()
        self.inbox.put((msg, received))
        self.notify()

    # -- the UI thread -----------------------------------------------------------------------
    def drain(self, now: float | None = None) -> bool:
        """Fold queued messages into the model; True when the screen must change."""
        now = time.monotonic() if now is None else now
        changed = False
        while True:
            try:
                msg, _arrived = self.inbox.get_nowait()
            except queue.Empty:
                return changed
            try:
                applied = self.model.apply(msg, now)
            except Exception:  # a bug must not blank the screen: keep the last picture
                log.exception("could not apply %s", type(msg).__name__)
                continue
            changed |= applied
            if applied and isinstance(msg, CallMessage):
                self.applied_calls.append((msg.number, now))
                del self.applied_calls[:-1000]

    def tick(self, now: float | None = None) -> bool:
        """A few times a second: connection state, the banner, faults; True when the screen must change."""
        now = time.monotonic() if now is None else now
        was_live = self.was_live
        changed = False
        while True:
            try:
                up, at = self.link_changes.get_nowait()
            except queue.Empty:
                break
            changed |= self.model.set_online(up, at)
        changed |= self.model.set_online(self.link.connected, now)  # a change the hooks did not see
        if changed:
            log.log(logging.INFO if self.model.online else logging.WARNING,
                    "broker %s", "connected" if self.model.online else "lost: showing the last state")
        live = self.was_live = self.model.live(now)
        if live != was_live:
            changed = True
            if live:
                log.info("live again: banner cleared")
            else:
                log.warning("broker lost for %.0f s: banner shown, nothing shown as current",
                            now - (self.model.offline_since or now))
                if self.announcer is not None:
                    self.announcer.drop_all("the display has lost the hall")
        self.link.set_faults(self.faults())
        return changed

    def faults(self) -> list[str]:
        a = self.announcer
        if a is None or not a.speech.wait_ready(0):
            return []
        out = ["speech_unavailable"] if a.speech.unavailable else []
        if isinstance(a.speech.output, NullOutput) and self.settings.display.audio_output == "auto":
            out.append("no_audio_output")
        return out

    def view(self, now: float | None = None) -> BoardView:
        return self.model.view(time.monotonic() if now is None else now)

    def now(self) -> datetime:
        return datetime.now(self.tz)

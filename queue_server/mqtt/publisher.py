"""Announces the hall on MQTT: calls at once, retained state for boards, windows, queues, advice.

Calls and window states are published inside the command's lock, so subscribers see them in
commit order. Board and queue states are coalesced (``publish_interval_s``) so a burst of
ticket issues does not become a burst of identical boards. On every (re)connect all retained
state is published again, so a broker restarted without persistence is whole again at once.
"""
from __future__ import annotations

import logging
import threading

from hall_contract.link import DeviceLink
from hall_contract.protocol import Topics
from queue_server import payloads
from queue_server.service import Event, HallService

log = logging.getLogger(__name__)


class StatePublisher:
    def __init__(self, service: HallService, link: DeviceLink, topics: Topics) -> None:
        self.service = service
        self.link = link
        self.topics = topics
        self.interval = service.settings.server.publish_interval_s
        self._dirty_queues: set[str] = set()
        self._dirty_board = False
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._flusher, name="state-publisher", daemon=True)

    def start(self) -> None:
        self.service.listeners.append(self.on_event)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self.on_event in self.service.listeners:
            self.service.listeners.remove(self.on_event)
        self._thread.join(timeout=2)
        self.flush()

    def on_event(self, ev: Event) -> None:
        svc = self.service
        with svc.lock:
            if ev.change is not None and ev.change.call is not None:
                self.link.publish(self.topics.calls, payloads.call_message(ev.change.call, svc.tz).to_json())
            for n in sorted(ev.windows):
                w = svc.hall.windows.get(n)
                if w is not None:
                    self.link.publish(self.topics.window_state(n), payloads.window_state(w, svc.tz).to_json(),
                                      retain=True)
            if ev.advice is not None:
                self.publish_advice()
            self._dirty_queues |= ev.queues
            self._dirty_board = self._dirty_board or bool(ev.queues or ev.windows or ev.state_only
                                                          or ev.change is not None)
        if self.interval <= 0:
            self.flush()
        else:
            self._wake.set()

    def publish_advice(self) -> None:
        svc = self.service
        msg = payloads.advice_message(svc.advice, svc.tz, svc.settings.advisor.auto_apply, svc.dismissed)
        self.link.publish(self.topics.advice, msg.to_json(), retain=True)

    def flush(self) -> None:
        svc = self.service
        with svc.lock:
            queues, self._dirty_queues = self._dirty_queues, set()
            board, self._dirty_board = self._dirty_board, False
            now = svc.now()
            for code in sorted(queues):
                if code in svc.hall.queues:
                    self.link.publish(self.topics.queue_state(code),
                                      payloads.queue_state(svc.hall, code, now).to_json(), retain=True)
            if board:
                self.link.publish(self.topics.board, self._board(now), retain=True)

    def _board(self, now: object) -> bytes:
        svc = self.service
        s = svc.settings.hall
        return payloads.board(svc.hall, svc.now(), s.id, s.name, svc.notice).to_json()

    def publish_all(self) -> None:
        """Everything retained, again (after a (re)connect)."""
        svc = self.service
        with svc.lock:
            for w in svc.hall.windows.values():
                self.link.publish(self.topics.window_state(w.number), payloads.window_state(w, svc.tz).to_json(),
                                  retain=True)
            self._dirty_queues |= set(svc.hall.queues)
            self._dirty_board = True
            self.publish_advice()
        self.flush()

    def _flusher(self) -> None:
        while not self._stop.is_set():
            self._wake.wait()
            self._wake.clear()
            if self._stop.wait(self.interval):
                return
            try:
                self.flush()
            except Exception:
                log.exception("publishing state failed")

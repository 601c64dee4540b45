"""Announces the hall on MQTT: calls at once, retained state for boards, windows, queues, advice.

Calls and window states go out from the service's listener, which the service calls under its
lock with the payloads it built there, so subscribers see them in commit order. Board and queue
states are coalesced (``publish_interval_s``) so a burst of ticket issues does not become a
burst of identical boards. Every retained state carries the service's event version, and a
retained topic never gets a state older than the one it has (two flushes may race). On every
(re)connect all retained state is published again, so a broker restarted without persistence
is whole again at once. A window's state names its clerk by the badge (``badge_of``: display name and
staff number), never by the login name.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from hall_contract.link import DeviceLink
from hall_contract.protocol import Message, Topics, WindowState
from queue_server.service import Event, HallService, RetainedState

log = logging.getLogger(__name__)

#: a clerk's login name → their badge: display name and staff number (either None when not recorded)
BadgeOf = Callable[[str], tuple[str | None, str | None]]


def window_payload(w: WindowState, badge_of: BadgeOf | None) -> bytes:
    """``w`` as the window topic carries it: the clerk's badge in place of the login name."""
    name, staff_no = badge_of(w.clerk) if w.clerk and badge_of is not None else (None, None)
    shown = WindowState.model_validate({**w.model_dump(exclude={"clerk"}), "clerk_name": name,
                                        "staff_no": staff_no})  # plain, bounded text
    return shown.model_dump_json(exclude={"clerk"}).encode()


class StatePublisher:
    def __init__(self, service: HallService, link: DeviceLink, topics: Topics,
                 badge_of: BadgeOf | None = None) -> None:
        self.service = service
        self.badge_of = badge_of
        self.link = link
        self.topics = topics
        self.interval = service.settings.server.publish_interval_s
        self._dirty_queues: set[str] = set()
        self._dirty_board = False
        self._dirty_lock = threading.Lock()
        #: held while publishing retained state (never while asking the service)
        self._publish_lock = threading.Lock()
        self._published: dict[str, int] = {}
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._flusher, name="state-publisher", daemon=True)

    def start(self) -> None:
        self.service.listeners.insert(0, self.on_event)  # the call goes out before anyone else hears of it
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self.on_event in self.service.listeners:
            self.service.listeners.remove(self.on_event)
        self._thread.join(timeout=2)
        self.flush()

    def on_event(self, ev: Event) -> None:
        """The service's listener (called under the service's lock, so in commit order)."""
        if ev.call_message is not None:
            self.link.publish(self.topics.calls, ev.call_message.to_json())
        for w in ev.windows:
            self._retain(self.topics.window_state(w.number), w, ev.version)
        if ev.advice is not None:
            self._retain(self.topics.advice, ev.advice, ev.version)
        with self._dirty_lock:
            self._dirty_queues |= ev.queues
            self._dirty_board = self._dirty_board or bool(ev.queues or ev.windows or ev.state_only
                                                          or ev.action is not None)
        if self.interval <= 0:
            self.flush()
        else:
            self._wake.set()

    def _retain(self, topic: str, msg: Message, version: int) -> None:
        with self._publish_lock:
            if version < self._published.get(topic, 0):
                return  # a newer state of this topic is out already
            self._published[topic] = version
            payload = window_payload(msg, self.badge_of) if isinstance(msg, WindowState) else msg.to_json()
            self.link.publish(topic, payload, retain=True)

    def _publish_state(self, state: RetainedState) -> None:
        for w in state.windows:
            self._retain(self.topics.window_state(w.number), w, state.version)
        if state.advice is not None:
            self._retain(self.topics.advice, state.advice, state.version)
        for q in state.queues:
            self._retain(self.topics.queue_state(q.code), q, state.version)
        if state.board is not None:
            self._retain(self.topics.board, state.board, state.version)

    def flush(self) -> None:
        with self._dirty_lock:
            queues, self._dirty_queues = self._dirty_queues, set()
            board, self._dirty_board = self._dirty_board, False
        if queues or board:
            self._publish_state(self.service.retained_state(queues, board=board))

    def publish_all(self) -> None:
        """Everything retained, again (after a (re)connect)."""
        with self._dirty_lock:
            self._dirty_queues.clear()
            self._dirty_board = False
        self._publish_state(self.service.retained_state(None, windows=True, board=True, advice=True))

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

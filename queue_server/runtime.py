"""The running server: database, service, MQTT publisher and RPC, and the periodic tick."""
from __future__ import annotations

import logging
import threading

from queue_server.mqtt import MqttLink, RpcServer, StatePublisher
from queue_server.protocol import Topics
from queue_server.service import HallService
from queue_server.settings import Settings
from queue_server.store import StaffStore, Store

log = logging.getLogger(__name__)


class HallRuntime:
    """Everything ``hallctl server`` runs besides HTTP. ``start()``/``stop()``; no I/O before."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.topics = Topics(settings.hall.id)
        self.store: Store | None = None
        self.service: HallService | None = None
        self.link: MqttLink | None = None
        self.publisher: StatePublisher | None = None
        self.rpc: RpcServer | None = None
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def start(self, mqtt: bool = True) -> None:
        s = self.settings
        self.store = Store(s.server.database_url, s.server.sqlite_synchronous)
        self.store.upgrade()
        self.service = HallService(s, self.store)
        self.staff = StaffStore(self.store.engine)
        self.secret = s.server.secret_key or self.store.secret_key()
        if mqtt:
            status = self.topics.device_status(s.server.device_id)
            self.link = MqttLink(s.server.mqtt_url, client_id=s.server.device_id,
                                 will=(status, b'{"v": 1, "state": "offline", "kind": "server", "faults": []}'),
                                 subscriptions=(self.topics.rpc_all,), on_message=self._on_message)
            self.publisher = StatePublisher(self.service, self.link, self.topics)
            self.rpc = RpcServer(self.service, self.link, self.topics)
            self.link.on_connected = self.publisher.publish_all
            self.publisher.start()
            self.rpc.start()
            self.link.start()
        self._ticker = threading.Thread(target=self._tick_loop, name="hall-tick", daemon=True)
        self._ticker.start()

    def _on_message(self, topic: str, payload: bytes) -> None:
        tail = self.topics.tail(topic)
        if len(tail) == 2 and tail[0] == "rpc" and self.rpc is not None:
            self.rpc.submit(topic, payload)

    def _tick_loop(self) -> None:
        interval = min(self.settings.advisor.interval_s, 5.0)
        while not self._stop.wait(interval):
            try:
                if self.service is not None:
                    self.service.tick()
            except Exception:
                log.exception("periodic tick failed")

    def stop(self) -> None:
        self._stop.set()
        if self.rpc is not None:
            self.rpc.stop()
        if self.publisher is not None:
            self.publisher.stop()
        if self.link is not None and self.publisher is not None:
            status = self.topics.device_status(self.settings.server.device_id)
            self.link.stop(final=(status, self.publisher.status_payload("offline")))
        if self.store is not None:
            self.store.close()

"""The running server: database, service, MQTT publisher and RPC, ratings, device health, the tick."""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from hall_contract.link import DeviceLink
from hall_contract.protocol import DeviceCommand, Topics
from queue_server.auth import Keyring
from queue_server.devices import DeviceInfo, DeviceRegistry
from queue_server.frontdesk.badges import Badges
from queue_server.frontdesk.retention import purge_each_day
from queue_server.frontdesk.rpc import appointment_checkin
from queue_server.keyfile import key_path, load_or_create
from queue_server.mqtt.identity import KIOSK_LANE_SUFFIX, Roster, kiosk_lane_url
from queue_server.mqtt.publisher import StatePublisher
from queue_server.mqtt.rpc import RpcServer
from queue_server.ratings import RatingDesk
from queue_server.service import Actor, HallService
from queue_server.settings import Settings
from queue_server.store import StaffStore, Store
from queue_server.store.identity import TabletStore

log = logging.getLogger(__name__)

#: device kinds that show the manager's notice, and that issue tickets
DISPLAY_KINDS = ("display",)
KIOSK_KINDS = ("kiosk",)


class HallRuntime:
    """Everything ``hallctl server`` runs besides HTTP. ``start()``/``stop()``; no I/O before.

    ``clock`` replaces the wall clock (tests replay a scripted day)."""

    def __init__(self, settings: Settings, clock: Callable[[], datetime] | None = None) -> None:
        self.settings = settings
        self.clock = clock
        self.topics = Topics(settings.hall.id)
        self.store: Store | None = None
        self.service: HallService | None = None
        self.link: DeviceLink | None = None
        self.publisher: StatePublisher | None = None
        self.rpc: RpcServer | None = None
        self.kiosk_lane: DeviceLink | None = None
        self.ratings: RatingDesk | None = None
        self.devices: DeviceRegistry | None = None
        self.tablets: TabletStore | None = None
        self._stop = threading.Event()
        self._ticker: threading.Thread | None = None

    def start(self, mqtt: bool = True) -> None:
        s = self.settings
        self.store = Store(s.server.database_url, s.server.sqlite_synchronous)
        self.store.upgrade()
        self.service = HallService(s, self.store, clock=self.clock)
        self.staff = StaffStore(self.store.engine)
        self.service.listeners.append(purge_each_day(self.service))
        self.tablets = TabletStore(self.store.engine)
        #: the hall's secrets (0600 file beside the database, never in it): token key, holder_ref salt
        self.secrets = load_or_create(key_path(s.server.database_url, s.server.key_file))
        self.keyring = Keyring.of(s.server.secret_key or self.secrets.token_secret)
        self.service.holder_salt = self.secrets.holder_salt
        configured = [(s.kiosk.device_id, "kiosk"), (s.display.device_id, "display")]
        self.devices = DeviceRegistry(self.service.now, self._publish, self.topics.device_cmd, configured)
        self.devices.greeting = self._greet
        self.ratings = RatingDesk(s, self.store, self.service.now, self.topics, self._publish)
        self.service.listeners.append(self.ratings.on_event)
        self.ratings.start()
        if mqtt:
            self.link = DeviceLink(s.server.mqtt_url, self.topics, s.server.device_id, "server", tz=self.service.tz)
            self.publisher = StatePublisher(self.service, self.link, self.topics, Badges(self.store.engine).badge)
            roster = Roster.of(s, enforced=self.link.address.username is not None)
            self.rpc = RpcServer(self.service, self.link, self.topics, roster, s.server.rpc_per_device_per_s,
                                 s.server.rpc_burst)
            self.rpc.methods["appointment_checkin"] = appointment_checkin(self.service, self.rpc.is_kiosk)
            self.link.route(self.topics.rpc_all, self.rpc.submit)
            self.link.route(self.topics.device_rpc_all, self.rpc.submit)
            if roster.kiosks:  # the kiosks' requests also come on a session of their own: no flood queues before them
                self.kiosk_lane = DeviceLink(kiosk_lane_url(s.server.mqtt_url), self.topics,
                                             s.server.device_id + KIOSK_LANE_SUFFIX, "server", tz=self.service.tz)
                for kiosk in sorted(roster.kiosks):
                    self.kiosk_lane.route(self.topics.device_rpc(kiosk, "+"), self.rpc.submit_kiosk_lane)
                self.rpc.kiosk_link = self.kiosk_lane
            self.rpc.device_kind = self.devices.kind_of
            self.link.route(self.topics.evaluation_results_all, self._on_evaluation_result)
            self.link.route(self.topics.devices_status_all, self._on_device_status)
            self.link.on_connected.append(self.publisher.publish_all)
            self.link.on_connected.append(self.devices.broker_back)
            self.link.on_disconnected.append(self.devices.broker_lost)
            self.publisher.start()
            self.rpc.start()
            self.link.start()
            if self.kiosk_lane is not None:
                self.kiosk_lane.start()
        self._ticker = threading.Thread(target=self._tick_loop, name="hall-tick", daemon=True)
        self._ticker.start()

    def _publish(self, topic: str, payload: bytes) -> None:
        if self.link is not None:
            self.link.publish(topic, payload)

    def _on_evaluation_result(self, topic: str, payload: bytes) -> None:
        tail = self.topics.tail(topic)
        if len(tail) == 3 and tail[1].isdigit() and self.ratings is not None:
            self.ratings.on_result(int(tail[1]), payload)

    def _on_device_status(self, topic: str, payload: bytes) -> None:
        tail = self.topics.tail(topic)
        if len(tail) == 3 and self.devices is not None:
            self.devices.on_status(tail[1], payload)

    # -- hall-wide commands that also reach the devices ----------------------------------------

    def set_notice(self, text: str | None, actor: Actor) -> list[str]:
        """The notice on the board, and as a ``notice`` command to every known display."""
        assert self.service is not None and self.devices is not None
        self.service.set_notice(text, actor)
        return self.devices.broadcast(DISPLAY_KINDS, DeviceCommand(cmd="notice", text=text or ""))

    def set_issuing(self, issuing: bool, actor: Actor, reason: str | None = None) -> list[str]:
        """Stop (for ``reason``) or resume ticket issuing; every known kiosk is told at once."""
        assert self.service is not None and self.devices is not None
        self.service.set_issuing(issuing, actor, reason)
        return self.devices.broadcast(KIOSK_KINDS, DeviceCommand(cmd="resume_issuing" if issuing else "stop_issuing"))

    def _greet(self, device: DeviceInfo) -> list[DeviceCommand]:
        """What a display or kiosk that just came online has missed."""
        svc = self.service
        if svc is None:
            return []
        notice = svc.notice()
        if device.kind in DISPLAY_KINDS and notice:
            return [DeviceCommand(cmd="notice", text=notice)]
        if device.kind in KIOSK_KINDS and not svc.issuing():
            return [DeviceCommand(cmd="stop_issuing")]
        return []

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
        if self.ratings is not None:
            self.ratings.stop()
        if self.rpc is not None:
            self.rpc.stop()
        if self.publisher is not None:
            self.publisher.stop()
        if self.kiosk_lane is not None:
            self.kiosk_lane.stop()
        if self.link is not None:
            self.link.stop()
        if self.store is not None:
            self.store.close()

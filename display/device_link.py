"""A device's MQTT connection: its retained status (with a last will ``offline``) and its subscriptions.

Wraps :class:`queue_server.mqtt.link.MqttLink`, which reconnects by itself and subscribes
again after every reconnect (so retained state arrives again: the device resyncs).
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, tzinfo

from queue_server.mqtt.link import MqttLink
from queue_server.protocol import DeviceStatus, Topics

log = logging.getLogger(__name__)


class DeviceLink:
    def __init__(self, url: str, topics: Topics, device_id: str, kind: str, subscriptions: tuple[str, ...],
                 on_message: Callable[[str, bytes], None], tz: tzinfo | None = None) -> None:
        self.topics = topics
        self.device_id = device_id
        self.kind = kind
        self.tz = tz
        self.faults: list[str] = []
        self._lock = threading.Lock()
        self.status_topic = topics.device_status(device_id)
        self.link = MqttLink(url, device_id, will=(self.status_topic, self._status("offline")),
                             subscriptions=subscriptions, on_message=on_message, on_connected=self.publish_status)

    @property
    def connected(self) -> bool:
        return self.link.connected.is_set()

    def _status(self, state: str) -> bytes:
        at = datetime.now(self.tz).isoformat(timespec="seconds") if self.tz else None
        return DeviceStatus(state="online" if state == "online" else "offline", kind=self.kind,
                            faults=list(self.faults), at=at).to_json()

    def start(self) -> None:
        self.link.start()

    def stop(self) -> None:
        """Say ``offline`` (retained) and disconnect."""
        self.link.stop(final=(self.status_topic, self._status("offline")))

    def restart(self) -> None:
        """Connect afresh: every retained message arrives again."""
        self.link.stop()
        self.link.start()

    def publish_status(self) -> None:
        with self._lock:
            self.link.publish(self.status_topic, self._status("online"), retain=True)

    def set_faults(self, faults: list[str]) -> None:
        """Publish the status again when the faults changed."""
        faults = sorted(set(faults))
        if faults == self.faults:
            return
        if faults:
            log.warning("faults now: %s", ", ".join(faults))
        else:
            log.info("no faults")
        self.faults = faults
        if self.connected:
            self.publish_status()

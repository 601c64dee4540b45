"""A paho-mqtt 2.x connection that keeps itself up.

Connects asynchronously and reconnects by itself (0.5-5 s back-off); sets its last will
before connecting; on every (re)connect it subscribes again and calls ``on_connected`` so the
owner can republish its retained state. QoS 1 messages published while the broker is away
wait in paho's queue and go out after the reconnect.
"""
from __future__ import annotations

import logging
import threading
import urllib.parse
import uuid
from collections.abc import Callable
from dataclasses import dataclass

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

log = logging.getLogger(__name__)

MessageHandler = Callable[[str, bytes], None]


@dataclass(frozen=True)
class BrokerAddress:
    host: str
    port: int
    username: str | None
    password: str | None
    tls: bool

    @classmethod
    def parse(cls, url: str) -> BrokerAddress:
        u = urllib.parse.urlparse(url)
        if u.scheme not in ("mqtt", "mqtts"):
            raise ValueError(f"not an MQTT URL: {url!r} (use mqtt://user:pass@host:1883)")
        tls = u.scheme == "mqtts"
        return cls(u.hostname or "127.0.0.1", u.port or (8883 if tls else 1883),
                   urllib.parse.unquote(u.username) if u.username else None,
                   urllib.parse.unquote(u.password) if u.password else None, tls)


class MqttLink:
    def __init__(self, url: str, client_id: str | None = None, *, will: tuple[str, bytes] | None = None,
                 subscriptions: tuple[str, ...] = (), on_message: MessageHandler | None = None,
                 on_connected: Callable[[], None] | None = None) -> None:
        self.address = BrokerAddress.parse(url)
        self.client_id = client_id or f"hall-{uuid.uuid4().hex[:8]}"
        self.subscriptions = subscriptions
        self.on_message = on_message
        self.on_connected = on_connected
        self.connected = threading.Event()
        self._will = will
        self._client: mqtt.Client | None = None

    def start(self) -> None:
        c = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=self.client_id, clean_session=True)
        a = self.address
        if a.username:
            c.username_pw_set(a.username, a.password)
        if a.tls:
            c.tls_set()
        if self._will:
            c.will_set(self._will[0], self._will[1], qos=1, retain=True)
        c.max_inflight_messages_set(20)
        c.max_queued_messages_set(0)
        c.reconnect_delay_set(min_delay=1, max_delay=5)
        c.on_connect = self._on_connect
        c.on_disconnect = self._on_disconnect
        c.on_message = self._on_message
        self._client = c
        c.connect_async(a.host, a.port, keepalive=15)
        c.loop_start()

    def stop(self, final: tuple[str, bytes] | None = None) -> None:
        c = self._client
        if c is None:
            return
        if final is not None and self.connected.is_set():
            c.publish(final[0], final[1], qos=1, retain=True).wait_for_publish(2)
        self.connected.clear()  # a disconnect we asked for is not a lost broker
        c.disconnect()
        c.loop_stop()
        self._client = None

    def publish(self, topic: str, payload: bytes, retain: bool = False, qos: int = 1) -> None:
        if self._client is None:
            return
        info = self._client.publish(topic, payload, qos=qos, retain=retain)
        if info.rc not in (mqtt.MQTT_ERR_SUCCESS, mqtt.MQTT_ERR_NO_CONN):
            log.warning("publish to %s failed: %s", topic, mqtt.error_string(info.rc))

    def wait_connected(self, timeout: float) -> bool:
        return self.connected.wait(timeout)

    def _on_connect(self, client: mqtt.Client, _ud: object, _flags: object, reason: object,
                    _props: object) -> None:
        if getattr(reason, "is_failure", False):
            log.error("broker refused the connection: %s", reason)
            return
        log.info("connected to the broker at %s:%s", self.address.host, self.address.port)
        for topic in self.subscriptions:
            client.subscribe(topic, qos=1)
        self.connected.set()
        if self.on_connected:
            try:
                self.on_connected()
            except Exception:
                log.exception("on_connected failed")

    def _on_disconnect(self, _c: mqtt.Client, _ud: object, _flags: object, reason: object,
                       _props: object) -> None:
        if self.connected.is_set():
            log.warning("lost the broker (%s); reconnecting", reason)
        self.connected.clear()

    def _on_message(self, _c: mqtt.Client, _ud: object, msg: mqtt.MQTTMessage) -> None:
        if self.on_message is None:
            return
        try:
            self.on_message(msg.topic, bytes(msg.payload))
        except Exception:
            log.exception("handling a message on %s failed", msg.topic)

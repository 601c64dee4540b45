"""The one MQTT link every app and device uses (paho-mqtt 2.x).

A :class:`DeviceLink` is one device on the hall's broker: it connects asynchronously and
reconnects by itself (1-5 s back-off); its retained ``devices/{id}/status`` says ``online``
with its faults, and its last will says ``offline``; on every (re)connect it subscribes again
(so retained state arrives again: the device resyncs), republishes its status and calls its
``on_connected`` hooks so the owner can republish its own retained state. Handlers are routed
by topic filter with paho's ``message_callback_add``; a handler that raises is logged and the
link goes on. QoS 1 messages published while the broker is away wait in paho's queue and go
out after the reconnect.
"""
from __future__ import annotations

import contextlib
import logging
import socket
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from pydantic import ValidationError

from hall_contract.protocol import DeviceStatus, Message, Topics

log = logging.getLogger(__name__)

Handler = Callable[[str, bytes], None]
Hook = Callable[[], None]


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

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


def _no_delay(_c: mqtt.Client, _ud: object, sock: object) -> None:
    """Send each packet at once: with Nagle's algorithm a reply written just after an acknowledgement
    waits for the broker's delayed ACK (about 40 ms on Linux) before it leaves."""
    with contextlib.suppress(AttributeError, OSError):  # not a TCP socket (a unix socket, a test double)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)  # type: ignore[attr-defined]


class DeviceLink:
    """Device ``device_id`` (of ``kind``) of the hall whose topics are ``topics``."""

    def __init__(self, url: str, topics: Topics, device_id: str, kind: str, *, tz: tzinfo | None = None,
                 keepalive_s: int = 15) -> None:
        self.address = BrokerAddress.parse(url)
        self.topics = topics
        self.device_id = device_id
        self.kind = kind
        self.tz = tz
        self.keepalive_s = keepalive_s
        self.status_topic = topics.device_status(device_id)
        self.faults: list[str] = []
        self.on_connected: list[Hook] = []
        self.on_disconnected: list[Hook] = []
        self._routes: dict[str, Handler] = {}
        self._connected = threading.Event()
        self._lock = threading.RLock()
        self._client: mqtt.Client | None = None

    # -- life ---------------------------------------------------------------------------------

    def route(self, topic_filter: str, handler: Handler) -> None:
        """Call ``handler(topic, payload)`` for every message matching ``topic_filter``."""
        with self._lock:
            self._routes[topic_filter] = handler
            c = self._client
            if c is not None:
                c.message_callback_add(topic_filter, self._guarded(handler))
                if self.connected:
                    c.subscribe(topic_filter, qos=1)

    def start(self) -> None:
        c = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=self.device_id, clean_session=True)
        a = self.address
        if a.username:
            c.username_pw_set(a.username, a.password)
        if a.tls:
            c.tls_set()
        c.will_set(self.status_topic, self.status_payload("offline"), qos=1, retain=True)
        c.max_inflight_messages_set(20)  # at or below the broker's max_inflight_messages
        c.max_queued_messages_set(0)  # no limit: nothing published during an outage is dropped here
        c.reconnect_delay_set(min_delay=1, max_delay=5)
        c.on_socket_open = _no_delay
        c.on_connect = self._on_connect
        c.on_disconnect = self._on_disconnect
        c.on_message = self._on_unrouted
        with self._lock:
            for topic_filter, handler in self._routes.items():
                c.message_callback_add(topic_filter, self._guarded(handler))
            self._client = c
        c.connect_async(a.host, a.port, keepalive=self.keepalive_s)
        c.loop_start()

    def stop(self, say_offline: bool = True) -> None:
        """Say ``offline`` (retained) when connected, then disconnect."""
        with self._lock:
            c, self._client = self._client, None
        if c is None:
            return
        if say_offline and self.connected:
            c.publish(self.status_topic, self.status_payload("offline"), qos=1, retain=True).wait_for_publish(2)
        self._connected.clear()  # a disconnect we asked for is not a lost broker
        c.disconnect()
        c.loop_stop()

    def restart(self) -> None:
        """Connect afresh: every retained message arrives again."""
        self.stop(say_offline=False)
        self.start()

    @property
    def connected(self) -> bool:
        return self._connected.is_set()

    def wait_connected(self, timeout: float) -> bool:
        return self._connected.wait(timeout)

    # -- out ----------------------------------------------------------------------------------

    def publish(self, topic: str, payload: bytes | Message, retain: bool = False, qos: int = 1) -> None:
        c = self._client
        if c is None:
            return
        data = payload.to_json() if isinstance(payload, Message) else payload
        info = c.publish(topic, data, qos=qos, retain=retain)
        if info.rc not in (mqtt.MQTT_ERR_SUCCESS, mqtt.MQTT_ERR_NO_CONN):
            log.warning("publish to %s failed: %s", topic, mqtt.error_string(info.rc))

    def status_payload(self, state: str) -> bytes:
        at = datetime.now(self.tz).astimezone(self.tz).isoformat(timespec="seconds")
        return DeviceStatus(state="online" if state == "online" else "offline", kind=self.kind,
                            faults=list(self.faults) if state == "online" else [], at=at).to_json()

    def publish_status(self) -> None:
        with self._lock:
            self.publish(self.status_topic, self.status_payload("online"), retain=True)

    def set_faults(self, faults: list[str]) -> None:
        """Publish the status again when the faults changed."""
        new = sorted(set(faults))
        with self._lock:
            if new == self.faults:
                return
            self.faults = new
        if new:
            log.warning("faults now: %s", ", ".join(new))
        else:
            log.info("no faults")
        if self.connected:
            self.publish_status()

    # -- paho's thread ------------------------------------------------------------------------

    def _guarded(self, handler: Handler) -> Callable[[mqtt.Client, object, mqtt.MQTTMessage], None]:
        def call(_c: mqtt.Client, _ud: object, msg: mqtt.MQTTMessage) -> None:
            try:
                handler(msg.topic, bytes(msg.payload))
            except (ValueError, ValidationError) as err:
                log.warning("ignored a malformed message on %s: %s", msg.topic, str(err).splitlines()[0])
            except Exception:
                log.exception("handling a message on %s failed", msg.topic)
        return call

    def _on_unrouted(self, _c: mqtt.Client, _ud: object, msg: mqtt.MQTTMessage) -> None:
        log.debug("no route for a message on %s", msg.topic)

    def _on_connect(self, client: mqtt.Client, _ud: object, _flags: object, reason: object,
                    _props: object) -> None:
        if getattr(reason, "is_failure", False):
            log.error("broker at %s refused the connection: %s", self.address, reason)
            return
        log.info("connected to the broker at %s as %s", self.address, self.device_id)
        with self._lock:
            filters = list(self._routes)
        if filters:
            client.subscribe([(f, 1) for f in filters])
        self._connected.set()
        self.publish_status()
        self._run(self.on_connected, "on_connected")

    def _on_disconnect(self, _c: mqtt.Client, _ud: object, _flags: object, reason: object,
                       _props: object) -> None:
        if not self._connected.is_set():
            return
        log.warning("lost the broker (%s); reconnecting", reason)
        self._connected.clear()
        self._run(self.on_disconnected, "on_disconnected")

    def _run(self, hooks: list[Hook], what: str) -> None:
        for hook in list(hooks):
            try:
                hook()
            except Exception:
                log.exception("%s hook failed", what)

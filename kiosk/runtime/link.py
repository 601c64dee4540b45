"""The kiosk on the hall's MQTT broker: board, commands, replies and the server's status in; RPC and status out.

A paho-mqtt 2.x client that connects asynchronously and reconnects by itself (1-5 s back-off),
with the kiosk's retained ``devices/{id}/status`` as last will (``offline``). Every message
becomes an event for the view-model; malformed ones are logged and dropped.

(The same shape as :class:`queue_server.mqtt.link.MqttLink`, kept here because importing that
module loads the server's MQTT package, and with it SQLAlchemy: 23 MB the kiosk does not need.)
"""
from __future__ import annotations

import json
import logging
import urllib.parse
from collections.abc import Callable
from datetime import datetime, tzinfo
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from pydantic import ValidationError

from kiosk import events as ev
from queue_server.protocol import Board, DeviceCommand, DeviceStatus, RpcReply, Topics, parse_json_object

log = logging.getLogger(__name__)
Post = Callable[[ev.Event], None]


class KioskLink:
    """The MQTT side of one kiosk (``device_id``) of hall ``hall_id``."""

    def __init__(self, url: str, hall_id: str, device_id: str, server_device_id: str, post: Post,
                 tz: tzinfo | None = None) -> None:
        u = urllib.parse.urlparse(url)
        if u.scheme not in ("mqtt", "mqtts"):
            raise ValueError(f"not an MQTT URL: {url!r} (use mqtt://user:pass@host:1883)")
        self.url, self.tls = url, u.scheme == "mqtts"
        self.host, self.port = u.hostname or "127.0.0.1", u.port or (8883 if self.tls else 1883)
        self.username = urllib.parse.unquote(u.username) if u.username else None
        self.password = urllib.parse.unquote(u.password) if u.password else None
        self.topics = Topics(hall_id)
        self.device_id, self.post, self.tz = device_id, post, tz
        self.status_topic = self.topics.device_status(device_id)
        self.cmd_topic = self.topics.device_cmd(device_id)
        self.reply_topic = self.topics.reply(device_id)
        self.server_status_topic = self.topics.device_status(server_device_id)
        self.connected = False
        self._client: mqtt.Client | None = None

    def start(self) -> None:
        c = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=self.device_id, clean_session=True)
        if self.username:
            c.username_pw_set(self.username, self.password)
        if self.tls:
            c.tls_set()
        c.will_set(self.status_topic, DeviceStatus(state="offline", kind="kiosk").to_json(), qos=1, retain=True)
        c.max_inflight_messages_set(20)
        c.reconnect_delay_set(min_delay=1, max_delay=5)
        c.on_connect, c.on_disconnect, c.on_message = self._on_connect, self._on_disconnect, self._on_message
        self._client = c
        c.connect_async(self.host, self.port, keepalive=15)
        c.loop_start()

    def close(self) -> None:
        """Say ``offline`` (retained) and disconnect."""
        c, self._client = self._client, None
        if c is None:
            return
        if self.connected:
            c.publish(self.status_topic, DeviceStatus(state="offline", kind="kiosk").to_json(), qos=1,
                      retain=True).wait_for_publish(2)
        self.connected = False
        c.disconnect()
        c.loop_stop()

    # -- out ----------------------------------------------------------------------------------
    def publish(self, topic: str, payload: bytes, retain: bool = False) -> None:
        if self._client is not None:
            self._client.publish(topic, payload, qos=1, retain=retain)

    def request(self, method: str, payload: dict[str, Any]) -> None:
        self.publish(self.topics.rpc(method), json.dumps(payload, ensure_ascii=False).encode("utf-8"))

    def publish_status(self, faults: list[str]) -> None:
        status = DeviceStatus(state="online", kind="kiosk", faults=faults,
                              at=datetime.now(self.tz).astimezone(self.tz).isoformat(timespec="seconds"))
        self.publish(self.status_topic, status.to_json(), retain=True)

    # -- paho's thread --------------------------------------------------------------------------
    def _on_connect(self, client: mqtt.Client, _ud: object, _flags: object, reason: object, _props: object) -> None:
        if getattr(reason, "is_failure", False):
            log.error("broker refused the connection: %s", reason)
            return
        log.info("connected to the broker at %s:%s", self.host, self.port)
        for topic in (self.topics.board, self.cmd_topic, self.reply_topic, self.server_status_topic):
            client.subscribe(topic, qos=1)
        self.connected = True
        self.post(ev.LinkChanged(True))

    def _on_disconnect(self, _c: mqtt.Client, _ud: object, _flags: object, reason: object, _props: object) -> None:
        if self.connected:
            log.warning("lost the broker (%s); reconnecting", reason)
            self.connected = False
            self.post(ev.LinkChanged(False))

    def _on_message(self, _c: mqtt.Client, _ud: object, msg: mqtt.MQTTMessage) -> None:
        topic, payload = msg.topic, bytes(msg.payload)
        if not payload:
            return  # a retained message was cleared
        try:
            data = parse_json_object(payload)
            if topic == self.topics.board:
                self.post(ev.BoardReceived(Board.model_validate(data)))
            elif topic == self.reply_topic:
                self.post(ev.ReplyReceived(RpcReply.model_validate(data)))
            elif topic == self.cmd_topic:
                self.post(ev.CommandReceived(DeviceCommand.model_validate(data)))
            elif topic == self.server_status_topic:
                self.post(ev.ServerStatusChanged(DeviceStatus.model_validate(data).state == "online"))
        except (ValueError, ValidationError) as err:
            log.warning("ignored a malformed message on %s: %s", topic, str(err).splitlines()[0])

"""The kiosk on the hall's MQTT broker: board, commands, replies and the server's status in; RPC and status out.

A :class:`~hall_contract.link.DeviceLink` (kind ``kiosk``) whose messages become events for the
view-model; a malformed one is logged and dropped by the link.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Callable
from datetime import tzinfo
from typing import Any

from hall_contract.link import DeviceLink
from hall_contract.protocol import Board, DeviceCommand, DeviceStatus, RpcReply, Topics, parse_json_object
from kiosk import events as ev

log = logging.getLogger(__name__)
Post = Callable[[ev.Event], None]


class KioskLink:
    """The MQTT side of one kiosk (``device_id``) of hall ``hall_id``."""

    def __init__(self, url: str, hall_id: str, device_id: str, server_device_id: str, post: Post,
                 tz: tzinfo | None = None) -> None:
        self.topics = t = Topics(hall_id)
        self.device_id, self.post = device_id, post
        self.link = DeviceLink(url, t, device_id, "kiosk", tz=tz)
        self.link.route(t.board, self._routed(lambda d: ev.BoardReceived(Board.model_validate(d))))
        self.link.route(t.reply(device_id), self._routed(lambda d: ev.ReplyReceived(RpcReply.model_validate(d))))
        self.link.route(t.device_cmd(device_id),
                        self._routed(lambda d: ev.CommandReceived(DeviceCommand.model_validate(d))))
        self.link.route(t.device_status(server_device_id), self._routed(
            lambda d: ev.ServerStatusChanged(DeviceStatus.model_validate(d).state == "online")))
        self.link.on_connected.append(lambda: post(ev.LinkChanged(True)))
        self.link.on_disconnected.append(lambda: post(ev.LinkChanged(False)))

    def _routed(self, make: Callable[[dict[str, Any]], ev.Event]) -> Callable[[str, bytes], None]:
        def handle(_topic: str, payload: bytes) -> None:
            if payload:  # an empty payload clears a retained message
                self.post(make(parse_json_object(payload)))
        return handle

    @property
    def status_topic(self) -> str:
        return self.link.status_topic

    @property
    def connected(self) -> bool:
        return self.link.connected

    def start(self) -> None:
        self.link.start()

    def close(self) -> None:
        """Say ``offline`` (retained) and disconnect."""
        self.link.stop()

    def request(self, method: str, payload: dict[str, Any]) -> None:
        """Publish on the kiosk's own ``devices/{id}/rpc/{method}``: the server answers on ``reply/{id}``."""
        self.link.publish(self.topics.device_rpc(self.device_id, method),
                          json.dumps(payload, ensure_ascii=False).encode("utf-8"))

    def publish_status(self, faults: list[str]) -> None:
        self.link.faults = sorted(set(faults))
        self.link.publish_status()

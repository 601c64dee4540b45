"""Device health: every device's retained ``devices/{id}/status``, kept for the manager.

The server subscribes to ``devices/+/status`` and keeps the latest status of each device
(online state, kind, faults such as ``paper_low``, ``paper_out``, ``reader_fault``) with the
time each fault was first seen, and a short log of faults raised and cleared. A fault stays
listed (and highlighted on the console) until the device reports it cleared. Commands to
devices (``devices/{id}/cmd``) go out through :meth:`DeviceRegistry.send` and
:meth:`DeviceRegistry.broadcast`; a display or kiosk that comes online is told what it
missed (the notice, stopped issuing) by the ``greeting`` callback.

The registry only knows what the broker tells it: while the server has lost the broker
(:meth:`DeviceRegistry.broker_lost`) every device's state is ``unknown``, shown with the time
it was last heard from, until its status arrives again after the reconnect. Faults stay as the
device last reported them and clear only when the device says so.
"""
from __future__ import annotations

import logging
import re
import threading
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import ValidationError

from hall_contract.protocol import DeviceCommand, DeviceStatus, parse_json_object

log = logging.getLogger(__name__)

#: bounds on what a stranger on the broker can make the server keep: devices it was never told of,
#: faults per device, and the shape of a fault's name and a device's kind
MAX_UNKNOWN_DEVICES = 64
MAX_FAULTS = 16
_NAME = re.compile(r"[a-z0-9_]{1,40}")
_DEVICE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass
class DeviceInfo:
    device_id: str
    kind: str
    state: str = "unknown"  # online, offline, or unknown (configured, never heard of)
    faults: list[str] = field(default_factory=list)
    reported_at: str | None = None
    seen_at: datetime | None = None
    fault_since: dict[str, datetime] = field(default_factory=dict)

    def public(self, tz: Any) -> dict[str, Any]:
        return {"id": self.device_id, "kind": self.kind, "state": self.state, "faults": list(self.faults),
                "fault_since": {f: t.astimezone(tz).isoformat(timespec="seconds") for f, t in self.fault_since.items()},
                "reported_at": self.reported_at,
                "seen_at": self.seen_at.astimezone(tz).isoformat(timespec="seconds") if self.seen_at else None}


Publish = Callable[[str, bytes], None]
Greeting = Callable[[DeviceInfo], list[DeviceCommand]]


class DeviceRegistry:
    def __init__(self, clock: Callable[[], datetime], publish: Publish | None = None,
                 cmd_topic: Callable[[str], str] = lambda d: f"devices/{d}/cmd",
                 configured: Iterable[tuple[str, str]] = ()) -> None:
        self.clock = clock
        self.publish = publish
        self.cmd_topic = cmd_topic
        self.greeting: Greeting | None = None
        self.listeners: list[Callable[[], None]] = []
        self._lock = threading.Lock()
        self._devices: dict[str, DeviceInfo] = {d: DeviceInfo(d, kind) for d, kind in configured}
        self._configured = frozenset(self._devices)
        self.refused = 0  # statuses of unknown devices not kept (the registry was full)
        self.log: deque[dict[str, Any]] = deque(maxlen=100)
        #: the server's own broker link; None until it first connected
        self.broker_up: bool | None = None
        self.broker_since: datetime | None = None

    def broker_lost(self) -> None:
        """The server lost the broker: no device's state is known any more."""
        with self._lock:
            self.broker_up, self.broker_since = False, self.clock()
            for info in self._devices.values():
                info.state = "unknown"
        self._changed_unlocked()

    def broker_back(self) -> None:
        """Connected (again); each device's state comes back with its retained status."""
        with self._lock:
            self.broker_up, self.broker_since = True, self.clock()
        self._changed_unlocked()

    def on_status(self, device_id: str, payload: bytes) -> None:
        """A (retained) status message; an empty payload removes a device that was never configured."""
        greet: DeviceInfo | None = None
        with self._lock:
            if not payload:  # a retained status was cleared
                info = self._devices.get(device_id)
                if info is not None and device_id not in self._configured:
                    del self._devices[device_id]
                elif info is not None:
                    info.state, info.faults, info.fault_since = "unknown", [], {}
            else:
                greet = self._update(device_id, payload)
        if greet is not None and self.greeting is not None:
            for cmd in self.greeting(greet):
                self.send(greet.device_id, cmd)
        self._changed_unlocked()

    def _update(self, device_id: str, payload: bytes) -> DeviceInfo | None:
        """Apply one status (under the lock); the device when it just came online."""
        try:
            st = DeviceStatus.model_validate(parse_json_object(payload))
        except (ValueError, ValidationError) as err:
            log.warning("ignored a malformed status of %s: %s", device_id, str(err).splitlines()[0])
            return None
        now = self.clock()
        kind = st.kind if _NAME.fullmatch(st.kind) else "unknown"
        info = self._devices.get(device_id)
        if info is None:
            if not self._room_for(device_id):
                return None
            info = self._devices[device_id] = DeviceInfo(device_id, kind)
        came_online = st.state == "online" and info.state != "online"
        named = sorted({f for f in st.faults if _NAME.fullmatch(f)})
        faults = named[:MAX_FAULTS] if st.state == "online" else list(info.faults)
        for f in faults:
            if f not in info.fault_since:
                info.fault_since[f] = now
                self.log.appendleft({"at": now, "device": device_id, "fault": f, "event": "raised"})
        for f in [f for f in info.fault_since if f not in faults]:
            del info.fault_since[f]
            self.log.appendleft({"at": now, "device": device_id, "fault": f, "event": "cleared"})
        info.kind, info.state, info.faults = kind, st.state, faults
        info.reported_at, info.seen_at = st.at, now
        return info if came_online else None

    def _room_for(self, device_id: str) -> bool:
        """A device never configured is kept while fewer than MAX_UNKNOWN_DEVICES are (offline ones make room)."""
        if not _DEVICE_ID.fullmatch(device_id):
            return False
        unknown = [d for d in self._devices if d not in self._configured]
        if len(unknown) >= MAX_UNKNOWN_DEVICES:
            gone = [d for d in unknown if self._devices[d].state != "online"]
            if not gone:
                self.refused += 1
                if self.refused in (1, 100, 10_000):
                    log.warning("device registry full (%d unknown devices): ignored %s", len(unknown), device_id)
                return False
            del self._devices[gone[0]]
        return True

    def _changed_unlocked(self) -> None:
        for listener in list(self.listeners):
            try:
                listener()
            except Exception:
                log.exception("device listener failed")

    def kind_of(self, device_id: str) -> str | None:
        with self._lock:
            info = self._devices.get(device_id)
            return info.kind if info is not None else None

    def all(self) -> list[DeviceInfo]:
        with self._lock:
            return list(self._devices.values())

    def ids(self, *kinds: str) -> list[str]:
        """Known devices of these kinds (configured or heard of), online or not."""
        with self._lock:
            return sorted(d for d, i in self._devices.items() if i.kind in kinds)

    def send(self, device_id: str, cmd: DeviceCommand) -> None:
        if self.publish is not None:
            self.publish(self.cmd_topic(device_id), cmd.to_json())

    def broadcast(self, kinds: tuple[str, ...], cmd: DeviceCommand) -> list[str]:
        targets = self.ids(*kinds)
        for d in targets:
            self.send(d, cmd)
        return targets

    def snapshot(self, tz: Any) -> dict[str, Any]:
        with self._lock:
            devices = [i.public(tz) for i in sorted(self._devices.values(), key=lambda i: (i.kind, i.device_id))]
            log_ = [{**e, "at": e["at"].astimezone(tz).isoformat(timespec="seconds")} for e in self.log]
            broker = {"connected": self.broker_up,
                      "since": self.broker_since.astimezone(tz).isoformat(timespec="seconds")
                      if self.broker_since else None}
        return {"devices": devices, "faulty": sum(1 for d in devices if d["faults"]), "log": log_, "broker": broker}

    def links(self, tz: Any) -> dict[str, Any]:
        """What a clerk's page needs: the broker link, and each display and window bridge (no faults
        beyond those naming a window's screen)."""
        snap = self.snapshot(tz)
        keep = ("display", "bridge")
        return {"broker": snap["broker"],
                "devices": [{"id": d["id"], "kind": d["kind"], "state": d["state"], "seen_at": d["seen_at"],
                             "faults": [f for f in d["faults"] if f.startswith("screen_")]}
                            for d in snap["devices"] if d["kind"] in keep]}

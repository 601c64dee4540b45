"""Live updates for the pages over a WebSocket (``/api/live``).

A page connects and sends what it wants to follow as one JSON object, e.g.
``{"hall": true, "tickets": ["A001"], "evaluations": [3], "token": "…", "devices": true}``.
The server answers at once with the current state and then after every change:

* ``{"type": "hall", "data": <GET /api/hall>}`` after any command (coalesced, 100 ms) and every 15 s;
* ``{"type": "ticket", "number": "A001", "data": <GET /api/tickets/A001> | null}`` when it changed;
* ``{"type": "evaluation", "window": 3, "data": <GET /api/evaluations/3>}``;
* staff only (a valid manager, auditor or admin token): ``{"type": "devices", "data": <GET /api/devices>}``
  and ``{"type": "ratings"}`` when a rating was recorded or followed up;
* any signed-in staff (a clerk too) asking ``"links": true``: ``{"type": "links", "data": {"broker":
  {"connected", "since"}, "devices": [{"id", "kind", "state", "seen_at", "faults"}]}}`` for the
  displays and window bridges, at once and whenever a device or the server's broker link changes.

Everything public carries no personal data. Listeners of the service, the rating desk and the
device registry run on other threads; they only schedule work on the event loop. A WebSocket
(not server-sent events) because uvicorn closes WebSockets on shutdown, while an open
event stream would hold the server up.
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter, WebSocket, WebSocketDisconnect

from hall_contract.errors import HallError
from queue_server.api.routes.ratings import evaluation_view
from queue_server.auth import Principal, read_token
from queue_server.ratings import RatingEvent
from queue_server.runtime import HallRuntime
from queue_server.service import Event

log = logging.getLogger(__name__)
router = APIRouter()
COALESCE_S = 0.1
REFRESH_S = 15.0
STAFF_ROLES = ("manager", "auditor", "admin")


@dataclass(eq=False)
class Client:
    queue: asyncio.Queue[str | None] = field(default_factory=lambda: asyncio.Queue(maxsize=200))
    hall: bool = False
    tickets: set[str] = field(default_factory=set)
    evaluations: set[int] = field(default_factory=set)
    staff: Principal | None = None
    devices: bool = False
    links: bool = False
    sent: dict[str, str] = field(default_factory=dict)

    def push(self, msg: dict[str, Any], key: str | None = None) -> None:
        text = json.dumps(msg, ensure_ascii=False)
        if key is not None:
            if self.sent.get(key) == text:
                return
            self.sent[key] = text
        try:
            self.queue.put_nowait(text)
        except asyncio.QueueFull:  # a reader that does not keep up is dropped; its page reconnects
            self.close()

    def close(self) -> None:
        with contextlib.suppress(asyncio.QueueFull):
            self.queue.put_nowait(None)


class LiveHub:
    def __init__(self, runtime: HallRuntime) -> None:
        self.runtime = runtime
        self.clients: set[Client] = set()
        self.loop: asyncio.AbstractEventLoop | None = None
        self._dirty: set[str] = set()
        self._windows: set[int] = set()
        self._scheduled = False
        self._refresher: asyncio.Task[None] | None = None

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        rt = self.runtime
        self.loop = loop
        assert rt.service is not None
        rt.service.listeners.append(self._on_service)
        if rt.ratings is not None:
            rt.ratings.listeners.append(self._on_rating)
        if rt.devices is not None:
            rt.devices.listeners.append(self._on_devices)
        self._refresher = loop.create_task(self._refresh())

    def detach(self) -> None:
        rt = self.runtime
        for owner, fn in ((rt.service, self._on_service), (rt.ratings, self._on_rating),
                          (rt.devices, self._on_devices)):
            if owner is not None and fn in owner.listeners:
                owner.listeners.remove(fn)  # type: ignore[arg-type]
        if self._refresher is not None:
            self._refresher.cancel()
        for c in list(self.clients):
            c.close()
        self.loop = None

    # -- from other threads ------------------------------------------------------------------

    def _poke(self, kind: str, window: int | None = None) -> None:
        loop = self.loop
        if loop is not None and not loop.is_closed():
            loop.call_soon_threadsafe(self._mark, kind, window)

    def _on_service(self, ev: Event) -> None:
        self._poke("hall")

    def _on_rating(self, ev: RatingEvent) -> None:
        self._poke("evaluation", ev.window)

    def _on_devices(self) -> None:
        self._poke("devices")

    # -- on the event loop -------------------------------------------------------------------

    def _mark(self, kind: str, window: int | None) -> None:
        self._dirty.add(kind)
        if window is not None:
            self._windows.add(window)
        if not self._scheduled and self.loop is not None:
            self._scheduled = True
            self.loop.call_later(COALESCE_S, self.flush)

    async def _refresh(self) -> None:
        while True:
            await asyncio.sleep(REFRESH_S)
            if self.clients:
                self._mark("hall", None)

    def flush(self) -> None:
        self._scheduled = False
        dirty, self._dirty = self._dirty, set()
        windows, self._windows = self._windows, set()
        if not self.clients:
            return
        try:
            if "hall" in dirty:
                self._send_hall(list(self.clients))
            if "evaluation" in dirty:
                self._send_evaluations(list(self.clients), windows)
                for c in self.clients:
                    if c.staff is not None:
                        c.push({"type": "ratings"})
            if "devices" in dirty:
                self._send_devices([c for c in self.clients if c.devices])
                self._send_links([c for c in self.clients if c.links])
        except Exception:
            log.exception("live update failed")

    def _send_hall(self, clients: list[Client]) -> None:
        svc = self.runtime.service
        assert svc is not None
        snap = svc.snapshot()
        tickets: dict[str, Any] = {}
        for c in clients:
            if c.hall:
                c.push({"type": "hall", "data": snap})
            for number in c.tickets:
                if number not in tickets:
                    tickets[number] = self._ticket(number)
                c.push({"type": "ticket", "number": number, "data": tickets[number]}, key=f"t:{number}")

    def _ticket(self, number: str) -> dict[str, Any] | None:
        svc = self.runtime.service
        assert svc is not None
        try:
            out = svc.ticket_public(number)
        except HallError:
            return None
        out.holder = None
        data = out.model_dump()
        data.pop("v", None)
        return data

    def _send_evaluations(self, clients: list[Client], windows: set[int]) -> None:
        svc, desk = self.runtime.service, self.runtime.ratings
        if svc is None or desk is None:
            return
        now = svc.now()
        for n in windows:
            view = evaluation_view(desk, n, now, svc.tz)
            for c in clients:
                if n in c.evaluations:
                    c.push({"type": "evaluation", "window": n, "data": view})

    def _send_devices(self, clients: list[Client]) -> None:
        svc, reg = self.runtime.service, self.runtime.devices
        if svc is None or reg is None or not clients:
            return
        snap = reg.snapshot(svc.tz)
        for c in clients:
            c.push({"type": "devices", "data": snap})

    def _send_links(self, clients: list[Client]) -> None:
        svc, reg = self.runtime.service, self.runtime.devices
        if svc is None or reg is None or not clients:
            return
        data = reg.links(svc.tz)
        for c in clients:
            c.push({"type": "links", "data": data}, key="links")

    def subscribe(self, c: Client, req: dict[str, Any]) -> None:
        token = req.get("token")
        p = None
        if isinstance(token, str) and token:
            p = read_token(self.runtime.keyring, token)
            c.staff = p if p is not None and p.role in STAFF_ROLES else None
            if p is None:
                c.push({"type": "error", "code": "invalid_token"})
        c.hall = bool(req.get("hall"))
        c.tickets = {str(n).upper()[:8] for n in req.get("tickets") or [] if isinstance(n, str)}
        c.evaluations = {int(n) for n in req.get("evaluations") or [] if isinstance(n, int)}
        c.devices = bool(req.get("devices")) and c.staff is not None
        c.links = bool(req.get("links")) and p is not None
        c.sent.clear()
        self._send_hall([c])
        if c.evaluations:
            self._send_evaluations([c], c.evaluations)
        if c.devices:
            self._send_devices([c])
        if c.links:
            self._send_links([c])


async def _reader(ws: WebSocket, hub: LiveHub, client: Client) -> None:
    try:
        while True:
            text = await ws.receive_text()
            try:
                req = json.loads(text)
            except ValueError:
                continue
            if isinstance(req, dict):
                hub.subscribe(client, req)
    except (WebSocketDisconnect, RuntimeError):
        pass
    finally:
        client.close()


@router.websocket("/api/live")
async def live(ws: WebSocket) -> None:
    hub: LiveHub | None = getattr(ws.app.state, "live", None)
    await ws.accept()
    if hub is None or hub.runtime.service is None:
        await ws.close(code=1013)
        return
    client = Client()
    hub.clients.add(client)
    reader = asyncio.create_task(_reader(ws, hub, client))
    try:
        while (text := await client.queue.get()) is not None:
            await ws.send_text(text)
    except (WebSocketDisconnect, RuntimeError, OSError):
        pass
    finally:
        hub.clients.discard(client)
        reader.cancel()
        with contextlib.suppress(Exception):
            await ws.close()

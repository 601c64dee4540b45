"""Live updates for the pages over a WebSocket (``/api/live``).

A page connects and sends what it wants to follow as one JSON object, e.g.
``{"hall": true, "tickets": ["A001"], "evaluations": [3], "token": "…", "devices": true}``.
The server answers at once with the current state and then after every change:

* ``{"type": "hall", "data": <GET /api/hall>}`` after any command (coalesced, 100 ms) and every 15 s;
* ``{"type": "ticket", "number": "A001", "data": <GET /api/tickets/A001> | null}`` when it changed;
* ``{"type": "evaluation", "window": 3, "data": <GET /api/evaluations/3>}``: only to window 3's paired
  rating tablet (``"tablet": "<tablet token>"``) and to managers, auditors and admins;
* staff only (a valid manager, auditor or admin token): ``{"type": "devices", "data": <GET /api/devices>}``
  and ``{"type": "ratings"}`` when a rating was recorded or followed up;
* any signed-in staff (a clerk too) asking ``"links": true``: ``{"type": "links", "data": {"broker":
  {"connected", "since"}, "devices": [{"id", "kind", "state", "seen_at", "faults"}]}}`` for the
  displays and window bridges, at once and whenever a device or the server's broker link changes.

Everything public carries no personal data, nor the login names of the clerks (staff tokens see them).
Connections are bounded (``live_max_clients``; of them ``live_max_anonymous`` without a token): one
over the bound is closed with code 1013 (try again later). Each message is serialised once for all
clients; every client has its own bounded queue and its own writer, so a slow reader delays no one
and is dropped (code 1013) when it falls ``live_queue_messages`` behind.

Listeners of the service, the rating desk and the device registry run on other threads; they
only schedule work on the event loop. A WebSocket
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
from queue_server.api.deps import staff_of
from queue_server.api.routes.hall import without_staff_names
from queue_server.api.routes.ratings import evaluation_view, sees_evaluations
from queue_server.auth import Principal
from queue_server.ratings import RatingEvent
from queue_server.runtime import HallRuntime
from queue_server.service import Event

log = logging.getLogger(__name__)
router = APIRouter()
COALESCE_S = 0.1
REFRESH_S = 15.0
STAFF_ROLES = ("manager", "auditor", "admin")


TRY_LATER = 1013
SEND_TIMEOUT_S = 10.0
MAX_TICKETS = 20
MAX_EVALUATIONS = 8


@dataclass(eq=False)
class Client:
    queue: asyncio.Queue[str | None] = field(default_factory=lambda: asyncio.Queue(maxsize=64))
    hall: bool = False
    tickets: set[str] = field(default_factory=set)
    evaluations: set[int] = field(default_factory=set)
    staff: Principal | None = None
    #: any valid staff token (clerks too): sees the clerks' login names
    named: bool = False
    #: the window whose paired rating tablet this is
    tablet: int | None = None
    devices: bool = False
    links: bool = False
    sent: dict[str, str] = field(default_factory=dict)
    #: let in beyond the anonymous bound: closed unless its subscription proves who it is
    over_bound: bool = False
    closed: bool = False
    close_code: int = 1000

    @property
    def anonymous(self) -> bool:
        return not self.named and self.tablet is None

    def push(self, msg: dict[str, Any], key: str | None = None) -> None:
        self.push_text(json.dumps(msg, ensure_ascii=False), key)

    def push_text(self, text: str, key: str | None = None) -> None:
        if self.closed:
            return
        if key is not None:
            if self.sent.get(key) == text:
                return
            self.sent[key] = text
        try:
            self.queue.put_nowait(text)
        except asyncio.QueueFull:  # a reader that does not keep up is dropped; its page reconnects
            self.close(TRY_LATER)

    def close(self, code: int = 1000) -> None:
        if self.closed:
            return
        self.closed, self.close_code = True, code
        try:  # what is queued goes out first; a reader that fell behind loses it
            self.queue.put_nowait(None)
        except asyncio.QueueFull:
            while not self.queue.empty():
                self.queue.get_nowait()
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
        texts: dict[bool, str] = {}
        tickets: dict[str, str] = {}
        for c in clients:
            if c.hall:
                if c.named not in texts:
                    data = snap if c.named else without_staff_names(snap)
                    texts[c.named] = json.dumps({"type": "hall", "data": data}, ensure_ascii=False)
                c.push_text(texts[c.named])
            for number in c.tickets:
                if number not in tickets:
                    tickets[number] = json.dumps({"type": "ticket", "number": number, "data": self._ticket(number)},
                                                 ensure_ascii=False)
                c.push_text(tickets[number], key=f"t:{number}")

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
            text = json.dumps({"type": "evaluation", "window": n, "data": evaluation_view(desk, n, now, svc.tz)},
                              ensure_ascii=False)
            for c in clients:
                if n in c.evaluations:
                    c.push_text(text)

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
        token, tablet = req.get("token"), req.get("tablet")
        p = staff_of(self.runtime, token) if isinstance(token, str) and token else None
        if isinstance(token, str) and token and p is None:
            c.push({"type": "error", "code": "invalid_token"})
        c.named = p is not None
        c.staff = p if p is not None and p.role in STAFF_ROLES else None
        tablets = self.runtime.tablets
        c.tablet = tablets.window_of(tablet) if isinstance(tablet, str) and tablets is not None else None
        if c.over_bound and c.anonymous:
            c.push({"type": "error", "code": "too_many_clients"})
            c.close(TRY_LATER)
            return
        c.hall = bool(req.get("hall"))
        c.tickets = {str(n).upper()[:8] for n in _first(req.get("tickets"), MAX_TICKETS) if isinstance(n, str)}
        asked = {n for n in _first(req.get("evaluations"), MAX_EVALUATIONS) if isinstance(n, int)}
        c.evaluations = {n for n in asked if n == c.tablet or (p is not None and sees_evaluations(p, n))}
        if asked - c.evaluations:
            c.push({"type": "error", "code": "tablet_not_paired"})
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

    def admit(self) -> Client | None:
        """A new client, or None when the hall has as many live clients as it takes."""
        s = self.runtime.settings.server
        if len(self.clients) >= s.live_max_clients:
            return None
        client = Client(queue=asyncio.Queue(maxsize=s.live_queue_messages))
        client.over_bound = sum(1 for c in self.clients if c.anonymous) >= s.live_max_anonymous
        self.clients.add(client)
        return client


def _first(value: object, n: int) -> list[Any]:
    return list(value[:n]) if isinstance(value, list) else []


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
        await ws.close(code=TRY_LATER)
        return
    client = hub.admit()
    if client is None:
        await ws.close(code=TRY_LATER, reason="too many live clients")
        return
    reader = asyncio.create_task(_reader(ws, hub, client))
    try:
        while (text := await client.queue.get()) is not None:
            async with asyncio.timeout(SEND_TIMEOUT_S):  # no task per send (wait_for makes one)
                await ws.send_text(text)
    except (WebSocketDisconnect, RuntimeError, OSError, TimeoutError):
        client.closed, client.close_code = True, TRY_LATER if not client.closed else client.close_code
    finally:
        hub.clients.discard(client)
        reader.cancel()
        with contextlib.suppress(Exception):
            await ws.close(code=client.close_code)

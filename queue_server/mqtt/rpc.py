"""RPC over MQTT: a device sends on ``devices/{device_id}/rpc/{method}`` and the server answers on
``reply/{device_id}``, taken from the topic; the plain ``rpc/{method}`` form (a broker without
accounts) is answered on its ``reply_to``, which must be a ``reply/{id}`` topic of this hall.

A request is a JSON object with ``request_id`` (the idempotency key) and the method's arguments
(at the top level, or in an ``args`` object). A request repeated with the same ``request_id``
gets the first answer again and issues nothing new, across restarts too (the id is stored with
the ticket). Who sent a request is the topic's device (:mod:`queue_server.mqtt.identity`), never
the payload: the audit names that device, only kiosks may set a priority or a holder, and on a
provisioned hall a window device drives only its own windows. Requests wait in one lane per
sender and are taken in turn by one worker thread (:mod:`queue_server.mqtt.lanes`), so paho's
network loop never waits for the database and no sender can starve another.
"""
from __future__ import annotations

import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from functools import partial
from typing import Any

from pydantic import ValidationError

from hall_contract.errors import HallError
from hall_contract.link import DeviceLink
from hall_contract.protocol import (
    IssueTicketArgs,
    Message,
    RpcError,
    RpcReply,
    TicketStatusArgs,
    Topics,
    WindowCommandArgs,
    parse_json_object,
)
from queue_server.mqtt.identity import ANONYMOUS, Roster
from queue_server.mqtt.lanes import FairInbox, RateLimits
from queue_server.service import Actor, HallService, WindowOutcome

log = logging.getLogger(__name__)

#: the largest request the server reads (a ticket request is a few hundred bytes)
MAX_PAYLOAD = 8 * 1024


class PriorityNotAllowed(HallError):
    code = "priority_not_allowed"
    message_zh = "只有读取证件的自助取号机可以取优先号"
    message_en = "only a kiosk that read the card may ask for a priority"


class IdentityRequired(HallError):
    code = "device_identity_required"
    message_zh = "窗口指令须由本窗口设备发出"
    message_en = "window commands come from the window's own device (devices/{id}/rpc/window_command)"


class NotYourWindow(HallError):
    code = "not_your_window"
    message_zh = "该设备不属于此窗口"
    message_en = "this device does not serve that window"


class RpcServer:
    def __init__(self, service: HallService, link: DeviceLink, topics: Topics, roster: Roster | None = None,
                 rate_per_s: float = 20.0, burst: int = 60) -> None:
        self.service = service
        self.link = link
        self.topics = topics
        self.roster = roster or Roster()
        self.inbox: FairInbox[tuple[str, bytes]] = FairInbox()
        self.limits = RateLimits(rate_per_s, burst)
        self._thread = threading.Thread(target=self._work, name="rpc-worker", daemon=True)
        self._dropped_logged = 0.0
        self._limited_told: dict[str, float] = {}
        #: the kind a device's own status says (the device registry's word), for an open broker
        self.device_kind: Callable[[str], str | None] = lambda _d: None
        #: the kiosk lane's session: kiosks' replies go out there, apart from the main session's traffic
        self.kiosk_link: DeviceLink | None = None
        self._recent: OrderedDict[int, list[float]] = OrderedDict()  # a kiosk request's copies per session, when
        self._recent_lock = threading.Lock()
        # window_command's answers by sender and request_id: a retried request (its reply was lost) gets the first
        # answer again and does not act twice; another device's request with the same id is its own. Kept in memory
        # (the last 10,000): a retry that straddles a server restart acts again. issue_ticket keeps its request_id
        # with the ticket, across restarts.
        self._answers: OrderedDict[str, RpcReply] = OrderedDict()
        #: called with (method, seconds) after each answered request (the metrics listen here)
        self.observers: list[Callable[[str, float], None]] = []
        #: told of each request refused before it was handled, with the reason (``lane_full``: its sender's
        #: lane was full; ``rate_limited``, ``payload_too_large``, ``malformed``, ``no_reply_topic``): the hall's
        #: /metrics counts them
        self.refusal_observers: list[Callable[[str], None]] = []
        self.methods: dict[str, Callable[[dict[str, Any], str | None], dict[str, Any]]] = {
            "issue_ticket": self.issue_ticket,
            "ticket_status": self.ticket_status,
            "window_command": self.window_command,
            "register_document": partial(_register_document, self.service),
        }

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self.inbox.close()
        self._thread.join(timeout=5)

    def submit(self, topic: str, payload: bytes) -> None:
        """paho's thread: queue the request in its sender's lane (dropped when that lane is full)."""
        self._submit(topic, payload, 0)

    def submit_kiosk_lane(self, topic: str, payload: bytes) -> None:
        """The same for the kiosk lane's session."""
        self._submit(topic, payload, 1)

    def _submit(self, topic: str, payload: bytes, session: int) -> None:
        who = self.topics.rpc_sender(topic)
        if who is None:
            return
        if self.roster.is_kiosk(who[0]) and self._twin(topic, payload, session):
            return
        if not self.inbox.put(who[0] or ANONYMOUS, (topic, payload)):
            self._refused("lane_full")
            now = time.monotonic()
            if now - self._dropped_logged > 10:
                self._dropped_logged = now
                log.warning("RPC lane of %s full: dropping its requests (%d so far)", who[0] or ANONYMOUS,
                            self.inbox.dropped)

    def _twin(self, topic: str, payload: bytes, session: int) -> bool:
        """A kiosk's request arrives once on each session (the server's and the kiosk lane's): the copy on the
        session that has already seen fewer of the same message is the twin of one already taken."""
        key, now = hash((topic, payload)), time.monotonic()
        with self._recent_lock:
            while self._recent and next(iter(self._recent.values()))[2] < now - 60.0:
                self._recent.popitem(last=False)
            counts = self._recent.pop(key, [0, 0, now])
            counts[session] += 1
            counts[2] = now
            self._recent[key] = counts
            if len(self._recent) > 10_000:
                self._recent.popitem(last=False)
            return counts[session] <= counts[1 - session]

    def _work(self) -> None:
        while (got := self.inbox.get()) is not None:
            try:
                self.handle(*got[1])
            except Exception:
                log.exception("RPC handling failed")

    def handle(self, topic: str, payload: bytes) -> None:
        who = self.topics.rpc_sender(topic)
        if who is None:
            return
        device, method = who
        if len(payload) > MAX_PAYLOAD:
            self._refused("payload_too_large")
            if device is not None:  # a plain request that large is not even read for its reply_to
                self._send(self.topics.reply(device), _refusal(None, "payload_too_large",
                                                               f"a request is at most {MAX_PAYLOAD} bytes"))
            log.warning("refused a %d-byte request on %s", len(payload), topic)
            return
        try:
            req = parse_json_object(payload)
        except ValueError as err:
            self._refused("malformed")
            log.warning("ignored a malformed request on %s: %s", topic, err)
            return
        request_id = req.get("request_id") if isinstance(req.get("request_id"), str) else None
        reply_to = self._reply_topic(device, req)
        if reply_to is None:
            self._refused("no_reply_topic")
            log.warning("ignored a request on %s without a reply/{id} topic of this hall to answer on", topic)
            return
        sender = device or ANONYMOUS
        if not self.limits.allow(sender):
            self._refused("rate_limited")
            if self._tell_limited(sender):  # once a second: a flood is not answered reply by reply
                self._send(reply_to, _refusal(request_id, "rate_limited", "too many requests; try again in a moment"),
                           qos=0)
            return
        args = dict(req)
        nested = req.get("args")
        if isinstance(nested, dict):
            args.update(nested)
        started = time.perf_counter()
        reply = self.answer(method, args, request_id, device)
        lane = self.kiosk_link if self.roster.is_kiosk(device) else None
        self._send(reply_to, reply, link=lane if lane is not None and lane.connected else None)
        for observe in self.observers:
            observe(method if method in self.methods else "unknown", time.perf_counter() - started)

    def _reply_topic(self, device: str | None, req: dict[str, Any]) -> str | None:
        """The device's own reply topic; for a plain request its ``reply_to`` (or ``reply/{source}``) when that
        is a ``reply/{id}`` topic of this hall, else nothing."""
        if device is not None:
            return self.topics.reply(device)
        reply_to, source = req.get("reply_to"), req.get("source") or req.get("device_id")
        if not isinstance(reply_to, str) or not reply_to:
            reply_to = f"reply/{source}" if isinstance(source, str) and source else None
        return self.topics.resolve_reply_to(reply_to) if reply_to else None

    def _send(self, topic: str, reply: RpcReply, qos: int = 1, link: DeviceLink | None = None) -> None:
        (link or self.link).publish(topic, reply.to_json(), qos=qos)

    def _refused(self, reason: str) -> None:
        for tell in self.refusal_observers:
            tell(reason)

    def _tell_limited(self, sender: str) -> bool:
        now = time.monotonic()
        if now - self._limited_told.get(sender, 0.0) < 1.0:
            return False
        self._limited_told[sender] = now
        if len(self._limited_told) > 2000:
            self._limited_told.clear()
        return True

    def answer(self, method: str, args: dict[str, Any], request_id: str | None,
               device: str | None = None) -> RpcReply:
        key = f"{device or ANONYMOUS}:{method}:{request_id}" if request_id and method == "window_command" else None
        if key is not None and (known := self._answers.get(key)) is not None:
            return known
        reply = self._answer(method, args, request_id, device)
        if key is not None:
            self._answers[key] = reply
            while len(self._answers) > 10_000:
                self._answers.popitem(last=False)
        return reply

    def _answer(self, method: str, args: dict[str, Any], request_id: str | None, device: str | None) -> RpcReply:
        fn = self.methods.get(method)
        if fn is None:
            return _refusal(request_id, "unknown_method", f"no RPC method {method[:64]!r}")
        try:
            return RpcReply(request_id=request_id, ok=True, result=fn(args, device))
        except ValidationError as err:
            first = err.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            return _refusal(request_id, "invalid_request", f"{where}: {first['msg']}")
        except HallError as err:
            return _refusal(request_id, err.code, err.message)

    def is_kiosk(self, device: str | None) -> bool:
        """Whether ``device`` (as the broker proves it) is one of the hall's kiosks."""
        return self.roster.is_kiosk(device, self.device_kind(device) if device else None)

    def issue_ticket(self, args: dict[str, Any], device: str | None) -> dict[str, Any]:
        """Only a kiosk (it read the card) sets the priority, the holder and its source; anyone else gets a normal
        ticket, or ``priority_not_allowed`` when it asked for another priority."""
        parsed = IssueTicketArgs.model_validate(args)
        if self.is_kiosk(device):
            parsed = parsed.model_copy(update={"source": device})
        else:
            if parsed.priority != "normal":
                raise PriorityNotAllowed()
            parsed = parsed.model_copy(update={"source": device, "holder": None, "holder_ref": None})
        return _bare(self.service.issue(parsed, Actor.device(device or ANONYMOUS)).ticket)

    def ticket_status(self, args: dict[str, Any], _device: str | None) -> dict[str, Any]:
        parsed = TicketStatusArgs.model_validate(args)
        return _bare(self.service.ticket_public(parsed.number))

    def window_command(self, args: dict[str, Any], device: str | None) -> dict[str, Any]:
        """A window device drives its window (the caller keypad: call next, recall, no-show, …).

        The window keeps the clerk who logged in there; the sending device is the audit's actor."""
        cmd = WindowCommandArgs.model_validate(args)
        if not self.roster.may_drive(device, cmd.window):
            if device is None:
                raise IdentityRequired()
            raise NotYourWindow(zh=f"设备 {device} 不属于 {cmd.window} 号窗口",
                                en=f"device {device} does not serve window {cmd.window}")
        actor = Actor.device(device or ANONYMOUS, cmd.window)
        svc, n = self.service, cmd.window
        commands: dict[str, Callable[[], WindowOutcome]] = {
            "call_next": lambda: svc.call_next(n, actor),
            "recall": lambda: svc.recall(n, actor),
            "no_show": lambda: svc.no_show(n, actor),
            "start": lambda: svc.start(n, actor),
            "finish": lambda: svc.finish(n, actor),
            "transfer": lambda: svc.transfer(n, cmd.queue or "", actor),
            "open": lambda: svc.open_window(n, actor),
            "pause": lambda: svc.pause_window(n, actor),
            "close": lambda: svc.close_window(n, actor),
        }
        out = commands[cmd.action]()
        return {"window": _bare(out.window), "ticket": _bare(out.ticket) if out.ticket is not None else None}


def _refusal(request_id: str | None, code: str, message: str) -> RpcReply:
    return RpcReply(request_id=request_id, ok=False, error=RpcError(code=code, message=message))


def _bare(msg: Message) -> dict[str, Any]:
    data = msg.model_dump()
    data.pop("v", None)
    return data


def _register_document(service: HallService, args: dict[str, Any], device: str | None = None) -> dict[str, Any]:
    """A kiosk registers an A4 document it printed, for ``/verify/{code}`` (:mod:`queue_server.documents`)."""
    from queue_server.documents import register_document

    return register_document(service, args, device)


"""RPC over MQTT: kiosks and window devices publish on ``rpc/{method}``, the server answers on
the request's ``reply_to`` topic.

A request is a JSON object with ``request_id`` (the idempotency key), ``reply_to`` and the
method's arguments (at the top level, or in an ``args`` object). A request repeated with the
same ``request_id`` gets the first answer again and issues nothing new, across restarts too
(the id is stored with the ticket). Requests are handled in order by one worker thread, so
paho's network loop never waits for the database.
"""
from __future__ import annotations

import logging
import queue
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
from queue_server.service import Actor, HallService, WindowOutcome

log = logging.getLogger(__name__)


class RpcServer:
    def __init__(self, service: HallService, link: DeviceLink, topics: Topics) -> None:
        self.service = service
        self.link = link
        self.topics = topics
        self._inbox: queue.Queue[tuple[str, bytes] | None] = queue.Queue(maxsize=100_000)
        self._thread = threading.Thread(target=self._work, name="rpc-worker", daemon=True)
        # window_command's answers by request_id: a retried request (its reply was lost) gets the first answer
        # again and does not act twice. Kept in memory (the last 10,000): a retry that straddles a server
        # restart acts again. issue_ticket keeps its request_id with the ticket, across restarts.
        self._answers: OrderedDict[str, RpcReply] = OrderedDict()
        #: called with (method, seconds) after each answered request (the metrics listen here)
        self.observers: list[Callable[[str, float], None]] = []
        self.methods: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
            "issue_ticket": self.issue_ticket,
            "ticket_status": self.ticket_status,
            "window_command": self.window_command,
            "register_document": partial(_register_document, self.service),
        }

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._inbox.put(None)
        self._thread.join(timeout=5)

    def submit(self, topic: str, payload: bytes) -> None:
        try:
            self._inbox.put_nowait((topic, payload))
        except queue.Full:
            log.error("RPC inbox full; dropped a request on %s", topic)

    def _work(self) -> None:
        while (item := self._inbox.get()) is not None:
            try:
                self.handle(*item)
            except Exception:
                log.exception("RPC handling failed")

    def handle(self, topic: str, payload: bytes) -> None:
        method = topic.rsplit("/", 1)[-1]
        try:
            req = parse_json_object(payload)
        except ValueError as err:
            log.warning("ignored a malformed request on %s: %s", topic, err)
            return
        request_id = req.get("request_id") if isinstance(req.get("request_id"), str) else None
        reply_to = req.get("reply_to")
        device = req.get("source") or req.get("device_id")
        if not isinstance(reply_to, str) or not reply_to:
            reply_to = f"reply/{device}" if isinstance(device, str) and device else None
        if reply_to is None or "#" in reply_to or "+" in reply_to:
            log.warning("ignored a request on %s without a usable reply_to", topic)
            return
        args = dict(req)
        nested = req.get("args")
        if isinstance(nested, dict):
            args.update(nested)
        started = time.perf_counter()
        reply = self.answer(method, args, request_id)
        self.link.publish(self.topics.resolve_reply_to(reply_to), reply.to_json())
        for observe in self.observers:
            observe(method if method in self.methods else "unknown", time.perf_counter() - started)

    def answer(self, method: str, args: dict[str, Any], request_id: str | None) -> RpcReply:
        key = f"{method}:{request_id}" if request_id and method == "window_command" else None
        if key is not None and (known := self._answers.get(key)) is not None:
            return known
        reply = self._answer(method, args, request_id)
        if key is not None:
            self._answers[key] = reply
            while len(self._answers) > 10_000:
                self._answers.popitem(last=False)
        return reply

    def _answer(self, method: str, args: dict[str, Any], request_id: str | None) -> RpcReply:
        fn = self.methods.get(method)
        if fn is None:
            return RpcReply(request_id=request_id, ok=False,
                            error=RpcError(code="unknown_method", message=f"no RPC method {method!r}"))
        try:
            return RpcReply(request_id=request_id, ok=True, result=fn(args))
        except ValidationError as err:
            first = err.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            return RpcReply(request_id=request_id, ok=False,
                            error=RpcError(code="invalid_request", message=f"{where}: {first['msg']}"))
        except HallError as err:
            return RpcReply(request_id=request_id, ok=False, error=RpcError(code=err.code, message=err.message))

    def issue_ticket(self, args: dict[str, Any]) -> dict[str, Any]:
        parsed = IssueTicketArgs.model_validate(args)
        return _bare(self.service.issue(parsed, request_actor(args)).ticket)

    def ticket_status(self, args: dict[str, Any]) -> dict[str, Any]:
        parsed = TicketStatusArgs.model_validate(args)
        return _bare(self.service.ticket_public(parsed.number))

    def window_command(self, args: dict[str, Any]) -> dict[str, Any]:
        """A window device drives its window (the caller keypad: call next, recall, no-show, …).

        The window keeps the clerk who logged in there; the device is the audit's actor."""
        cmd = WindowCommandArgs.model_validate(args)
        actor = request_actor(args, window=cmd.window)
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


def request_actor(args: dict[str, Any], window: int | None = None) -> Actor:
    """Who sent an RPC request: the device it names (``source``), or the window's device.

    On a broker without accounts the request's own word is all there is; with accounts the
    device is who the broker says (the topic's device id), which replaces this."""
    source = args.get("source")
    if isinstance(source, str) and source.strip():
        return Actor.device(source.strip()[:64], window)
    if window is not None:
        return Actor.device(f"window-device-{window}", window)
    return Actor.device("rpc")


def _bare(msg: Message) -> dict[str, Any]:
    data = msg.model_dump()
    data.pop("v", None)
    return data


def _register_document(service: HallService, args: dict[str, Any], device: str | None = None) -> dict[str, Any]:
    """A kiosk registers an A4 document it printed, for ``/verify/{code}`` (:mod:`queue_server.documents`)."""
    from queue_server.documents import register_document

    return register_document(service, args, device)


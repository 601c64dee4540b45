"""The MQTT contract between the apps: topic names and payload models (imports only pydantic).

Every topic starts with ``hall/{hall_id}/``; every payload is a UTF-8 JSON object with
``"v": 1``. The kiosk, display and window devices import this module and nothing else of the
server. Fields beyond the contract's minimum are additions, never renames.
"""
from __future__ import annotations

import json
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

SCHEMA_VERSION = 1
#: what a device id (and so a ``reply/{id}`` topic's last level) may be
DEVICE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")


def plain_text(v: str | None) -> str | None:
    """Text that reaches a screen, a ticket or a voice: control and bidi characters removed, tabs and
    newlines as spaces, no space at either end."""
    if v is None:
        return None
    return _CONTROL.sub("", v.replace("\t", " ").replace("\n", " ").replace("\r", " ")).strip()


class Topics:
    """Topic names of one hall."""

    def __init__(self, hall_id: str) -> None:
        self.hall_id = hall_id
        self.base = f"hall/{hall_id}/"
        self.calls = self.base + "calls"
        self.board = self.base + "board"
        self.advice = self.base + "advice"
        self.rpc_all = self.base + "rpc/+"
        self.device_rpc_all = self.base + "devices/+/rpc/+"
        self.windows_all = self.base + "windows/+/state"
        self.queues_all = self.base + "queues/+/state"
        self.devices_status_all = self.base + "devices/+/status"
        self.evaluation_results_all = self.base + "evaluations/+/result"

    def window_state(self, n: int) -> str:
        return f"{self.base}windows/{n}/state"

    def queue_state(self, code: str) -> str:
        return f"{self.base}queues/{code}/state"

    def device_status(self, device_id: str) -> str:
        return f"{self.base}devices/{device_id}/status"

    def device_cmd(self, device_id: str) -> str:
        return f"{self.base}devices/{device_id}/cmd"

    def rpc(self, method: str) -> str:
        return f"{self.base}rpc/{method}"

    def device_rpc(self, device_id: str, method: str) -> str:
        """A device's request in its own subtree: the broker's ACL lets only that device write it."""
        return f"{self.base}devices/{device_id}/rpc/{method}"

    def reply(self, device_id: str) -> str:
        return f"{self.base}reply/{device_id}"

    def evaluation_request(self, n: int) -> str:
        return f"{self.base}evaluations/{n}/request"

    def evaluation_result(self, n: int) -> str:
        return f"{self.base}evaluations/{n}/result"

    def resolve_reply_to(self, reply_to: str) -> str | None:
        """A ``reply_to`` may be a full topic or relative to the hall (``reply/kiosk-1``); ``None`` unless it
        names one ``reply/{id}`` topic of this hall (a reply never lands on another topic or another hall)."""
        full = reply_to if reply_to.startswith("hall/") else self.base + reply_to.lstrip("/")
        rest = full[len(self.base + "reply/"):] if full.startswith(self.base + "reply/") else ""
        return full if rest and DEVICE_ID.fullmatch(rest) else None

    def rpc_sender(self, topic: str) -> tuple[str | None, str] | None:
        """``(device_id, method)`` of a device-scoped request, ``(None, method)`` of a plain ``rpc/{method}``
        one, ``None`` for any other topic."""
        tail = self.tail(topic)
        if len(tail) == 2 and tail[0] == "rpc":
            return None, tail[1]
        if len(tail) == 4 and tail[0] == "devices" and tail[2] == "rpc":
            return tail[1], tail[3]
        return None

    def tail(self, topic: str) -> list[str]:
        return topic[len(self.base):].split("/") if topic.startswith(self.base) else []


class Message(BaseModel):
    model_config = ConfigDict(extra="allow")
    v: int = SCHEMA_VERSION

    def to_json(self) -> bytes:
        return self.model_dump_json(exclude_none=False).encode()


Priority = Literal["normal", "elderly", "disabled", "appointment"]
TicketState = Literal["waiting", "called", "serving", "done", "no_show", "not_started", "transferred", "cancelled",
                      "expired"]


class TicketPublic(Message):
    """A ticket as anyone may see it: no personal data beyond the masked holder."""

    number: str
    queue: str
    queue_name: str = ""
    item: str | None = None
    item_name: str | None = None
    priority: Priority = "normal"
    state: TicketState = "waiting"
    issued_at: str
    window: int | None = None
    window_name: str | None = None
    ahead: int = 0
    predicted_wait_s: int = 0
    attempts: int = 0
    called_at: str | None = None
    holder: str | None = None
    status_url: str | None = None


class CallMessage(Message):
    number: str
    queue: str
    window: int
    window_name: str
    attempt: int = 1
    at: str
    priority: Priority = "normal"


class QueueState(Message):
    code: str
    name: str
    waiting: int
    predicted_wait_s: int
    last_called: str | None = None
    longest_wait_s: int = 0
    target_wait_s: int = 0


#: the longest display name or staff number a window state carries (as the staff record allows)
BADGE_MAX_CHARS = 32


class WindowState(Message):
    number: int
    name: str
    kind: Literal["accept", "query", "bulk", "elastic"]
    status: Literal["open", "paused", "closed"]
    queues: list[str]
    current: str | None = None
    since: str | None = None
    current_state: TicketState | None = None
    served_today: int = 0
    #: the clerk's login name: staff-side views only (HTTP for staff); never on MQTT, kept for older payloads
    clerk: str | None = None
    #: 亮牌: the clerk's display name and staff number (null when the staff record has none)
    clerk_name: str | None = None
    staff_no: str | None = None

    @field_validator("clerk_name", "staff_no")
    @classmethod
    def _badge_text(cls, v: str | None) -> str | None:
        v = plain_text(v)
        return v[:BADGE_MAX_CHARS] or None if v is not None else None


class Board(Message):
    hall: str
    hall_name: str
    at: str
    calls: list[CallMessage]
    queues: list[QueueState]
    notice: str | None = None
    issuing: bool = True
    #: when not issuing: why (stopped, lunch, cutoff, after_hours, rest_day, holiday ...), when it resumes
    #: (ISO time or None) and the words the kiosk and the display show (午休暂停取号，13:30恢复取号)
    issuing_reason: str | None = None
    resumes_at: str | None = None
    issuing_message: str | None = None
    issuing_message_en: str | None = None

    @field_validator("notice")
    @classmethod
    def _plain_notice(cls, v: str | None) -> str | None:
        return plain_text(v)


class AdviceItem(BaseModel):
    id: str
    action: Literal["open", "close"]
    window: int
    window_name: str
    queue: str
    reason: str
    reason_en: str
    #: who should go (an open): "named" (``person``), "nobody" free, or "unknown"
    staffing: str = "unknown"
    person: str | None = None
    person_label: str | None = None
    person_label_en: str | None = None
    #: when the window can start calling, once the person has walked there
    ready_at: str | None = None
    #: the queue's predicted wait now and with the change
    wait_now_s: float | None = None
    wait_after_s: float | None = None


class AdviceDispatch(BaseModel):
    """An accepted open on its way: the window opens when the person sent arrives at it."""

    window: int
    window_name: str
    queues: list[str]
    person: str | None = None
    person_label: str | None = None
    person_label_en: str | None = None
    accepted_at: str
    ready_at: str


class AdviceLogLine(BaseModel):
    """What happened after an advice was accepted (the console's status lines)."""

    at: str
    text: str
    text_en: str


class Advice(Message):
    """The advisor's current recommendation; the first item is repeated at the top level."""

    at: str
    action: Literal["open", "close", "none"] = "none"
    window: int | None = None
    queue: str | None = None
    reason: str = ""
    reason_en: str = ""
    recommendations: list[AdviceItem] = Field(default_factory=list)
    auto_apply: bool = False
    #: accepted opens whose person is on the way, and what happened after 采纳 today (newest first)
    on_the_way: list[AdviceDispatch] = Field(default_factory=list)
    log: list[AdviceLogLine] = Field(default_factory=list)
    #: every queue's predicted and longest wait within its target, as the queue table shows them
    within_target: bool | None = None


class DeviceStatus(Message):
    state: Literal["online", "offline"]
    kind: str
    faults: list[str] = Field(default_factory=list)
    at: str | None = None


class DeviceCommand(Message):
    cmd: Literal["notice", "stop_issuing", "resume_issuing", "reload"]
    text: str | None = None

    @field_validator("text")
    @classmethod
    def _plain_text(cls, v: str | None) -> str | None:
        return plain_text(v)


class RpcError(BaseModel):
    code: str
    message: str


class RpcReply(Message):
    request_id: str | None
    ok: bool
    result: dict[str, Any] | None = None
    error: RpcError | None = None


class IssueTicketArgs(BaseModel):
    """Arguments of ``rpc/issue_ticket`` (and of ``POST /api/tickets``): a queue or a service item."""

    model_config = ConfigDict(extra="ignore", json_schema_extra={
        "anyOf": [{"required": ["queue"]}, {"required": ["item"]}]})  # the server's OpenAPI is more exact
    queue: str | None = Field(default=None, max_length=8)
    item: str | None = Field(default=None, max_length=32)
    priority: Priority = "normal"
    source: str | None = Field(default=None, max_length=64)
    holder: str | None = Field(default=None, max_length=64, description="masked holder, e.g. 张*")
    holder_ref: str | None = Field(default=None, max_length=128,
                                   description="an opaque hash of the holder, to refuse a second ticket")
    request_id: str | None = Field(default=None, max_length=128)

    @field_validator("request_id", "holder", "holder_ref", "source", "queue", "item")
    @classmethod
    def _blank_is_absent(cls, v: str | None) -> str | None:
        """An empty string means "not given": an empty request_id is no idempotency key. Control
        characters never reach a ticket or a screen."""
        v = plain_text(v)
        return v.strip() if v is not None and v.strip() else None


class TicketStatusArgs(BaseModel):
    model_config = ConfigDict(extra="ignore")
    number: str = Field(max_length=16)


WindowAction = Literal["call_next", "recall", "no_show", "start", "finish", "transfer", "open", "pause", "close"]


class WindowCommandArgs(BaseModel):
    """Arguments of ``rpc/window_command``: a window device (the caller keypad's bridge) drives
    its window. ``queue`` is the target of a ``transfer``."""

    model_config = ConfigDict(extra="ignore")
    window: int = Field(ge=1, le=999)
    action: WindowAction
    queue: str | None = Field(default=None, max_length=4)
    source: str | None = Field(default=None, max_length=64)


class EvaluationRequest(Message):
    window: int
    number: str
    ticket_id: str
    timeout_s: float
    at: str | None = None


class EvaluationResult(Message):
    number: str | None = None
    ticket_id: str | None = None
    rating: int = Field(ge=1, le=5)
    reason: str | None = None
    #: after 1 or 2, reasons by the standard's dimensions (codes of the hall's ``[ratings] reasons``)
    reasons: list[str] | None = Field(default=None, max_length=6)

    def to_json(self) -> bytes:
        """As every message; ``reasons`` only when there are some (an evaluator without them says what it did)."""
        return self.model_dump_json(exclude={"reasons"} if self.reasons is None else None).encode()


def parse_json_object(payload: bytes) -> dict[str, Any]:
    """Decode an MQTT payload as a JSON object, or raise ValueError saying why not."""
    try:
        data = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ValueError(f"payload is not UTF-8 JSON: {err}") from err
    if not isinstance(data, dict):
        raise ValueError("payload is not a JSON object")
    return data


__all__ = [
    "SCHEMA_VERSION", "Advice", "AdviceDispatch", "AdviceItem", "AdviceLogLine", "Board", "CallMessage",
    "DeviceCommand", "DeviceStatus",
    "EvaluationRequest", "EvaluationResult", "IssueTicketArgs", "Message", "QueueState", "RpcError",
    "RpcReply", "TicketPublic", "TicketStatusArgs", "Topics", "ValidationError", "WindowAction",
    "WindowCommandArgs", "WindowState", "parse_json_object", "plain_text",
]

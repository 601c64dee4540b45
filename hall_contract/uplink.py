"""The province uplink's contract: subjects, the event envelope and each event's ``data``.

Imports only pydantic and the standard library, so the hall (which writes events), its relay
(which publishes them) and the province (which reads them) share one definition.

Envelope: ``{"v": 1, "hall", "seq", "day", "type", "at", "data"}``; subject
``hall.{hall_id}.events.{type}``; header ``Nats-Msg-Id: {hall_id}:{seq}``. ``seq`` counts
1, 2, 3, ... per hall and never repeats or skips. ``data`` carries the contract's ticket field
names and never personal data: the models below forbid any other field, so a holder's name
or card number cannot slip in.
"""
from __future__ import annotations

import json
import re
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

SCHEMA_VERSION: Literal[1] = 1
#: a hall id as the hall's configuration allows it: no dot, space or wildcard can reach a subject
HALL_ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"
_HALL_ID = re.compile(HALL_ID_PATTERN)
#: the stream a relay creates when none captures its subjects (the province normally owns it)
DEFAULT_STREAM = "HALL_EVENTS"
ALL_HALLS_SUBJECTS = "hall.*.events.>"
MAX_EVENT_BYTES = 16 * 1024

EventType = Literal["ticket_issued", "ticket_called", "visit_ended", "rating", "follow_up", "window_status"]
EVENT_TYPES: tuple[str, ...] = ("ticket_issued", "ticket_called", "visit_ended", "rating", "follow_up",
                                "window_status")
Outcome = Literal["done", "no_show", "not_started", "transferred", "cancelled", "expired"]


class BadEvent(ValueError):
    """An event the province cannot take; ``reason`` says why (it is parked with it)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def valid_hall_id(hall_id: str) -> bool:
    return bool(_HALL_ID.match(hall_id))


def subject(hall_id: str, event_type: str) -> str:
    if not valid_hall_id(hall_id):
        raise ValueError(f"hall id {hall_id!r} cannot name a subject: use letters, digits, - and _")
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    return f"hall.{hall_id}.events.{event_type}"


def hall_subjects(hall_id: str) -> str:
    """The wildcard that captures every event of one hall."""
    return f"hall.{hall_id}.events.>"


def msg_id(hall_id: str, seq: int) -> str:
    """The ``Nats-Msg-Id`` header: the stream drops a second message with the same id."""
    return f"{hall_id}:{seq}"


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TicketData(_Data):
    """What every ticket event carries: the contract's ticket fields, no holder."""

    ticket_id: str = Field(max_length=40)
    number: str = Field(max_length=16)
    queue: str = Field(max_length=4)
    item: str | None = Field(default=None, max_length=32)
    priority: str = Field(max_length=16)
    hop: int = Field(default=0, ge=0, description="0 for a first ticket, 1.. after each transfer")
    window: int | None = None


class TicketIssued(TicketData):
    issued_at: datetime
    queued_at: datetime = Field(description="its place in line: the first issue time, kept on transfer")
    source: str | None = Field(default=None, max_length=64, description="device or desk that issued it")


class TicketCalled(TicketData):
    attempt: int = Field(ge=1, description="1 for the first call, 2.. for recalls")
    clerk: str | None = Field(default=None, max_length=64, description="the clerk's staff id")
    called_at: datetime
    wait_s: float | None = Field(default=None, description="first call only: from its place in line to the call")
    target_wait_s: float | None = Field(default=None, description="the queue's target wait")


class VisitEnded(TicketData):
    outcome: Outcome
    ended_at: datetime
    called_at: datetime | None = None
    wait_s: float | None = None
    service_s: float | None = Field(default=None, description="done only: from the call to 办结")
    clerk: str | None = Field(default=None, max_length=64)


class RatingData(_Data):
    ticket_id: str = Field(max_length=40)
    rating_id: int
    number: str = Field(max_length=16)
    queue: str = Field(max_length=4)
    item: str | None = Field(default=None, max_length=32)
    window: int
    clerk: str | None = Field(default=None, max_length=64)
    level: int = Field(ge=1, le=5, description="1 非常不满意 .. 5 非常满意")
    reason: str | None = Field(default=None, max_length=64, description="a reason code, never free text")
    source: str | None = Field(default=None, max_length=64)
    follow_up: Literal["open", "done"] | None = None


class FollowUpData(_Data):
    """A negative rating's 整改 state changed (the manager's note stays in the hall)."""

    ticket_id: str = Field(max_length=40)
    rating_id: int
    number: str = Field(max_length=16)
    window: int
    clerk: str | None = Field(default=None, max_length=64)
    level: int | None = Field(default=None, ge=1, le=5)
    state: Literal["open", "done"]
    by: str = Field(max_length=64, description="the manager's staff id")


class WindowStatus(_Data):
    """A window opened, paused, closed or given other queues: the province's windows-open figure."""

    window: int
    name: str | None = Field(default=None, max_length=64)
    kind: str = Field(max_length=16)
    status: Literal["open", "paused", "closed"]
    queues: list[str] = Field(default_factory=list, max_length=16)
    clerk: str | None = Field(default=None, max_length=64)


DATA_MODELS: dict[str, type[_Data]] = {
    "ticket_issued": TicketIssued, "ticket_called": TicketCalled, "visit_ended": VisitEnded,
    "rating": RatingData, "follow_up": FollowUpData, "window_status": WindowStatus,
}


class Envelope(BaseModel):
    model_config = ConfigDict(extra="forbid")

    v: Literal[1] = SCHEMA_VERSION
    hall: str = Field(pattern=HALL_ID_PATTERN)
    seq: int = Field(ge=1)
    day: date
    type: EventType
    at: datetime
    data: dict[str, Any]

    @field_validator("at")
    @classmethod
    def _aware(cls, v: datetime) -> datetime:
        if v.tzinfo is None:
            raise ValueError("at needs its UTC offset")
        return v

    @property
    def subject(self) -> str:
        return subject(self.hall, self.type)

    @property
    def msg_id(self) -> str:
        return msg_id(self.hall, self.seq)

    def typed(self) -> _Data:
        return DATA_MODELS[self.type].model_validate(self.data)

    def to_json(self) -> bytes:
        return json.dumps(self.model_dump(mode="json"), ensure_ascii=False, separators=(",", ":")).encode()


def make_event(hall: str, seq: int, day: date, event_type: str, at: datetime, data: _Data) -> Envelope:
    if type(data) is not DATA_MODELS.get(event_type):
        raise ValueError(f"{type(data).__name__} is not the data of {event_type}")
    return Envelope(hall=hall, seq=seq, day=day, type=event_type, at=at,  # type: ignore[arg-type]
                    data=data.model_dump(mode="json", exclude_none=True))


def parse_event(raw: bytes, subj: str | None = None) -> Envelope:
    """An event from the wire, checked against its subject; :class:`BadEvent` says what is wrong."""
    if len(raw) > MAX_EVENT_BYTES:
        raise BadEvent(f"too large: {len(raw)} bytes (at most {MAX_EVENT_BYTES})")
    try:  # the fast path; anything it refuses is looked at again below, to say why
        env = Envelope.model_validate_json(raw)
    except ValidationError:
        env = _explain(raw)
    try:
        env.typed()
    except ValidationError as err:
        raise BadEvent(_first_error(err, "data.")) from err
    if subj is not None and subj != env.subject:
        raise BadEvent(f"subject {subj[:100]!r} does not match the event ({env.subject})")
    return env


def _explain(raw: bytes) -> Envelope:
    """The envelope the slow way, raising :class:`BadEvent` with the first thing that is wrong."""
    try:
        obj = json.loads(raw)
    except (UnicodeDecodeError, ValueError) as err:
        raise BadEvent(f"not JSON: {str(err)[:120]}") from err
    if not isinstance(obj, dict):
        raise BadEvent("not a JSON object")
    if obj.get("v") != SCHEMA_VERSION:
        raise BadEvent(f"unknown schema version {str(obj.get('v'))[:20]!r} (this province reads v{SCHEMA_VERSION})")
    hall = obj.get("hall")
    if not isinstance(hall, str) or not valid_hall_id(hall):
        raise BadEvent(f"bad hall id {str(hall)[:70]!r}: letters, digits, - and _ only")
    try:
        return Envelope.model_validate(obj)
    except ValidationError as err:
        raise BadEvent(_first_error(err, "")) from err


def _first_error(err: ValidationError, prefix: str) -> str:
    first = err.errors()[0]
    where = prefix + ".".join(str(p) for p in first["loc"])
    return f"invalid {where or 'event'}: {first['msg']}"[:200]

"""预约: slots (managers set them), bookings (anyone, with an ID number), check-in by booking code (anyone:
the code is the proof) or by ID number (the guide desk, self-service staff), and the day's bookings."""
from __future__ import annotations

import math
from datetime import date as Date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, Field

from queue_server.actor import Actor
from queue_server.api.deps import DayQuery, ServiceDep, client_key, require
from queue_server.api.errors import ApiError
from queue_server.api.throttle import RateLimit
from queue_server.auth import Principal
from queue_server.frontdesk.appointments import AppointmentBook, BookingError, CheckIn
from queue_server.frontdesk.citizens import CitizenInputError
from queue_server.service import HallService

router = APIRouter(prefix="/api/appointments", tags=["appointments"])
Manager = Annotated[Principal, Depends(require("manager", "admin"))]
Desk = Annotated[Principal, Depends(require("guide", "selfservice", "manager", "admin"))]
HHMM = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$", description="HH:MM")]
#: 18 characters, 17 digits and a digit or X; the check digit is a rule (409 invalid_citizen)
IdNumber = Annotated[str, Field(min_length=18, max_length=18, pattern=r"^[0-9]{17}[0-9Xx]$",
                                description="the 18-character resident ID number")]


def book_of(request: Request, svc: HallService) -> AppointmentBook:
    book: AppointmentBook | None = getattr(request.app.state, "appointment_book", None)
    if book is None or book.svc is not svc:
        book = request.app.state.appointment_book = AppointmentBook(svc, svc.store.engine, svc.settings.appointments)
    return book


def _anonymous_limit(request: Request) -> None:
    """Booking, check-in by code and cancelling need no token: each address gets the anonymous ticket allowance
    (``[server] anonymous_issue_burst``, then ``anonymous_issue_per_minute``), so a script cannot fill the slots."""
    limit: RateLimit | None = getattr(request.app.state, "appointment_limit", None)
    if limit is None:
        s = request.app.state.runtime.settings.server
        limit = request.app.state.appointment_limit = RateLimit(s.anonymous_issue_burst,
                                                                s.anonymous_issue_per_minute)
    wait = limit.take(client_key(request))
    if wait > 0:
        raise ApiError(429, "rate_limited", f"操作过于频繁，请 {math.ceil(wait)} 秒后再试 "
                       f"(too many requests from this address: try again in {math.ceil(wait)} s)",
                       {"Retry-After": str(math.ceil(wait))})


def _fail(err: Exception) -> ApiError:
    """The form of a field is the schema's (422); an ID number whose check digit does not match, and a name
    the hall cannot print, are refused by rule (409)."""
    if isinstance(err, BookingError):
        return ApiError(err.status, err.code, str(err))
    return ApiError(409, "invalid_citizen", str(err))


class SlotIn(BaseModel):
    date: Date
    start: HHMM
    end: HHMM
    queue: str | None = Field(default=None, max_length=4)
    item: str | None = Field(default=None, max_length=32)
    capacity: int = Field(ge=1, le=1000)


@router.get("/slots")
def slots(svc: ServiceDep, request: Request, date: DayQuery = None) -> dict[str, Any]:
    """The day's slots with their capacity and free places (no personal data)."""
    d = date or svc.now().date()
    return {"date": d.isoformat(), "slots": book_of(request, svc).slots(d)}


@router.put("/slots", status_code=200)
def put_slot(body: SlotIn, svc: ServiceDep, _p: Manager, request: Request) -> dict[str, Any]:
    """Add a slot, or change the end and capacity of the one at that time."""
    try:
        return book_of(request, svc).add_slot(body.date, body.start, body.end, body.queue, body.item, body.capacity)
    except BookingError as err:
        raise _fail(err) from err


class BookingIn(BaseModel):
    date: Date
    start: HHMM
    queue: str | None = Field(default=None, max_length=4)
    item: str | None = Field(default=None, max_length=32)
    id_number: IdNumber = Field(description="kept only masked and as a reference")
    name: str | None = Field(default=None, max_length=32)


@router.post("", status_code=201)
def book(body: BookingIn, svc: ServiceDep, request: Request) -> dict[str, Any]:
    _anonymous_limit(request)
    """Book a place; the answer's ``code`` is the booking code to check in with."""
    if body.date < svc.now().date():
        raise ApiError(409, "past_day", "不能预约过去的日期 (the day has passed)")
    try:
        return book_of(request, svc).book(body.date, body.start, body.queue, body.item, body.id_number, body.name)
    except (BookingError, CitizenInputError) as err:
        raise _fail(err) from err


@router.get("")
def bookings(svc: ServiceDep, _p: Desk, request: Request, date: DayQuery = None) -> dict[str, Any]:
    d = date or svc.now().date()
    b = book_of(request, svc)
    return {"date": d.isoformat(), "bookings": b.bookings(d), "figures": b.figures(d)}


class CodeIn(BaseModel):
    code: str = Field(min_length=8, max_length=8, pattern=r"^[0-9]{8}$", description="the 8-digit booking code")


class IdIn(BaseModel):
    id_number: IdNumber


def _checked(c: CheckIn) -> dict[str, Any]:
    return {"ticket": c.ticket.model_dump(exclude={"v", "holder"}), "on_time": c.on_time, "message": c.message,
            "booking": c.booking}


@router.post("/checkin")
def check_in(body: CodeIn, svc: ServiceDep, request: Request) -> dict[str, Any]:
    _anonymous_limit(request)
    """Check in by booking code (the kiosk's code screen, or a phone): within the window an ``appointment``
    ticket, later a normal one with a message saying so."""
    try:
        return _checked(book_of(request, svc).check_in(Actor.anonymous("appointment"), code=body.code))
    except (BookingError, CitizenInputError) as err:
        raise _fail(err) from err


@router.post("/checkin/id")
def check_in_by_id(body: IdIn, svc: ServiceDep, p: Desk, request: Request) -> dict[str, Any]:
    """Check in by the ID number (read from the card or typed at the desk)."""
    try:
        return _checked(book_of(request, svc).check_in(p.actor(), id_number=body.id_number))
    except (BookingError, CitizenInputError) as err:
        raise _fail(err) from err


@router.post("/{code}/cancel")
def cancel(code: Annotated[str, Path(pattern=r"^[0-9]{8}$")], svc: ServiceDep, request: Request) -> dict[str, Any]:
    """Cancel a booking by its code (the code is the proof), before its check-in window has passed."""
    _anonymous_limit(request)
    try:
        return book_of(request, svc).cancel(code)
    except BookingError as err:
        raise _fail(err) from err

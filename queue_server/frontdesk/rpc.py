"""``rpc/appointment_checkin``: the kiosk checks a booking in by its code or by the card it read.

Arguments: ``code`` (the booking code) or ``holder_ref`` (the kiosk's reference of the card's ID number:
the ID number itself never travels), ``source`` (the kiosk). The result is the ticket, ``on_time``
(False: the check-in window had passed and the ticket is normal) and the ``message`` to show.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from hall_contract.errors import HallError
from queue_server.frontdesk.appointments import AppointmentBook, BookingError
from queue_server.frontdesk.citizens import CitizenInputError
from queue_server.service import HallService


class CheckInArgs(BaseModel):
    model_config = ConfigDict(extra="ignore")
    code: str | None = Field(default=None, max_length=16)
    holder_ref: str | None = Field(default=None, max_length=128)


class CheckInRefused(HallError):
    code = "checkin_refused"
    message_zh, message_en = "无法签到", "the check-in was refused"


def appointment_checkin(svc: HallService, actor_of: Callable[[dict[str, Any]], Any]) -> Callable[
        [dict[str, Any]], dict[str, Any]]:
    book = AppointmentBook(svc, svc.store.engine, svc.settings.appointments)

    def method(args: dict[str, Any]) -> dict[str, Any]:
        a = CheckInArgs.model_validate(args)
        try:
            c = book.check_in(actor_of(args), code=a.code, ref=a.holder_ref)
        except (BookingError, CitizenInputError) as err:
            zh, _, en = str(err).partition(" (")
            raise CheckInRefused(getattr(err, "code", "invalid_citizen"), zh=zh, en=en.rstrip(")")) from err
        return {"ticket": c.ticket.model_dump(exclude={"v", "holder"}), "on_time": c.on_time, "message": c.message}

    return method

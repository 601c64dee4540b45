"""Where each card event goes: what the kiosk's screen shows decides who hears of it.

The social security card (inserted, pulled, read, refused) and the ID card (read, lifted, refused)
reach the identity flow, the maintenance screen (staff at work: a card is only noted) or the
take-your-card screen (:mod:`kiosk.viewmodels.farewell`), and a card taken out ends a visit that
followed it. Kept apart from :class:`~kiosk.viewmodels.kiosk.KioskModel`, which calls :func:`route`.
"""
from __future__ import annotations

from typing import Protocol

from kiosk import events as ev
from kiosk.viewmodels.checkin_desk import SCREEN as CHECKIN
from kiosk.viewmodels.checkin_desk import CheckInDesk
from kiosk.viewmodels.farewell import Farewell
from kiosk.viewmodels.identity import Identity
from kiosk.viewmodels.maintenance import Maintenance
from kiosk.viewmodels.session import Session
from kiosk.viewmodels.shell import PinPurpose


class Kiosk(Protocol):
    """What routing needs of :class:`~kiosk.viewmodels.kiosk.KioskModel`."""

    screen: str
    session: Session
    identity: Identity
    maintenance: Maintenance
    farewell: Farewell
    checkin: CheckInDesk

    def asking(self, purpose: PinPurpose) -> bool: ...

    def publish_status(self, force: bool = False) -> None: ...

    def end_session(self, now: float, note: str | None = None) -> None: ...

    def toast(self, key: str, now: float, **values: object) -> None: ...


def route(m: Kiosk, event: ev.CardEvent, now: float) -> None:
    match event:
        case ev.CardInserted():
            m.session.card_in = True
            if m.screen in ("maintenance", "issuing") or m.asking("staff"):
                m.maintenance.card_inserted()  # staff at work, or a ticket on its way: not read now
            elif m.screen == CHECKIN:
                m.checkin.card_inserted(now)  # 预约签到 by card: read for its holder, nobody signs in
            else:
                m.identity.inserted(m.screen, now)
        case ev.CardPulled():
            m.session.card_in = False
            if m.farewell.taken(now, m.screen):
                m.publish_status()
            if m.screen == "take_card":
                pass  # the farewell ends the session once every card is out
            elif m.screen in ("issuing", "ticket"):  # the ticket comes or stays; the holder is forgotten now
                m.session.wipe_personal()
            elif m.identity.card_session or m.screen == "reading" or m.asking("card"):
                m.end_session(now, "card_removed")
        case ev.CardRead(citizen=citizen) if m.screen == CHECKIN and citizen is not None:
            m.checkin.id_card(citizen, now)
        case ev.CardRead():
            m.identity.read(event, now)
        case ev.CardFailed(error=error):
            m.identity.failed(error, now)
        case ev.IdCardLifted():
            m.session.idcard_on = False
            if m.farewell.taken(now, m.screen):
                m.publish_status()
        case ev.IdCardRead(citizen=citizen):
            m.session.idcard_on = True
            if m.screen == CHECKIN:  # 预约签到 by ID card: nobody signs in, only the booking is looked up
                m.checkin.id_card(citizen, now)
            elif m.screen not in ("maintenance", "issuing", "ticket"):
                m.identity.id_card_read(citizen, now)
        case ev.IdCardFailed(error=error):
            if m.screen == "auth":
                m.toast(getattr(error, "code", "reader_error"), now)

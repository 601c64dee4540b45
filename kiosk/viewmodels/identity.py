"""Who is at the kiosk: the social security card (read, then its PIN) and the resident ID card.

A card read without its PIN shows the masked holder and asks for the PIN; a verified card or
an ID card makes the holder known (elderly mode comes on by itself at 70+). A card pulled out
ends the session, except while a ticket request is out: then only the holder is forgotten.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from hardware.card.errors import CardRemoved, NoCard, PinBlocked, WrongPin
from kiosk import events as ev

if TYPE_CHECKING:
    from kiosk.viewmodels.kiosk import KioskModel


class Identity:
    def __init__(self, model: KioskModel) -> None:
        self.m = model

    def inserted(self, now: float) -> None:
        m = self.m
        if m.screen in ("maintenance", "issuing") or (m.screen == "pin" and m.pin_purpose == "staff"):
            m.maintenance.card_seen = True
            return
        if m.session.citizen is not None or m.session.pending is not None:
            m.session.wipe()
        if m.screen not in ("auth", "items"):
            m.after_auth = None
        elif m.screen == "items":
            m.after_auth = "items"
        m.session.touch(now)
        m.card.read(pin=None)
        m.go("reading", now)

    def pulled(self, now: float) -> None:
        m = self.m
        s = m.session
        if m.screen == "issuing":  # the request is out: let the ticket come, but forget the holder now
            s.wipe_personal()
            return
        card_session = s.pending is not None or (s.citizen is not None and s.citizen.source == "card")
        if card_session or m.screen == "reading" or (m.screen == "pin" and m.pin_purpose == "card"):
            m.end_session(now, "card_removed")

    def read(self, event: ev.CardRead, now: float) -> None:
        m = self.m
        if event.citizen is None:
            m.show_message("auth_title", [("card_restricted", {})], now)
            return
        if event.verified:
            self.authenticated(event.citizen, now)
            if event.expired:
                m.show_toast("card_expired", now)
            return
        m.session.hold(event.citizen, now)
        m.ask_pin("card", now, ("card_expired", {}) if event.expired else None)

    def failed(self, error: Exception, now: float) -> None:
        m = self.m
        if isinstance(error, WrongPin):
            m.ask_pin("card", now, ("pin_wrong", {"text": m.tr_error(error)}))
        elif isinstance(error, PinBlocked):
            m.pin_blocked(now)
        elif isinstance(error, CardRemoved | NoCard):
            m.end_session(now, "card_removed")
        else:
            m.show_message("auth_title", [("error_text", {"text": m.tr_error(error)})], now)

    def authenticated(self, citizen: Any, now: float) -> None:
        m = self.m
        elderly = m.session.authenticate(citizen, m.today(), now)
        m.picker.elderly = m.session.elderly
        if elderly:
            m.show_toast("elderly_on", now)
            m.guide("elderly_on")
        target, m.after_auth = m.after_auth or "home", None
        m.go(target, now)

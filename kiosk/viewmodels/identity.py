"""Who is at the kiosk: the social security card (read, then its PIN) and the resident ID card.

A card read without its PIN shows the masked holder and asks for the PIN; a verified card or
an ID card makes the holder known (elderly mode comes on by itself at 70+), and the screen that
asked for a holder (:meth:`Identity.sign_in`) follows. Which card event reaches this flow, and
when a pulled card ends the session, the model decides (:mod:`kiosk.viewmodels.kiosk`).
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from hardware.card.errors import CardRemoved, NoCard, PinBlocked, WrongPin
from kiosk import events as ev
from kiosk.citizen import Citizen
from kiosk.ports import CardPort
from kiosk.viewmodels.config import ModelConfig
from kiosk.viewmodels.guide import VoiceGuide
from kiosk.viewmodels.session import Session
from kiosk.viewmodels.shell import Line, Shell, error_text, pin_blocked


class Identity:
    def __init__(self, shell: Shell, session: Session, card: CardPort, guide: VoiceGuide, cfg: ModelConfig,
                 today: Callable[[], date]) -> None:
        self.shell, self.session, self.card, self.guide, self.cfg, self.today = shell, session, card, guide, cfg, today
        self.then: str | None = None  # the screen to show once the holder is known (home when None)

    def clear(self) -> None:
        self.then = None

    @property
    def card_session(self) -> bool:
        """Whether the holder (known or waiting for the PIN) came with the social security card."""
        s = self.session
        return s.pending is not None or (s.citizen is not None and s.citizen.source == "card")

    def sign_in(self, then: str, now: float) -> None:
        """Ask for a card; ``then`` shows once the holder is known."""
        self.then = then
        self.shell.go("auth", now)

    # -- the social security card -----------------------------------------------------------
    def inserted(self, screen: str, now: float) -> None:
        """A card went in while ``screen`` showed: read it (a new card is a new holder)."""
        s = self.session
        if s.citizen is not None or s.pending is not None:
            s.wipe()
        if screen == "items":
            self.then = "items"
        elif screen != "auth":
            self.then = None
        s.touch(now)
        self.card.read(pin=None)
        self.shell.go("reading", now)

    def read(self, event: ev.CardRead, now: float) -> None:
        if event.citizen is None:
            self.shell.message("auth_title", [("card_restricted", {})], now)
            return
        if event.verified:
            self.authenticated(event.citizen, now)
            if event.expired:
                self.shell.toast("card_expired", now)
            return
        self.session.hold(event.citizen, now)
        self._ask_pin(now, ("card_expired", {}) if event.expired else None)

    def failed(self, error: Exception, now: float) -> None:
        text = error_text(error, self.session.language)
        if isinstance(error, WrongPin):
            self._ask_pin(now, ("pin_wrong", {"text": text}))
        elif isinstance(error, PinBlocked):
            pin_blocked(self.shell, self.session, self.cfg, now)
        elif isinstance(error, CardRemoved | NoCard):
            self.shell.end_session(now, "card_removed")
        else:
            self.shell.message("auth_title", [("error_text", {"text": text})], now)

    def _ask_pin(self, now: float, note: Line | None) -> None:
        self.shell.ask_pin("card", now, self._pin_entered, note)

    def _pin_entered(self, pin: str, now: float) -> None:
        """The PIN goes to the card (and nowhere else); the answer is a ``CardRead`` or ``CardFailed``."""
        self.card.read(pin=pin)
        self.shell.go("reading", now)

    # -- the resident ID card ---------------------------------------------------------------
    def id_card_read(self, citizen: Citizen, now: float) -> None:
        if self.session.citizen is not None and self.session.citizen.id_number != citizen.id_number:
            self.session.wipe()
        self.authenticated(citizen, now)

    # -- known ------------------------------------------------------------------------------
    def authenticated(self, citizen: Citizen, now: float) -> None:
        """The holder is known: elderly mode by age, then the screen that asked for a holder."""
        if self.session.authenticate(citizen, self.today(), now):
            self.shell.toast("elderly_on", now)
            self.guide.say("elderly_on")
        target, self.then = self.then or "home", None
        self.shell.go(target, now)

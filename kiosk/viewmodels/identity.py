"""Who is at the kiosk: the social security card, the resident ID card, the 电子社保卡 QR code.

A card read without its PIN already makes the holder known (elderly mode comes on by itself at
70+): a ticket needs nothing more. The PIN is asked only when a personal record or a card
service needs it (:meth:`Identity.with_pin`), once per session; the flow that asked goes on
when the card has checked it. An ID card or an e-card login makes the holder known as well.
The screen that asked for a holder (:meth:`Identity.sign_in`) follows. Which card event reaches
this flow, and when a pulled card ends the session, the model decides
(:mod:`kiosk.viewmodels.kiosk`).
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

from hardware.card.errors import CardRemoved, NoCard, PinBlocked, WrongPin
from kiosk import events as ev
from kiosk.citizen import Citizen
from kiosk.gateway import ECardHolder
from kiosk.ports import CardPort, GatewayPort
from kiosk.viewmodels.config import ModelConfig
from kiosk.viewmodels.guide import VoiceGuide
from kiosk.viewmodels.session import Session
from kiosk.viewmodels.shell import GatewayOutcome, Line, Shell, error_text, pin_blocked


class Identity:
    def __init__(self, shell: Shell, session: Session, card: CardPort, guide: VoiceGuide, cfg: ModelConfig,
                 today: Callable[[], date], gateway: GatewayPort) -> None:
        self.shell, self.session, self.card, self.guide, self.cfg, self.today = shell, session, card, guide, cfg, today
        self.gateway = gateway
        self.ecard_job: str | None = None
        self.then: str | None = None  # the screen to show once the holder is known (home when None)
        self.after_pin: Callable[[float], None] | None = None  # what goes on once the card checked its PIN

    def clear(self) -> None:
        self.then = None
        self.after_pin = None
        self.ecard_job = None

    @property
    def card_session(self) -> bool:
        """Whether the holder (known or waiting for the PIN) came with the social security card."""
        s = self.session
        return s.pending is not None or (s.citizen is not None and s.citizen.source == "card")

    def sign_in(self, then: str, now: float) -> None:
        """Ask for a card (or read the one already in the reader); ``then`` shows once the holder is known."""
        self.then = then
        if self.session.card_in:
            self.session.touch(now)
            self.card.read(pin=None)
            self.shell.go("reading", now)
            return
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
            self.session.pin_verified = True
            self.session.touch(now)
            go_on, self.after_pin = self.after_pin, None
            if go_on is not None and self.session.citizen is not None:
                go_on(now)
                return
        self.authenticated(event.citizen, now)
        if event.expired:
            self.shell.toast("card_expired", now)

    def with_pin(self, go_on: Callable[[float], None], now: float) -> None:
        """Run ``go_on`` once the card's PIN is checked: at once when it was in this session."""
        if not self.session.needs_pin:
            go_on(now)
            return
        self.after_pin = go_on
        self._ask_pin(now, None)

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

    # -- the resident ID card and the e-card ----------------------------------------------------
    def id_card_read(self, citizen: Citizen, now: float) -> None:
        current = self.session.citizen
        if current is not None and current.id_number == citizen.id_number and current.source == "card":
            self.session.touch(now)  # the card's holder also placed the ID card: keep the card session
            self.shell.changed()
            return
        if current is not None and current.id_number != citizen.id_number:
            self.session.wipe()
        self.authenticated(citizen, now)

    def code_scanned(self, code: str, screen: str, now: float) -> None:
        """A code at the scanner while ``screen`` showed: the platform says whose 电子社保卡 it is."""
        if self.ecard_job is not None:
            return
        self.then = screen if screen in ("items", "services") else ("services" if screen == "auth" else None)
        self.ecard_job = self.shell.job("gateway", self._ecard_answered)
        self.gateway.submit(self.ecard_job, lambda g: g.verify_ecard(code))
        self.session.touch(now)
        self.shell.go("checking", now)

    def _ecard_answered(self, event: GatewayOutcome, now: float) -> None:
        if event.job != self.ecard_job:
            return
        self.ecard_job = None
        if isinstance(event, ev.GatewayFailed):
            text = error_text(event.error, self.session.language)
            self.shell.go(self.then or "home", now)
            self.shell.toast("ecard_failed", now, text=text)
            return
        holder: ECardHolder = event.result
        self.ecard_login(Citizen(id_number=holder.id_number, name=holder.name, birth=holder.birth, source="ecard"),
                         now)

    def ecard_login(self, citizen: Citizen, now: float) -> None:
        """The platform vouched for the e-card's code: the holder is known, no PIN needed."""
        if self.session.citizen is not None and self.session.citizen.id_number != citizen.id_number:
            self.session.wipe()
        self.authenticated(citizen, now)
        self.session.pin_verified = True

    # -- known ------------------------------------------------------------------------------
    def authenticated(self, citizen: Citizen, now: float) -> None:
        """The holder is known: elderly mode by age, then the screen that asked for a holder."""
        if self.session.authenticate(citizen, self.today(), now):
            self.shell.toast("elderly_on", now)
            self.guide.say("elderly_on")
        target, self.then = self.then or "home", None
        self.shell.go(target, now)

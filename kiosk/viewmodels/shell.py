"""What a flow may ask of the kiosk's screen: the narrow interface between the flows and the model.

A flow (:mod:`~kiosk.viewmodels.identity`, :mod:`~kiosk.viewmodels.tickets`,
:mod:`~kiosk.viewmodels.selfservice`, :mod:`~kiosk.viewmodels.maintenance`) is handed its
collaborators when it is made (ports, configuration, clocks, the session, the hall status) and one
:class:`Shell`: the :class:`~kiosk.viewmodels.kiosk.KioskModel`, which owns the screen, routes every
event and tap, and never lets one flow see another. Answers come back by callback: the keypad's
value to the ``on_entry`` given to :meth:`Shell.ask_pin`, a print or platform outcome to the
``on_outcome`` given to :meth:`Shell.job`.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal, Protocol, TypeVar

from kiosk import events as ev
from kiosk.viewmodels.config import ModelConfig
from kiosk.viewmodels.session import Session

Line = tuple[str, dict[str, Any]]  # an i18n key and its values
PinPurpose = Literal["card", "loss", "receipt", "staff"]
PrintOutcome = ev.PrintFinished | ev.PrintFailed
GatewayOutcome = ev.GatewayAnswered | ev.GatewayFailed
DocumentOutcome = ev.DocumentPreviewed | ev.DocumentPrinted | ev.DocumentFailed
JobOutcome = PrintOutcome | GatewayOutcome | DocumentOutcome
OutcomeT = TypeVar("OutcomeT", bound=JobOutcome)  # what one kind of job answers
OnEntry = Callable[[str, float], None]  # (the digits entered, now): a PIN goes on at once, never kept
MESSAGE_S = 8.0


class Shell(Protocol):
    def go(self, screen: str, now: float, voice: str | None = None, **values: object) -> None:
        """Show ``screen``; in elderly mode say its guidance (``voice``, else ``voice_{screen}``)."""

    def toast(self, key: str, now: float, **values: object) -> None:
        """A short notice (an i18n key) over whatever screen shows."""

    def message(self, title: str, lines: list[Line], now: float, *, action: str | None = None,
                seconds: float | None = MESSAGE_S * 2) -> None:
        """The message screen; the session ends after ``seconds`` (None: stays). ``action`` names its button."""

    def ask_pin(self, purpose: PinPurpose, now: float, on_entry: OnEntry, note: Line | None = None) -> None:
        """The keypad, set up for ``purpose``; the confirmed digits go to ``on_entry`` and nowhere else."""

    def take_back(self, now: float, note: str | None = None) -> None:
        """The flow is done: ask for the card(s) back (or end the session when none was used)."""

    def with_pin(self, go_on: Callable[[float], None], now: float) -> None:
        """Run ``go_on`` once the card's PIN is checked (asked once per session, only for a card holder)."""

    def end_session(self, now: float, note: str | None = None) -> None:
        """Forget everyone and everything of this visit and show the home screen (``note``: a toast)."""

    def changed(self) -> None:
        """Something shown changed: the screen must be redrawn."""

    def job(self, kind: str, on_outcome: Callable[[OutcomeT, float], None]) -> str:
        """A new job id for a printer or platform call; its outcome event goes to ``on_outcome`` only."""


def error_text(error: Exception, language: str) -> str:
    """The error's text for the screen: its English when there is one and the session is English."""
    zh = getattr(error, "message_zh", None) or str(error)
    en = getattr(error, "message_en", None)
    return en if language == "en" and en else zh


def pin_blocked(shell: Shell, session: Session, cfg: ModelConfig, now: float) -> None:
    """The card's PIN is blocked (by the card or by the platform): forget the holder, offer a ticket."""
    windows = cfg.windows_for_item(cfg.kiosk.pin_unblock_item, session.language)
    session.wipe()
    shell.message("pin_title_card", [("pin_blocked", {"windows": windows})], now, action="unblock_ticket",
                  seconds=MESSAGE_S * 4)

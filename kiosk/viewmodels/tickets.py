"""Taking a ticket: the request to the server, its answer, the printout (or the QR code on screen).

The ticket is printed when the printer can; otherwise, or when printing fails, the ticket stays
on screen longer with its QR code (the status page) and nothing is printed. The holder is
forgotten as soon as the ticket is printed or shown. The request itself (one at a time, retried
with the same id) is :class:`~kiosk.viewmodels.ticketing.Ticketing`'s.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Literal

from hall_contract.protocol import RpcReply, TicketPublic
from hardware.printer import TicketSlip
from hardware.printer.ticket import guidance
from hardware.speech.letters import spoken_ticket
from kiosk import events as ev
from kiosk.citizen import holder_ref
from kiosk.i18n import t
from kiosk.ports import PrinterPort, QueueLink
from kiosk.viewmodels.config import ModelConfig
from kiosk.viewmodels.guide import VoiceGuide
from kiosk.viewmodels.hall import HallStatus
from kiosk.viewmodels.items import Item
from kiosk.viewmodels.service_guide import ticket_lines
from kiosk.viewmodels.session import Session
from kiosk.viewmodels.shell import PrintOutcome, Shell
from kiosk.viewmodels.ticketing import Issued, Ticketing

log = logging.getLogger(__name__)
PRIORITY_LABELS = {"elderly": "长者优先", "disabled": "优先办理", "appointment": "预约优先"}


@dataclass
class TicketShown:
    ticket: TicketPublic
    job: str  # the print job ("" when it was never sent to the printer)
    state: Literal["printing", "printed", "qr"]
    reason: str | None = None  # printer fault key when not printed
    until: float = 0.0
    note: tuple[str, str] | None = None  # (Chinese, English) shown under the number: why a check-in is not priority


class TicketDesk:
    def __init__(self, shell: Shell, session: Session, hall: HallStatus, ticketing: Ticketing, link: QueueLink,
                 printer: PrinterPort, guide: VoiceGuide, cfg: ModelConfig, *, today: Callable[[], date],
                 wall: Callable[[], datetime]) -> None:
        self.shell, self.session, self.hall, self.ticketing = shell, session, hall, ticketing
        self.link, self.printer, self.guide, self.cfg = link, printer, guide, cfg
        self.today, self.wall = today, wall
        self.shown: TicketShown | None = None
        self.holder_kind: str | None = None  # card | idcard: what identified the holder of the pending request

    def clear(self) -> None:
        """The session ended: drop the pending request and the ticket on screen."""
        self.ticketing.cancel()
        self.shown = None

    # -- the request ------------------------------------------------------------------------
    def request(self, item: Item | None, now: float) -> None:
        """Ask the server for a ticket for ``item`` (elderly priority and masked holder when known)."""
        reason = self.hall.pause_reason()
        if item is None or self.ticketing.busy:
            return
        if reason is not None:
            self.shell.toast(reason, now)
            return
        s = self.session
        who = s.citizen if s.authenticated else None
        self.holder_kind = who.source if who else None
        payload = self.ticketing.start(
            now, item=item.code, priority="elderly" if s.is_elderly(self.today()) else "normal",
            holder=who.masked_name() if who else None,
            holder_ref=holder_ref(who.id_number, self.cfg.salt) if who else None)
        self.link.request("issue_ticket", payload)
        self.shell.go("issuing", now)

    def reconnected(self, now: float) -> None:
        """The broker is back: a pending request goes out again at once."""
        payload = self.ticketing.reconnected(now)
        if payload is not None:
            self.link.request("issue_ticket", payload)

    def tick(self, now: float) -> None:
        """Send an unanswered request again; give up on one the server never answered."""
        payload = self.ticketing.due(now, self.hall.connected)
        if payload is not None:
            log.info("ticket request %s unanswered; sending it again", self.ticketing.history[-1])
            self.link.request("issue_ticket", payload)
            self.shell.changed()
        if self.ticketing.expired(now):
            self.hall.server_silent = True
            reason = t("pause_server_silent", self.session.language)
            self.shell.message("issue_failed", [("issue_failed", {"reason": reason})], now)

    def reply(self, reply: RpcReply, now: float) -> None:
        self.hall.server_silent = False
        outcome = self.ticketing.accept(reply)
        if outcome is None:
            return
        if not isinstance(outcome, Issued):
            if outcome.code == "already_waiting":
                queue = self.hall.queue_names.get((outcome.number or "?")[0], "")
                lines = [("already_waiting", {"number": outcome.number, "queue": queue})]
            else:
                lines = [("issue_refused", {"reason": outcome.message})]
            self.shell.message("take_ticket", lines, now)
            return
        self.show_issued(outcome.ticket, now)

    def show_issued(self, ticket: TicketPublic, now: float, note: tuple[str, str] | None = None) -> None:
        """A ticket the server issued (here, or at an appointment check-in): printed, or shown with its QR code."""
        shown = ticket.model_copy(update={"holder": None})
        if self.hall.can_print():
            job = self.shell.job("ticket", self.printed)
            self.printer.print_ticket(job, self._slip(ticket))
            self.shown = TicketShown(shown, job, "printing", note=note)
            self.shell.go("ticket", now, voice="voice_issuing")
        else:
            self._unprinted(TicketShown(shown, "", "qr", note=note), self.hall.printer_problem() or "no_printer", now)

    # -- the ticket -------------------------------------------------------------------------
    def printed(self, event: PrintOutcome, now: float) -> None:
        """The printer's answer for the ticket's job (the printer's faults are the model's)."""
        shown = self.shown
        if shown is None or shown.job != event.job:
            return  # the session ended meanwhile
        if isinstance(event, ev.PrintFailed):
            self._unprinted(shown, event.fault, now)
            return
        if not self.session.card_in:  # with the card in, the session follows the card: another item may come
            self.session.wipe_personal()
        shown.state, shown.until = "printed", now + self.cfg.kiosk.ticket_screen_s
        self.guide.say("voice_ticket", number=self._spoken(shown.ticket.number))
        self.shell.changed()

    def done(self, now: float) -> bool:
        """Whether the ticket has been on screen for its time (never while it prints)."""
        return self.shown is not None and self.shown.state != "printing" and now >= self.shown.until

    def _unprinted(self, shown: TicketShown, reason: str, now: float) -> None:
        if not self.session.card_in:
            self.session.wipe_personal()
        shown.state, shown.reason, shown.until = "qr", reason, now + self.cfg.kiosk.qr_screen_s
        self.shown = shown
        self.shell.go("ticket", now, voice="")
        # no paper: the number is read out to everyone (not only in elderly mode), with where to ask
        self.guide.announce("voice_ticket_unprinted", number=self._spoken(shown.ticket.number),
                            desk=t("service_desk", "zh_CN"))

    def _spoken(self, number: str) -> str:
        """The number as the wall display reads it (:func:`hardware.speech.spoken_ticket`): "B004" → "bi4 零零四"."""
        return spoken_ticket(number, self.cfg.letter_readings)

    def _slip(self, ticket: TicketPublic) -> TicketSlip:
        try:
            issued = datetime.fromisoformat(ticket.issued_at)
        except ValueError:
            issued = self.wall()
        return TicketSlip(hall_name=self.cfg.hall_name, queue_name=ticket.queue_name or ticket.queue,
                          number=ticket.number, item_name=ticket.item_name, ahead=ticket.ahead,
                          predicted_wait_min=(ticket.predicted_wait_s + 59) // 60, issued_at=issued,
                          status_url=ticket.status_url or self.cfg.status_url_for(ticket.number),
                          holder_masked=ticket.holder,
                          holder_label="身份证" if self.holder_kind == "idcard" else "持卡人",
                          priority_label=PRIORITY_LABELS.get(ticket.priority),
                          guide_lines=tuple(ticket_lines(self.cfg, ticket.item)),
                          guidance=guidance(self.cfg.calls_per_ticket))

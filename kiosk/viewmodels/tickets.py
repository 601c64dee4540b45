"""Taking a ticket: the request to the server, its answer, the printout (or the QR code on screen).

The ticket is printed when the printer can; otherwise, or when printing fails, the ticket stays
on screen longer with its QR code (the status page) and nothing is printed. The holder is
forgotten as soon as the ticket is printed or shown.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from hall_contract.protocol import TicketPublic
from hardware.printer import TicketSlip
from hardware.speech.numerals import spell_ticket
from kiosk import events as ev
from kiosk.citizen import holder_ref
from kiosk.viewmodels.ticketing import Issued

if TYPE_CHECKING:
    from kiosk.viewmodels.kiosk import KioskModel


@dataclass
class TicketShown:
    ticket: TicketPublic
    job: str
    state: Literal["printing", "printed", "qr"]
    reason: str | None = None  # printer fault key when not printed
    until: float = 0.0


class TicketDesk:
    def __init__(self, model: KioskModel) -> None:
        self.m = model

    def tap_item(self, code: str, now: float) -> None:
        """Ask the server for a ticket for ``code`` (elderly priority and masked holder when known)."""
        m = self.m
        m.touch(now)
        item = m.picker.find(code)
        reason = m.hall.pause_reason()
        if item is None or m.ticketing.busy:
            return
        if reason is not None:
            m.show_toast(reason, now)
            return
        s = m.session
        who = s.citizen if s.authenticated else None
        payload = m.ticketing.start(
            now, item=item.code, priority="elderly" if s.is_elderly(m.today()) else "normal",
            holder=who.masked_name() if who else None,
            holder_ref=holder_ref(who.id_number, m.cfg.salt) if who else None)
        m.link.request("issue_ticket", payload)
        m.go("issuing", now)

    def reply(self, reply: Any, now: float) -> None:
        m = self.m
        m.hall.server_silent = False
        outcome = m.ticketing.accept(reply)
        if outcome is None:
            return
        if not isinstance(outcome, Issued):
            if outcome.code == "already_waiting":
                queue = m.hall.queue_names.get((outcome.number or "?")[0], "")
                m.show_message("take_ticket", [("already_waiting", {"number": outcome.number, "queue": queue})], now)
            else:
                m.show_message("take_ticket", [("issue_refused", {"reason": outcome.message})], now)
            return
        ticket = outcome.ticket
        job = m.job("ticket")
        shown = ticket.model_copy(update={"holder": None})
        if m.hall.can_print():
            m.printer.print_ticket(job, self._slip(ticket))
            m.ticket = TicketShown(shown, job, "printing")
            m.go("ticket", now, voice="voice_issuing")
        else:
            self._ticket_unprinted(TicketShown(shown, job, "qr"), m.hall.printer_problem() or "no_printer", now)

    def _slip(self, ticket: TicketPublic) -> TicketSlip:
        m = self.m
        try:
            issued = datetime.fromisoformat(ticket.issued_at)
        except ValueError:
            issued = m.wall()
        return TicketSlip(hall_name=m.cfg.hall_name, queue_name=ticket.queue_name or ticket.queue,
                          number=ticket.number, item_name=ticket.item_name, ahead=ticket.ahead,
                          predicted_wait_min=(ticket.predicted_wait_s + 59) // 60, issued_at=issued,
                          status_url=ticket.status_url or m.cfg.status_url_for(ticket.number),
                          holder_masked=ticket.holder)

    def _ticket_unprinted(self, shown: TicketShown, reason: str, now: float) -> None:
        m = self.m
        m.session.wipe_personal()
        shown.state, shown.reason, shown.until = "qr", reason, now + m.cfg.kiosk.qr_screen_s
        m.ticket = shown
        m.go("ticket", now, voice="voice_ticket_qr", number="".join(spell_ticket(shown.ticket.number)))

    def printed(self, event: ev.PrintFinished | ev.PrintFailed, now: float) -> None:
        m = self.m
        if isinstance(event, ev.PrintFailed):
            faults = set(m.hall.printer_faults) | {event.fault}
            m.hall.printer_faults = tuple(sorted(faults))
            m.publish_status()
        elif event.faults != m.hall.printer_faults:
            m.hall.printer_faults = event.faults
            m.publish_status()
        shown = m.ticket
        if shown is not None and shown.job == event.job:
            if isinstance(event, ev.PrintFailed):
                self._ticket_unprinted(shown, event.fault, now)
                return
            m.session.wipe_personal()
            shown.state, shown.until = "printed", now + m.cfg.kiosk.ticket_screen_s
            m.guide("voice_ticket", number="".join(spell_ticket(shown.ticket.number)))
            m.changed()
            return
        if not m.maintenance.printed(event):
            m.services.printed(event, now)

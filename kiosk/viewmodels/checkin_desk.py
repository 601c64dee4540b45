"""The 预约签到 screen: the booking code on the keypad or the ID card on the reader, the server's answer shown.

Wires :class:`~kiosk.viewmodels.checkin.AppointmentCheckIn` into the kiosk: the home screen's
预约签到 button opens the ``checkin`` screen; 8 digits and 确认, or an ID card placed on the reader (or a
social security card put in) while the screen shows, send ``rpc/appointment_checkin`` (by card only the
holder reference travels); a holder already known when the button is tapped is checked in at once.
A checked-in booking's ticket is printed like any ticket (:meth:`TicketDesk.show_issued`), with a
late check-in's message under the number; a refusal shows its reason. Then the take-your-card prompt when
a card was used (:meth:`Shell.take_back`), else the home screen.
"""
from __future__ import annotations

from hall_contract.protocol import RpcReply, TicketPublic, Topics
from kiosk.citizen import Citizen, holder_ref
from kiosk.ports import CardPort, QueueLink
from kiosk.viewmodels.checkin import METHOD, AppointmentCheckIn, CheckedIn, CheckInRefused, CheckInView
from kiosk.viewmodels.config import ModelConfig
from kiosk.viewmodels.hall import HallStatus
from kiosk.viewmodels.session import Session
from kiosk.viewmodels.shell import MESSAGE_S, Shell
from kiosk.viewmodels.tickets import TicketDesk

SCREEN = "checkin"


class CheckInDesk:
    def __init__(self, shell: Shell, session: Session, hall: HallStatus, desk: TicketDesk, link: QueueLink,
                 card: CardPort, cfg: ModelConfig) -> None:
        self.shell, self.session, self.hall, self.desk, self.link, self.cfg = shell, session, hall, desk, link, cfg
        self.card, k = card, cfg.kiosk
        reply_to = Topics(cfg.hall_id).reply(cfg.device_id)
        self.flow = AppointmentCheckIn(cfg.device_id, reply_to, k.rpc_timeout_s, k.rpc_give_up_s)
        self.refused_until: float | None = None  # a refusal on the message screen, until then

    def clear(self) -> None:
        """The session ended: forget the code, the request and the answer."""
        self.flow = AppointmentCheckIn(self.flow.device_id, self.flow.reply_to, self.flow.timeout_s,
                                       self.flow.give_up_s)
        self.refused_until = None

    @property
    def showing(self) -> bool:
        return self.refused_until is not None

    @property
    def failed(self) -> bool:
        return isinstance(self.flow.outcome, CheckInRefused)

    def view(self, language: str) -> CheckInView:
        return self.flow.view(language)

    # -- taps ---------------------------------------------------------------------------------
    def start(self, now: float) -> None:
        """预约签到 on the home screen."""
        self.session.touch(now)
        reason = self.hall.pause_reason()
        if reason is not None:
            self.shell.toast(reason, now)
            return
        self.clear()
        self.shell.go(SCREEN, now, voice="voice_checkin")
        if self.session.authenticated and self.session.citizen is not None:
            self.id_card(self.session.citizen, now)  # the card in the reader (or the ID card) says who it is

    def key(self, key: str, now: float) -> None:
        self.session.touch(now)
        self.flow.press(key)
        self.shell.changed()

    def confirm(self, now: float) -> None:
        """确认: the 8 digits go to the server."""
        self.session.touch(now)
        self._send(self.flow.by_code(now))

    def card_inserted(self, now: float) -> None:
        """A social security card put in while the screen shows: read it (no PIN: only who holds it is needed)."""
        self.session.touch(now)
        if not self.flow.view(self.session.language).busy:
            self.card.read(pin=None)

    def id_card(self, citizen: Citizen, now: float) -> None:
        """An ID card placed (or a card read) while the screen shows: only its holder reference goes to the server."""
        self.session.touch(now)
        self._send(self.flow.by_card(now, holder_ref(citizen.id_number, self.cfg.salt)))

    def _send(self, request: dict[str, object] | None) -> None:
        if request is not None:
            self.link.request(METHOD, dict(request))
        self.shell.changed()

    # -- the answer ---------------------------------------------------------------------------
    def reply(self, reply: RpcReply, now: float) -> None:
        result = reply.result or {}
        if not self.flow.on_reply(reply):
            return
        self.hall.server_silent = False
        outcome = self.flow.outcome
        if isinstance(outcome, CheckedIn):
            try:
                ticket = TicketPublic.model_validate(result.get("ticket") or {})
            except ValueError:
                self._refused(now)
                return
            if outcome.on_time:
                self.desk.show_issued(ticket, now)
                self.shell.toast("checkin_on_time", now)
            else:  # why it is a normal ticket, under its number for as long as it shows
                note = (self.flow.view("zh_CN").message or "", self.flow.view("en").message or "")
                self.desk.show_issued(ticket, now, note)
        else:
            self._refused(now)

    def _refused(self, now: float) -> None:
        lang = self.session.language
        v = self.flow.view(lang)
        self.shell.message("appointment_checkin", [("checkin_text", {"text": v.headline or ""}),
                                                   ("checkin_text", {"text": v.message or ""})], now, seconds=None)
        self.refused_until = now + MESSAGE_S * 2

    def tick(self, now: float, screen: str) -> None:
        """Send an unanswered request again (or give up); a refusal shown for its time ends the visit."""
        request = self.flow.due(now, self.hall.connected)
        if request is not None:
            self.link.request(METHOD, dict(request))
        elif isinstance(self.flow.outcome, CheckInRefused) and screen == SCREEN and self.refused_until is None:
            self._refused(now)  # the server never answered
        if self.refused_until is not None and now >= self.refused_until:
            self.refused_until = None
            if screen == "message":
                self.shell.take_back(now)  # the ID card back, or the home screen

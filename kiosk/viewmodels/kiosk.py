"""The kiosk's state machine: which screen shows, what happens on a tap, a card, a reply, a tick.

No Kivy here. Threads hand events to :meth:`KioskModel.post`; the UI thread calls
:meth:`KioskModel.pump` (events, then timeouts) with the monotonic time, and the tap methods
(``tap_*``, ``key``, ...) with the same clock. Side effects go out through the ports of
:mod:`kiosk.ports`, which never block. ``version`` grows whenever the screen must be redrawn.
"""
from __future__ import annotations

import logging
import queue
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from hall_contract.protocol import Topics
from kiosk import events as ev
from kiosk.i18n import t
from kiosk.ports import CardPort, GatewayPort, PrinterPort, QueueLink, Speaker
from kiosk.viewmodels.config import ModelConfig
from kiosk.viewmodels.hall import HallStatus
from kiosk.viewmodels.identity import Identity
from kiosk.viewmodels.items import ItemPicker
from kiosk.viewmodels.keypad import Keypad
from kiosk.viewmodels.maintenance import Maintenance
from kiosk.viewmodels.selfservice import SelfService
from kiosk.viewmodels.session import Session, Timeouts
from kiosk.viewmodels.ticketing import Ticketing
from kiosk.viewmodels.tickets import TicketDesk, TicketShown

log = logging.getLogger(__name__)

Line = tuple[str, dict[str, Any]]  # an i18n key and its values
PinPurpose = Literal["card", "loss", "receipt", "staff"]
MESSAGE_S = 8.0


@dataclass
class MessageShown:
    title: str
    lines: list[Line] = field(default_factory=list)
    action: str | None = None  # "unblock_ticket"
    until: float | None = None


class KioskModel:
    def __init__(self, cfg: ModelConfig, link: QueueLink, printer: PrinterPort, card: CardPort, gateway: GatewayPort,
                 speaker: Speaker, *, today: Callable[[], date] = date.today,
                 wall: Callable[[], datetime] = datetime.now,
                 inbox: queue.SimpleQueue[ev.Event] | None = None) -> None:
        k = cfg.kiosk
        self.cfg, self.link, self.printer, self.card = cfg, link, printer, card
        self.gateway, self.speaker = gateway, speaker
        self.today, self.wall = today, wall
        self.session = Session(Timeouts(k.idle_timeout_s, k.elderly_idle_timeout_s, k.countdown_s, k.elderly_age),
                               cfg.language)
        self.hall = HallStatus(cfg.queue_names, cfg.queue_names_en)
        self.picker = ItemPicker(cfg.items, k.items_per_page, k.elderly_items_per_page)
        self.keypad = Keypad()
        self.ticketing = Ticketing(cfg.device_id, Topics(cfg.hall_id).reply(cfg.device_id), k.rpc_timeout_s,
                                   k.rpc_give_up_s)
        self.services = SelfService(self)
        self.identity = Identity(self)
        self.desk = TicketDesk(self)
        self.maintenance = Maintenance(self)
        self.screen = "home"
        self.after_auth: str | None = None
        self.pin_purpose: PinPurpose = "card"
        self.pin_note: Line | None = None
        self.toast: Line | None = None
        self.toast_until = 0.0
        self.ticket: TicketShown | None = None
        self.message: MessageShown | None = None
        self.version = 0
        self._jobs = 0
        self._published: list[str] | None = None
        self._inbox: queue.SimpleQueue[ev.Event] = inbox if inbox is not None else queue.SimpleQueue()

    # -- plumbing ---------------------------------------------------------------------------
    @property
    def language(self) -> str:
        return self.session.language

    def tr(self, key: str, **values: object) -> str:
        return t(key, self.language, **values)

    def post(self, event: ev.Event) -> None:
        """Any thread: queue an event for the UI thread."""
        self._inbox.put(event)

    def pump(self, now: float) -> None:
        """UI thread: handle queued events, then timeouts."""
        while True:
            try:
                event = self._inbox.get_nowait()
            except queue.Empty:
                break
            try:
                self.handle(event, now)
            except Exception:
                log.exception("handling %s failed", type(event).__name__)
        self.tick(now)

    def job(self, kind: str) -> str:
        self._jobs += 1
        return f"{kind}-{self._jobs}"

    def changed(self) -> None:
        self.version += 1

    def go(self, screen: str, now: float, voice: str | None = None, **values: object) -> None:
        self.screen = screen
        self.changed()
        self.guide(voice or f"voice_{screen}", **values)

    def guide(self, key: str, **values: object) -> None:
        """Voice guidance for a step: in elderly mode, Mandarin."""
        if self.session.elderly and self.cfg.kiosk.voice_guidance and t(key, "zh_CN") != key:
            self.speaker.say(t(key, "zh_CN", **values))

    def show_toast(self, key: str, now: float, **values: Any) -> None:
        self.toast, self.toast_until = (key, values), now + 6.0
        self.changed()

    def show_message(self, title: str, lines: list[Line], now: float, action: str | None = None,
                     seconds: float | None = MESSAGE_S * 2) -> None:
        self.message = MessageShown(title, lines, action, None if seconds is None else now + seconds)
        self.go("message", now)

    def publish_status(self, force: bool = False) -> None:
        faults = self.hall.faults()
        if force or faults != self._published:
            self._published = faults
            self.link.publish_status(faults)

    def end_session(self, now: float, note: str | None = None) -> None:
        """Wipe every personal datum and show the home screen."""
        self.session.wipe()
        self.keypad.clear()
        self.services.clear()
        self.ticketing.cancel()
        self.ticket = self.message = None
        self.after_auth, self.pin_note = None, None
        self.picker.reset()
        self.go("home", now, voice="")
        if note:
            self.show_toast(note, now)

    # -- events -----------------------------------------------------------------------------
    def handle(self, event: ev.Event, now: float) -> None:
        match event:
            case ev.LinkChanged(connected=up):
                self.hall.link(up)
                if up:
                    self.publish_status(force=True)
                    payload = self.ticketing.reconnected(now)
                    if payload is not None:
                        self.link.request("issue_ticket", payload)
            case ev.BoardReceived(board=board):
                self.hall.board_received(board)
            case ev.ServerStatusChanged(online=online):
                self.hall.server_status(online)
            case ev.CommandReceived(command=cmd):
                self.hall.command(cmd.cmd, cmd.text)
            case ev.ReplyReceived(reply=reply):
                self.desk.reply(reply, now)
            case ev.CardInserted():
                self.identity.inserted(now)
            case ev.CardPulled():
                self.identity.pulled(now)
            case ev.CardRead():
                self.identity.read(event, now)
            case ev.CardFailed(error=error):
                self.identity.failed(error, now)
            case ev.IdCardRead(citizen=citizen):
                if self.screen not in ("maintenance", "issuing", "ticket"):
                    if self.session.citizen is not None and self.session.citizen.id_number != citizen.id_number:
                        self.session.wipe()
                    self.identity.authenticated(citizen, now)
            case ev.IdCardFailed(error=error):
                if self.screen == "auth":
                    self.show_toast(getattr(error, "code", "reader_error"), now)
            case ev.ReaderFault(device=device, fault=fault):
                if fault is None:
                    self.hall.reader_faults.pop(device, None)
                else:
                    self.hall.reader_faults[device] = fault
                self.publish_status()
            case ev.PrinterChecked(faults=faults):
                self.hall.printer_faults = faults
                self.publish_status()
            case ev.PrintFinished() | ev.PrintFailed():
                self.desk.printed(event, now)
            case ev.GatewayAnswered() | ev.GatewayFailed():
                self.services.answered(event, now)
        self.changed()

    def tick(self, now: float) -> None:
        payload = self.ticketing.due(now, self.hall.connected)
        if payload is not None:
            log.info("ticket request %s unanswered; sending it again", self.ticketing.history[-1])
            self.link.request("issue_ticket", payload)
            self.changed()
        if self.ticketing.expired(now):
            self.hall.server_silent = True
            self.show_message("issue_failed", [("issue_failed", {"reason": self.tr("pause_server_silent")})], now)
        if self.toast is not None and now >= self.toast_until:
            self.toast = None
            self.changed()
        if self._shown_long_enough(now):
            self.end_session(now)
        elif self.screen not in ("issuing", "ticket") and self.session.timed_out(now):
            self.end_session(now, "timed_out")

    def _shown_long_enough(self, now: float) -> bool:
        """Whether a ticket or message screen has been up for its time."""
        if self.screen == "ticket" and self.ticket is not None:
            return self.ticket.state != "printing" and now >= self.ticket.until
        if self.screen == "message" and self.message is not None:
            return self.message.until is not None and now >= self.message.until
        return False

    # -- taps -------------------------------------------------------------------------------
    def touch(self, now: float) -> None:
        self.session.touch(now)
        self.changed()

    def tap_take_ticket(self, now: float) -> None:
        self.touch(now)
        reason = self.hall.pause_reason()
        if reason is not None:
            self.show_toast(reason, now)
            return
        self.picker.reset(self.session.elderly)
        self.go("items", now)

    def tap_self_service(self, now: float) -> None:
        self.touch(now)
        if self.session.authenticated:
            self.go("services", now)
        else:
            self.after_auth = "services"
            self.go("auth", now)

    def tap_elderly(self, now: float) -> None:
        self.session.set_elderly(not self.session.elderly, now)
        self.picker.elderly = self.session.elderly
        self.changed()
        if self.session.elderly:
            self.guide("elderly_on")
            self.guide(f"voice_{self.screen}")

    def tap_language(self, now: float) -> None:
        self.session.set_language("en" if self.language != "en" else "zh_CN", now)
        self.changed()

    def tap_home(self, now: float) -> None:
        self.end_session(now, "session_ended" if self.session.citizen or self.session.pending else None)

    def tap_board(self, board: str, now: float) -> None:
        self.touch(now)
        self.picker.choose_board(board)

    def tap_search(self, now: float) -> None:
        self.touch(now)
        self.picker.start_search()

    def search_key(self, key: str, now: float) -> None:
        self.touch(now)
        if key == "back":
            self.picker.backspace()
        elif key == "clear":
            self.picker.clear()
        else:
            self.picker.type(key)

    def tap_page(self, step: int, now: float) -> None:
        self.touch(now)
        self.picker.next_page() if step > 0 else self.picker.previous_page()

    def tap_item(self, code: str, now: float) -> None:
        self.desk.tap_item(code, now)

    def key(self, key: str, now: float) -> None:
        """A key of the 3x4 keypad on the PIN / number screen."""
        self.touch(now)
        self.keypad.press(key)

    def tap_confirm(self, now: float) -> None:
        self.touch(now)
        if not self.keypad.complete:
            return
        value = self.keypad.take()
        if self.pin_purpose == "card":
            self.card.read(pin=value)
            self.go("reading", now)
        elif self.pin_purpose == "staff":
            self.maintenance.login(value, now)
        else:
            self.services.entered(self.pin_purpose, value, now)

    def tap_message_action(self, now: float) -> None:
        """The message screen's button (a ticket for the PIN-unblock item)."""
        msg = self.message
        if msg is not None and msg.action == "unblock_ticket":
            self.message = None
            self.tap_item(self.cfg.kiosk.pin_unblock_item, now)

    def tap_done(self, now: float) -> None:
        self.end_session(now)

    # -- shared by the flows ----------------------------------------------------------------
    def ask_pin(self, purpose: PinPurpose, now: float, note: Line | None = None) -> None:
        lengths = {"card": (6, True, 6), "loss": (6, True, 6), "receipt": (16, False, 6), "staff": (12, True, 4)}
        length, secret, minimum = lengths[purpose]
        self.keypad.configure(length, secret=secret, min_length=minimum)
        self.pin_purpose, self.pin_note = purpose, note
        self.go("pin", now, voice="voice_receipt" if purpose == "receipt" else "voice_pin")

    def tr_error(self, error: Exception) -> str:
        zh = getattr(error, "message_zh", None) or str(error)
        en = getattr(error, "message_en", None)
        return en if self.language == "en" and en else zh

    def pin_blocked(self, now: float) -> None:
        windows = self.cfg.windows_for_item(self.cfg.kiosk.pin_unblock_item, self.language)
        self.session.wipe()
        self.show_message("pin_title_card", [("pin_blocked", {"windows": windows})], now, action="unblock_ticket",
                          seconds=MESSAGE_S * 4)

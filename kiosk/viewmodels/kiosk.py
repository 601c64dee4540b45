"""The kiosk's state machine: which screen shows, what happens on a tap, a card, a reply, a tick.

No Kivy here. Threads hand events to :meth:`KioskModel.post`; the UI thread calls
:meth:`KioskModel.pump` (events, then timeouts) with the monotonic time, and the tap methods
(``tap_*``, ``key``, ...) with the same clock. ``version`` grows whenever the screen must be redrawn.

The model owns the screen and routes: each event and each tap goes to the one flow it concerns,
card events by what the screen shows (:meth:`KioskModel._card`), printer and platform outcomes by
the job that asked for them (:meth:`KioskModel.job`). The flows get their collaborators when they
are made and answer through :class:`~kiosk.viewmodels.shell.Shell`, which this class implements.
Side effects go out through the ports of :mod:`kiosk.ports`, which never block.
"""
from __future__ import annotations

import logging
import queue
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from hall_contract.protocol import Topics
from kiosk import events as ev
from kiosk.ports import CardPort, DocumentPort, GatewayPort, PrinterPort, QueueLink, Speaker
from kiosk.viewmodels.cardroute import route
from kiosk.viewmodels.checkin_desk import CheckInDesk
from kiosk.viewmodels.config import ModelConfig
from kiosk.viewmodels.documents import DocumentDesk, NoDocuments
from kiosk.viewmodels.farewell import Farewell
from kiosk.viewmodels.guide import VoiceGuide
from kiosk.viewmodels.hall import HallStatus
from kiosk.viewmodels.identity import Identity
from kiosk.viewmodels.items import ItemPicker
from kiosk.viewmodels.jobs import Jobs
from kiosk.viewmodels.keypad import Keypad
from kiosk.viewmodels.maintenance import Maintenance
from kiosk.viewmodels.selfservice import SelfService
from kiosk.viewmodels.service_guide import ServiceGuide
from kiosk.viewmodels.session import Session, Timeouts
from kiosk.viewmodels.shell import MESSAGE_S, Line, OnEntry, OutcomeT, PinPurpose
from kiosk.viewmodels.ticketing import Ticketing
from kiosk.viewmodels.tickets import TicketDesk, TicketShown

log = logging.getLogger(__name__)
TOAST_S = 6.0
PIN_KEYPAD = {"card": (6, True, 6), "loss": (6, True, 6), "receipt": (16, False, 6), "staff": (12, True, 4)}


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
                 inbox: queue.SimpleQueue[ev.Event] | None = None, documents: DocumentPort | None = None) -> None:
        k = cfg.kiosk
        self.cfg, self.link, self.printer, self.wall = cfg, link, printer, wall
        self.session = s = Session(Timeouts(k.idle_timeout_s, k.elderly_idle_timeout_s, k.countdown_s,
                                            k.elderly_age), cfg.language)
        self.hall = HallStatus(cfg.queue_names, cfg.queue_names_en)
        self.picker = ItemPicker(cfg.items, k.items_per_page, k.elderly_items_per_page)
        self.keypad = Keypad()
        self.ticketing = Ticketing(cfg.device_id, Topics(cfg.hall_id).reply(cfg.device_id), k.rpc_timeout_s,
                                   k.rpc_give_up_s)
        self.guide = guide = VoiceGuide(speaker, s, k.voice_guidance)
        self.identity = Identity(self, s, card, guide, cfg, today, gateway)
        self.desk = TicketDesk(self, s, self.hall, self.ticketing, link, printer, guide, cfg, today=today, wall=wall)
        self.checkin = CheckInDesk(self, s, self.hall, self.desk, link, card, cfg)
        self.services = SelfService(self, s, self.hall, gateway, printer, guide, cfg, wall)
        self.farewell = Farewell(self, s, guide, cfg)
        self.maintenance = Maintenance(self, s, self.hall, self.ticketing, printer, cfg, wall)
        self.documents = DocumentDesk(self, s, self.hall, gateway, documents or NoDocuments(inbox=self.post), link,
                                      guide, cfg, wall)
        self.service_guide = ServiceGuide(cfg)
        self.after_sign_in: str | None = None  # a self-service action chosen before anyone signed in
        self.screen = "home"
        self.pin_purpose: PinPurpose = "card"
        self.pin_note: Line | None = None
        self._on_entry: OnEntry | None = None
        self.toast_shown: Line | None = None
        self.toast_until = 0.0
        self.message_shown: MessageShown | None = None
        self.version = 0
        self.jobs = Jobs()
        self._published: list[str] | None = None
        self._inbox: queue.SimpleQueue[ev.Event] = inbox if inbox is not None else queue.SimpleQueue()

    @property
    def language(self) -> str:
        return self.session.language

    @property
    def ticket(self) -> TicketShown | None:
        """The ticket on screen (or printing)."""
        return self.desk.shown

    # -- the shell the flows talk to (kiosk.viewmodels.shell.Shell) ---------------------------
    def go(self, screen: str, now: float, voice: str | None = None, **values: object) -> None:
        self.screen = screen
        self.picker.elderly = self.session.elderly  # the item pages follow elderly mode
        self.changed()
        self.guide.say(voice or f"voice_{screen}", **values)

    def toast(self, key: str, now: float, **values: object) -> None:
        self.toast_shown, self.toast_until = (key, dict(values)), now + TOAST_S
        self.changed()

    def message(self, title: str, lines: list[Line], now: float, *, action: str | None = None,
                seconds: float | None = MESSAGE_S * 2) -> None:
        self.message_shown = MessageShown(title, lines, action, None if seconds is None else now + seconds)
        self.go("message", now)

    def ask_pin(self, purpose: PinPurpose, now: float, on_entry: OnEntry, note: Line | None = None) -> None:
        length, secret, minimum = PIN_KEYPAD[purpose]
        self.keypad.configure(length, secret=secret, min_length=minimum)
        self.pin_purpose, self.pin_note, self._on_entry = purpose, note, on_entry
        self.go("pin", now, voice="voice_receipt" if purpose == "receipt" else "voice_pin")

    def take_back(self, now: float, note: str | None = None) -> None:
        self.farewell.start(now, note)

    def with_pin(self, go_on: Callable[[float], None], now: float) -> None:
        self.identity.with_pin(go_on, now)

    def end_session(self, now: float, note: str | None = None) -> None:
        """Wipe every personal datum and show the home screen."""
        self.session.wipe()
        self.farewell.clear()
        self.keypad.clear()
        self.services.clear()
        self.documents.clear()
        self.service_guide.clear()
        self.after_sign_in = None
        self.desk.clear()
        self.checkin.clear()
        self.identity.clear()
        self.message_shown = None
        self.pin_note, self._on_entry = None, None
        self.picker.reset()
        self.go("home", now, voice="")
        if note:
            self.toast(note, now)

    def changed(self) -> None:
        self.version += 1

    def job(self, kind: str, on_outcome: Callable[[OutcomeT, float], None]) -> str:
        return self.jobs.start(kind, on_outcome)

    # -- events -----------------------------------------------------------------------------
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

    def handle(self, event: ev.Event, now: float) -> None:
        if self.hall.apply(event):
            self.publish_status()
        match event:
            case ev.LinkChanged(connected=True):
                self.publish_status(force=True)
                self.desk.reconnected(now)
            case ev.ReplyReceived(reply=reply):
                self.desk.reply(reply, now)
                self.checkin.reply(reply, now)
                self.documents.reply(reply, now)
            case (ev.PrintFinished() | ev.PrintFailed() | ev.GatewayAnswered() | ev.GatewayFailed()
                  | ev.DocumentPreviewed() | ev.DocumentPrinted() | ev.DocumentFailed()):
                self.jobs.answered(event, now)
                self._signed_in(now)  # an e-card login is a platform answer
            case ev.CodeScanned(code=code):  # an 电子社保卡 code at the scanner
                if self.screen in ("home", "auth", "items", "services"):
                    self.identity.code_scanned(code, self.screen, now)
            case (ev.CardInserted() | ev.CardPulled() | ev.CardRead() | ev.CardFailed() | ev.IdCardRead()
                  | ev.IdCardFailed() | ev.IdCardLifted()):
                self._card(event, now)
                self._signed_in(now)
        self.changed()

    def _signed_in(self, now: float) -> None:
        """A holder just became known on the services screen: the action that asked for one goes on."""
        if self.after_sign_in and self.session.authenticated and self.screen == "services":
            action, self.after_sign_in = self.after_sign_in, None
            self.tap_service(action, now)

    def _card(self, event: ev.CardEvent, now: float) -> None:
        """Every card event, in one place (:func:`kiosk.viewmodels.cardroute.route`)."""
        route(self, event, now)

    def asking(self, purpose: PinPurpose) -> bool:
        """Whether the keypad is up for ``purpose``."""
        return self.screen == "pin" and self.pin_purpose == purpose

    def publish_status(self, force: bool = False) -> None:
        faults = sorted({*self.hall.faults(), *self.farewell.faults()})
        if force or faults != self._published:
            self._published = faults
            self.link.publish_status(faults)

    def tick(self, now: float) -> None:
        if self.farewell.tick(now, self.screen):
            self.publish_status()
        self.desk.tick(now)
        self.checkin.tick(now, self.screen)
        self.documents.tick(now, self.hall.connected)
        if self.toast_shown is not None and now >= self.toast_until:
            self.toast_shown = None
            self.changed()
        if self._shown_long_enough(now):
            if self.screen == "ticket" or self.session.card_in:  # a message with the card in: ask for it back
                self.farewell.start(now)
            else:
                self.end_session(now)
        elif self.screen not in ("issuing", "ticket", "take_card") and self.session.timed_out(now):
            if self.farewell.cards_there:
                self.farewell.left_behind(now)  # nobody touched the kiosk for a while, a card is still there
                self.publish_status()
            else:
                self.end_session(now, "timed_out" if self.session.personal else None)

    def _shown_long_enough(self, now: float) -> bool:
        """Whether a ticket or message screen has been up for its time."""
        if self.screen == "ticket":
            return self.desk.done(now)
        if self.screen == "message" and self.message_shown is not None:
            return self.message_shown.until is not None and now >= self.message_shown.until
        return False

    # -- taps -------------------------------------------------------------------------------
    def touch(self, now: float) -> None:
        self.session.touch(now)
        self.changed()

    def _left_card_first(self, now: float) -> bool:
        """A card left behind is still in: it must come out before anyone goes on (its holder is not here)."""
        if not (self.farewell.left and self.farewell.cards_there):
            return False
        self.farewell.left_behind(now)
        return True

    def tap_take_ticket(self, now: float) -> None:
        self.touch(now)
        if self._left_card_first(now):
            return
        reason = self.hall.pause_reason()
        if reason is not None:
            self.toast(reason, now)
            return
        self.picker.reset(self.session.elderly)
        self.go("items", now)

    def tap_self_service(self, now: float) -> None:
        self.touch(now)
        if self._left_card_first(now):
            return
        if self.session.authenticated:
            self.go("services", now)
        else:
            self.identity.sign_in("services", now)

    def tap_service(self, action: str, now: float) -> None:
        """One of the self-service actions; a holder must be known first."""
        self.touch(now)
        if self.session.authenticated and self.session.citizen is not None:
            if action in ("record", "certificate") and self.documents.available():
                self.documents.start(action, now)  # an A4 document, with a preview
            else:
                self.services.tap(action, now)
        else:
            self.identity.sign_in("services", now)

    def tap_print(self, now: float) -> None:
        """The print button of a self-service result."""
        self.services.print_result(now)

    def tap_elderly(self, now: float) -> None:
        self.session.set_elderly(not self.session.elderly, now)
        self.picker.elderly = self.session.elderly
        self.changed()
        if self.session.elderly:
            self.guide.say("elderly_on")
            self.guide.say(f"voice_{self.screen}")

    def tap_language(self, now: float) -> None:
        self.session.set_language("en" if self.language != "en" else "zh_CN", now)
        self.changed()

    def tap_home(self, now: float) -> None:
        """首页: back to the start; a card holder whose card is in stays known (the session follows the card)."""
        s = self.session
        if s.card_in and s.citizen is not None and not self.farewell.left:
            self.touch(now)
            self.farewell.clear()
            self.go("home", now)
            return
        self.end_session(now, "session_ended" if s.citizen or s.pending else None)

    def tap_back(self, now: float) -> None:
        """返回 on a message that asks to confirm: back to the services of the same holder."""
        msg = self.message_shown
        if msg is not None and msg.action in ("confirm_loss", "card_services") and self.session.citizen is not None:
            self.message_shown = None
            self.touch(now)
            self.go("services", now)
            return
        self.tap_home(now)

    def tap_finish(self, now: float) -> None:
        """退出: the visit is over; ask for the card(s) back."""
        self.touch(now)
        self.farewell.start(now, None)

    def tap_continue(self, now: float) -> None:
        """继续办理 on the take-your-card screen."""
        self.farewell.go_on(now)

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
        """An item chosen: its 办事指南 first (一次性告知); straight to the ticket when it has none."""
        self.touch(now)
        item = self.picker.find(code)
        if item is not None and self.service_guide.show(item):
            self.go("guide", now)
        else:
            self.desk.request(item, now)

    def tap_guide_ticket(self, now: float) -> None:
        """取号 on the 办事指南 screen."""
        self.touch(now)
        self.desk.request(self.service_guide.item, now)

    def tap_guide_here(self, now: float) -> None:
        """在本机办理 on the 办事指南 screen: the item's self-service action (a card first, if none is in)."""
        action = self.service_guide.action()
        if action is not None:
            if not self.session.authenticated:
                self.after_sign_in = action  # the card or ID card first, then straight on to it
            self.tap_service(action, now)

    def tap_document_type(self, code: str, now: float) -> None:
        self.touch(now)
        self.documents.toggle(code, now)

    def tap_document_period(self, choice: str, now: float) -> None:
        self.touch(now)
        self.documents.choose_period(choice, now)

    def tap_document_print(self, now: float) -> None:
        self.touch(now)
        self.documents.print_now(now)

    def key(self, key: str, now: float) -> None:
        """A key of the 3x4 keypad on the PIN / number screen."""
        self.touch(now)
        self.keypad.press(key)

    def tap_confirm(self, now: float) -> None:
        """The keypad's digits go to the flow that asked for them."""
        self.touch(now)
        if not self.keypad.complete or self._on_entry is None:
            return
        self._on_entry(self.keypad.take(), now)

    def tap_message_action(self, now: float) -> None:
        """The message screen's button (a ticket for the PIN-unblock item)."""
        msg = self.message_shown
        if msg is not None and msg.action == "card_services" and self.session.citizen is not None:
            self.message_shown = None  # the card in the reader is not lost: its own services
            self.touch(now)
            self.go("services", now)
            return
        if msg is not None and msg.action == "confirm_loss":  # 确认挂失
            self.message_shown = None
            self.touch(now)
            self.services.confirm_loss(now)
            return
        if msg is not None and msg.action == "unblock_ticket":
            self.message_shown = None
            self.touch(now)
            self.desk.request(self.picker.find(self.cfg.kiosk.pin_unblock_item), now)  # the message said where

    def tap_done(self, now: float) -> None:
        """完成 on the ticket screen (or a result): the card(s) back, then the end."""
        if self.screen == "take_card":
            self.end_session(now)
        else:
            self.farewell.start(now)

    def tap_title(self, now: float) -> None:
        """A tap on the hall name (five quick ones open the maintenance screen)."""
        self.maintenance.tap_title(now)

    def tap_test_page(self, now: float) -> None:
        self.touch(now)
        self.maintenance.print_test()

    def tap_check_printer(self, now: float) -> None:
        self.touch(now)
        self.maintenance.check_printer()

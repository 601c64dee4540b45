"""The kiosk's screen logic without Kivy: one view-model per concern, :class:`KioskModel` on top.

:class:`KioskModel` owns the screen and routes every event and tap; the flows (who is at the
kiosk, taking a ticket, self-service, maintenance) each get their collaborators when made and
talk back through the narrow :class:`Shell` (:mod:`kiosk.viewmodels.shell`), never to each other.

Everything here is plain Python and takes the time as an argument, so tests drive whole
visits (card, PIN, ticket, printer out of paper, broker gone) without a window or a sleep.
"""
from kiosk.viewmodels.config import ModelConfig, from_settings
from kiosk.viewmodels.hall import HallStatus
from kiosk.viewmodels.items import Item, ItemPicker
from kiosk.viewmodels.keypad import Keypad
from kiosk.viewmodels.kiosk import KioskModel, MessageShown
from kiosk.viewmodels.session import Session, Timeouts
from kiosk.viewmodels.shell import Shell
from kiosk.viewmodels.ticketing import Ticketing
from kiosk.viewmodels.tickets import TicketShown

__all__ = [
    "HallStatus",
    "Item",
    "ItemPicker",
    "Keypad",
    "KioskModel",
    "MessageShown",
    "ModelConfig",
    "Session",
    "Shell",
    "TicketShown",
    "Ticketing",
    "Timeouts",
    "from_settings",
]

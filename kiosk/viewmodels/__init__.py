"""The kiosk's screen logic without Kivy: one view-model per concern, :class:`KioskModel` on top.

Everything here is plain Python and takes the time as an argument, so tests drive whole
visits (card, PIN, ticket, printer out of paper, broker gone) without a window or a sleep.
"""
from kiosk.viewmodels.config import ModelConfig, from_settings
from kiosk.viewmodels.hall import HallStatus
from kiosk.viewmodels.items import Item, ItemPicker
from kiosk.viewmodels.keypad import Keypad
from kiosk.viewmodels.kiosk import KioskModel, MessageShown, TicketShown
from kiosk.viewmodels.session import Session, Timeouts
from kiosk.viewmodels.ticketing import Ticketing

__all__ = [
    "HallStatus",
    "Item",
    "ItemPicker",
    "Keypad",
    "KioskModel",
    "MessageShown",
    "ModelConfig",
    "Session",
    "TicketShown",
    "Ticketing",
    "Timeouts",
    "from_settings",
]

"""The social security card (社会保障卡) over PC/SC.

``apdu`` is the pure codec, ``pcsc`` the transport, ``reader`` the SSSE dialogue,
``watcher`` the insert/remove events and ``simulator`` a virtual card behind the real
pcscd (vsmartcard-vpcd). pyscard is imported only when a reader is actually used.
"""
from hardware.card.errors import (
    CardAccessDenied,
    CardError,
    CardGarbled,
    CardLocked,
    CardNotSupported,
    CardRemoved,
    CardServiceUnavailable,
    CardTimeout,
    NoCard,
    NoReader,
    PinBlocked,
    WrongPin,
)
from hardware.card.model import SocialSecurityCardData
from hardware.card.pcsc import PcscConnection, list_readers
from hardware.card.reader import SocialSecurityCard, read_card
from hardware.card.watcher import CardWatcher

__all__ = [
    "CardAccessDenied",
    "CardError",
    "CardGarbled",
    "CardLocked",
    "CardNotSupported",
    "CardRemoved",
    "CardServiceUnavailable",
    "CardTimeout",
    "CardWatcher",
    "NoCard",
    "NoReader",
    "PcscConnection",
    "PinBlocked",
    "SocialSecurityCard",
    "SocialSecurityCardData",
    "WrongPin",
    "list_readers",
    "read_card",
]

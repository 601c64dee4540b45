"""What the outside world tells the kiosk: one small immutable record per happening.

Device threads, the MQTT link and workers post these to :meth:`kiosk.viewmodels.KioskModel.post`;
the UI thread handles them in order in :meth:`~kiosk.viewmodels.KioskModel.pump`. None of them
carries a PIN; the card data ones carry personal data only inside :class:`~kiosk.citizen.Citizen`.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from hall_contract.protocol import Board, DeviceCommand, RpcReply
from kiosk.citizen import Citizen


@dataclass(frozen=True)
class LinkChanged:
    connected: bool


@dataclass(frozen=True)
class BoardReceived:
    board: Board


@dataclass(frozen=True)
class ServerStatusChanged:
    online: bool


@dataclass(frozen=True)
class CommandReceived:
    command: DeviceCommand


@dataclass(frozen=True)
class ReplyReceived:
    reply: RpcReply


@dataclass(frozen=True)
class CardInserted:
    reader: str = ""


@dataclass(frozen=True)
class CardPulled:
    reader: str = ""


@dataclass(frozen=True)
class CardRead:
    """A social security card was read; ``verified`` when its PIN was checked on the way."""

    citizen: Citizen | None
    verified: bool
    expired: bool = False


@dataclass(frozen=True)
class CardFailed:
    """Reading or verifying failed: ``error`` is a :class:`hardware.card.CardError` (or like it)."""

    error: Exception
    verifying: bool = False


@dataclass(frozen=True)
class IdCardRead:
    citizen: Citizen
    expired: bool = False


@dataclass(frozen=True)
class IdCardLifted:
    """The ID card that was read is no longer on the reader."""


@dataclass(frozen=True)
class IdCardFailed:
    error: Exception


@dataclass(frozen=True, repr=False)
class CodeScanned:
    """The QR/barcode scanner read a code (an 电子社保卡 code is a credential: never in a log or a repr)."""

    code: str

    def __repr__(self) -> str:
        return f"CodeScanned(<{len(self.code)} chars>)"


@dataclass(frozen=True)
class ReaderFault:
    """A reader cannot be used (``fault`` e.g. ``reader_fault``); ``None`` clears it."""

    device: str  # "card" or "idcard"
    fault: str | None
    detail: str = ""


@dataclass(frozen=True)
class PrinterChecked:
    """The printer's faults as last asked (``paper_low``, ``paper_out``, ``printer_offline``, ...)."""

    faults: tuple[str, ...]


@dataclass(frozen=True)
class PrintFinished:
    job: str
    faults: tuple[str, ...] = ()


@dataclass(frozen=True)
class PrintFailed:
    job: str
    fault: str
    message_zh: str
    message_en: str


@dataclass(frozen=True)
class GatewayAnswered:
    job: str
    result: Any = field(repr=False)


@dataclass(frozen=True)
class GatewayFailed:
    job: str
    error: Exception


@dataclass(frozen=True)
class A4Checked:
    """The A4 document printer's faults (``a4_paper_out``, ``a4_unreachable``, ...; see hardware.document)."""

    faults: tuple[str, ...]


@dataclass(frozen=True)
class DocumentPreviewed:
    job: str
    png: bytes = field(repr=False)  # page 1
    pages: int


@dataclass(frozen=True)
class DocumentPrinted:
    job: str
    pages: int


@dataclass(frozen=True)
class DocumentFailed:
    job: str
    fault: str
    message_zh: str
    message_en: str


DocumentEvent = A4Checked | DocumentPreviewed | DocumentPrinted | DocumentFailed
CardEvent = CardInserted | CardPulled | CardRead | CardFailed | IdCardRead | IdCardFailed | IdCardLifted
Event = (LinkChanged | BoardReceived | ServerStatusChanged | CommandReceived | ReplyReceived | CardInserted
         | CardPulled | CardRead | CardFailed | IdCardRead | IdCardFailed | CodeScanned | ReaderFault | PrinterChecked
         | PrintFinished | PrintFailed | GatewayAnswered | GatewayFailed | IdCardLifted | DocumentEvent)

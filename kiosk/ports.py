"""The kiosk's view of its I/O: small interfaces the view-models call, never block on.

Every call returns at once; the outcome comes back later as an event (:mod:`kiosk.events`).
The real implementations live in :mod:`kiosk.runtime`; tests use fakes of these interfaces.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol

from hardware.printer import RecordSlip, TicketSlip
from kiosk.gateway import Gateway

if TYPE_CHECKING:
    from hardware.document.model import InsuranceDocument


class QueueLink(Protocol):
    """The MQTT side: RPC requests out, the device status (retained) out."""

    def request(self, method: str, payload: dict[str, Any]) -> None:
        """Publish ``payload`` on ``rpc/{method}`` (QoS 1); the reply arrives as ``ReplyReceived``."""

    def publish_status(self, faults: list[str]) -> None:
        """Publish ``devices/{id}/status`` (retained) with these faults."""


class PrinterPort(Protocol):
    def print_ticket(self, job: str, slip: TicketSlip) -> None: ...

    def print_record(self, job: str, slip: RecordSlip) -> None: ...

    def check(self) -> None:
        """Ask the printer's status now (answer: ``PrinterChecked``)."""


class DocumentPort(Protocol):
    """The A4 document printer (a CUPS queue): renders and prints off the UI thread."""

    def preview(self, job: str, document: InsuranceDocument) -> None:
        """Render ``document`` (answer: ``DocumentPreviewed`` with page 1 as PNG, or ``DocumentFailed``)."""

    def print_document(self, job: str, document: InsuranceDocument) -> None:
        """Print ``document`` and follow the job to the end (answer: ``DocumentPrinted``/``DocumentFailed``)."""

    def check(self) -> None:
        """Ask the queue's state now (answer: ``A4Checked``)."""


class CardPort(Protocol):
    def read(self, pin: str | None = None) -> None:
        """Read the inserted card, verifying ``pin`` first when given (answer: ``CardRead``/``CardFailed``).

        The PIN goes to the card and nowhere else: not stored, not logged.
        """


class GatewayPort(Protocol):
    def submit(self, job: str, call: Callable[[Gateway], Any]) -> None:
        """Run ``call(gateway)`` off the UI thread (answer: ``GatewayAnswered``/``GatewayFailed``)."""


class Speaker(Protocol):
    """Voice guidance: ``say`` queues a sentence; sentences never overlap."""

    def say(self, text: str) -> object: ...


class SilentSpeaker:
    """A speaker that says nothing (no audio device, or voice guidance switched off)."""

    def say(self, text: str) -> object:
        return None

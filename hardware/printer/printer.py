"""``TicketPrinter``: checks the printer's status, then sends a ticket or record printout."""
from __future__ import annotations

import time
from types import TracebackType

from hardware.printer import codec
from hardware.printer.codec import PrinterStatus
from hardware.printer.errors import (
    PrinterCoverOpen,
    PrinterError,
    PrinterNoAnswer,
    PrinterOffline,
    PrinterOutOfPaper,
    PrinterStatusUnsupported,
    PrinterUnreachable,
)
from hardware.printer.ticket import COLUMNS_80MM, RecordSlip, TicketSlip, record_bytes, ticket_bytes
from hardware.printer.transport import PrinterTransport, transport_from_url

NO_ANSWER = PrinterStatus(online=False, paper="unknown", faults=["printer_no_answer"])


class TicketPrinter:
    """The kiosk's ticket printer on any transport.

    Use as a context manager (or call :meth:`open` and :meth:`close`)::

        with TicketPrinter.from_url("tcp://10.0.0.9:9100") as printer:
            status = printer.print_ticket(slip)   # raises PrinterOutOfPaper, ...
    """

    def __init__(self, transport: PrinterTransport, columns: int = COLUMNS_80MM,
                 status_timeout_s: float = 3.0) -> None:
        self.transport = transport
        self.columns = columns
        self.status_timeout_s = status_timeout_s

    @classmethod
    def from_url(cls, url: str, timeout_s: float = 3.0, columns: int = COLUMNS_80MM) -> TicketPrinter:
        """A printer on the link a configuration URL names (not yet opened)."""
        return cls(transport_from_url(url, timeout_s), columns=columns, status_timeout_s=timeout_s)

    def open(self) -> None:
        """Open the link."""
        self.transport.open()

    def close(self) -> None:
        """Close the link."""
        self.transport.close()

    def __enter__(self) -> TicketPrinter:
        self.open()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    @property
    def can_report_status(self) -> bool:
        """False for write-only links (CUPS), where paper and cover cannot be known."""
        return self.transport.can_read

    def status(self) -> PrinterStatus:
        """Ask DLE EOT 1, (2 when offline) and 4. A silent printer gives ``printer_no_answer``.

        Raises :class:`PrinterStatusUnsupported` on a write-only link (CUPS).
        """
        if not self.transport.can_read:
            raise PrinterStatusUnsupported(self.transport.url)
        try:
            printer = self._query(codec.STATUS_PRINTER)
            cause = None if codec.decode_online(printer) else self._query(codec.STATUS_OFFLINE_CAUSE)
            paper = self._query(codec.STATUS_PAPER)
        except (PrinterNoAnswer, PrinterUnreachable):
            return NO_ANSWER
        return codec.status_from_bytes(printer, cause, paper)

    def ensure_ready(self) -> PrinterStatus:
        """Raise the error that stops printing, if any; else return the status (maybe ``paper_low``)."""
        if not self.transport.can_read:
            return PrinterStatus(online=True, paper="unknown")
        status = self.status()
        if "printer_no_answer" in status.faults:
            raise PrinterNoAnswer(f"{self.transport.url}: {self.status_timeout_s:g} s")
        if status.cover_open:
            raise PrinterCoverOpen(self.transport.url)
        if status.paper == "out":
            raise PrinterOutOfPaper(self.transport.url)
        if not status.online:
            raise PrinterOffline(self.transport.url)
        return status

    def print_bytes(self, data: bytes) -> PrinterStatus:
        """Check the status, then send a ready-made ESC/POS stream. Returns the status seen."""
        status = self.ensure_ready()
        self.transport.write(data)
        return status

    def print_ticket(self, slip: TicketSlip) -> PrinterStatus:
        """Print one queue ticket; raises a :class:`PrinterError` when it cannot come out."""
        return self.print_bytes(ticket_bytes(slip, self.columns))

    def print_record(self, slip: RecordSlip) -> PrinterStatus:
        """Print a self-service record (个人权益记录, 参保证明)."""
        return self.print_bytes(record_bytes(slip, self.columns))

    def _query(self, request: bytes) -> int:
        """Send one DLE EOT request and wait for a status byte, skipping anything else."""
        self.transport.discard_input()
        self.transport.write(request)
        deadline = time.monotonic() + self.status_timeout_s
        while (left := deadline - time.monotonic()) > 0:
            for value in self.transport.read(1, left):
                if codec.is_status_byte(value):
                    return value
        raise PrinterNoAnswer(f"{self.transport.url}: {request.hex(' ')}")


__all__ = ["PrinterError", "TicketPrinter"]

"""Ticket printer: ESC/POS codec, ticket layouts, transports by URL, and a TCP emulator."""
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
from hardware.printer.printer import TicketPrinter
from hardware.printer.ticket import (
    COLUMNS_58MM,
    COLUMNS_80MM,
    RecordSlip,
    TicketSlip,
    record_bytes,
    ticket_bytes,
)
from hardware.printer.transport import transport_from_url

__all__ = [
    "COLUMNS_58MM",
    "COLUMNS_80MM",
    "PrinterCoverOpen",
    "PrinterError",
    "PrinterNoAnswer",
    "PrinterOffline",
    "PrinterOutOfPaper",
    "PrinterStatus",
    "PrinterStatusUnsupported",
    "PrinterUnreachable",
    "RecordSlip",
    "TicketPrinter",
    "TicketSlip",
    "record_bytes",
    "ticket_bytes",
    "transport_from_url",
]

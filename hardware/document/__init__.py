"""A4 documents (参保证明, 权益记录) printed through CUPS.

``model`` is what goes on a document, ``render`` makes the PDF (CJK font embedded) and the
preview PNG, ``verification`` the codes that ``/verify/{code}`` checks, ``a4_printer`` the CUPS
queue (pycups, ``lp`` without it) with its status and faults. ``emulator`` is an office PDF
printer on raw TCP and ``cupsd`` a private CUPS scheduler, both for tests and the demo;
``sample`` a made-up contribution history.
"""
from hardware.document.a4_printer import A4Printer, A4Status, parse_cups_url
from hardware.document.errors import (
    A4JobFailed,
    A4JobTimeout,
    A4NotAccepting,
    A4OutOfPaper,
    A4PrinterError,
    A4PrinterStopped,
    A4QueueMissing,
    A4ServiceUnavailable,
)
from hardware.document.model import ContributionMonth, DocumentHolder, InsuranceDocument
from hardware.document.render import preview_png, render_pdf

__all__ = [
    "A4JobFailed",
    "A4JobTimeout",
    "A4NotAccepting",
    "A4OutOfPaper",
    "A4Printer",
    "A4PrinterError",
    "A4PrinterStopped",
    "A4QueueMissing",
    "A4ServiceUnavailable",
    "A4Status",
    "ContributionMonth",
    "DocumentHolder",
    "InsuranceDocument",
    "parse_cups_url",
    "preview_png",
    "render_pdf",
]

"""The A4 document printer: a CUPS queue, fed PDFs through pycups (``lp``/``lpstat`` without it).

The configured URL is ``cups://QUEUE``; ``cups://QUEUE?server=HOST:PORT`` or
``?server=/path/cups.sock`` names a CUPS server other than the default (``CUPS_SERVER`` or
the local scheduler). :meth:`A4Printer.status` reads the queue's IPP state for ``hallctl
doctor`` and the kiosk's device faults; :meth:`A4Printer.print_pdf` refuses a queue that
cannot print now, submits the PDF as one job and :meth:`A4Printer.wait` follows it to
``completed``. Job names carry the document kind and verification code, never a person.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import parse_qs, urlsplit

from hardware.document._cups_backends import Backend, LpBackend, PycupsBackend, QueueInfo
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

if TYPE_CHECKING:
    from hardware.config import DeviceSettings
    from hardware.document.model import InsuranceDocument

log = logging.getLogger(__name__)

# IPP printer-state-reasons keywords (suffix -error/-warning/-report stripped) → device fault
REASON_FAULTS = {
    "media-empty": "a4_paper_out",
    "media-needed": "a4_paper_out",
    "media-low": "a4_paper_low",
    "media-jam": "a4_paper_jam",
    "door-open": "a4_cover_open",
    "cover-open": "a4_cover_open",
    "toner-empty": "a4_toner_out",
    "marker-supply-empty": "a4_toner_out",
    "toner-low": "a4_toner_low",
    "marker-supply-low": "a4_toner_low",
    "offline": "a4_offline",
}
WARNINGS = frozenset({"a4_paper_low", "a4_toner_low"})  # the printer still prints
DONE, FAILED = "completed", frozenset({"stopped", "canceled", "aborted"})


@dataclass(frozen=True)
class A4Status:
    """What the queue says: ``state`` is idle, printing, stopped, missing or unreachable."""

    queue: str
    state: str
    accepting: bool
    reasons: tuple[str, ...]
    message: str
    pending_jobs: int
    stuck_jobs: int
    faults: tuple[str, ...]

    @property
    def ready(self) -> bool:
        """Whether a document sent now would print (warnings such as paper low allowed)."""
        return not [f for f in self.faults if f not in WARNINGS]

    def describe(self) -> str:
        detail = f"queue {self.queue}: {self.state}"
        if self.state not in ("missing", "unreachable"):
            detail += f", {'accepting' if self.accepting else 'rejecting'} jobs, {self.pending_jobs} pending"
        if self.message:
            detail += f" ({self.message})"
        return detail + (f"; faults: {', '.join(self.faults)}" if self.faults else "")


def parse_cups_url(url: str) -> tuple[str, str | None]:
    """``cups://HallA4?server=/run/cups/cups.sock`` → ``("HallA4", "/run/cups/cups.sock")``."""
    parts = urlsplit(url)
    if parts.scheme != "cups" or not parts.netloc or parts.path not in ("", "/"):
        raise ValueError(f"A4 printer URL {url!r}: expected cups://QUEUE[?server=HOST:PORT|/socket]")
    servers = parse_qs(parts.query).get("server")
    return parts.netloc, servers[0] if servers else None


class A4Printer:
    """One CUPS queue. ``backend`` "pycups" (default when installed) or "lp"."""

    def __init__(self, url: str, *, job_timeout_s: float = 120.0, backend: str | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.url = url
        self.queue, self.server = parse_cups_url(url)
        self.job_timeout_s = job_timeout_s
        self.clock = clock
        self._backend: Backend = _choose_backend(backend, self.server)

    @classmethod
    def from_settings(cls, devices: DeviceSettings) -> A4Printer:
        if not devices.a4_printer_url:
            raise ValueError("no A4 printer configured (devices.a4_printer_url)")
        return cls(devices.a4_printer_url, job_timeout_s=devices.a4_job_timeout_s)

    @property
    def backend_name(self) -> str:
        return self._backend.name

    def status(self) -> A4Status:
        """The queue's state and faults; never raises for a printer problem."""
        try:
            info = self._backend.queue(self.queue)
        except A4ServiceUnavailable as err:
            return A4Status(self.queue, "unreachable", False, (), err.detail, 0, 0, ("a4_unreachable",))
        if info is None:
            return A4Status(self.queue, "missing", False, (), "", 0, 0, ("a4_queue_missing",))
        return self._status(info)

    def _status(self, info: QueueInfo) -> A4Status:
        faults = []
        if info.state == "stopped":
            faults.append("a4_stopped")
        if not info.accepting:
            faults.append("a4_not_accepting")
        for reason in info.reasons:
            fault = REASON_FAULTS.get(_keyword(reason))
            if fault and fault not in faults:
                faults.append(fault)
        now = self.clock()
        stuck = [job for job in info.jobs
                 if job.state == "stopped" or (job.created is not None and now - job.created > self.job_timeout_s)]
        if stuck:
            faults.append("a4_jobs_stuck")
        return A4Status(self.queue, info.state, info.accepting, info.reasons, info.message,
                        len(info.jobs), len(stuck), tuple(faults))

    def print_pdf(self, pdf: bytes, title: str) -> int:
        """Submit ``pdf`` as one job named ``title`` (no personal data!); answers the job id.

        Raises an :class:`A4PrinterError` when the queue cannot print now, so the kiosk can say
        so before the citizen waits at an empty tray.
        """
        status = self.status()
        if not status.ready:
            raise _error_for(status)
        job = self._backend.submit(self.queue, pdf, title)
        log.info("A4 job %s-%d submitted (%d bytes)", self.queue, job, len(pdf))
        return job

    def print_document(self, document: InsuranceDocument) -> int:
        """Render ``document`` and submit it; the job is named ``{kind}-{verification code}``."""
        from hardware.document.render import render_pdf

        return self.print_pdf(render_pdf(document), f"{document.kind}-{document.verification_code}")

    def job_state(self, job: int) -> str:
        """pending, held, processing, stopped, canceled, aborted or completed."""
        return self._backend.job_state(job)

    def wait(self, job: int, timeout_s: float | None = None, poll_s: float = 0.2) -> None:
        """Until the job has printed; :class:`A4JobFailed` or :class:`A4JobTimeout` otherwise."""
        deadline = time.monotonic() + (timeout_s if timeout_s is not None else self.job_timeout_s)
        while True:
            state = self.job_state(job)
            if state == DONE:
                return
            if state in FAILED:
                raise A4JobFailed(f"job {self.queue}-{job} {state}")
            if time.monotonic() > deadline:
                raise A4JobTimeout(f"job {self.queue}-{job} still {state}")
            time.sleep(poll_s)


def _keyword(reason: str) -> str:
    for suffix in ("-error", "-warning", "-report"):
        if reason.endswith(suffix):
            return reason[: -len(suffix)]
    return reason


def _error_for(status: A4Status) -> A4PrinterError:
    detail = status.describe()
    by_fault: dict[str, type[A4PrinterError]] = {
        "a4_unreachable": A4ServiceUnavailable,
        "a4_queue_missing": A4QueueMissing,
        "a4_stopped": A4PrinterStopped,
        "a4_not_accepting": A4NotAccepting,
        "a4_paper_out": A4OutOfPaper,
    }
    for fault in status.faults:
        if fault in by_fault:
            return by_fault[fault](detail)
    return A4PrinterError(detail)


def _choose_backend(name: str | None, server: str | None) -> Backend:
    if name not in (None, "pycups", "lp"):
        raise ValueError("backend must be pycups or lp")
    if name != "lp":
        try:
            import cups  # noqa: F401
        except ImportError:
            if name == "pycups":
                raise
            log.info("pycups is not installed: printing A4 documents with lp")
        else:
            return PycupsBackend(server)
    return LpBackend(server)

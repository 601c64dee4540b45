"""The kiosk's A4 document worker: one thread renders, previews and prints documents through CUPS.

The PDF of the document last rendered is kept, so the print after a preview sends the very
pages the citizen saw. The queue's state is read now and then and after every job
(``A4Checked``), for the device status and ``hallctl doctor``'s faults.
"""
from __future__ import annotations

import logging
import queue
from collections.abc import Callable
from typing import TYPE_CHECKING

from kiosk import events as ev
from kiosk.runtime.job_thread import JobThread

if TYPE_CHECKING:
    from hardware.document.model import InsuranceDocument

log = logging.getLogger(__name__)
Job = tuple[str, str, "InsuranceDocument | None"]


class DocumentWorker(JobThread["InsuranceDocument"]):
    def __init__(self, url: str | None, post: Callable[[ev.Event], None], *, job_timeout_s: float = 120.0,
                 poll_s: float = 30.0) -> None:
        super().__init__(name="kiosk-a4", poll_s=poll_s, join_timeout_s=10)
        self.url, self.post, self.job_timeout_s = url, post, job_timeout_s
        self._rendered: tuple[str, bytes, int] | None = None  # (verification code, pdf, pages)

    # -- the port -----------------------------------------------------------------------------
    def preview(self, job: str, document: InsuranceDocument) -> None:
        self._jobs.put(("preview", job, document))

    def print_document(self, job: str, document: InsuranceDocument) -> None:
        self._jobs.put(("print", job, document))

    # -- the thread ---------------------------------------------------------------------------
    def _handle(self, item: Job) -> None:
        kind, job, document = item
        if kind == "preview":
            kind, job, document = self._latest_preview(item)
        if kind == "check" or document is None:
            self._check()
        elif kind == "preview":
            self._preview(job, document)
        else:
            self._print(job, document)
            self._check()

    def _latest_preview(self, item: Job) -> Job:
        """Of previews asked in a row (a citizen tapping through the choices), only the last is made;
        the others are answered as superseded. Anything else queued behind them keeps its turn."""
        later: list[Job | None] = []
        while True:
            try:
                following = self._jobs.get_nowait()
            except queue.Empty:
                break
            if following is not None and following[0] == "preview" and not later:
                self.post(ev.DocumentFailed(item[1], "superseded", "", ""))
                item = following
            else:
                later.append(following)
        for following in later:
            self._jobs.put(following)
        return item

    def _printer(self) -> object:
        from hardware.document import A4Printer

        assert self.url is not None
        return A4Printer(self.url, job_timeout_s=self.job_timeout_s)

    def _check(self) -> None:
        if self.url is None:
            self.post(ev.A4Checked(("a4_not_fitted",)))
            return
        try:
            status = self._printer().status()  # type: ignore[attr-defined]
            faults = tuple(status.faults)
        except Exception:
            log.exception("A4 printer status check failed")
            faults = ("a4_unreachable",)
        self.post(ev.A4Checked(faults))

    def _render(self, document: InsuranceDocument) -> tuple[bytes, int]:
        from hardware.document import render_pdf

        if self._rendered is not None and self._rendered[0] == document.verification_code:
            return self._rendered[1], self._rendered[2]
        pdf = render_pdf(document)
        pages = _pages(pdf)
        self._rendered = (document.verification_code, pdf, pages)
        return pdf, pages

    def _preview(self, job: str, document: InsuranceDocument) -> None:
        from hardware.document import preview_png

        try:
            pdf, pages = self._render(document)
            self.post(ev.DocumentPreviewed(job, preview_png(pdf, dpi=72), pages))
        except Exception as err:
            log.exception("document preview failed")
            self.post(ev.DocumentFailed(job, "a4_render_failed", "证明生成失败，请到窗口办理",
                                        f"the document could not be made: {err!r}"))

    def _print(self, job: str, document: InsuranceDocument) -> None:
        from hardware.document import A4PrinterError

        if self.url is None:
            self.post(ev.DocumentFailed(job, "a4_not_fitted", "本机未配置A4打印机", "no A4 printer fitted"))
            return
        try:
            pdf, pages = self._render(document)
            printer = self._printer()
            cups_job = printer.print_pdf(pdf, f"{document.kind}-{document.verification_code}")  # type: ignore[attr-defined]
            printer.wait(cups_job)  # type: ignore[attr-defined]
        except A4PrinterError as err:
            log.warning("printing document %s failed: %s", job, err)
            self.post(ev.DocumentFailed(job, _fault(err), err.message_zh, err.message_en))
            return
        except Exception as err:
            log.exception("printing document %s failed", job)
            self.post(ev.DocumentFailed(job, "a4_unreachable", "A4打印机故障，请到窗口办理", repr(err)))
            return
        self.post(ev.DocumentPrinted(job, pages))


def _pages(pdf: bytes) -> int:
    """Pages of a PDF fpdf2 wrote (its page tree's /Count)."""
    import re

    counts = [int(n) for n in re.findall(rb"/Count (\d+)", pdf)]
    return max(counts) if counts else 1


def _fault(err: Exception) -> str:
    return str(getattr(err, "code", "") or "a4_printer_error")

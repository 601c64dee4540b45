"""The kiosk's printer worker: one thread prints jobs in order and asks the printer's status now and then.

Each job and each status check opens the link, does its work and closes it again, so a printer
that was switched off, or an emulator restarted, is simply found again on the next try.
"""
from __future__ import annotations

import logging
from collections.abc import Callable

from hardware.printer import PrinterError, RecordSlip, TicketPrinter, TicketSlip
from kiosk import events as ev
from kiosk.runtime.job_thread import JobThread

log = logging.getLogger(__name__)
Job = tuple[str, str, TicketSlip | RecordSlip | None]  # (kind, job id, slip)


class PrinterWorker(JobThread[TicketSlip | RecordSlip]):
    def __init__(self, url: str | None, post: Callable[[ev.Event], None], *, timeout_s: float = 3.0,
                 columns: int = 48, poll_s: float = 10.0) -> None:
        super().__init__(name="kiosk-printer", poll_s=poll_s, join_timeout_s=timeout_s * 4)
        self.url, self.post, self.timeout_s, self.columns = url, post, timeout_s, columns

    # -- the port -----------------------------------------------------------------------------
    def print_ticket(self, job: str, slip: TicketSlip) -> None:
        self._jobs.put(("ticket", job, slip))

    def print_record(self, job: str, slip: RecordSlip) -> None:
        self._jobs.put(("record", job, slip))

    # -- the thread ---------------------------------------------------------------------------
    def _printer(self) -> TicketPrinter:
        assert self.url is not None
        return TicketPrinter.from_url(self.url, timeout_s=self.timeout_s, columns=self.columns)

    def _handle(self, item: Job) -> None:
        kind, job, slip = item
        if kind == "check":
            self._check()
        else:
            self._print(job, slip)

    def _check(self) -> None:
        if self.url is None:
            self.post(ev.PrinterChecked(("no_printer",)))
            return
        try:
            with self._printer() as printer:
                faults = tuple(printer.status().faults) if printer.can_report_status else ()
        except PrinterError as err:
            faults = (err.code,)
        except Exception:
            log.exception("printer status check failed")
            faults = ("printer_no_answer",)
        self.post(ev.PrinterChecked(faults))

    def _print(self, job: str, slip: TicketSlip | RecordSlip | None) -> None:
        if self.url is None:
            self.post(ev.PrintFailed(job, "no_printer", "本机未配置打印机", "no printer fitted"))
            return
        try:
            with self._printer() as printer:
                if isinstance(slip, TicketSlip):
                    status = printer.print_ticket(slip)
                else:
                    assert slip is not None
                    status = printer.print_record(slip)
        except PrinterError as err:
            log.warning("printing %s failed: %s", job, err)
            self.post(ev.PrintFailed(job, err.code, err.message_zh, err.message_en))
            return
        except Exception as err:
            log.exception("printing %s failed", job)
            self.post(ev.PrintFailed(job, "printer_no_answer", "打印机故障", repr(err)))
            return
        self.post(ev.PrintFinished(job, tuple(status.faults)))

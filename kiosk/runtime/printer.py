"""The kiosk's printer worker: one thread prints jobs in order and asks the printer's status now and then.

Each job and each status check opens the link, does its work and closes it again, so a printer
that was switched off, or an emulator restarted, is simply found again on the next try.
"""
from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable

from hardware.printer import PrinterError, RecordSlip, TicketPrinter, TicketSlip
from kiosk import events as ev

log = logging.getLogger(__name__)
Job = tuple[str, str, TicketSlip | RecordSlip | None]  # (kind, job id, slip)


class PrinterWorker:
    def __init__(self, url: str | None, post: Callable[[ev.Event], None], *, timeout_s: float = 3.0,
                 columns: int = 48, poll_s: float = 10.0) -> None:
        self.url, self.post, self.timeout_s, self.columns, self.poll_s = url, post, timeout_s, columns, poll_s
        self._jobs: queue.Queue[Job | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="kiosk-printer", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._jobs.put(None)
            self._thread.join(timeout=self.timeout_s * 4)
            self._thread = None

    # -- the port -----------------------------------------------------------------------------
    def print_ticket(self, job: str, slip: TicketSlip) -> None:
        self._jobs.put(("ticket", job, slip))

    def print_record(self, job: str, slip: RecordSlip) -> None:
        self._jobs.put(("record", job, slip))

    def check(self) -> None:
        self._jobs.put(("check", "", None))

    # -- the thread ---------------------------------------------------------------------------
    def _printer(self) -> TicketPrinter:
        assert self.url is not None
        return TicketPrinter.from_url(self.url, timeout_s=self.timeout_s, columns=self.columns)

    def _run(self) -> None:
        self._check()
        while True:
            try:
                item = self._jobs.get(timeout=self.poll_s)
            except queue.Empty:
                self._check()
                continue
            if item is None:
                return
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

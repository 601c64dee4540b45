"""Why a document could not be printed on the A4 printer, for the citizen's screen and the log.

Each error's ``fault`` is the device-status fault the kiosk reports (``devices/{id}/status``).
"""
from __future__ import annotations

from hardware.printer.errors import PrinterError


class A4PrinterError(PrinterError):
    """Base class: the A4 printer (a CUPS queue) cannot take or finish the document."""

    code = "a4_fault"
    message_zh = "文件打印机故障，请到窗口办理"
    message_en = "the document printer has a fault"


class A4ServiceUnavailable(A4PrinterError):
    code = "a4_unreachable"
    message_zh = "打印服务未启动，请联系工作人员"
    message_en = "the print service (CUPS) does not answer"


class A4QueueMissing(A4PrinterError):
    code = "a4_queue_missing"
    message_zh = "未找到文件打印机，请联系工作人员"
    message_en = "the CUPS queue does not exist"


class A4PrinterStopped(A4PrinterError):
    code = "a4_stopped"
    message_zh = "文件打印机已暂停，请联系工作人员"
    message_en = "the CUPS queue is stopped (disabled)"


class A4NotAccepting(A4PrinterError):
    code = "a4_not_accepting"
    message_zh = "文件打印机暂不接收打印任务，请联系工作人员"
    message_en = "the CUPS queue rejects jobs"


class A4OutOfPaper(A4PrinterError):
    code = "a4_paper_out"
    message_zh = "文件打印机缺纸，请联系工作人员"
    message_en = "the document printer is out of paper"


class A4JobFailed(A4PrinterError):
    """The job was accepted but ended without printing (aborted, cancelled, stopped)."""

    code = "a4_job_failed"
    message_zh = "文件打印失败，请到窗口办理"
    message_en = "the print job did not complete"


class A4JobTimeout(A4PrinterError):
    code = "a4_jobs_stuck"
    message_zh = "文件打印超时，请联系工作人员"
    message_en = "the print job did not complete in time"

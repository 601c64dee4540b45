"""Why a ticket could not be printed, in words for the citizen's screen and for the log."""
from __future__ import annotations


class PrinterError(Exception):
    """Base class: a ticket printer problem, with a Chinese and an English message."""

    fault: str = "printer_fault"
    zh: str = "打印机故障"
    en: str = "printer fault"

    def __init__(self, detail: str = "") -> None:
        self.detail = detail
        message = f"{self.zh} / {self.en}"
        super().__init__(f"{message}: {detail}" if detail else message)


class PrinterOutOfPaper(PrinterError):
    """The paper sensor reports the roll has run out."""

    fault = "paper_out"
    zh = "打印机缺纸，请联系工作人员更换纸卷"
    en = "printer is out of paper"


class PrinterOffline(PrinterError):
    """The printer answers but reports itself offline (error, feed button, ...)."""

    fault = "printer_offline"
    zh = "打印机离线"
    en = "printer is offline"


class PrinterCoverOpen(PrinterError):
    """The cover is open; nothing prints until it is closed."""

    fault = "cover_open"
    zh = "打印机盖未关闭"
    en = "printer cover is open"


class PrinterNoAnswer(PrinterError):
    """The printer did not answer a status request within the timeout."""

    fault = "printer_no_answer"
    zh = "打印机无响应"
    en = "printer does not answer"


class PrinterUnreachable(PrinterError):
    """The connection to the printer could not be opened or broke while writing."""

    fault = "printer_no_answer"
    zh = "无法连接打印机"
    en = "cannot reach the printer"


class PrinterStatusUnsupported(PrinterError):
    """The link cannot carry status answers (CUPS queues are write-only)."""

    fault = "printer_status_unknown"
    zh = "该连接方式无法查询打印机状态"
    en = "this printer connection cannot report status"

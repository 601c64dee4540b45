"""Why a ticket could not be printed, in words for the citizen's screen and for the log.

``code`` is also the fault the kiosk reports on its status topic (``paper_out`` ...).
"""
from __future__ import annotations

from hall_contract.errors import HallError


class PrinterError(HallError):
    """Base class: a ticket printer problem, with a Chinese and an English message."""

    code = "printer_fault"
    message_zh = "打印机故障"
    message_en = "printer fault"


class PrinterOutOfPaper(PrinterError):
    """The paper sensor reports the roll has run out."""

    code = "paper_out"
    message_zh = "打印机缺纸，请联系工作人员更换纸卷"
    message_en = "printer is out of paper"


class PrinterOffline(PrinterError):
    """The printer answers but reports itself offline (error, feed button, ...)."""

    code = "printer_offline"
    message_zh = "打印机离线"
    message_en = "printer is offline"


class PrinterCoverOpen(PrinterError):
    """The cover is open; nothing prints until it is closed."""

    code = "cover_open"
    message_zh = "打印机盖未关闭"
    message_en = "printer cover is open"


class PrinterNoAnswer(PrinterError):
    """The printer did not answer a status request within the timeout."""

    code = "printer_no_answer"
    message_zh = "打印机无响应"
    message_en = "printer does not answer"


class PrinterUnreachable(PrinterError):
    """The connection to the printer could not be opened or broke while writing."""

    code = "printer_no_answer"
    message_zh = "无法连接打印机"
    message_en = "cannot reach the printer"


class PrinterStatusUnsupported(PrinterError):
    """The link cannot carry status answers (CUPS queues are write-only)."""

    code = "printer_status_unknown"
    message_zh = "该连接方式无法查询打印机状态"
    message_en = "this printer connection cannot report status"

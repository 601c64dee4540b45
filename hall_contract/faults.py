"""Every fault code a device reports on ``devices/{id}/status``, as a person reads it.

Devices publish codes (``paper_out``, ``no_audio_output``, ``screen_3_no_answer``); pages and
tools show them through :data:`FAULTS` and :func:`fault_text`, in Chinese or English. A window
device on the bridge's RS-485 line reports ``{kind}_{window}_{fault}``, composed from
:data:`LINE_DEVICES` and :data:`LINE_FAULTS`. An unknown code is shown as it is.
"""
from __future__ import annotations

import re

from hall_contract.i18n import Catalog

FAULTS = Catalog({
    # kiosk: ticket printer and readers
    "paper_low": ("纸将尽", "Paper low"),
    "paper_out": ("缺纸", "Out of paper"),
    "printer_offline": ("打印机离线", "Printer offline"),
    "printer_fault": ("打印机故障", "Printer fault"),
    "printer_no_answer": ("打印机无响应", "Printer does not answer"),
    "cover_open": ("打印机盖未关闭", "Printer cover open"),
    "no_printer": ("未接打印机", "No printer fitted"),
    "reader_fault": ("读卡器故障", "Card reader fault"),
    "idcard_reader_fault": ("身份证阅读器故障", "ID card reader fault"),
    "scanner_fault": ("扫码器故障", "Scanner fault"),
    "card_left": ("社保卡遗留在读卡器中", "A card was left in the reader"),
    "idcard_left": ("身份证遗留在读卡区", "An ID card was left on the reader"),
    # kiosk: the A4 document printer (CUPS)
    "a4_fault": ("A4 打印机故障", "A4 printer fault"),
    "a4_cover_open": ("A4 打印机盖未关闭", "A4 printer cover open"),
    "a4_not_fitted": ("未接 A4 打印机", "No A4 printer fitted"),
    "a4_unreachable": ("无法连接打印服务（CUPS）", "The print service (CUPS) cannot be reached"),
    "a4_queue_missing": ("A4 打印队列不存在", "The A4 print queue does not exist"),
    "a4_offline": ("A4 打印机离线", "A4 printer offline"),
    "a4_stopped": ("A4 打印队列已停止", "A4 print queue stopped"),
    "a4_not_accepting": ("A4 打印队列不接收任务", "A4 print queue not accepting jobs"),
    "a4_paper_low": ("A4 纸将尽", "A4 paper low"),
    "a4_paper_out": ("A4 缺纸", "A4 paper out"),
    "a4_paper_jam": ("A4 卡纸", "A4 paper jam"),
    "a4_toner_low": ("A4 墨粉将尽", "A4 toner low"),
    "a4_toner_out": ("A4 墨粉用尽", "A4 toner out"),
    "a4_printer_error": ("A4 打印机报错", "A4 printer error"),
    "a4_jobs_stuck": ("A4 打印任务积压", "A4 print jobs stuck"),
    "a4_job_failed": ("A4 打印任务失败", "A4 print job failed"),
    "a4_render_failed": ("文书生成失败", "The document could not be made"),
    # wall display: the voice
    "speech_unavailable": ("语音播报不可用", "Voice announcements unavailable"),
    "no_audio_output": ("无音频输出（喇叭未接或未识别）", "No audio output (speaker missing or not found)"),
    # window bridge: the RS-485 line
    "rs485_line_unavailable": ("窗口设备总线（RS-485）不可用", "Window device line (RS-485) unavailable"),
})

#: the window devices on the RS-485 line
LINE_DEVICES = Catalog({
    "screen": ("{window}号窗口屏", "window {window} screen"),
    "keypad": ("{window}号窗口呼叫器", "window {window} caller keypad"),
    "evaluator": ("{window}号窗口评价器", "window {window} rating pad"),
})
LINE_FAULTS = Catalog({
    "no_answer": ("无应答", "does not answer"),
    "garbled": ("通信错误", "garbled replies"),
    "rejected": ("拒绝指令", "rejects commands"),
    "wrong_device": ("设备不符", "wrong device at its address"),
})
_LINE = re.compile(r"^(screen|keypad|evaluator)_(\d{1,3})_([a-z_]+)$")


def fault_text(code: str, lang: str = "zh_CN") -> str:
    """``paper_out`` → 缺纸 (Out of paper); ``screen_3_no_answer`` → 3号窗口屏无应答."""
    if code in FAULTS:
        return FAULTS.t(code, lang)
    m = _LINE.match(code)
    if m and m.group(1) in LINE_DEVICES and m.group(3) in LINE_FAULTS:
        device = LINE_DEVICES.t(m.group(1), lang, window=int(m.group(2)))
        sep = " " if lang == "en" else ""
        return device + sep + LINE_FAULTS.t(m.group(3), lang)
    return code


def page_words(lang: str) -> dict[str, str]:
    """For a page's JavaScript: ``fault_{code}``, ``line_{kind}`` and ``linefault_{fault}`` in one language."""
    out = {f"fault_{k}": v for k, v in FAULTS.words(lang).items()}
    out |= {f"line_{k}": v for k, v in LINE_DEVICES.words(lang).items()}
    out |= {f"linefault_{k}": v for k, v in LINE_FAULTS.words(lang).items()}
    return out

"""An :class:`InsuranceDocument` as an A4 PDF with the CJK font embedded, and a PNG preview of it.

fpdf2 embeds a subset of the WenQuanYi Micro Hei TrueType collection as a CID font with a
ToUnicode map, so the PDF shows the same glyphs on every printer and viewer and its text can
be searched and extracted (``pdftotext``). The QR code is drawn as vector squares, sharp at
any printer resolution. Nothing here does I/O except reading the font (and ``pdftoppm`` for
the preview).
"""
from __future__ import annotations

import io
import subprocess
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from hardware.document.model import (
    INSURANCES,
    ContributionMonth,
    InsuranceDocument,
    money,
    month_key,
    month_text,
    summarize,
)
from hardware.document.verification import grouped

FONT_PATH = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
FONT = "wqy"
HALL_TZ = ZoneInfo("Asia/Shanghai")
PAGE_W, MARGIN = 210.0, 18.0
CONTENT_W = PAGE_W - 2 * MARGIN
QR_MM = 28.0
ROW_MM = 5.2  # one line of the monthly table
TABLE_PT = 8.5
GREY = (235, 235, 235)


def _pdf_class() -> type:
    from fpdf import FPDF

    class _Pages(FPDF):
        """Running header (hall, verification code) and footer (page x of y) on every page."""

        document: InsuranceDocument

        def header(self) -> None:
            self.set_font(FONT, size=8)
            self.set_text_color(90)
            self.cell(CONTENT_W / 2, 5, self.document.hall_name)
            self.cell(CONTENT_W / 2, 5, f"验证码 {grouped(self.document.verification_code)}", align="R")
            self.ln(6)
            self.set_draw_color(160)
            self.line(MARGIN, self.get_y(), PAGE_W - MARGIN, self.get_y())
            self.ln(3)
            self.set_text_color(0)

        def footer(self) -> None:
            self.set_y(-14)
            self.set_font(FONT, size=8)
            self.set_text_color(90)
            self.cell(0, 5, f"第 {self.page_no()} 页 共 {{nb}} 页", align="C")

    return _Pages


def render_pdf(document: InsuranceDocument, font_path: Path = FONT_PATH) -> bytes:
    """The document as PDF bytes (A4 portrait)."""
    pdf: Any = _pdf_class()(orientation="P", unit="mm", format="A4")
    pdf.document = document
    pdf.add_font(FONT, "", str(font_path), collection_font_number=0)
    pdf.set_margins(MARGIN, 12, MARGIN)
    pdf.set_auto_page_break(True, margin=20)
    pdf.set_title(document.title)  # metadata: no personal data
    pdf.set_creator("hall-appliance")
    pdf.set_creation_date(document.issued_at)
    pdf.add_page()
    _title(pdf, document)
    _holder(pdf, document)
    _summary(pdf, document)
    _details(pdf, document)
    _verification(pdf, document)
    return bytes(pdf.output())


def _title(p: Any, document: InsuranceDocument) -> None:
    p.set_font(FONT, size=18)
    p.cell(0, 12, document.title, align="C", new_x="LMARGIN", new_y="NEXT")
    p.ln(2)


def _holder(p: Any, document: InsuranceDocument) -> None:
    holder = document.holder
    types = "、".join(INSURANCES[code][0] for code in document.insurances)
    period = f"{month_text(document.first_month)} 至 {month_text(document.last_month)}"
    rows = [
        ("姓名", holder.name, "性别", holder.gender or "—"),
        ("社会保障号码", holder.ssn, "参保地", holder.insured_region or "—"),
        ("证明期间", period, "险种", types),
    ]
    p.set_font(FONT, size=10)
    with p.table(col_widths=(22, 50, 16, 40), width=CONTENT_W, first_row_as_headings=False,
                 line_height=7, text_align="LEFT", **_wrap()) as table:
        for label_a, value_a, label_b, value_b in rows:
            row = table.row()
            for text, shaded in ((label_a, True), (value_a, False), (label_b, True), (value_b, False)):
                row.cell(text, style=_face(fill=GREY if shaded else None))
    p.ln(4)


def _summary(p: Any, document: InsuranceDocument) -> None:
    p.set_font(FONT, size=11)
    p.cell(0, 7, "一、参保缴费情况汇总", new_x="LMARGIN", new_y="NEXT")
    p.set_font(FONT, size=9.5)
    with p.table(col_widths=(44, 30, 30, 24, 24), width=CONTENT_W, line_height=6.5, text_align="CENTER",
                 headings_style=_face(fill=GREY), **_wrap()) as table:
        table.row(["险种", "起始年月", "截至年月", "实缴月数", "欠缴月数"])
        for line in summarize(document):
            table.row([
                INSURANCES[line.insurance][1],
                month_text(line.first) if line.first else "—",
                month_text(line.last) if line.last else "—",
                str(line.paid_months),
                str(line.unpaid_months),
            ])
    p.ln(4)


def _details(p: Any, document: InsuranceDocument) -> None:
    p.set_font(FONT, size=11)
    p.cell(0, 7, "二、缴费明细", new_x="LMARGIN", new_y="NEXT")
    if document.kind == "certificate":
        headings, widths, rows = _certificate_rows(document)
    else:
        headings, widths, rows = _record_rows(document)
    if not rows:
        p.set_font(FONT, size=9)
        p.cell(0, 7, "该期间无缴费记录", new_x="LMARGIN", new_y="NEXT")
        return
    _grid(p, headings, widths, rows)
    p.ln(3)


def _grid(p: Any, headings: list[str], widths: tuple[float, ...], rows: list[list[str]]) -> None:
    """A ruled table of one-line cells, its headings repeated on every page it runs onto.

    Drawn cell by cell (fpdf2's own tables wrap text and are about three times slower, which
    a 276-month record would make the citizen feel). A text too wide for its cell is set
    smaller, down to 6 pt.
    """
    scale = CONTENT_W / sum(widths)
    columns = [w * scale for w in widths]

    def row(values: list[str], fill: bool) -> None:
        p.set_x(MARGIN)
        for width, text in zip(columns, values, strict=True):
            p.set_font_size(_fitting_size(p, text, width - 1.5))
            p.cell(width, ROW_MM, text, border=1, align="C", fill=fill)
        p.ln(ROW_MM)

    p.set_fill_color(*GREY)
    row(headings, True)
    for values in rows:
        if p.get_y() + ROW_MM > p.page_break_trigger:
            p.add_page()
            p.set_fill_color(*GREY)
            row(headings, True)
        row(values, False)
    p.set_font_size(TABLE_PT)


def _fitting_size(p: Any, text: str, width: float) -> float:
    size = TABLE_PT
    p.set_font_size(size)
    while size > 6 and p.get_string_width(text) > width:
        size -= 0.5
        p.set_font_size(size)
    return size


def _certificate_rows(document: InsuranceDocument) -> tuple[list[str], tuple[float, ...], list[list[str]]]:
    """One row per month: employer, base, and 已缴 / 欠缴 / — per chosen type."""
    by_month: dict[tuple[int, int], dict[str, ContributionMonth]] = {}
    for entry in document.selected():
        by_month.setdefault(month_key(entry.month), {})[entry.insurance] = entry
    headings = ["缴费年月", "缴费单位", "缴费基数（元）", *(INSURANCES[c][0] for c in document.insurances)]
    widths = (22, 70, 26, *(14 for _ in document.insurances))
    rows = []
    for (year, month), entries in by_month.items():
        first = next(iter(entries.values()))
        marks = [_mark(entries.get(code)) for code in document.insurances]
        rows.append([f"{year}年{month:02d}月", first.employer, money(first.base), *marks])
    return headings, widths, rows


def _mark(entry: ContributionMonth | None) -> str:
    if entry is None:
        return "—"  # not insured that month
    return "已缴" if entry.paid else "欠缴"


def _record_rows(document: InsuranceDocument) -> tuple[list[str], tuple[float, ...], list[list[str]]]:
    """One row per month and type, with the amounts."""
    headings = ["缴费年月", "险种", "缴费单位", "缴费基数", "个人缴纳", "单位缴纳", "状态"]
    rows = [
        [month_text(e.month), INSURANCES[e.insurance][0], e.employer, money(e.base), money(e.personal),
         money(e.employer_paid), "已缴" if e.paid else "欠缴"]
        for e in document.selected()
    ]
    return headings, (20, 10, 52, 20, 20, 20, 10), rows


def _verification(p: Any, document: InsuranceDocument) -> None:
    """QR code, verification code, where to check it, issuer, time and (if issued) the seal."""
    if p.get_y() + QR_MM + 20 > p.h - 20:
        p.add_page()
    top = p.get_y() + 2
    _qr(p, document.verify_url, MARGIN, top, QR_MM)
    issued = document.issued_at.astimezone(HALL_TZ)
    lines = [
        f"验证码：{grouped(document.verification_code)}",
        "核验方式：用手机扫描左侧二维码，或在浏览器打开",
        document.verify_url,
        f"出具单位：{document.issuer}",
        f"打印地点：{document.hall_name}（自助服务终端）",
        f"打印时间：{issued:%Y年%m月%d日 %H:%M}",
    ]
    p.set_font(FONT, size=9)
    for i, line in enumerate(lines):
        p.set_xy(MARGIN + QR_MM + 5, top + i * 5)
        p.cell(CONTENT_W - QR_MM - 45, 5, line)
    if document.seal_png:
        p.image(io.BytesIO(document.seal_png), x=PAGE_W - MARGIN - 38, y=top - 4, w=38, h=38)
    p.set_xy(MARGIN, top + QR_MM + 4)
    p.set_font(FONT, size=8)
    p.multi_cell(0, 4.5, "说明：本证明所列信息截至打印时间，以社会保险经办机构系统记录为准；"
                 "本证明经核验一致方为有效，涂改无效。", new_x="LMARGIN", new_y="NEXT")


def _qr(p: Any, text: str, x: float, y: float, size: float) -> None:
    """``text`` as a QR code of ``size`` mm, quiet zone included, drawn square by square."""
    import qrcode

    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(text)
    code.make(fit=True)
    matrix = code.get_matrix()
    module = size / len(matrix)
    p.set_fill_color(0)
    for row_index, row in enumerate(matrix):
        start = None
        for col_index, dark in enumerate([*row, False]):
            if dark and start is None:
                start = col_index
            elif not dark and start is not None:  # one rectangle per run of dark modules
                p.rect(x + start * module, y + row_index * module, (col_index - start) * module, module, style="F")
                start = None


def _face(fill: tuple[int, int, int] | None = None) -> Any:
    from fpdf.fonts import FontFace

    return FontFace(emphasis="", fill_color=fill)


def _wrap() -> dict[str, Any]:
    from fpdf.enums import WrapMode

    return {"wrapmode": WrapMode.CHAR}  # Chinese has no spaces to break at


def preview_png(pdf: bytes, *, page: int = 1, dpi: int = 96, timeout_s: float = 20.0) -> bytes:
    """Page ``page`` of ``pdf`` as a PNG for the kiosk screen (poppler's ``pdftoppm``)."""
    result = subprocess.run(
        ["pdftoppm", "-png", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile", "-"],
        input=pdf, capture_output=True, check=True, timeout=timeout_s,
    )
    return result.stdout


def now_in_hall() -> datetime:
    return datetime.now(HALL_TZ)

"""A4 documents without a printer: what the PDF holds (read back with poppler), the verification
codes, the period and type selection, the preview, and the queue's fault mapping."""
from __future__ import annotations

import io
import re
import subprocess
from dataclasses import replace
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from hardware.document import A4Printer, parse_cups_url, preview_png, render_pdf
from hardware.document._cups_backends import JobInfo, QueueInfo
from hardware.document.model import ContributionMonth, InsuranceDocument, summarize
from hardware.document.render import FONT_PATH
from hardware.document.sample import SAMPLE_HOLDER, contribution_history, sample_document
from hardware.document.verification import ALPHABET, grouped, new_code, normalize, verify_url

pytestmark = pytest.mark.timeout(60)

ISSUED = datetime(2026, 3, 12, 10, 15, tzinfo=ZoneInfo("Asia/Shanghai"))
URL = "https://hall.example.cn/"


def _text(pdf: bytes, page: int | None = None) -> str:
    pages = ["-f", str(page), "-l", str(page)] if page else []
    out = subprocess.run(["pdftotext", *pages, "-", "-"], input=pdf, capture_output=True, check=True).stdout
    return re.sub(r"\s+", "", out.decode())


def test_verification_codes() -> None:
    codes = {new_code() for _ in range(200)}
    assert len(codes) == 200
    for code in codes:
        assert len(code) == 16 and set(code) <= set(ALPHABET) and normalize(code) == code
    code = "7K3M9QXR2HDTB5NW"[:15]
    code += next(c for c in ALPHABET if normalize(code + c))  # the one valid check character
    assert normalize(grouped(code).lower()) == code and grouped(code).count("-") == 3
    assert normalize(code.replace("0", "O").replace("1", "I")) == code
    assert verify_url(URL, code) == f"https://hall.example.cn/verify/{code}"


def test_a_mistyped_code_is_caught_before_asking_the_server() -> None:
    code = new_code()
    for i in range(16):  # every single-character mistake (but 0 <-> Z) ...
        for other in ALPHABET:
            if other != code[i] and {other, code[i]} != {"0", "Z"}:
                assert normalize(code[:i] + other + code[i + 1 :]) is None
    for i in range(15):  # ... and every swap of neighbours
        if code[i] != code[i + 1]:
            assert normalize(code[:i] + code[i + 1] + code[i] + code[i + 2 :]) is None
    assert normalize("x" * 1000) is None and normalize("") is None


@pytest.mark.peer  # poppler's tools read the PDF back
def test_full_record_runs_over_pages_with_every_month() -> None:
    code = new_code()
    pdf = render_pdf(sample_document(code, URL, ISSUED))
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    assert "Pages:           7" in info and "Title:           社会保险参保缴费证明（个人）" in info
    text = _text(pdf)
    months = set(re.findall(r"\d{4}年\d{2}月", text))
    assert {"2003年01月", "2014年07月", "2025年12月"} <= months and len(months) == 277  # + the print date
    for page in range(1, 8):
        page_text = _text(pdf, page)
        assert f"第{page}页共7页" in page_text and grouped(code) in page_text
        if page > 1:
            assert page_text.count("缴费年月") == 1  # the table's headings again on every page
    assert SAMPLE_HOLDER.name in text and SAMPLE_HOLDER.ssn in text  # in full: see the model's docstring
    assert f"{URL.rstrip('/')}/verify/{code}" in text and "打印时间：2026年03月12日10:15" in text


@pytest.mark.peer  # poppler's tools read the PDF back
def test_font_is_embedded_as_a_subset_with_unicode() -> None:
    pdf = render_pdf(sample_document(new_code(), URL, ISSUED, first=date(2025, 1, 1)))
    fonts = subprocess.run(["pdffonts", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    [line] = [row for row in fonts.splitlines() if "WenQuanYi" in row]
    assert "CID TrueType" in line and line.split()[-5:-2] == ["yes", "yes", "yes"]  # emb sub uni
    assert len(pdf) < FONT_PATH.stat().st_size // 10  # a subset, not the whole 5 MB collection


@pytest.mark.peer  # poppler's tools read the PDF back
def test_qr_code_holds_the_verify_url() -> None:
    import zxingcpp
    from PIL import Image

    code = new_code()
    pdf = render_pdf(sample_document(code, URL, ISSUED, first=date(2025, 6, 1)))
    page = Image.open(io.BytesIO(preview_png(pdf, page=1, dpi=150)))
    assert [r.text for r in zxingcpp.read_barcodes(page)] == [f"https://hall.example.cn/verify/{code}"]


@pytest.mark.peer  # poppler's tools read the PDF back
def test_preview_is_page_one_as_png() -> None:
    from PIL import Image

    png = preview_png(render_pdf(sample_document(new_code(), URL, ISSUED)), dpi=72)
    image = Image.open(io.BytesIO(png))
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and abs(image.width - 595) <= 1 and abs(image.height - 842) <= 1


@pytest.mark.peer  # poppler's tools read the PDF back
def test_period_and_types_are_what_the_citizen_chose() -> None:
    document = sample_document(new_code(), URL, ISSUED, first=date(2010, 1, 1), last=date(2010, 12, 31),
                               insurances=("medical", "pension"))
    rows = document.selected()
    assert len(rows) == 24 and {r.insurance for r in rows} == {"pension", "medical"}
    assert rows[0].insurance == "medical" and rows[0].month == date(2010, 1, 1)
    [medical, pension] = summarize(document)
    assert (medical.insurance, medical.paid_months + medical.unpaid_months) == ("medical", 12)
    assert (pension.insurance, pension.first, pension.last) == ("pension", date(2010, 1, 1), date(2010, 12, 1))
    text = _text(render_pdf(document))
    assert "养老" in text and "失业" not in text and "2009年12月" not in text and "2011年01月" not in text


@pytest.mark.peer  # poppler's tools read the PDF back
def test_record_shows_amounts_and_unpaid_months() -> None:
    history = contribution_history(date(2024, 1, 1), date(2024, 3, 1), ("pension",), unpaid_every=3)
    document = InsuranceDocument(
        kind="record", hall_name="某服务大厅", issuer="某中心", holder=SAMPLE_HOLDER, insurances=("pension",),
        first_month=date(2024, 1, 1), last_month=date(2024, 3, 1), months=history,
        verification_code=new_code(), verify_url="http://h/verify/x", issued_at=ISSUED,
    )
    text = _text(render_pdf(document))
    assert "社会保险个人权益记录" in text and text.count("欠缴") == 2  # the heading and March 2024
    base = history[0].base
    assert f"{base:,.2f}" in text and f"{(base * Decimal('0.08')).quantize(Decimal('0.01')):,}" in text


@pytest.mark.peer  # poppler's tools read the PDF back
def test_empty_period_says_so() -> None:
    document = sample_document(new_code(), URL, ISSUED)  # 2003 to 2025 on file
    before = replace(document, first_month=date(1995, 1, 1), last_month=date(1995, 6, 1))
    text = _text(render_pdf(before))
    assert "该期间无缴费记录" in text and "第1页共1页" in text
    assert [(s.first, s.paid_months) for s in summarize(before)] == [(None, 0)] * 4


@pytest.mark.parametrize(
    "change",
    [{"kind": "receipt"}, {"insurances": ("pension", "housing")}, {"insurances": ()},
     {"first_month": date(2026, 1, 1)}, {"issued_at": datetime(2026, 3, 12)}],
)
def test_bad_documents_are_refused(change: dict[str, object]) -> None:
    fields = {
        "kind": "certificate", "hall_name": "大厅", "issuer": "中心", "holder": SAMPLE_HOLDER,
        "insurances": ("pension",), "first_month": date(2025, 1, 1), "last_month": date(2025, 12, 1),
        "months": [], "verification_code": "X", "verify_url": "http://h", "issued_at": ISSUED,
    }
    with pytest.raises(ValueError):
        InsuranceDocument(**{**fields, **change})  # type: ignore[arg-type]


def test_holder_stays_out_of_reprs() -> None:
    document = sample_document(new_code(), URL, ISSUED, first=date(2025, 1, 1))
    month = ContributionMonth(date(2025, 1, 1), "pension", "某公司", Decimal(1), Decimal(0), Decimal(0))
    for text in (repr(SAMPLE_HOLDER), repr(document), repr(month)):
        assert SAMPLE_HOLDER.name not in text and SAMPLE_HOLDER.ssn not in text


def test_cups_urls() -> None:
    assert parse_cups_url("cups://HallA4") == ("HallA4", None)
    assert parse_cups_url("cups://HallA4?server=/run/cups/cups.sock") == ("HallA4", "/run/cups/cups.sock")
    assert parse_cups_url("cups://HallA4?server=10.0.0.5:631") == ("HallA4", "10.0.0.5:631")
    for bad in ("cups://", "tcp://HallA4", "cups://HallA4/extra", "HallA4"):
        with pytest.raises(ValueError):
            parse_cups_url(bad)


class FakeBackend:
    """Our own interface faked: what the queue answers, without a scheduler."""

    name = "fake"

    def __init__(self, info: QueueInfo | None) -> None:
        self.info = info

    def queue(self, name: str) -> QueueInfo | None:
        return self.info

    def submit(self, queue: str, pdf: bytes, title: str) -> int:
        raise AssertionError("a printer that cannot print must not get the job")

    def job_state(self, job: int) -> str:
        return "pending"


@pytest.mark.parametrize(
    ("reasons", "faults", "ready"),
    [
        (("media-empty-error",), ("a4_paper_out",), False),
        (("media-needed",), ("a4_paper_out",), False),
        (("media-low-report",), ("a4_paper_low",), True),
        (("toner-low-warning", "media-low-warning"), ("a4_toner_low", "a4_paper_low"), True),
        (("door-open-error",), ("a4_cover_open",), False),
        (("media-jam-error",), ("a4_paper_jam",), False),
        (("offline-report",), ("a4_offline",), False),
        (("cups-waiting-for-job-completed",), (), True),
    ],
)
def test_printer_state_reasons_become_faults(reasons: tuple[str, ...], faults: tuple[str, ...], ready: bool) -> None:
    printer = A4Printer("cups://HallA4", clock=lambda: 1000.0)
    printer._backend = FakeBackend(QueueInfo("idle", True, reasons, "", ()))
    status = printer.status()
    assert status.faults == faults and status.ready is ready


def test_old_unfinished_jobs_are_stuck() -> None:
    printer = A4Printer("cups://HallA4", job_timeout_s=120, clock=lambda: 1000.0)
    jobs = (JobInfo(1, "processing", 700.0), JobInfo(2, "pending", 950.0), JobInfo(3, "stopped", 990.0))
    printer._backend = FakeBackend(QueueInfo("printing", True, (), "", jobs))
    status = printer.status()
    assert (status.pending_jobs, status.stuck_jobs, status.faults) == (3, 2, ("a4_jobs_stuck",))
    assert "3 pending" in status.describe() and not status.ready
    with pytest.raises(Exception, match="a4_jobs_stuck"):
        printer.print_pdf(b"%PDF", "certificate-X")

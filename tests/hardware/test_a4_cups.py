"""A4 documents through a real CUPS scheduler: our own ``cupsd -f`` (own config, spool and socket,
no TCP port), with two real queues:

- ``Office``: a network printer that takes PDF (cups-filters' Generic PDF Printer PPD) on
  ``socket://`` to the PDF printer emulator. Only pdftopdf runs, so the PDF that reaches the
  printer is checked for its text, page size and QR code.
- ``HallA4``: Debian's ``printer-driver-cups-pdf``, as the deployment notes set it up. Its
  PostScript round trip keeps every glyph but not the text mapping of the Chinese ones, so
  its output is compared with the document page by page, as pixels.

Skipped only when CUPS is not installed or the tests do not run as root.
"""
from __future__ import annotations

import io
import re
import subprocess
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from hardware.config import DeviceSettings
from hardware.document.a4_printer import A4Printer
from hardware.document.cupsd import PrivateCups, cups_pdf_folder
from hardware.document.emulator import PdfPrinterEmulator
from hardware.document.errors import A4JobTimeout, A4NotAccepting, A4PrinterStopped, A4QueueMissing
from hardware.document.render import render_pdf
from hardware.document.sample import SAMPLE_HOLDER, sample_document
from hardware.document.verification import grouped, new_code
from hardware.printer_cli import printer_checks
from tests.waiting import eventually

pytestmark = [pytest.mark.timeout(120), pytest.mark.peer]  # a cupsd of the tests' own, a PDF printer on TCP

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
PUBLIC_URL = "http://hall.example.cn:8080"
ISSUED = datetime(2026, 3, 12, 10, 15, tzinfo=ZoneInfo("Asia/Shanghai"))


class Hall:
    """The private scheduler, its two queues and the office printer behind one of them."""

    def __init__(self, cups: PrivateCups, office: PdfPrinterEmulator) -> None:
        self.cups, self.office = cups, office
        self.office_url = cups.add_office_printer("Office", office.url)
        self.pdf_url = cups.add_pdf_queue("HallA4")


@pytest.fixture(scope="module", name="hall")
def _hall() -> Iterator[Hall]:
    reason = PrivateCups.available()
    if reason:
        pytest.skip(reason)
    with PdfPrinterEmulator() as office, PrivateCups() as cups:
        yield Hall(cups, office)


def _document(**options: object) -> tuple[str, object]:
    code = new_code()
    return code, sample_document(code, PUBLIC_URL, ISSUED, **options)  # type: ignore[arg-type]


def _pdfinfo(pdf: bytes) -> str:
    return subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def _is_a4(info: str) -> bool:
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    return size is not None and abs(float(size[1]) - 595.3) < 1 and abs(float(size[2]) - 841.9) < 1


def _text(pdf: bytes, *pages: int) -> str:
    args = ["-f", str(pages[0]), "-l", str(pages[-1])] if pages else []
    return subprocess.run(["pdftotext", *args, "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()


def _page_png(pdf: bytes, page: int, dpi: int) -> bytes:
    return subprocess.run(
        ["pdftoppm", "-png", "-gray", "-r", str(dpi), "-f", str(page), "-l", str(page), "-singlefile", "-"],
        input=pdf, capture_output=True, check=True,
    ).stdout


def test_certificate_prints_on_an_a4_pdf_printer(hall: Hall) -> None:
    """276 months, four insurance types: 7 A4 pages reach the printer with every line of text."""
    import zxingcpp
    from PIL import Image

    code, document = _document()
    printer = A4Printer(hall.office_url)
    before = len(hall.office.jobs)
    job = printer.print_document(document)  # type: ignore[arg-type]
    printer.wait(job, timeout_s=60)
    pdf = hall.office.wait_for_jobs(before + 1)[before]
    info = _pdfinfo(pdf)
    assert "Pages:           7" in info and _is_a4(info)  # A4 even though the queue defaults to Letter
    text = _text(pdf)
    compact = re.sub(r"\s+", "", text)
    for expected in ("社会保险参保缴费证明（个人）", "石家庄市长安区人力资源和社会保障服务大厅", SAMPLE_HOLDER.name,
                     SAMPLE_HOLDER.ssn, grouped(code), f"{PUBLIC_URL}/verify/{code}", "打印时间：2026年03月12日10:15"):
        assert expected in compact, expected
    every_month = {f"{year}年{month:02d}月" for year in range(2003, 2026) for month in range(1, 13)}
    assert set(re.findall(r"\d{4}年\d{2}月", compact)) == every_month | {"2026年03月"}  # + the print date
    assert compact.count("已缴") + compact.count("欠缴") - 1 == 276 * 4  # a mark per month and type
    for page in range(1, 8):  # every page: its number, and the code in the running header
        page_text = re.sub(r"\s+", "", _text(pdf, page))
        assert f"第{page}页共7页" in page_text and grouped(code) in page_text
    last_page = _page_png(pdf, 7, 150)
    qr = zxingcpp.read_barcodes(Image.open(io.BytesIO(last_page)))
    assert [result.text for result in qr] == [f"{PUBLIC_URL}/verify/{code}"]
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)  # what the printer got, for a person to look at
    (SCREENSHOTS / "a4-certificate-page1.png").write_bytes(_page_png(pdf, 1, 100))
    (SCREENSHOTS / "a4-certificate-page7.png").write_bytes(last_page)


def test_no_personal_data_in_the_print_system(hall: Hall) -> None:
    """The job name, CUPS' logs and job history carry the verification code, never the person."""
    code, document = _document(kind="record", insurances=("pension",))
    printer = A4Printer(hall.office_url)
    printer.wait(printer.print_document(document), timeout_s=60)  # type: ignore[arg-type]
    logs = "".join(p.read_text(errors="replace") for p in (hall.cups.root / "log").iterdir() if p.is_file())
    history = "".join(p.read_bytes().decode("latin-1") for p in (hall.cups.root / "spool").glob("c*"))  # job attributes
    assert code in logs or code in history
    for secret in (SAMPLE_HOLDER.name, SAMPLE_HOLDER.ssn):
        assert secret not in logs
        assert secret.encode("utf-8").decode("latin-1") not in history and secret not in history


def test_cups_pdf_queue_prints_what_the_document_shows(hall: Hall) -> None:
    """The stock cups-pdf queue: the PDF it writes has the same pages, and each looks the same."""
    from PIL import ImageChops, ImageStat

    code, document = _document(first=datetime(2020, 1, 1).date())  # 72 months: a few pages
    ours = render_pdf(document)  # type: ignore[arg-type]
    printer = A4Printer(hall.pdf_url)
    printer.wait(printer.print_document(document), timeout_s=60)  # type: ignore[arg-type]
    folder = cups_pdf_folder()
    written = eventually(lambda: sorted(folder.glob(f"*{code}*.pdf")), 10, f"cups-pdf output for {code} in {folder}")
    assert len(written) == 1, f"no cups-pdf output for {code} in {folder}"
    try:
        printed = written[0].read_bytes()
    finally:
        written[0].unlink()
    pages = int(re.search(r"Pages:\s+(\d+)", _pdfinfo(ours)).group(1))  # type: ignore[union-attr]
    assert pages > 1 and f"Pages:           {pages}" in _pdfinfo(printed) and _is_a4(_pdfinfo(printed))
    # Ghostscript's PostScript round trip moves glyphs by a fraction of a pixel: compare at 5 dpi,
    # where a page against the right page differs by about 2/255 and against any other by 15 or more
    for page in range(1, pages + 1):
        a, b = (_thumbnail(pdf, page) for pdf in (ours, printed))
        assert a.size == b.size
        mean_difference = ImageStat.Stat(ImageChops.difference(a, b)).mean[0]
        assert mean_difference < 3.0, f"page {page} differs: {mean_difference:.2f}/255"


def _thumbnail(pdf: bytes, page: int) -> Any:
    from PIL import Image

    image = Image.open(io.BytesIO(_page_png(pdf, page, 40))).convert("L")
    return image.resize((image.width // 8, image.height // 8), Image.Resampling.BOX)


@pytest.mark.parametrize("backend", ["pycups", "lp"])
def test_queue_faults(hall: Hall, backend: str) -> None:
    printer = A4Printer(hall.office_url, backend=backend)
    assert printer.status().faults == () and printer.status().ready
    before = len(hall.office.jobs)
    subprocess.run(["cupsdisable", "-h", str(hall.cups.socket), "Office"], check=True)
    try:
        status = printer.status()
        assert status.state == "stopped" and "a4_stopped" in status.faults and not status.ready
        with pytest.raises(A4PrinterStopped) as caught:
            printer.print_pdf(b"%PDF-1.4 not sent\n", "certificate-TEST")
        assert "暂停" in str(caught.value)
    finally:
        subprocess.run(["cupsenable", "-h", str(hall.cups.socket), "Office"], check=True)
    subprocess.run(["cupsreject", "-h", str(hall.cups.socket), "Office"], check=True)
    try:
        assert "a4_not_accepting" in printer.status().faults
        with pytest.raises(A4NotAccepting):
            printer.print_pdf(b"%PDF-1.4 not sent\n", "certificate-TEST")
    finally:
        subprocess.run(["cupsaccept", "-h", str(hall.cups.socket), "Office"], check=True)
    assert len(hall.office.jobs) == before  # nothing was sent to a printer that could not print
    missing = A4Printer(hall.cups.url("NoSuchQueue"), backend=backend)
    assert missing.status().faults == ("a4_queue_missing",)
    with pytest.raises(A4QueueMissing):
        missing.print_pdf(b"%PDF-1.4\n", "certificate-TEST")
    gone = A4Printer("cups://Office?server=/nonexistent/cups.sock", backend=backend)
    assert gone.status().faults == ("a4_unreachable",) and gone.status().state == "unreachable"


def test_a_printer_that_is_off_leaves_the_job_stuck(hall: Hall) -> None:
    printer = A4Printer(hall.office_url, job_timeout_s=1.0)
    hall.office.online = False
    try:
        _code, document = _document(first=datetime(2025, 1, 1).date())
        job = printer.print_document(document)  # type: ignore[arg-type]
        with pytest.raises(A4JobTimeout):
            printer.wait(job, timeout_s=2.0)
        status = printer.status()
        assert status.stuck_jobs == 1 and "a4_jobs_stuck" in status.faults and not status.ready
        name, ok, detail = printer_checks(DeviceSettings(a4_printer_url=hall.office_url, a4_job_timeout_s=1.0))[1]
        assert (name, ok) == ("A4 printer", False) and "a4_jobs_stuck" in detail
    finally:
        subprocess.run(["cancel", "-h", str(hall.cups.socket), "-a", "Office"], check=True)
        hall.office.online = True
    eventually(lambda: not printer.status().pending_jobs, 10, "the cancelled jobs are gone")
    assert printer.status().faults == ()


def test_doctor_lines(hall: Hall) -> None:
    checks = printer_checks(DeviceSettings(a4_printer_url=hall.office_url))
    assert checks[0][0] == "printer" and checks[1] == (
        "A4 printer", True, "queue Office: idle, accepting jobs, 0 pending"
    )
    name, ok, detail = printer_checks(DeviceSettings(a4_printer_url=hall.cups.url("Gone")))[1]
    assert (name, ok) == ("A4 printer", False) and "a4_queue_missing" in detail
    assert len(printer_checks(DeviceSettings())) == 1  # no A4 printer fitted: no line


def test_cli_prints_a_test_certificate(hall: Hall, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from hardware.printer_cli import printer_app

    before = len(hall.office.jobs)
    preview = tmp_path / "a4.png"
    result = CliRunner().invoke(printer_app, ["a4-test", "--printer", hall.office_url, "--preview", str(preview)])
    assert result.exit_code == 0, result.output
    assert "测试证明已打印" in result.output and "via pycups" in result.output
    assert preview.read_bytes()[:4] == b"\x89PNG"
    assert "测试大厅" in _text(hall.office.wait_for_jobs(before + 1)[before], 1)
    result = CliRunner().invoke(printer_app, ["a4-test", "--printer", hall.cups.url("Gone")])
    assert result.exit_code == 1 and "未找到文件打印机" in result.output

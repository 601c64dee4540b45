"""The kiosk's documents and tickets on real peers: a 参保证明 through a real CUPS queue (a private
``cupsd`` and an office PDF printer on TCP) whose verification code the real hall server answers at
``/verify/{code}``, and a ticket whose QR code holds ``HALL_PUBLIC_URL``.

The kiosk is :class:`KioskRuntime` (its real MQTT link, document worker, ticket printer worker and local
platform) driven through its view-model as the UI thread would; the hall server runs in this process on the
session's Mosquitto. Skipped only when CUPS is not installed or the tests do not run as root.
"""
from __future__ import annotations

import io
import re
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from hardware.document.cupsd import PrivateCups
from hardware.document.emulator import PdfPrinterEmulator
from hardware.document.verification import grouped
from hardware.printer.emulator import PrinterEmulator
from hardware.printer.interpreter import render
from kiosk import events as ev
from kiosk.runtime import KioskRuntime
from kiosk.settings import load_kiosk_settings
from tests.hall_app import HallApp
from tests.kiosk.fakes import HALL_TOML, ZHOU, FakeSpeaker
from tests.peers import Broker, Collector
from tests.waiting import within

pytestmark = [pytest.mark.timeout(180), pytest.mark.peer]  # cupsd, a PDF printer, a broker, the server
PUBLIC = "http://hall.example.cn:8080"


@pytest.fixture(scope="module")
def office() -> Iterator[tuple[PrivateCups, PdfPrinterEmulator, str]]:
    reason = PrivateCups.available()
    if reason:
        pytest.skip(reason)
    with PdfPrinterEmulator() as printer, PrivateCups() as cups:
        yield cups, printer, cups.add_office_printer("KioskA4", printer.url)


@pytest.fixture
def hall(tmp_path: Path, broker: Broker,
         office: tuple[PrivateCups, PdfPrinterEmulator, str]) -> Iterator[tuple[HallApp, KioskRuntime, Any]]:
    server = HallApp.on(tmp_path, mqtt_url=broker.url, HALL_PUBLIC_URL=PUBLIC).start()
    with PrinterEmulator(port=0) as thermal:
        settings = load_kiosk_settings(HALL_TOML, env={
            "HALL_ID": server.hall_id, "HALL_MQTT_URL": broker.url, "HALL_PUBLIC_URL": PUBLIC,
            "HALL_DEVICES__A4_PRINTER_URL": office[2], "HALL_DEVICES__PRINTER_URL": thermal.url,
            "HALL_DEVICES__PRINTER_TIMEOUT_S": "1", "HALL_KIOSK__GATEWAY_DB": str(tmp_path / "platform.db"),
            "HALL_KIOSK__SPEECH_OUTPUT": "none", "HALL_KIOSK__VOICE_GUIDANCE": "false"})
        runtime = KioskRuntime(settings, card_reader=False, speaker=FakeSpeaker())
        runtime.start()
        try:
            yield server, runtime, thermal
        finally:
            runtime.stop()
    server.stop()


def pump_until(runtime: KioskRuntime, done: Callable[[], bool], timeout: float) -> bool:
    def step() -> bool:
        runtime.model.pump(time.monotonic())
        return done()

    return within(step, timeout)


def pdftotext(pdf: bytes) -> str:
    out = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return re.sub(r"\s+", "", out)


def test_a_certificate_prints_through_cups_and_the_server_verifies_its_code(
        hall: tuple[HallApp, KioskRuntime, Any], office: tuple[PrivateCups, PdfPrinterEmulator, str]) -> None:
    server, runtime, _ = hall
    m = runtime.model
    assert pump_until(runtime, lambda: m.hall.issuing, 20), m.hall.pause_reason()
    m.post(ev.IdCardRead(ZHOU))
    assert pump_until(runtime, lambda: m.session.authenticated, 5)
    m.tap_self_service(time.monotonic())
    started = time.monotonic()
    m.tap_service("certificate", time.monotonic())
    assert pump_until(runtime, lambda: m.documents.state == "ready", 60), (m.screen, m.documents.state)
    preview_s = time.monotonic() - started
    document = m.documents.document
    assert document is not None and m.documents.preview is not None and m.documents.pages >= 2
    code, pages = document.verification_code, m.documents.pages
    before = len(office[1].jobs)
    started = time.monotonic()
    m.tap_document_print(time.monotonic())
    assert pump_until(runtime, lambda: m.screen == "message", 90), (m.screen, m.documents.state, m.documents.reason)
    print_s = time.monotonic() - started
    pdf = office[1].wait_for_jobs(before + 1)[before]
    text = pdftotext(pdf)
    months = {f"{y}-{mo}" for y, mo in re.findall(r"(\d{4})年(\d{2})月", text)}
    for expected in ("社会保险参保缴费证明（个人）", "石家庄市桥西区人力资源和社会保障服务大厅", "周丽娜",
                     ZHOU.id_number, grouped(code), f"{PUBLIC}/verify/{code}", f"第1页共{pages}页"):
        assert expected in text, expected
    record = runtime.gateway.gateway.contribution_record(ZHOU.id_number)  # type: ignore[attr-defined]
    assert {mo.month for mo in record.months} <= months  # every month the platform has
    # the hall server answers for the code on the paper, with the holder masked
    assert within(lambda: server.api("GET", f"/verify/{code}")[0] == 200, 10)
    _, page = server.api("GET", f"/verify/{code}")
    assert "核验通过" in page and "周*" in page and "1301**********1810" in page and "周丽娜" not in page
    print(f"\ncertificate: preview after {preview_s:.1f} s, printed {pages} pages after {print_s:.1f} s")


def test_the_ticket_qr_code_holds_the_public_url(hall: tuple[HallApp, KioskRuntime, Any]) -> None:
    import zxingcpp

    _, runtime, thermal = hall
    m = runtime.model
    assert pump_until(runtime, lambda: m.hall.issuing and m.hall.can_print(), 20), m.hall.pause_reason()
    m.tap_take_ticket(time.monotonic())
    m.tap_item("GG-001", time.monotonic())
    m.tap_guide_ticket(time.monotonic())
    assert pump_until(runtime, lambda: len(thermal.tickets) == 1, 15), m.screen
    images = render(thermal.tickets[0])
    found = [r.text for image in images for r in zxingcpp.read_barcodes(image)]
    assert found == [f"{PUBLIC}/t/B001"]
    assert "办理时限".encode("gb18030") in thermal.tickets[0]  # the 办事指南 on the ticket
    buf = io.BytesIO()
    images[0].save(buf, format="PNG")
    shots = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    (shots / "kiosk-ticket-guide.png").write_bytes(buf.getvalue())


def test_a_stopped_a4_queue_is_in_the_kiosk_status_and_refuses_before_printing(
        hall: tuple[HallApp, KioskRuntime, Any], office: tuple[PrivateCups, PdfPrinterEmulator, str],
        broker: Broker) -> None:
    _, runtime, _ = hall
    m = runtime.model
    cups, printer, _url = office
    status = Collector(broker.url, (runtime.link.status_topic,))
    subprocess.run(["cupsdisable", "-h", str(cups.socket), "KioskA4"], check=True)
    try:
        assert runtime.documents is not None
        runtime.documents.check()
        assert pump_until(runtime, lambda: "a4_stopped" in m.hall.faults(), 15), m.hall.faults()
        assert status.wait_for(lambda ms: any(b'"a4_stopped"' in p for _, p, *_ in ms), 10)
        m.post(ev.IdCardRead(ZHOU))
        assert pump_until(runtime, lambda: m.session.authenticated, 5)
        m.tap_self_service(time.monotonic())
        m.tap_service("record", time.monotonic())
        assert pump_until(runtime, lambda: m.documents.preview is not None, 60), m.documents.state
        jobs = len(printer.jobs)
        m.tap_document_print(time.monotonic())
        view = m.documents.view()
        assert view is not None and view.status == "文件打印机已暂停，暂不能打印，请到窗口办理" and not view.can_print
        assert len(printer.jobs) == jobs
    finally:
        subprocess.run(["cupsenable", "-h", str(cups.socket), "KioskA4"], check=True)
        status.close()
    runtime.documents.check()
    assert pump_until(runtime, lambda: not m.hall.a4_faults, 15), m.hall.a4_faults


def test_previews_asked_in_a_row_make_only_the_last() -> None:
    """A citizen tapping through the choices: the worker renders the last choice, not every one."""
    from hardware.document.render import now_in_hall
    from hardware.document.sample import sample_document
    from hardware.document.verification import new_code
    from kiosk.runtime.documents import DocumentWorker

    posted: list[ev.Event] = []
    worker = DocumentWorker(None, posted.append)
    for n in range(4):
        worker.preview(f"preview-{n}", sample_document(new_code(), PUBLIC, now_in_hall()))
    worker.start()
    try:
        answered = lambda: [e for e in posted if isinstance(e, ev.DocumentPreviewed | ev.DocumentFailed)]  # noqa: E731
        assert within(lambda: len(answered()) == 4, 60)
    finally:
        worker.stop()
    outcomes = [(type(e).__name__, e.job) for e in answered()]
    assert outcomes == [("DocumentFailed", "preview-0"), ("DocumentFailed", "preview-1"),
                        ("DocumentFailed", "preview-2"), ("DocumentPreviewed", "preview-3")]

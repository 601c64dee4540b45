"""``hallctl printer test`` and the printer / RS-485 lines of ``hallctl doctor``."""
from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from hardware.config import DeviceSettings
    from hardware.printer.ticket import TicketSlip

printer_app = typer.Typer(help="小票打印机 / ticket printer", no_args_is_help=True)

Check = tuple[str, bool, str]


@printer_app.callback()
def printer_group() -> None:
    """小票打印机 / ticket printer (a group, so ``hallctl printer test`` keeps its sub-command)."""


def sample_ticket() -> TicketSlip:
    """The test ticket: every element of the real layout, no personal data."""
    from hardware.printer.ticket import HALL_TZ, TicketSlip

    return TicketSlip(
        hall_name="人力资源和社会保障服务大厅",
        queue_name="综合受理（测试）",
        number="A001",
        item_name="打印机测试，请忽略",
        ahead=3,
        predicted_wait_min=12,
        issued_at=datetime.now(HALL_TZ),
        status_url="http://127.0.0.1:8000/t/A001",
        holder_masked="张*",
    )


@printer_app.command("test")
def test_command(
    printer: str | None = typer.Option(
        None, "--printer", help="tcp://host:9100, serial:///dev/ttyUSB0, usb://04b8:0202, cups://QUEUE "
        "(default: $HALL_PRINTER_URL)"),
    preview: Path | None = typer.Option(
        None, "--preview", help="draw the test ticket to this PNG, no printer needed"),
    timeout_s: float = typer.Option(3.0, "--timeout", help="seconds to wait for the printer"),
) -> None:
    """Print a test ticket; exit 1 when the printer has no paper, is offline or does not answer."""
    from hardware.printer.ticket import ticket_bytes

    if preview is not None:
        from hardware.printer.interpreter import render

        preview.parent.mkdir(parents=True, exist_ok=True)
        render(ticket_bytes(sample_ticket()))[0].save(preview)
        typer.echo(f"预览已保存 / preview saved: {preview}")
        if printer is None:
            return
    url = printer or os.environ.get("HALL_PRINTER_URL")
    if not url:
        typer.echo("未配置打印机 / no printer: pass --printer URL or set HALL_PRINTER_URL", err=True)
        raise typer.Exit(2)
    ok, detail = _print_test(url, timeout_s)
    typer.echo(detail, err=not ok)
    if not ok:
        raise typer.Exit(1)


@printer_app.command("a4-test")
def a4_test_command(
    printer: str | None = typer.Option(
        None, "--printer", help="cups://QUEUE or cups://QUEUE?server=HOST:PORT (default: $HALL_A4_PRINTER_URL)"),
    preview: Path | None = typer.Option(None, "--preview", help="save page 1 of the test document as this PNG"),
    pdf: Path | None = typer.Option(None, "--pdf", help="save the test document as this PDF"),
    public_url: str = typer.Option("http://127.0.0.1:8080", "--public-url", help="base of the QR code's link"),
    timeout_s: float = typer.Option(120.0, "--timeout", help="seconds to wait until the job has printed"),
) -> None:
    """打印 A4 测试证明（虚构人员）/ Print a test certificate (a made-up person) on the A4 printer.

    Exit 1 when the queue is missing, stopped, rejecting jobs, out of paper or the job does not
    complete in time.
    """
    from hardware.document import A4Printer, A4PrinterError, preview_png, render_pdf
    from hardware.document.render import now_in_hall
    from hardware.document.sample import sample_document
    from hardware.document.verification import new_code

    document = sample_document(new_code(), public_url, now_in_hall(), hall_name="测试大厅（打印机测试，请忽略）")
    data = render_pdf(document)
    for path, content in ((pdf, lambda: data), (preview, lambda: preview_png(data))):
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content())
            typer.echo(f"已保存 / saved: {path}")
    url = printer or os.environ.get("HALL_A4_PRINTER_URL")
    if not url:
        if pdf or preview:
            return
        typer.echo("未配置 A4 打印机 / no A4 printer: pass --printer cups://QUEUE or set HALL_A4_PRINTER_URL",
                   err=True)
        raise typer.Exit(2)
    try:
        a4 = A4Printer(url, job_timeout_s=timeout_s)
        job = a4.print_pdf(data, f"test-{document.verification_code}")
        a4.wait(job)
    except A4PrinterError as err:
        typer.echo(f"打印失败 / print failed: {err}", err=True)
        raise typer.Exit(1) from None
    except ValueError as err:
        typer.echo(f"打印机地址错误 / bad printer URL: {err}", err=True)
        raise typer.Exit(1) from None
    typer.echo(f"测试证明已打印 / test certificate printed on {url} (job {a4.queue}-{job}, via {a4.backend_name})")


def _print_test(url: str, timeout_s: float) -> tuple[bool, str]:
    from hardware.printer import PrinterError, TicketPrinter

    try:
        with TicketPrinter.from_url(url, timeout_s=timeout_s) as printer:
            status = printer.print_ticket(sample_ticket())
    except PrinterError as err:
        return False, f"打印失败 / print failed: {err}"
    except ValueError as err:
        return False, f"打印机地址错误 / bad printer URL: {err}"
    low = " (纸将用尽 / paper low)" if "paper_low" in status.faults else ""
    return True, f"测试小票已打印 / test ticket printed on {url}{low}"


def printer_checks(devices: DeviceSettings) -> list[Check]:
    """``hallctl doctor`` lines: the ticket printer, the A4 printer (if fitted), each RS-485 window device."""
    a4 = [_a4_check(devices)] if devices.a4_printer_url else []
    return [_printer_check(devices), *a4, *_rs485_checks(devices)]


def _a4_check(devices: DeviceSettings) -> Check:
    from hardware.document.a4_printer import A4Printer

    try:
        printer = A4Printer.from_settings(devices)
    except ValueError as err:
        return ("A4 printer", False, str(err))
    status = printer.status()
    return ("A4 printer", status.ready, status.describe())


def _printer_check(devices: DeviceSettings) -> Check:
    from hardware.printer import PrinterError, PrinterStatusUnsupported, TicketPrinter

    url = devices.printer_url
    if not url:
        return ("printer", True, "未配置（不适用）/ not fitted")
    try:
        with TicketPrinter.from_url(url, timeout_s=devices.printer_timeout_s) as printer:
            status = printer.status()
    except PrinterStatusUnsupported:
        return ("printer", True, f"{url}: 该连接无法查询状态 / status cannot be queried on this link")
    except (PrinterError, ValueError) as err:
        return ("printer", False, f"{url}: {err}")
    blocking = [f for f in status.faults if f != "paper_low"]
    faults = ", ".join(status.faults) or "ok"
    return ("printer", not blocking, f"{url}: paper={status.paper} faults={faults}")


def _rs485_checks(devices: DeviceSettings) -> list[Check]:
    from hardware.rs485 import Rs485Bus, Rs485Error, read_identity

    units = devices.rs485_units
    if not devices.rs485_url or not units:
        return []
    checks: list[Check] = []
    bus = Rs485Bus.from_url(devices.rs485_url, baudrate=devices.rs485_baudrate,
                            timeout_s=devices.rs485_timeout_s)
    try:
        bus.open()
    except Rs485Error as err:
        return [(f"rs485 {name}", False, str(err)) for name in units]
    try:
        for name, unit in units.items():
            try:
                identity = read_identity(bus, unit)
            except Rs485Error as err:
                checks.append((f"rs485 {name}", False, str(err)))
            else:
                checks.append((f"rs485 {name}", True, f"unit {unit}: {identity.describe()}"))
    finally:
        bus.close()
    return checks

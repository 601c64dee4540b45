"""``hallctl card ...`` and the card lines of ``hallctl doctor``.

Only typer is imported at module level: pyscard and pyserial load when a command runs, so
``hallctl --help`` works on a machine without them.
"""
from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from hardware.card.model import SocialSecurityCardData
    from hardware.config import DeviceSettings

card_app = typer.Typer(help="社会保障卡 / social security card reader.", no_args_is_help=True)


@card_app.callback()
def _card() -> None:
    """社会保障卡 / social security card reader (PC/SC)."""


RECORD_ACCESS_TEXT = {
    "identifier": "按记录标识符 / by record identifier",
    "number": "按记录号（此卡不支持按标识符读取）/ by record number (the card refused by identifier)",
}


def _holder_lines(card: SocialSecurityCardData) -> list[str]:
    expiry = card.expires.isoformat() + ("（已过期 expired）" if card.expired else "")
    lines = [
        f"卡号 Card number:      {card.masked_card_number()}",
        f"规范版本 Spec version: {card.spec_version}",
        f"有效期至 Valid until:  {expiry}",
        f"读取方式 Read mode:    {RECORD_ACCESS_TEXT.get(card.record_access, card.record_access)}",
    ]
    if card.restricted:
        lines.append(
            "持卡人 Holder:         此卡未开放持卡人信息，请凭卡号查询 / restricted: look up by card number"
        )
    else:
        lines[:0] = [
            f"姓名 Name:             {card.masked_name()}",
            f"社会保障号码 SSN:      {card.masked_id()}",
        ]
    return lines


@card_app.command("read")
def read(
    reader: str | None = typer.Option(
        None, "--reader", help="PC/SC reader name or part of it (default: first)"
    ),
    pin_stdin: bool = typer.Option(False, "--pin-stdin", help="read the 6-digit PIN from stdin, verify it"),
    timeout_s: float = typer.Option(5.0, "--timeout", help="seconds the read may take"),
) -> None:
    """读卡并显示持卡人（脱敏）/ Read the card and print its holder, masked."""
    from hardware.card.errors import CardError
    from hardware.card.reader import read_card

    pin = sys.stdin.readline().strip() if pin_stdin else None
    try:
        card = read_card(reader, pin=pin, timeout_s=timeout_s)
    except CardError as err:
        typer.echo(f"读卡失败 / Card read failed: {err}", err=True)
        raise typer.Exit(1) from None
    except ValueError:  # the PIN's shape; its digits are never echoed
        typer.echo("读卡失败 / Card read failed: 密码须为 6 位数字 / the PIN must be 6 digits", err=True)
        raise typer.Exit(1) from None
    for line in _holder_lines(card):
        typer.echo(line)


def _pcsc_checks(reader: str | None, timeout_s: float) -> list[tuple[str, bool, str]]:
    from hardware.card.errors import CardError, NoCard
    from hardware.card.pcsc import choose_reader, list_readers
    from hardware.card.reader import probe_card

    try:
        name = choose_reader(list_readers(), reader)
    except CardError as err:
        return [("card reader", False, str(err))]
    checks = [("card reader", True, name)]
    try:
        probe_card(name, timeout_s)
    except NoCard:
        checks.append(("social security card", True, f"no card in {name}; not checked"))
    except CardError as err:
        checks.append(("social security card", False, str(err)))
    else:
        checks.append(("social security card", True, "answers; SSSE application present"))
    return checks


def _idcard_check(url: str, baudrate: int, timeout_s: float) -> tuple[str, bool, str]:
    from hardware.idcard.errors import IdCardError
    from hardware.idcard.reader import IdCardReader

    try:
        with IdCardReader(url, baudrate) as sam:
            sam_id = sam.sam_id(timeout_s)
            present = sam.find_card(timeout_s)
    except IdCardError as err:
        return ("ID card reader", False, f"{url}: {err}")
    return ("ID card reader", True, f"{url}: SAM {sam_id}, " + ("card on it" if present else "no card"))


def _scanner_check(devices: DeviceSettings) -> tuple[str, bool, str]:
    from hardware.scanner.errors import ScannerError
    from hardware.scanner.transport import ScannerLink

    url = devices.scanner_url or ""
    try:
        with ScannerLink(url, devices.scanner_baudrate):
            pass
    except ScannerError as err:
        return ("QR scanner", False, str(err))
    return ("QR scanner", True, f"{url}: port opens ({devices.scanner_mode} mode, suffix {devices.scanner_suffix})")


def card_checks(devices: DeviceSettings) -> list[tuple[str, bool, str]]:
    """``hallctl doctor`` lines: (name, ok, detail) for the PC/SC reader, its card, the SAM reader
    and the QR scanner (the citizen's ways to log in)."""
    timeout_s = min(devices.card_timeout_s, 3.0)
    checks = _pcsc_checks(devices.card_reader, timeout_s)
    if devices.idcard_url:
        checks.append(_idcard_check(devices.idcard_url, devices.idcard_baudrate, timeout_s))
    if devices.scanner_url:
        checks.append(_scanner_check(devices))
    return checks

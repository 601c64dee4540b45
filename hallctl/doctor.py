"""``hallctl doctor``: config, broker, database, the HTTPS front (where installed) and devices, one line each."""
from __future__ import annotations

import importlib
import socket
from collections.abc import Callable
from pathlib import Path

import typer

Check = tuple[str, bool, str]


def _line(name: str, ok: bool, detail: str) -> None:
    typer.echo(f"{'ok  ' if ok else 'FAIL'} {name:<14} {detail}")


def run_doctor(config: Path | None) -> int:
    from hall_contract.config import ConfigError, config_path
    from hall_contract.link import BrokerAddress
    from hallctl.settings import load_configuration

    results: list[Check] = []
    try:
        s = load_configuration(config)
        results.append(("config", True, f"{config_path(config)}: hall {s.hall.id}"))
    except ConfigError as err:
        _line("config", False, str(err).splitlines()[0])
        return 1
    results.append(public_url_check(s))
    a = BrokerAddress.parse(s.server.mqtt_url)
    try:
        with socket.create_connection((a.host, a.port), timeout=2):
            results.append(("broker", True, f"{a.host}:{a.port} answers"))
    except OSError as err:
        results.append(("broker", False, f"{a.host}:{a.port}: {err}"))
    try:
        from queue_server.store import Store

        store = Store(s.server.database_url)
        rev = store.revision()
        store.close()
        results.append(("database", rev is not None, f"revision {rev}" if rev else "not initialised: "
                        "run hallctl db upgrade"))
    except Exception as err:  # any driver error is a finding, not a crash
        results.append(("database", False, str(err).splitlines()[0]))
    else:
        from queue_server.uplink.status import uplink_check

        results.append(uplink_check(s))
    from hallctl.front import check as front_check

    front = front_check(s.front)  # only where install --role server has put the front
    if front is not None:
        results.append(front)
    for module, fn in (("hardware.card_cli", "card_checks"), ("hardware.printer_cli", "printer_checks")):
        try:
            checks: Callable[..., list[Check]] = getattr(importlib.import_module(module), fn)
        except (ModuleNotFoundError, AttributeError):
            continue
        results.extend(checks(s.devices))
    for name, ok, detail in results:
        _line(name, ok, detail)
    return 0 if all(ok for _, ok, _ in results) else 1


def public_url_check(s: object) -> Check:
    """Whether the QR codes on tickets and documents point somewhere a citizen's phone can reach."""
    from urllib.parse import urlsplit

    url = s.status_url().replace("{number}", "A001")  # type: ignore[attr-defined]
    host = urlsplit(url).hostname or ""
    if host in ("localhost", "::1") or host.startswith("127."):
        return ("public URL", False, f"QR codes point at {url}, which no phone can reach: set HALL_PUBLIC_URL "
                "(or [server] public_url) to the address the hall's network reaches this server at")
    return ("public URL", True, f"QR codes point at {url}")


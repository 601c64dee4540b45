"""``hallctl kiosk``: the self-service kiosk, as its systemd unit (or ``hallctl demo``) starts it.

Only typer is imported here; Kivy is imported inside the command, after the window size and
video driver are chosen. Without ``DISPLAY`` (or Wayland) the window is drawn offscreen.
"""
from __future__ import annotations

import logging
import os
import signal
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from hall_contract.cli import ConfigOpt, settings_or_exit, setup_logging

FullscreenOpt = Annotated[bool, typer.Option("--fullscreen/--windowed", help="fill the screen (a kiosk) or not")]
SizeOpt = Annotated[str, typer.Option("--size", help="window size WIDTHxHEIGHT in pixels (portrait 1080x1920)")]
HashOpt = Annotated[bool, typer.Option("--hash-password", help="read a staff password from standard input, print "
                                       "its hash (the kiosk section's staff_password_hash) and exit")]

log = logging.getLogger("hallctl.kiosk")


def parse_size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise typer.BadParameter(f"{text!r}: use WIDTHxHEIGHT, e.g. 1080x1920") from None
    if not (200 <= width <= 8000 and 200 <= height <= 8000):
        raise typer.BadParameter(f"{text!r}: each side must be 200..8000 pixels")
    return width, height


def kiosk(config: ConfigOpt = None, fullscreen: FullscreenOpt = False, size: SizeOpt = "1080x1920",
          hash_password: HashOpt = False) -> None:
    """Run the self-service kiosk: tickets, card login, self-service items, elderly mode."""
    if hash_password:
        from kiosk.settings import hash_password as make_hash

        secret = sys.stdin.readline().rstrip("\r\n")
        if len(secret) < 4:
            raise typer.BadParameter("the password needs at least 4 characters")
        typer.echo(make_hash(secret))
        return
    width, height = parse_size(size)
    from kiosk.settings import KioskAppSettings

    settings = settings_or_exit(KioskAppSettings, config)
    setup_logging()
    started = time.monotonic()
    _prepare_kivy(width, height, fullscreen)
    from kiosk.runtime import KioskRuntime
    from kiosk.ui.app import KioskApp

    runtime = KioskRuntime(settings)
    runtime.start()
    app = KioskApp(runtime.model, on_first_frame=lambda: log.info(
        "kiosk ready: home screen shown %.2f s after start", time.monotonic() - started))
    _stop_on_signals(app)
    from kivy.clock import Clock

    from hall_contract.sdnotify import ui_watchdog

    watchdog_done = ui_watchdog(Clock)  # Type=notify: ready when the UI runs, pinged while it keeps running
    try:
        app.run()
    finally:
        watchdog_done()
        runtime.stop()


def _prepare_kivy(width: int, height: int, fullscreen: bool) -> None:
    os.environ["KIVY_NO_ARGS"] = "1"
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    os.environ.setdefault("KIVY_HOME", str(Path("var/kivy").resolve()))
    Path(os.environ["KIVY_HOME"]).mkdir(parents=True, exist_ok=True)  # Kivy makes only the last folder
    if not (os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY") or os.environ.get("SDL_VIDEODRIVER")):
        log.warning("no DISPLAY: drawing the kiosk offscreen")
        os.environ["SDL_VIDEODRIVER"] = "offscreen"
    from kivy.config import Config

    Config.set("graphics", "width", str(width))
    Config.set("graphics", "height", str(height))
    Config.set("graphics", "fullscreen", "auto" if fullscreen else "0")
    Config.set("graphics", "borderless", "1" if fullscreen else "0")
    Config.set("kivy", "exit_on_escape", "0")
    Config.set("input", "mouse", "mouse,disable_multitouch")


def _stop_on_signals(app: Any) -> None:
    from kivy.clock import Clock

    def stop(_signum: int, _frame: object) -> None:
        Clock.schedule_once(lambda _dt: app.stop(), 0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)


def register(app: typer.Typer) -> None:
    """Add ``hallctl kiosk`` to the command tree."""
    app.command("kiosk")(kiosk)

"""Start the wall display: Kivy is configured here, before its first import."""
from __future__ import annotations

import logging
import os
import signal

from display.runtime import DisplayRuntime
from display.settings import DisplayAppSettings as Settings

log = logging.getLogger(__name__)


def configure_kivy(size: tuple[int, int], fullscreen: bool) -> None:
    """Window size and mode, no Kivy argument parsing, Kivy logging through Python's."""
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
    # Kivy resets its logger's level while it starts; a filter stays: its INFO chatter stays out of the journal.
    logging.getLogger("kivy").addFilter(lambda record: record.levelno >= logging.WARNING)
    from kivy.config import Config

    Config.set("graphics", "width", str(size[0]))
    Config.set("graphics", "height", str(size[1]))
    Config.set("graphics", "fullscreen", "auto" if fullscreen else "0")
    Config.set("graphics", "show_cursor", "0" if fullscreen else "1")
    Config.set("graphics", "resizable", "1")
    Config.set("graphics", "maxfps", "30")
    Config.set("graphics", "multisamples", "0")  # flat 2D: no anti-aliasing needed, and software GL pays dearly for it
    Config.set("kivy", "exit_on_escape", "0" if fullscreen else "1")
    Config.set("input", "mouse", "mouse,disable_multitouch")


def run_display(settings: Settings, layout: str | None = None, fullscreen: bool | None = None,
                voice: bool | None = None) -> int:
    d = settings.display
    layout = layout or d.layout
    full = d.fullscreen if fullscreen is None else fullscreen
    configure_kivy((1080, 1920) if layout == "portrait" else (1920, 1080), full)
    from display.app import HallDisplayApp

    runtime = DisplayRuntime(settings, voice=voice)
    app = HallDisplayApp(runtime, layout)

    def _stop(*_: object) -> None:
        from kivy.clock import Clock

        Clock.schedule_once(lambda _dt: app.stop(), 0)

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    log.info("wall display %s for hall %s (%s, voice %s, windows %s)", d.device_id, settings.hall.id, layout,
             "on" if runtime.voice else "off", d.windows or "all")
    from kivy.clock import Clock

    from hall_contract.sdnotify import ui_watchdog

    watchdog_done = ui_watchdog(Clock)  # Type=notify: ready when the UI runs, pinged while it keeps running
    try:
        app.run()
    finally:
        watchdog_done()
    return 0

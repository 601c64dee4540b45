"""A real Kivy window for the kiosk tests: offscreen SDL (Mesa EGL), real touches, real screenshots.

Importing this module sets up Kivy's environment (a temporary ``KIVY_HOME``, no console
arguments, offscreen video unless ``DISPLAY`` is set by the caller on purpose) before Kivy is
imported. :class:`WindowDriver` puts a :class:`KioskApp` into the one window of the process,
taps widgets by their text and saves screenshots under ``artifacts/screenshots/``.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="kivy-home-"))
os.environ["KIVY_NO_ARGS"] = "1"
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ.setdefault("KIVY_LOG_MODE", "PYTHON")
if not os.environ.get("KIOSK_TEST_DISPLAY"):
    os.environ.pop("DISPLAY", None)
    os.environ["SDL_VIDEODRIVER"] = "offscreen"
os.environ.setdefault("SDL_AUDIODRIVER", "dummy")

from kivy.config import Config

Config.set("graphics", "width", "720")
Config.set("graphics", "height", "1280")
Config.set("input", "mouse", "")  # no mouse provider: only our touches

from kivy.app import App  # noqa: E402
from kivy.base import EventLoop  # noqa: E402
from kivy.tests.common import UnitTestTouch  # noqa: E402
from kivy.uix.widget import Widget  # noqa: E402

from kiosk.ui.app import KioskApp  # noqa: E402
from kiosk.viewmodels import KioskModel  # noqa: E402
from tests.waiting import remains, within  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"
SIZE = (720, 1280)


class WindowDriver:
    def __init__(self, model: KioskModel, clock: Callable[[], float]) -> None:
        EventLoop.ensure_window()
        self.window = EventLoop.window
        if tuple(self.window.size) != SIZE:
            self.window.size = SIZE
        for child in list(self.window.children):
            self.window.remove_widget(child)
        self.app = KioskApp(model, clock=clock)
        self._previous_app = App._running_app
        App._running_app = self.app  # what App.run() would do; kv's ``app`` needs it
        self.app.root = self.app.build()
        self.window.add_widget(self.app.root)
        self.frames(3)

    def close(self) -> None:
        self.app.dispatch("on_stop")  # detaches, and makes kv's ``app`` proxy forget this app
        if self.app.root is not None:
            self.window.remove_widget(self.app.root)
        App._running_app = self._previous_app
        EventLoop.touches.clear()

    def frames(self, count: int = 2) -> None:
        for _ in range(count):
            EventLoop.idle()

    def _after_a_frame(self, check: Callable[[], bool]) -> Callable[[], bool]:
        def step() -> bool:
            self.app.tick()
            self.frames(1)
            return check()

        return step

    def until(self, done: Callable[[], bool], timeout: float = 5.0) -> bool:
        """Run frames (the app pumps its model each tick) until ``done()``; whether it came within the timeout."""
        return within(self._after_a_frame(done), timeout)

    def stays(self, holds: Callable[[], bool], seconds: float) -> None:
        """Run frames for ``seconds``; ``holds()`` is true after every one (AssertionError when it is not)."""
        remains(self._after_a_frame(holds), seconds)

    def widgets(self) -> Iterator[Widget]:
        assert self.app.root is not None
        return self.app.root.walk(restrict=True)

    def find(self, text: str) -> Widget:
        """The visible, enabled widget on the current screen (or header/footer) showing ``text``."""
        current = self.app.root.ids.screens.current_screen  # type: ignore[union-attr]
        for w in self.widgets():
            shows = text in (getattr(w, "text", None), getattr(w, "title", None))
            if not shows or getattr(w, "disabled", False) or w.opacity == 0:
                continue
            if _inside(w, current) or not _inside(w, self.app.root.ids.screens):  # type: ignore[union-attr]
                return w
        raise LookupError(f"no visible widget with text {text!r} on {self.app.screen!r}")

    def tap(self, text: str, frames: int = 2) -> None:
        self.frames(1)  # lay out what the last tap changed before aiming at it
        widget = self.find(text)
        x, y = widget.to_window(*widget.center)
        touch = UnitTestTouch(x, y)
        touch.touch_down()
        touch.touch_up()
        self.frames(frames)

    def texts(self) -> list[str]:
        return [str(w.text) for w in self.widgets() if getattr(w, "text", "") and w.opacity > 0]

    def screenshot(self, name: str) -> Path:
        """Save the window as ``artifacts/screenshots/kiosk-{name}.png`` (drawn first)."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        shots: list[str] = []

        def grab(window: Any) -> None:
            if not shots:
                shots.append(window.screenshot(name=str(Path(tempfile.gettempdir()) / f"kiosk-{name}.png")))

        self.window.bind(on_flip=grab)
        try:
            for _ in range(20):
                self.window.canvas.ask_update()
                self.frames(1)
                if shots:
                    break
        finally:
            self.window.unbind(on_flip=grab)
        assert shots and shots[0], "the window did not draw"
        target = SHOTS / f"kiosk-{name}.png"
        shutil.move(shots[0], target)
        return target


def _inside(widget: Widget, ancestor: Widget) -> bool:
    w: Any = widget
    while w is not None:
        if w is ancestor:
            return True
        w = w.parent if w.parent is not w else None
    return False

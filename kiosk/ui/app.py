"""The thin Kivy app: loads the ``.kv`` screens, pumps the view-model, copies its views into widgets.

All logic lives in :class:`~kiosk.viewmodels.KioskModel`; a tap calls :meth:`KioskApp.act`,
which calls the model with the monotonic time and redraws. Sizes in the ``.kv`` files are in
pixels of a 1080x1920 portrait screen times ``app.scale`` (and ``app.zoom`` for text, larger in
elderly mode), so any window size shows the same layout.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.core.text import LabelBase
from kivy.core.window import Window
from kivy.factory import Factory
from kivy.lang import Builder
from kivy.properties import BooleanProperty, NumericProperty, StringProperty

from kiosk.i18n import t
from kiosk.ui import checkin_screen, doc_screens, screens, widgets
from kiosk.viewmodels import KioskModel
from kiosk.viewmodels import views as v

log = logging.getLogger(__name__)
FONT = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
KV_DIR = Path(__file__).with_name("kv")
KV_FILES = ("theme.kv", "home.kv", "items.kv", "pin.kv", "ticket.kv", "services.kv", "misc.kv", "documents.kv",
            "checkin.kv")
ELDERLY_ZOOM = 1.3
BUSY = ("reading", "loading", "issuing")
__all__ = ["KioskApp", "load_kv", "widgets"]  # widgets: imported so that the kv files find its classes
BUSY_SCREENS = (*BUSY, "checking")  # the busy overlay covers the screen while these show


def load_kv() -> None:
    """Register the font (WQY Micro Hei as Kivy's default face) and load the screens (once per process)."""
    LabelBase.register(name="Roboto", fn_regular=FONT, fn_bold=FONT, fn_italic=FONT, fn_bolditalic=FONT)
    for name in KV_FILES:
        path = str(KV_DIR / name)
        if path not in Builder.files:
            Builder.load_file(path)


class KioskApp(App):
    scale = NumericProperty(0.5)
    zoom = NumericProperty(1.0)
    lang = StringProperty("zh_CN")
    hall_name = StringProperty("")
    clock_text = StringProperty("")
    countdown = StringProperty("")
    toast = StringProperty("")
    toast_error = BooleanProperty(False)
    busy = BooleanProperty(False)
    busy_text = StringProperty("")
    screen = StringProperty("home")

    def __init__(self, model: KioskModel, clock: Callable[[], float] = time.monotonic,
                 on_first_frame: Callable[[], None] | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.title = "自助服务终端"
        self.model = model
        self.elderly_zoom = getattr(model.cfg.kiosk, "elderly_zoom", ELDERLY_ZOOM)
        self.clock = clock
        self.on_first_frame = on_first_frame
        self._version = -1
        self._tick_event: Any = None
        self.actions: dict[str, Callable[..., None]] = self._actions()

    def _actions(self) -> dict[str, Callable[..., None]]:
        m = self.model
        return {
            "take_ticket": m.tap_take_ticket, "self_service": m.tap_self_service, "elderly": m.tap_elderly,
            "language": m.tap_language, "home": m.tap_home, "board": lambda b, now: m.tap_board(b, now),
            "search": m.tap_search, "search_key": lambda k, now: m.search_key(k, now),
            "page": lambda step, now: m.tap_page(step, now), "item": lambda code, now: m.tap_item(code, now),
            "key": lambda k, now: m.key(k, now), "confirm": m.tap_confirm,
            "service": lambda a, now: m.tap_service(a, now), "print": m.tap_print,
            "message_action": m.tap_message_action, "done": m.tap_done, "title": m.tap_title,
            "finish": m.tap_finish, "continue": m.tap_continue, "back": m.tap_back,
            "maint_test": m.tap_test_page, "maint_check": m.tap_check_printer,
            "guide_ticket": m.tap_guide_ticket, "guide_here": m.tap_guide_here,
            "document_type": lambda c, now: m.tap_document_type(c, now),
            "document_period": lambda p, now: m.tap_document_period(p, now), "document_print": m.tap_document_print,
            "checkin": m.checkin.start, "checkin_key": m.checkin.key, "checkin_confirm": m.checkin.confirm,
        }

    def build(self) -> Any:
        load_kv()
        self._resize(Window, Window.size)
        Window.bind(size=self._resize)
        root = Factory.KioskRoot()
        manager = root.ids.screens
        for name, cls in {**screens.SCREENS, **doc_screens.SCREENS, **checkin_screen.SCREENS}.items():
            manager.add_widget(cls(name=name))
        self.root = root
        self.refresh(force=True)
        self._tick_event = Clock.schedule_interval(self.tick, 0.1)
        if self.on_first_frame is not None:
            Window.bind(on_flip=self._first_flip)
        return root

    def _first_flip(self, _window: Any) -> None:
        Window.unbind(on_flip=self._first_flip)
        if self.on_first_frame is not None:
            self.on_first_frame()

    def detach(self) -> None:
        """Stop pumping the model (the window stays: for tests that reuse it)."""
        if self._tick_event is not None:
            self._tick_event.cancel()
            self._tick_event = None
        Window.unbind(size=self._resize)

    def on_stop(self) -> None:
        self.detach()

    def _resize(self, _window: Any, size: tuple[int, int]) -> None:
        self.scale = min(size[0] / 1080.0, size[1] / 1920.0)

    def tr(self, key: str, _lang: str = "") -> str:
        """A text in the current language (kv passes ``app.lang`` so bindings follow a switch)."""
        return t(key, self.lang)

    def act(self, name: str, *args: Any) -> None:
        """A tap: call the model with the time, then redraw at once."""
        self.actions[name](*args, self.clock())
        self.refresh()

    def tick(self, _dt: float = 0.0) -> None:
        self.model.pump(self.clock())
        self.refresh()

    def refresh(self, force: bool = False) -> None:
        m, now = self.model, self.clock()
        frame = v.frame(m, now)
        self.lang, self.zoom = frame.language, self.elderly_zoom if frame.elderly else 1.0
        self.hall_name, self.clock_text = frame.hall_name, frame.clock
        self.countdown, self.toast, self.toast_error = frame.countdown, frame.toast, frame.toast_error
        root = self.root
        if root is None or not (force or m.version != self._version):
            return
        self._version = m.version
        self.screen = m.screen
        self.busy = m.screen in BUSY_SCREENS
        if self.busy:  # the overlay covers the screen below; the screen itself stays as it was
            self.busy_text = v.busy_text(m)
            return
        manager = root.ids.screens
        if manager.current != m.screen:
            manager.current = m.screen
        manager.current_screen.refresh(m, now)

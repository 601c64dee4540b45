"""The wall display's Kivy App: a thin shell over :class:`display.runtime.DisplayRuntime`.

The App only copies the view-model's strings into Kivy properties the ``.kv`` screens bind
to, drives the clock and the flashing, and takes a screenshot on SIGUSR1
(``display-<layout>-<device id>.png`` plus a ``.json`` of what it showed).
"""
from __future__ import annotations

import json
import logging
import signal
import threading
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window
from kivy.lang import Builder
from kivy.properties import BooleanProperty, ColorProperty, ListProperty, NumericProperty, StringProperty

import display.widgets  # noqa: F401  (registers Marquee for the .kv rules)
from display.board import STALE, BoardView, clock_words
from display.runtime import DisplayRuntime

log = logging.getLogger(__name__)
KV = Path(__file__).resolve().parent / "kv"
DESIGN = {"landscape": (1920, 1080), "portrait": (1080, 1920)}
PANEL = (0.063, 0.145, 0.267, 1)
FLASH = (0.75, 0.2, 0.16, 1)


class HallDisplayApp(App):
    title = "服务大厅叫号屏"
    font = StringProperty("")
    layout_name = StringProperty("landscape")
    u = NumericProperty(1.0)
    hall_name = StringProperty("")
    date_text = StringProperty("")
    time_text = StringProperty("")
    online = BooleanProperty(False)
    live = BooleanProperty(True)
    banner_head = StringProperty("")  # not live: 暂停叫号
    banner_rest = StringProperty("")  # 请留意窗口提示
    banner_en = StringProperty("")  # the banner in English, when English is chosen
    last_call = StringProperty("")  # not live: the last call, small, marked 信息未更新
    latest_number = StringProperty("")
    latest_window = StringProperty("")
    latest_recall = StringProperty("")
    latest_bg = ColorProperty(PANEL)
    recent_rows = ListProperty([])
    queue_rows = ListProperty([])
    window_rows = ListProperty([])
    notice = StringProperty("")
    notice_speed = NumericProperty(120.0)
    notice_fps = NumericProperty(30)

    def __init__(self, runtime: DisplayRuntime, layout: str = "landscape", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.runtime = runtime
        self.requested_layout = layout
        d = runtime.settings.display
        self.font = str(d.font) if d.font.exists() else "Roboto"
        self.notice_speed = d.notice_speed
        self.notice_fps = d.notice_fps
        self._view: BoardView | None = None
        self.gl_renderer = ""
        self._flashing = False
        self._wake_lock = threading.Lock()
        self._wake_pending = False
        self.shown_at: list[float] = []  # monotonic time of each screen change (benchmarks)

    def build(self) -> Any:
        if self.font == "Roboto":
            log.warning("font %s not found: Chinese will not render", self.runtime.settings.display.font)
        w, h = Window.size
        layout = self.requested_layout
        if layout == "auto":
            layout = "portrait" if h > w else "landscape"
        self.layout_name = layout
        dw, dh = DESIGN[layout]
        self.u = min(w / dw, h / dh)
        Window.bind(size=self._resized)
        self._spare_software_gl()
        Builder.load_file(str(KV / "common.kv"))
        return Builder.load_file(str(KV / f"{layout}.kv"))

    def _spare_software_gl(self) -> None:
        """Mesa's llvmpipe draws a 1080p frame in ~100 ms of CPU: scroll the notice in fewer, larger steps."""
        from kivy.graphics.opengl import GL_RENDERER, glGetString

        renderer = glGetString(GL_RENDERER).decode(errors="replace")
        self.gl_renderer = renderer
        if any(s in renderer.lower() for s in ("llvmpipe", "softpipe", "swrast")) and self.notice_fps > 10:
            log.info("software OpenGL (%s): the notice scrolls at 10 steps a second to spare the CPU", renderer)
            self.notice_fps = 10

    def _resized(self, _win: Any, size: tuple[int, int]) -> None:
        dw, dh = DESIGN[self.layout_name]
        self.u = min(size[0] / dw, size[1] / dh)

    def on_start(self) -> None:
        self._show(self.runtime.view())
        self._tick(0)
        Clock.schedule_interval(self._tick, 0.25)
        self.runtime.start(self._wake)
        if hasattr(signal, "SIGUSR1"):
            signal.signal(signal.SIGUSR1, lambda *_: Clock.schedule_once(self.screenshot, 0.1))
        log.info("display on screen: %s layout, %dx%d", self.layout_name, *Window.size)

    def on_stop(self) -> None:
        self.runtime.stop()

    def _wake(self) -> None:
        """From paho's thread: have the UI thread drain the inbox (once per burst)."""
        with self._wake_lock:
            if self._wake_pending:
                return
            self._wake_pending = True
        Clock.schedule_once(self._drain, 0)  # thread-safe, unlike a trigger

    def _drain(self, _dt: float) -> None:
        with self._wake_lock:
            self._wake_pending = False
        try:
            if self.runtime.drain():
                self._show(self.runtime.view())
        except Exception:  # never blank the screen: the last picture stays
            log.exception("could not update the screen")

    def _tick(self, _dt: float) -> None:
        now = time.monotonic()
        try:
            if self.runtime.drain(now) | self.runtime.tick(now) or self._flashing:  # drain: a missed wake-up
                self._show(self.runtime.view(now))
        except Exception:
            log.exception("could not update the screen")
        self.date_text, self.time_text = clock_words(self.runtime.now())
        phase = int(now * 2) % 2 == 0  # twice a second
        bg = FLASH if self._flashing and phase else PANEL
        if tuple(self.latest_bg) != bg:  # every change redraws the whole frame: only real changes
            self.latest_bg = bg

    def _show(self, v: BoardView) -> None:
        self._flashing = v.flashing
        if v == self._view:
            return
        self._view = v
        self.hall_name = v.hall_name
        self.online = v.online
        self.live = v.live
        zh, _, en = v.banner.partition("\n")
        head, _, rest = zh.partition("，")
        self.banner_head = head
        self.banner_rest, self.banner_en = rest, en
        self.last_call = (f"上次叫号 {v.latest.number} → {v.latest.window_name}（{STALE}）" if v.latest
                          else STALE)
        self.latest_number = v.latest.number if v.latest else ""
        self.latest_window = v.latest.window_name if v.latest else ""
        self.latest_recall = v.latest.recall if v.latest else ""
        self.recent_rows = [asdict(r) for r in v.recent]
        self.queue_rows = [asdict(q) for q in v.queues]
        self.window_rows = [{"name": w.name, "state": w.state, "status": w.status} for w in v.windows]
        self.notice = v.notice
        if not v.flashing and tuple(self.latest_bg) != PANEL:
            self.latest_bg = PANEL
        self.shown_at.append(time.monotonic())
        del self.shown_at[:-1000]

    def screenshot(self, _dt: float = 0) -> Path | None:
        """Save the screen and what it shows under ``display.screenshot_dir``."""
        d = self.runtime.settings.display
        d.screenshot_dir.mkdir(parents=True, exist_ok=True)
        stem = f"display-{self.layout_name}-{d.device_id}"
        made = Window.screenshot(name=str(d.screenshot_dir / f"{stem}.png"))
        if not made:
            log.error("screenshot failed")
            return None
        target = d.screenshot_dir / f"{stem}.png"
        Path(made).replace(target)
        view = asdict(self._view or self.runtime.view())  # what the saved frame shows
        view.update(layout=self.layout_name, size=list(Window.size), png=str(target), time=self.time_text)
        tmp = target.with_suffix(".json.part")
        tmp.write_text(json.dumps(view, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(target.with_suffix(".json"))
        log.info("screenshot %s", target)
        return target

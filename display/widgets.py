"""Kivy widgets of the wall display that a ``.kv`` rule cannot express alone."""
from __future__ import annotations

from typing import Any

from kivy.clock import Clock
from kivy.core.text import Label as CoreLabel
from kivy.graphics import Color, Rectangle
from kivy.properties import ColorProperty, NumericProperty, StringProperty
from kivy.uix.stencilview import StencilView


class Marquee(StencilView):
    """One line of text scrolling right to left, forever; a short text that fits stays still, centred."""

    text = StringProperty("")
    font_name = StringProperty("Roboto")
    font_size = NumericProperty(32)
    color = ColorProperty([1, 1, 1, 1])
    speed = NumericProperty(120.0)  # pixels per second
    gap = NumericProperty(200.0)  # pixels between the end of the text and its next start
    fps = NumericProperty(30)  # steps per second: each one redraws the whole window

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._offset = 0.0
        self._texture: Any = None
        with self.canvas:
            self._color = Color(*self.color)
            self._rect = Rectangle(size=(0, 0))
            self._rect2 = Rectangle(size=(0, 0))
        self.bind(text=self._render, font_name=self._render, font_size=self._render, color=self._render,
                  size=self._place, pos=self._place, fps=self._restart)
        self._event = Clock.schedule_interval(self._step, 1 / self.fps)

    def _restart(self, *_: Any) -> None:
        self._event.cancel()
        self._event = Clock.schedule_interval(self._step, 1 / max(1, self.fps))

    def _render(self, *_: Any) -> None:
        label = CoreLabel(text=self.text, font_name=self.font_name, font_size=self.font_size)
        label.refresh()
        self._texture = label.texture
        self._color.rgba = self.color
        self._offset = 0.0
        for rect in (self._rect, self._rect2):
            rect.texture = self._texture
            rect.size = self._texture.size if self._texture else (0, 0)
        self._place()

    def _scrolls(self) -> bool:
        return self._texture is not None and self._texture.width > self.width

    def _place(self, *_: Any) -> None:
        if self._texture is None:
            return
        w, h = self._texture.size
        y = self.y + (self.height - h) / 2
        if not self._scrolls():
            self._rect.pos = (self.x + (self.width - w) / 2, y)
            self._rect2.size = (0, 0)
            return
        self._rect2.size = (w, h)
        self._rect.pos = (self.x - self._offset, y)
        self._rect2.pos = (self.x - self._offset + w + self.gap, y)

    def _step(self, dt: float) -> None:
        if not self._scrolls():
            return
        period = self._texture.width + self.gap
        self._offset = (self._offset + self.speed * dt) % period
        self._place()

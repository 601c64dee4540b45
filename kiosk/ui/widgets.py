"""Widgets the ``.kv`` files style: buttons that carry their action, and the QR code image."""
from __future__ import annotations

from typing import Any

from kivy.graphics.texture import Texture
from kivy.properties import BooleanProperty, ColorProperty, NumericProperty, ObjectProperty, StringProperty
from kivy.uix.button import Button
from kivy.uix.floatlayout import FloatLayout
from kivy.uix.image import Image


def qr_texture(text: str) -> Texture:
    """A black-on-white QR code of ``text`` as a texture (sharp when scaled: nearest filter)."""
    import qrcode

    qr = qrcode.QRCode(border=2, box_size=6, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(text)
    qr.make(fit=True)
    image = qr.make_image(fill_color="black", back_color="white").get_image().convert("RGB")
    texture = Texture.create(size=image.size, colorfmt="rgb")
    texture.blit_buffer(image.tobytes(), colorfmt="rgb", bufferfmt="ubyte")
    texture.flip_vertical()
    texture.mag_filter = "nearest"
    texture.min_filter = "nearest"
    return texture


class QrImage(Image):
    url = StringProperty("")

    def on_url(self, _instance: Any, url: str) -> None:
        self.texture = qr_texture(url) if url else None


class ActButton(Button):
    """A button that calls ``app.act(*action)`` when released (see ``theme.kv``)."""

    action = ObjectProperty(())
    tint = ColorProperty([0.13, 0.42, 0.80, 1])  # its colour while enabled (grey when disabled)
    fs = NumericProperty(40)  # font size in pixels of a 1080x1920 screen
    zoomable = BooleanProperty(True)  # larger in elderly mode


class BigButton(ActButton):
    pass


class TabButton(ActButton):
    selected = BooleanProperty(False)


class KeyButton(ActButton):
    pass


class ItemButton(ActButton):
    title = StringProperty("")
    subtitle = StringProperty("")


class BusyOverlay(FloatLayout):
    """Covers the screen while the kiosk works; takes every touch then, none otherwise."""

    active = BooleanProperty(False)

    def on_touch_down(self, touch: Any) -> bool:
        return bool(self.active)

    def on_touch_move(self, touch: Any) -> bool:
        return bool(self.active)

    def on_touch_up(self, touch: Any) -> bool:
        return bool(self.active)

"""The 预约签到 screen's Python side (layout in ``kv/checkin.kv``)."""
from __future__ import annotations

from typing import Any

from kivy.properties import BooleanProperty, StringProperty

from kiosk.ui.screens import KioskScreen
from kiosk.viewmodels import KioskModel


class CheckInScreen(KioskScreen):
    title = StringProperty("")
    prompt = StringProperty("")
    entered = StringProperty("")
    headline = StringProperty("")
    message = StringProperty("")
    can_submit = BooleanProperty(False)
    busy = BooleanProperty(False)
    failed = BooleanProperty(False)

    def refresh(self, m: KioskModel, now: float) -> None:
        c = m.checkin.view(m.language)
        self.title, self.prompt, self.entered = c.title, c.prompt, c.entered
        self.headline, self.message = c.headline or "", c.message or ""
        self.can_submit, self.busy, self.failed = c.can_submit, c.busy, m.checkin.failed


SCREENS: dict[str, type[Any]] = {"checkin": CheckInScreen}

"""The 办事指南 and A4 document screens' Python side (layouts in ``kv/documents.kv``)."""
from __future__ import annotations

import io
from typing import Any

from kivy.core.image import Image as CoreImage
from kivy.properties import BooleanProperty, StringProperty

from kiosk.ui.screens import KioskScreen, sync
from kiosk.viewmodels import KioskModel


class GuideScreen(KioskScreen):
    title = StringProperty("")
    item = StringProperty("")
    materials = StringProperty("")
    facts = StringProperty("")
    self_line = StringProperty("")
    can_do_here = BooleanProperty(False)
    ticket_label = StringProperty("")
    here_label = StringProperty("")

    def refresh(self, m: KioskModel, now: float) -> None:
        g = m.service_guide.view(m.language)
        if g is None:
            return
        self.title, self.item, self.self_line, self.can_do_here = g.title, g.item, g.self_line, g.can_do_here
        self.materials = "\n".join(f"{i}. {text}" for i, text in enumerate(g.materials, 1))
        self.facts = "\n".join(f"{label}：{text}" for label, text in g.rows)
        self.ticket_label, self.here_label = g.ticket_label, g.here_label


class DocumentScreen(KioskScreen):
    title = StringProperty("")
    holder = StringProperty("")
    summary = StringProperty("")
    status = StringProperty("")
    can_print = BooleanProperty(False)
    refused = BooleanProperty(False)
    _shown: bytes | None = None

    def refresh(self, m: KioskModel, now: float) -> None:
        d = m.documents.view()
        if d is None:
            return
        self.title, self.holder, self.summary = d.title, d.holder, "\n".join(d.summary)
        self.status, self.can_print, self.refused = d.status, d.can_print, m.documents.state == "refused"
        sync(self.ids.types, "TabButton", [{"text": label, "selected": chosen, "action": ("document_type", code)}
                                           for code, label, chosen in d.types])
        sync(self.ids.periods, "TabButton", [{"text": label, "selected": chosen,
                                              "action": ("document_period", choice)}
                                             for choice, label, chosen in d.periods])
        if d.preview is not self._shown:
            self._shown = d.preview
            self.ids.preview.texture = _texture(d.preview) if d.preview else None


def _texture(png: bytes) -> Any:
    return CoreImage(io.BytesIO(png), ext="png").texture


SCREENS: dict[str, type[Any]] = {"guide": GuideScreen, "document": DocumentScreen}

"""The screens' Python side: each copies its view (:mod:`kiosk.viewmodels.views`) into properties.

Layouts are in ``kv/*.kv``. Lists (boards, items, services, table rows) are rebuilt here from
the view; nothing here decides anything.
"""
from __future__ import annotations

from typing import Any

from kivy.factory import Factory
from kivy.properties import BooleanProperty, ListProperty, NumericProperty, StringProperty
from kivy.uix.screenmanager import Screen

from kiosk.i18n import t
from kiosk.viewmodels import KioskModel
from kiosk.viewmodels import views as v


class KioskScreen(Screen):
    def refresh(self, m: KioskModel, now: float) -> None:
        """Copy the model's view of this screen into the widgets."""


def sync(box: Any, kind: str, specs: list[dict[str, Any]]) -> None:
    """Make ``box`` show one ``kind`` widget per spec (properties set from the spec), reusing widgets.

    Widgets are kept in a pool rather than made anew on every redraw, so a long day of visits
    does not keep allocating labels and their textures.
    """
    pool: list[Any] = box.__dict__.setdefault("_kiosk_pool", [])
    shown = list(reversed(box.children))
    while len(shown) > len(specs):
        widget = shown.pop()
        box.remove_widget(widget)
        pool.append(widget)
    while len(shown) < len(specs):
        widget = pool.pop() if pool else getattr(Factory, kind)()
        box.add_widget(widget)
        shown.append(widget)
    for widget, spec in zip(shown, specs, strict=True):
        for name, value in spec.items():
            setattr(widget, name, value)


class HomeScreen(KioskScreen):
    queues = ListProperty([])
    issuing = BooleanProperty(True)
    paused_title = StringProperty("")
    paused_reason = StringProperty("")
    printer_notice = StringProperty("")
    hint = StringProperty("")
    welcome = StringProperty("")
    notice = StringProperty("")
    hours = StringProperty("")
    queues_title = StringProperty("")
    info_title = StringProperty("")
    take_label = StringProperty("")
    self_label = StringProperty("")
    elderly_label = StringProperty("")
    finish_label = StringProperty("")

    def refresh(self, m: KioskModel, now: float) -> None:
        h = v.home(m)
        self.queues = h.queues
        self.issuing, self.paused_title, self.paused_reason = h.issuing, h.paused_title, h.paused_reason
        self.printer_notice, self.hint, self.welcome, self.notice = h.printer_notice, h.hint, h.welcome, h.notice
        self.take_label, self.self_label, self.elderly_label = h.take_label, h.self_label, h.elderly_label
        self.finish_label = h.finish_label
        self.hours, self.queues_title, self.info_title = h.hours, h.queues_title, h.info_title


class ItemsScreen(KioskScreen):
    title = StringProperty("")
    searching = BooleanProperty(False)
    query = StringProperty("")
    page = StringProperty("")
    empty = StringProperty("")
    can_previous = BooleanProperty(False)
    can_next = BooleanProperty(False)
    rows = NumericProperty(4)  # rows of items a page has (their height shares the space left)

    def refresh(self, m: KioskModel, now: float) -> None:
        view = v.items(m)
        self.title, self.searching, self.query, self.page, self.empty = (view.title, view.searching, view.query,
                                                                         view.page, view.empty)
        self.can_previous, self.can_next = view.can_previous, view.can_next
        tabs = [{"text": label, "selected": selected, "action": ("board", board)}
                for board, label, selected in view.boards]
        tabs.append({"text": view.search_label, "selected": view.searching, "action": ("search",)})
        sync(self.ids.tabs, "TabButton", tabs)
        keys = [{"text": key, "action": ("search_key", key)} for key in view.keys] if view.searching else []
        if view.searching:
            keys.append({"text": t("key_back", m.language), "action": ("search_key", "back")})
        sync(self.ids.keyboard, "KeyButton", keys)
        self.ids.item_grid.cols = 1 if m.session.elderly else 2
        self.rows = max(1, -(-m.picker.page_size // self.ids.item_grid.cols))
        sync(self.ids.item_grid, "ItemButton", [{"title": name, "subtitle": queue, "action": ("item", code)}
                                                for code, name, queue in view.items])


class PinScreen(KioskScreen):
    title = StringProperty("")
    holder = StringProperty("")
    shown = StringProperty("")
    note = StringProperty("")
    secret = BooleanProperty(True)
    can_confirm = BooleanProperty(False)

    def refresh(self, m: KioskModel, now: float) -> None:
        p = v.pin(m)
        self.title, self.holder, self.shown, self.note = p.title, p.holder, p.shown, p.note
        self.secret, self.can_confirm = p.secret, p.can_confirm


class AuthScreen(KioskScreen):
    pass


class TakeCardScreen(KioskScreen):
    title = StringProperty("")
    note = StringProperty("")
    hint = StringProperty("")
    left = BooleanProperty(False)
    can_continue = BooleanProperty(False)
    continue_label = StringProperty("")

    def refresh(self, m: KioskModel, now: float) -> None:
        tc = v.take_card(m)
        self.title, self.note, self.hint, self.left = tc.title, tc.note, tc.hint, tc.left
        self.can_continue, self.continue_label = tc.can_continue, tc.continue_label


class TicketScreen(KioskScreen):
    number = StringProperty("")
    queue = StringProperty("")
    item = StringProperty("")
    ahead = StringProperty("")
    status = StringProperty("")
    qr_url = StringProperty("")
    priority = StringProperty("")
    printed = BooleanProperty(False)
    unprinted = BooleanProperty(False)
    note = StringProperty("")

    def refresh(self, m: KioskModel, now: float) -> None:
        tv = v.ticket(m)
        if tv is None:
            return
        self.number, self.queue, self.item, self.ahead = tv.number, tv.queue, tv.item, tv.ahead
        self.status, self.qr_url, self.priority, self.printed = tv.status, tv.qr_url, tv.priority, tv.printed
        self.note = tv.note
        self.unprinted = m.ticket is not None and m.ticket.state == "qr"


class ServicesScreen(KioskScreen):
    holder = StringProperty("")

    def refresh(self, m: KioskModel, now: float) -> None:
        self.holder = t("welcome_holder", m.language, name=m.session.holder_masked or "")
        sync(self.ids.services, "BigButton", [{"text": label, "action": ("service", action)}
                                              for action, label in v.services(m)])


class ResultBase(KioskScreen):
    """What the result and record screens share (each has its own kv rule)."""

    title = StringProperty("")
    lines = ListProperty([])
    header = StringProperty("")
    can_print = BooleanProperty(False)
    print_status = StringProperty("")
    print_refused = BooleanProperty(False)

    def refresh(self, m: KioskModel, now: float) -> None:
        r = v.result(m)
        if r is None:
            return
        self.title, self.lines, self.header = r.title, r.lines, r.header
        self.can_print, self.print_status = r.can_print, r.print_status
        self.print_refused = m.services.result is not None and m.services.result.print_state == "refused"
        if "table" in self.ids:  # the record: one multi-line label per column, not one label per cell
            columns = [[row[i] for row in r.rows] for i in range(4)]
            sync(self.ids.table, "CellLabel", [{"text": "\n".join(col)} for col in columns])


class ResultScreen(ResultBase):
    pass


class RecordScreen(ResultBase):
    pass


class MessageScreen(KioskScreen):
    title = StringProperty("")
    lines = ListProperty([])
    action = StringProperty("")

    def refresh(self, m: KioskModel, now: float) -> None:
        msg = v.message(m)
        self.title, self.lines, self.action = msg.title, msg.lines, msg.action


class MaintenanceScreen(KioskScreen):
    rows = ListProperty([])

    def refresh(self, m: KioskModel, now: float) -> None:
        self.rows = [f"{k}: {val}" for k, val in m.maintenance.info()]


SCREENS: dict[str, type[Any]] = {
    "home": HomeScreen, "items": ItemsScreen, "pin": PinScreen, "take_card": TakeCardScreen, "auth": AuthScreen,
    "ticket": TicketScreen, "services": ServicesScreen, "record": RecordScreen, "result": ResultScreen,
    "message": MessageScreen, "maintenance": MaintenanceScreen,
}

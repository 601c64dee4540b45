"""What each screen shows, as plain text in the session's language: the screens only copy it out.

One function per screen (``home(model, now)`` …) and :func:`frame` for what every screen shares
(hall name, countdown, notice). Everything personal in here is masked.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from kiosk.i18n import board_name, t
from kiosk.viewmodels.kiosk import KioskModel
from kiosk.viewmodels.selfservice import ACTIONS
from kiosk.viewmodels.service_guide import SELF_ACTIONS

KEYBOARD = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


TOAST_ERRORS = frozenset({"ecard_failed", "reader_error", "card_expired", "pause_broker", "pause_server_offline",
                           "pause_server_silent", "pause_connecting", "pause_hall", "pause_command"})


@dataclass(frozen=True)
class FrameView:
    hall_name: str
    clock: str
    countdown: str
    toast: str
    elderly: bool
    holder: str
    language: str
    toast_error: bool = False  # an error shows red; information a calm blue


@dataclass(frozen=True)
class HomeView:
    take_label: str
    self_label: str
    elderly_label: str
    language_label: str
    queues: list[str]
    issuing: bool
    paused_title: str
    paused_reason: str
    printer_notice: str
    hint: str
    welcome: str
    finish_label: str
    notice: str
    hours: str = ""
    queues_title: str = ""
    info_title: str = ""


@dataclass(frozen=True)
class TakeCardView:
    title: str
    note: str
    hint: str
    left: bool
    can_continue: bool
    continue_label: str


@dataclass(frozen=True)
class ItemsView:
    title: str
    boards: list[tuple[str, str, bool]]  # (board, label, selected)
    searching: bool
    search_label: str
    query: str
    items: list[tuple[str, str, str]]  # (code, name, queue line)
    page: str
    can_previous: bool
    can_next: bool
    empty: str
    keys: str = KEYBOARD


@dataclass(frozen=True)
class PinView:
    title: str
    holder: str
    shown: str
    note: str
    secret: bool
    can_confirm: bool


@dataclass(frozen=True)
class TicketView:
    number: str
    queue: str
    item: str
    ahead: str
    status: str
    qr_url: str
    priority: str
    printed: bool
    note: str = ""  # a late check-in: why the ticket is a normal one


@dataclass(frozen=True)
class ResultView:
    title: str
    lines: list[str]
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)
    header: str = ""
    can_print: bool = False
    print_status: str = ""


@dataclass(frozen=True)
class MessageView:
    title: str
    lines: list[str]
    action: str


def frame(m: KioskModel, now: float, wall: datetime | None = None) -> FrameView:
    lang = m.language
    seconds = m.session.countdown(now) if m.screen != "home" or m.session.authenticated else None
    toast = t(m.toast_shown[0], lang, **m.toast_shown[1]) if m.toast_shown else ""
    clock = (wall or m.wall()).strftime("%Y-%m-%d %H:%M" if lang == "en" else "%Y年%m月%d日 %H:%M")
    return FrameView(hall_name=m.cfg.hall_name_en if lang == "en" else m.cfg.hall_name, clock=clock,
                     countdown=t("countdown", lang, seconds=seconds) if seconds is not None else "", toast=toast,
                     elderly=m.session.elderly, holder=m.session.holder_masked or "", language=lang,
                     toast_error=m.toast_shown is not None and m.toast_shown[0] in TOAST_ERRORS)


def queue_row(name: str, waiting: int, minutes: int, lang: str) -> str:
    """One queue's line: 无需等候 rather than "0 人 0 分钟"."""
    if waiting <= 0:
        return t("queue_row_free", lang, name=name)
    return t("queue_row", lang, name=name, waiting=waiting, minutes=max(1, minutes))


def home(m: KioskModel) -> HomeView:
    lang, hall = m.language, m.hall
    reason = hall.pause_reason()
    rows = [queue_row(r.name, r.waiting, r.wait_min, lang) for r in hall.queues(lang)]
    problem = hall.printer_problem()
    detail = hall.pause_detail_in(lang)
    return HomeView(
        take_label=t("take_ticket", lang), self_label=t("self_service", lang),
        elderly_label=t("standard_mode" if m.session.elderly else "elderly_mode", lang),
        language_label=t("language_switch", lang), queues=rows or [t("queues_unknown", lang)],
        issuing=reason is None, paused_title=t("paused_title", lang) if reason else "",
        paused_reason=(t(reason, lang) + (f"：{detail}" if detail else "")) if reason else "",
        printer_notice=t("printer_notice", lang, reason=t(problem, lang)) if problem and problem != "paper_low" else "",
        hint=t("insert_hint", lang) if not m.session.authenticated else "",
        welcome=t("welcome_holder", lang, name=m.session.holder_masked) if m.session.authenticated else "",
        finish_label=t("finish", lang), notice=hall.banner or "",
        hours=t("hall_hours", lang, hours=("，" if lang != "en" else ", ").join(f"{a}–{b}" for a, b in m.cfg.hours))
        if m.cfg.hours else "", queues_title=t("queues_title", lang), info_title=t("hall_info_title", lang))


def take_card(m: KioskModel) -> TakeCardView:
    lang, f = m.language, m.farewell
    if f.left:
        return TakeCardView(title=t(f.which("left"), lang), note="", hint=t("card_left_hint", lang), left=True,
                            can_continue=False, continue_label="")
    return TakeCardView(title=t(f.which("take"), lang), note=t(f.note, lang) if f.note else "",
                        hint=t("take_card_hint", lang), left=False, can_continue=f.can_continue,
                        continue_label=t("continue_other", lang))


def items(m: KioskModel) -> ItemsView:
    lang, p = m.language, m.picker
    boards = [(b, board_name(b, lang), not p.searching and b == p.board) for b in p.boards]
    shown = []
    for i in p.visible():
        row = m.hall.waiting_in(i.queue)
        queue = (m.cfg.queue_names_en if lang == "en" else m.cfg.queue_names).get(i.queue, i.queue)
        line = t("item_queue", lang, queue=queue, waiting=row.waiting if row else "?")
        if i.code in SELF_ACTIONS and i.self_service:
            line += t("item_self_here", lang)  # this kiosk does it: no need to queue
        shown.append((i.code, i.name_en if lang == "en" and i.name_en else i.name, line))
    empty = "" if shown else t("no_match" if p.searching and p.query else "search_hint", lang)
    return ItemsView(title=t("choose_item", lang), boards=boards, searching=p.searching,
                     search_label=t("search", lang), query=p.query, items=shown,
                     page=t("page", lang, page=min(p.page, p.pages - 1) + 1, pages=p.pages),
                     can_previous=p.page > 0, can_next=p.page < p.pages - 1, empty=empty)


def pin(m: KioskModel) -> PinView:
    lang = m.language
    titles = {"card": "pin_title_card", "loss": "pin_title_loss", "receipt": "pin_title_receipt",
              "staff": "pin_title_staff"}
    holder = ""
    if m.pin_purpose != "staff" and m.session.holder_masked:
        holder = t("pin_holder", lang, name=m.session.holder_masked, id=m.session.id_masked)
    note = t(m.pin_note[0], lang, **m.pin_note[1]) if m.pin_note else ""
    return PinView(title=t(titles[m.pin_purpose], lang), holder=holder, shown=m.keypad.shown, note=note,
                   secret=m.keypad.secret, can_confirm=m.keypad.complete)


def busy_text(m: KioskModel) -> str:
    """What the busy overlay says: reading, checking, looking up, or issuing (with its retries)."""
    return issuing(m) if m.screen == "issuing" else t(m.screen, m.language)


def issuing(m: KioskModel) -> str:
    p = m.ticketing.pending
    if p is not None and p.attempts > 1:
        return t("issuing_retry", m.language, attempt=p.attempts)
    return t("issuing", m.language)


def ticket(m: KioskModel) -> TicketView | None:
    shown, lang = m.ticket, m.language
    if shown is None:
        return None
    tk = shown.ticket
    queue = (m.cfg.queue_names_en if lang == "en" else m.cfg.queue_names).get(tk.queue, tk.queue_name)
    item = next((i for i in m.cfg.items if i.code == tk.item), None)
    item_name = (item.name_en or item.name if lang == "en" else item.name) if item else (tk.item_name or "")
    if shown.state == "qr":
        status = (t(shown.reason or "no_printer", lang) + ("：" if lang != "en" else ": ")
                  + t("ticket_unprinted", lang, number=tk.number, desk=t("service_desk", lang)))
    else:
        status = t("ticket_printing" if shown.state == "printing" else "ticket_printed", lang)
    minutes = (tk.predicted_wait_s + 59) // 60
    if tk.ahead <= 0:
        ahead = t("ticket_next", lang)
    elif minutes <= 0:
        ahead = t("ticket_soon", lang, ahead=tk.ahead)
    else:
        ahead = t("ticket_ahead", lang, ahead=tk.ahead, minutes=minutes)
    return TicketView(number=tk.number, queue=queue, item=item_name, ahead=ahead,
                      status=status, qr_url=tk.status_url or m.cfg.status_url_for(tk.number),
                      priority=t(f"priority_{tk.priority}", lang) if tk.priority in ("elderly", "appointment") else "",
                      printed=shown.state == "printed", note=shown.note[lang == "en"] if shown.note else "")


def services(m: KioskModel) -> list[tuple[str, str]]:
    return [(a, t(f"svc_{a}", m.language)) for a in m.services.available() if a in ACTIONS]


def result(m: KioskModel) -> ResultView | None:
    shown, lang = m.services.result, m.language
    if shown is None:
        return None
    status = ""
    if shown.print_state == "printing":
        status = t("printing", lang)
    elif shown.print_state == "refused":
        status = t("print_refused", lang, reason=t(shown.print_reason or "no_printer", lang))
    return ResultView(title=t(shown.title, lang), lines=[t(k, lang, **v) for k, v in shown.lines], rows=shown.rows,
                      header=t("record_header", lang) if shown.rows else "",
                      can_print=shown.slip is not None and shown.print_state != "printing", print_status=status)


def message(m: KioskModel) -> MessageView:
    msg, lang = m.message_shown, m.language
    if msg is None:
        return MessageView("", [], "")
    labels = {"unblock_ticket": "take_ticket_for", "confirm_loss": "confirm_loss", "card_services": "card_services"}
    return MessageView(title=t(msg.title, lang), lines=[t(k, lang, **v) for k, v in msg.lines],
                       action=t(labels[msg.action], lang) if msg.action in labels else "")

"""What the view-models need from the hall configuration, taken out of :class:`Settings` once."""
from __future__ import annotations

from dataclasses import dataclass, field

from hall_contract.guide import ItemGuide
from hall_contract.vocabulary import KIND_QUEUE, WindowKind
from kiosk.citizen import hall_salt
from kiosk.i18n import ITEMS_EN
from kiosk.settings import KioskAppSettings, KioskSettings
from kiosk.viewmodels.items import Item


@dataclass(frozen=True)
class ModelConfig:
    device_id: str = "kiosk-1"
    hall_id: str = "demo-hall"
    hall_name: str = "人力资源和社会保障服务大厅"
    hall_name_en: str = "Human Resources and Social Security Service Hall"
    status_url: str = "http://127.0.0.1:8080/t/{number}"
    language: str = "zh_CN"
    salt: str = "hall-appliance/holder-ref/demo-hall"
    kiosk: KioskSettings = field(default_factory=KioskSettings)
    items: tuple[Item, ...] = ()
    queue_names: dict[str, str] = field(default_factory=dict)
    queue_names_en: dict[str, str] = field(default_factory=dict)
    window_names: dict[str, tuple[str, ...]] = field(default_factory=dict)  # queue → windows serving it
    hours: tuple[tuple[str, str], ...] = ()  # the hall's business hours (sessions of a day), "HH:MM"
    printer_columns: int = 48
    broker_url: str = ""
    printer_url: str | None = None
    card_reader: str | None = None
    idcard_url: str | None = None
    server_device_id: str = "hall-server"
    #: times a number is called in all before it is passed (the ticket's no-show line)
    calls_per_ticket: int = 3
    public_url: str = "http://127.0.0.1:8080"  # HALL_PUBLIC_URL: the QR codes of tickets and documents
    a4_printer_url: str | None = None
    document_issuer: str = ""  # 出具单位 on A4 documents ("" = the hall's name)
    guides: dict[str, ItemGuide] = field(default_factory=dict)  # 办事指南 by item code
    letter_readings: dict[str, str] = field(default_factory=dict)  # [display] letter_readings: a number read alike

    def status_url_for(self, number: str) -> str:
        return self.status_url.replace("{number}", number)

    def windows_for_item(self, code: str, language: str = "zh_CN") -> str:
        """``7号窗口、8号窗口`` for the item's queue (or the queue's name when no window is listed)."""
        item = next((i for i in self.items if i.code == code), None)
        queue = item.queue if item else "B"
        names = self.window_names.get(queue, ())
        if names:
            return ("、" if language != "en" else ", ").join(names)
        fallback = self.queue_names_en if language == "en" else self.queue_names
        return fallback.get(queue, queue) + ("窗口" if language != "en" else " windows")


def _hours(settings: KioskAppSettings) -> tuple[tuple[str, str], ...]:
    sessions = getattr(getattr(settings, "hours", None), "sessions", None) or ()
    return tuple((_hhmm(a), _hhmm(b)) for a, b in sessions)


def _hhmm(value: object) -> str:
    strftime = getattr(value, "strftime", None)
    return strftime("%H:%M") if strftime is not None else str(value)


def from_settings(settings: KioskAppSettings) -> ModelConfig:
    """A :class:`ModelConfig` from the kiosk's settings."""
    k: KioskSettings = settings.kiosk
    windows: dict[str, list[str]] = {}
    for w in settings.windows:
        queues = w.queues if w.kind is WindowKind.ELASTIC else [KIND_QUEUE[w.kind]]
        for q in queues:
            if w.kind is not WindowKind.ELASTIC:
                windows.setdefault(q, []).append(w.display_name())
    guides = settings.guide
    items = tuple(Item(code=i.code, name=i.name, board=i.board, queue=i.queue, self_service=i.self_service,
                       name_en=ITEMS_EN.get(i.code, ""),
                       aliases=tuple(guides[i.code].aliases) if i.code in guides else ()) for i in settings.items)
    return ModelConfig(
        device_id=k.device_id, hall_id=settings.hall.id, hall_name=settings.hall.name,
        hall_name_en=settings.hall.name_en, status_url=settings.status_url(),
        language=k.language or settings.hall.language, salt=hall_salt(k.holder_salt, settings.hall.id), kiosk=k,
        items=items, queue_names={q.code: q.name for q in settings.queues},
        queue_names_en={q.code: q.name_en or q.name for q in settings.queues}, hours=_hours(settings),
        window_names={q: tuple(v) for q, v in windows.items()}, printer_columns=settings.devices.printer_columns,
        broker_url=settings.server.mqtt_url, printer_url=settings.devices.printer_url,
        card_reader=settings.devices.card_reader, idcard_url=settings.devices.idcard_url,
        server_device_id=settings.server.device_id, public_url=public_base(settings),
        a4_printer_url=settings.devices.a4_printer_url, guides=dict(guides),
        calls_per_ticket=settings.policy.calls, letter_readings=dict(settings.display.letter_readings))


def public_base(settings: KioskAppSettings) -> str:
    """``HALL_PUBLIC_URL`` (``[server] public_url``), else the base of ``[hall] status_url``."""
    if settings.server.public_url:
        return settings.server.public_url
    return settings.hall.status_url.split("/t/", 1)[0].rstrip("/")

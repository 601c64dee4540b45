"""The kiosk's I/O, wired from the hall configuration: MQTT, printer, card readers, platform, voice.

:class:`KioskRuntime` builds the :class:`~kiosk.viewmodels.KioskModel` with real ports, starts
every device thread and stops them again. It imports no Kivy: the app (or a benchmark, or a
test) drives ``runtime.model.pump(now)`` from its own loop.
"""
from __future__ import annotations

import logging
import queue
from collections.abc import Callable
from datetime import datetime
from typing import Any

from kiosk import events as ev
from kiosk.runtime.cards import CardService, IdCardPoller
from kiosk.runtime.documents import DocumentWorker
from kiosk.runtime.link import KioskLink
from kiosk.runtime.printer import PrinterWorker
from kiosk.runtime.scanner import ScannerService
from kiosk.runtime.workers import GatewayWorker, gateway_from_settings, make_speaker
from kiosk.viewmodels import KioskModel, from_settings

log = logging.getLogger(__name__)


class KioskRuntime:
    def __init__(self, settings: Any, *, card_reader: bool = True, speaker: Any = None) -> None:
        self.settings = settings
        self.cfg = from_settings(settings)
        self.inbox: queue.SimpleQueue[ev.Event] = queue.SimpleQueue()
        post = self.inbox.put
        d, k = settings.devices, settings.kiosk
        tz = settings.hall.tz()
        self.link = KioskLink(settings.server.mqtt_url, settings.hall.id, k.device_id, settings.server.device_id, post,
                              tz)
        self.printer = PrinterWorker(d.printer_url, post, timeout_s=d.printer_timeout_s, columns=d.printer_columns,
                                     poll_s=k.printer_poll_s)
        self.cards = CardService(d.card_reader, post, d.card_timeout_s) if card_reader else None
        self.idcard = IdCardPoller(d.idcard_url, post, baudrate=d.idcard_baudrate, poll_s=k.idcard_poll_s,
                                   timeout_s=d.card_timeout_s) if d.idcard_url else None
        self.scanner = ScannerService(d, post) if getattr(d, "scanner_url", None) else None  # 电子社保卡 codes
        self.gateway = GatewayWorker(gateway_from_settings(k), post)
        self.documents = DocumentWorker(d.a4_printer_url, post, job_timeout_s=d.a4_job_timeout_s) \
            if d.a4_printer_url else None
        stop_speech: Callable[[], None] = lambda: None  # noqa: E731 (replaced below)
        if speaker is None:
            speaker, stop_speech = make_speaker(k)
        self._stop_speech = stop_speech
        self.model = KioskModel(self.cfg, self.link, self.printer, self.cards or _NoCard(post), self.gateway,
                                speaker, today=lambda: datetime.now(tz).date(), wall=lambda: datetime.now(tz),
                                inbox=self.inbox, documents=self.documents)

    def start(self) -> None:
        self.printer.start()
        self.gateway.start()
        if self.documents is not None:
            self.documents.start()
        if self.cards is not None:
            self.cards.start()
        if self.idcard is not None:
            self.idcard.start()
        if self.scanner is not None:
            self.scanner.start()
        self.link.start()

    def stop(self) -> None:
        for part in (self.scanner, self.idcard, self.cards):
            if part is not None:
                part.stop()
        self.link.close()
        self.printer.stop()
        self.gateway.stop()
        if self.documents is not None:
            self.documents.stop()
        self._stop_speech()


class _NoCard:
    """The card port when no PC/SC reader is used."""

    def __init__(self, post: Callable[[ev.Event], None]) -> None:
        self.post = post

    def read(self, pin: str | None = None) -> None:
        from hardware.card import NoReader

        self.post(ev.CardFailed(NoReader("no card reader in this kiosk"), verifying=pin is not None))


__all__ = ["KioskRuntime"]

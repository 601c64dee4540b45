"""The card readers as event sources: the social security card over PC/SC, the ID card on a SAM reader.

:class:`CardService` watches the PC/SC reader (insert/remove) and reads the card on request,
each read in its own short thread (the PIN is an argument there and nowhere else).
:class:`IdCardPoller` asks the SAM reader for a card every ``poll_s`` and reads each card once
per placing. A reader that cannot be used is reported as ``reader_fault`` and tried again.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import date

from kiosk import events as ev
from kiosk.citizen import from_card, from_id_card

log = logging.getLogger(__name__)
Post = Callable[[ev.Event], None]
RETRY_S = 5.0


class CardService:
    def __init__(self, reader: str | None, post: Post, timeout_s: float = 5.0) -> None:
        self.reader, self.post, self.timeout_s = reader, post, timeout_s
        self.watcher: object | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._keep_watching, name="kiosk-card", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=3)
        self._stop_watcher()

    def _stop_watcher(self) -> None:
        watcher, self.watcher = self.watcher, None
        if watcher is not None:
            watcher.stop()  # type: ignore[attr-defined]

    def _keep_watching(self) -> None:
        """Start the watcher; while pcscd or the reader is missing, report it and try again."""
        from hardware.card import CardError, CardWatcher

        faulted = False
        while not self._stop.is_set():
            if self.watcher is None:
                watcher = CardWatcher(self.reader, lambda name: self.post(ev.CardInserted(name)),
                                      lambda name: self.post(ev.CardPulled(name)))
                try:
                    watcher.start()
                except CardError as err:
                    if not faulted:
                        log.warning("card reader unavailable: %s", err)
                        self.post(ev.ReaderFault("card", "reader_fault", err.code))
                        faulted = True
                else:
                    self.watcher = watcher
                    if faulted:
                        self.post(ev.ReaderFault("card", None))
                        faulted = False
            elif not _watching(self.watcher):
                self._stop_watcher()  # pcscd went away: start over
                continue
            self._stop.wait(RETRY_S if self.watcher is None else 1.0)

    def read(self, pin: str | None = None) -> None:
        threading.Thread(target=self._read, args=(pin,), name="kiosk-card-read", daemon=True).start()

    def _read(self, pin: str | None) -> None:
        from hardware.card import CardError, read_card

        try:
            data = read_card(self.reader, pin=pin, timeout_s=self.timeout_s)
        except CardError as err:
            self.post(ev.CardFailed(err, verifying=pin is not None))
            return
        except ValueError as err:  # a malformed PIN (apdu.verify_pin refuses it)
            self.post(ev.CardFailed(CardError(f"PIN format: {type(err).__name__}"), verifying=True))
            return
        self.post(ev.CardRead(from_card(data), verified=pin is not None, expired=data.expired_on(date.today())))


def _watching(watcher: object) -> bool:
    """Whether the watcher's thread still runs (it ends when pcscd goes away)."""
    thread = getattr(watcher, "_thread", None)  # CardWatcher offers no public "alive"
    return isinstance(thread, threading.Thread) and thread.is_alive()


class IdCardPoller:
    def __init__(self, url: str, post: Post, *, baudrate: int = 115200, poll_s: float = 0.5,
                 timeout_s: float = 5.0) -> None:
        self.url, self.post, self.baudrate, self.poll_s, self.timeout_s = url, post, baudrate, poll_s, timeout_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="kiosk-idcard", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.timeout_s + 1)

    def _run(self) -> None:
        from hardware.idcard import IdCardError, IdCardReader

        faulted = False
        while not self._stop.is_set():
            try:
                with IdCardReader(self.url, self.baudrate) as reader:
                    if faulted:
                        self.post(ev.ReaderFault("idcard", None))
                        faulted = False
                    self._poll(reader)
            except (IdCardError, OSError) as err:
                if not faulted:
                    log.warning("ID card reader unavailable: %s", err)
                    self.post(ev.ReaderFault("idcard", "reader_fault", getattr(err, "code", "")))
                    faulted = True
                self._stop.wait(RETRY_S)

    def _poll(self, reader: object) -> None:
        """Read each card once while it lies on the reader; raise when the reader fails."""
        from hardware.idcard import IdCardError, IdCardRemoved, NoIdCard

        seen = False
        while not self._stop.wait(self.poll_s):
            present = reader.find_card(timeout_s=1.0)  # type: ignore[attr-defined]
            if not present:
                if seen:
                    self.post(ev.IdCardLifted())
                seen = False
                continue
            if seen:
                continue
            try:
                data = reader.read_card(timeout_s=self.timeout_s)  # type: ignore[attr-defined]
            except (NoIdCard, IdCardRemoved):
                continue
            except IdCardError as err:
                self.post(ev.IdCardFailed(err))
                seen = True
                continue
            seen = True
            self.post(ev.IdCardRead(from_id_card(data), expired=data.expired_on(date.today())))

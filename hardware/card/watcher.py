"""Card inserted / removed events from one PC/SC reader.

A thread blocks in ``SCardGetStatusChange``, which pcscd answers as soon as it sees the
change (it polls readers without events every 0.4 s), and calls back on that thread.
Callbacks must be quick and must not touch a UI directly: hand the event to your own loop.
"""
from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from hardware.card.pcsc import _hr, _scard, choose_reader, error_for_pcsc, list_readers

log = logging.getLogger(__name__)

WAIT_MS = 250  # the thread looks at its stop flag at least this often


class CardWatcher:
    """Calls ``on_inserted(reader_name)`` and ``on_removed(reader_name)`` as cards come and go.

    ``reader`` is a name substring (None = first reader). A card already present when the
    watcher starts fires ``on_inserted`` once.
    """

    def __init__(
        self,
        reader: str | None,
        on_inserted: Callable[[str], None],
        on_removed: Callable[[str], None],
    ) -> None:
        self.wanted = reader
        self.on_inserted = on_inserted
        self.on_removed = on_removed
        self.reader_name: str | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._context: object = None

    def start(self) -> None:
        """Resolve the reader and start watching (raises :class:`CardError` when impossible)."""
        sc = _scard()
        self.reader_name = choose_reader(list_readers(), self.wanted)
        hr, context = sc.SCardEstablishContext(sc.SCARD_SCOPE_USER)
        if hr != sc.SCARD_S_SUCCESS:
            raise error_for_pcsc(hr, "establish context")
        self._context = context
        self._stop.clear()
        self._thread = threading.Thread(target=self._run, name="card-watcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        sc = _scard()
        self._stop.set()
        context, thread = self._context, self._thread
        if context is not None:
            sc.SCardCancel(context)
        if thread is not None:
            thread.join(timeout=2.0)
        self._thread = None
        if context is not None:
            self._context = None
            sc.SCardReleaseContext(context)

    def __enter__(self) -> CardWatcher:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _run(self) -> None:
        sc = _scard()
        name = self.reader_name
        assert name is not None
        known = sc.SCARD_STATE_UNAWARE
        present = False
        while not self._stop.is_set():
            hr, states = sc.SCardGetStatusChange(self._context, WAIT_MS, [(name, known)])
            if _hr(hr) == _hr(sc.SCARD_E_TIMEOUT):
                continue
            if hr != sc.SCARD_S_SUCCESS:
                if not self._stop.is_set():
                    log.warning("card watcher stops: %s", error_for_pcsc(hr, "status change"))
                return
            events = known >> 16  # pcscd counts insertions and removals in the high word
            known = states[0][1] & ~sc.SCARD_STATE_CHANGED
            now = bool(known & sc.SCARD_STATE_PRESENT)
            if now and present and (known >> 16) - events >= 2:  # swapped between two looks
                self._fire(self.on_removed, name)
                present = False
            if now != present:
                present = now
                self._fire(self.on_inserted if now else self.on_removed, name)

    def _fire(self, callback: Callable[[str], None], name: str) -> None:
        try:
            callback(name)
        except Exception:  # a faulty callback must not end the watching
            log.exception("card watcher callback failed")

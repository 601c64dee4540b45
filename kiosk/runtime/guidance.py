"""Voice guidance in step with the screen: a phrase that is overtaken before it is spoken is dropped.

The speech service speaks every phrase it is given, one after another; a citizen who moves on
quickly would hear the guidance of screens long gone ("请插入社保卡" after the ID card was placed).
:class:`CurrentSpeaker` hands the service one phrase at a time and, when the one playing ends,
only the newest phrase asked for since, so the voice is at most one phrase behind the screen.
"""
from __future__ import annotations

import threading
from typing import Any


class CurrentSpeaker:
    def __init__(self, inner: Any, wait_s: float = 30.0) -> None:
        self.inner, self.wait_s = inner, wait_s
        self._newest: str | None = None
        self._wake = threading.Condition()
        self._stopped = False
        self._thread = threading.Thread(target=self._run, name="kiosk-guidance", daemon=True)
        self._thread.start()

    def say(self, text: str) -> object:
        with self._wake:
            self._newest = text  # an older phrase not yet handed on is dropped
            self._wake.notify()
        return None

    def stop(self) -> None:
        with self._wake:
            self._stopped = True
            self._wake.notify()
        self._thread.join(timeout=2)

    def _run(self) -> None:
        while True:
            with self._wake:
                while self._newest is None and not self._stopped:
                    self._wake.wait()
                if self._stopped:
                    return
                text, self._newest = self._newest, None
            utterance = self.inner.say(text)
            wait = getattr(utterance, "wait", None)
            if wait is not None:
                wait(self.wait_s)

"""A device worker's thread: jobs taken one at a time in order, and the device checked when idle.

Jobs are ``(kind, job id, payload)``; a job of kind ``"check"`` asks for a check now. The device
is checked once when the thread starts and again after every ``poll_s`` without a job.
"""
from __future__ import annotations

import queue
import threading
from typing import Generic, TypeVar

T = TypeVar("T")


class JobThread(Generic[T]):
    def __init__(self, *, name: str, poll_s: float, join_timeout_s: float) -> None:
        self.poll_s = poll_s
        self._name, self._join_timeout_s = name, join_timeout_s
        self._jobs: queue.Queue[tuple[str, str, T | None] | None] = queue.Queue()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._thread is not None:
            self._jobs.put(None)
            self._thread.join(timeout=self._join_timeout_s)
            self._thread = None

    def check(self) -> None:
        self._jobs.put(("check", "", None))

    def _run(self) -> None:
        self._check()
        while True:
            try:
                item = self._jobs.get(timeout=self.poll_s)
            except queue.Empty:
                self._check()
                continue
            if item is None:
                return
            self._handle(item)

    def _check(self) -> None:
        raise NotImplementedError

    def _handle(self, item: tuple[str, str, T | None]) -> None:
        raise NotImplementedError

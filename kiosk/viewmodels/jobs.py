"""The printer and platform jobs under way, and who waits for each one's answer.

A flow starts a job through :meth:`~kiosk.viewmodels.shell.Shell.job` with the callback for its
outcome; the model hands every outcome event to :meth:`Jobs.answered`, which calls that callback
once. An outcome nobody waits for (a repeat, or a job forgotten) is dropped.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from kiosk.viewmodels.shell import JobOutcome

log = logging.getLogger(__name__)
MAX_WAITING = 64  # every port answers each job; this only bounds what a broken one could leave behind


class Jobs:
    def __init__(self, max_waiting: int = MAX_WAITING) -> None:
        self.max_waiting = max_waiting
        self._count = 0
        self._waiting: dict[str, Callable[[Any, float], None]] = {}

    def start(self, kind: str, on_outcome: Callable[[Any, float], None]) -> str:
        """A new job id (``{kind}-{n}``) whose outcome goes to ``on_outcome``."""
        self._count += 1
        job = f"{kind}-{self._count}"
        if len(self._waiting) >= self.max_waiting:
            lost = next(iter(self._waiting))
            log.warning("no answer for job %s; no longer waiting for it", lost)
            del self._waiting[lost]
        self._waiting[job] = on_outcome
        return job

    def answered(self, event: JobOutcome, now: float) -> None:
        on_outcome = self._waiting.pop(event.job, None)
        if on_outcome is not None:
            on_outcome(event, now)

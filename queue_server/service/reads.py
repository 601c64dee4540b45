"""The hall service's read side: every read takes the lock and answers a payload or a view.

Nothing here changes the hall. Callers get contract payloads (the shapes the MQTT topics and
the API carry) or the immutable views of :mod:`.views`, never the engine's objects.
"""
from __future__ import annotations

import copy
import threading
from collections.abc import Callable, Iterable
from datetime import date, datetime, tzinfo
from typing import Any

from hall_contract import protocol as p
from queue_server import payloads
from queue_server.engine import Advice, Hall, Ticket
from queue_server.service.advisor_desk import AdvisorDesk
from queue_server.service.views import CurrentTicket, HallGauges, RetainedState, WindowInfo
from queue_server.settings import Settings
from queue_server.store import Store


class HallReads:
    """Mixed into :class:`HallService`, which owns the state these read."""

    settings: Settings
    store: Store
    tz: tzinfo
    _lock: threading.RLock
    _hall: Hall
    _advice: Advice
    _dismissed: set[str]
    _desk: AdvisorDesk
    _notice: str | None
    _version: int
    now: Callable[[], datetime]

    # -- payloads, under the lock ----------------------------------------------------------

    def _ticket_public(self, t: Ticket) -> p.TicketPublic:
        return payloads.ticket_public(self._hall, t, self.settings.status_url())

    def _window_state(self, n: int) -> p.WindowState:
        return payloads.window_state(self._hall.window(n), self._hall.tz)

    def _advice_message(self) -> p.Advice:
        return self._desk.message(self._advice, self._hall, self.now(), self.settings.advisor.auto_apply,
                                  self._dismissed)

    def _board(self, now: datetime) -> p.Board:
        s = self.settings.hall
        return payloads.board(self._hall, now, s.id, s.name, self._notice)

    # -- the hall --------------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """The hall at a glance, without personal data: ``GET /api/hall`` and the live pages."""
        with self._lock:
            now, hall, s = self.now(), self._hall, self.settings
            return {
                "hall": {"id": s.hall.id, "name": s.hall.name, "name_en": s.hall.name_en,
                         "day": hall.day.isoformat(), "now": payloads.iso(now, hall.tz)},
                "windows": [_bare(payloads.window_state(w, hall.tz)) for w in hall.windows.values()],
                "queues": [_bare(payloads.queue_state(hall, c, now)) for c in hall.queues],
                "calls": [_bare(payloads.call_message(c, hall.tz)) for c in hall.recent],
                "advice": _bare(self._advice_message()),
                "issuing": hall.issuing,
                "notice": self._notice,
            }

    def board(self) -> p.Board:
        with self._lock:
            return self._board(self.now())

    def queue_states(self, codes: Iterable[str] | None = None) -> list[p.QueueState]:
        """The state of ``codes`` (every queue when None), in the hall's order; unknown codes skipped."""
        with self._lock:
            now, hall = self.now(), self._hall
            wanted = set(hall.queues) if codes is None else set(codes)
            return [payloads.queue_state(hall, c, now) for c in hall.queues if c in wanted]

    def window_states(self) -> list[p.WindowState]:
        with self._lock:
            return [payloads.window_state(w, self._hall.tz) for w in self._hall.windows.values()]

    def retained_state(self, queues: Iterable[str] | None = None, *, windows: bool = False,
                       board: bool = False, advice: bool = False) -> RetainedState:
        """What the retained topics show now (``queues`` None: every queue), with its version."""
        with self._lock:
            return RetainedState(
                version=self._version,
                windows=tuple(self.window_states()) if windows else (),
                queues=tuple(self.queue_states(queues)),
                board=self._board(self.now()) if board else None,
                advice=self._advice_message() if advice else None)

    def advice_view(self) -> p.Advice:
        with self._lock:
            return self._advice_message()

    def issuing(self) -> bool:
        with self._lock:
            return self._hall.issuing

    def notice(self) -> str | None:
        with self._lock:
            return self._notice

    def gauges(self) -> HallGauges:
        with self._lock:
            waiting = {code: len(line) for code, line in self._hall.lines.items()}
            kinds: dict[str, int] = {}
            for w in self._hall.windows.values():
                kinds[w.spec.kind.value] = kinds.get(w.spec.kind.value, 0) + (w.status.value == "open")
        return HallGauges(waiting, kinds)

    # -- windows ---------------------------------------------------------------------------

    def window_info(self, n: int) -> WindowInfo:
        """Window ``n`` as configured; :class:`UnknownWindow` when the hall has none."""
        with self._lock:
            spec = self._hall.window(n).spec
        return WindowInfo(spec.number, spec.name, spec.kind.value)

    def window_view(self, n: int) -> p.WindowState:
        with self._lock:
            return self._window_state(n)

    def window_now(self, n: int) -> CurrentTicket:
        """Window ``n`` and its current ticket (with the masked holder) and how long it waited."""
        with self._lock:
            w = self._hall.window(n)
            t = w.current
            ticket = self._ticket_public(t) if t is not None else None
            waited = round(t.waited_s(t.called_at)) if t is not None and t.called_at is not None else None
            return CurrentTicket(payloads.window_state(w, self._hall.tz), ticket, waited,
                                 payloads.iso(self.now(), self._hall.tz) or "")

    # -- tickets ---------------------------------------------------------------------------

    def ticket_public(self, number: str) -> p.TicketPublic:
        """Today's ticket ``number`` (with the masked holder); :class:`TicketNotFound` when none."""
        with self._lock:
            return self._ticket_public(self._hall.find(number))

    def tickets_of(self, day: date) -> list[Ticket]:
        """Every ticket of ``day`` (copies of today's; the stored ones for another day)."""
        with self._lock:
            if day == self._hall.day:
                return [copy.copy(t) for t in self._hall.tickets.values()]
        return self.store.tickets_between(day, day)


def _bare(msg: p.Message) -> dict[str, Any]:
    """A payload without its schema version, as the API's snapshot nests it."""
    d = msg.model_dump()
    d.pop("v", None)
    return d

"""Evaluators (评价器): the server's rating request asked on the window's pad, the citizen's key sent back.

``evaluations/{n}/request`` (the server, after a visit at window n ended as served) makes the
bridge's line thread write the request to window n's evaluator (:meth:`Evaluator.request`, for
the time the server waits) and read its state every ``evaluator_poll_s``. When the citizen
presses 1..5 the bridge publishes ``evaluations/{n}/result`` (``v``, ``number``, ``ticket_id``,
``rating``). A request the citizen leaves unanswered, or that the pad never got, publishes
nothing: the server records ``no_rating`` itself at its deadline. A newer request at the window
replaces the one still waiting, as on the server. An evaluator that does not answer (checked
every ``evaluator_check_s`` while idle) is a fault on the bridge's status topic.
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass

from hall_contract.protocol import EvaluationRequest, EvaluationResult, Topics, ValidationError, parse_json_object
from hardware.rs485 import EvaluationResult as PadResult
from hardware.rs485 import Evaluator, Rs485Bus
from window_bridge._line import LineDevice
from window_bridge.keypads import Publish
from window_bridge.settings import WindowBridgeSettings

log = logging.getLogger(__name__)


@dataclass
class Asking:
    """A rating request for one visit; ``deadline`` (monotonic) is when the server stops waiting."""

    request: EvaluationRequest
    deadline: float
    sent: bool = False
    next_poll: float = 0.0


@dataclass
class EvaluatorSlot(LineDevice):
    device: Evaluator | None = None
    asking: Asking | None = None
    incoming: Asking | None = None  # from the broker, taken over by the line thread
    next_check: float = 0.0


class EvaluatorDesk:
    def __init__(self, cfg: WindowBridgeSettings, units: dict[int, int], topics: Topics, publish: Publish) -> None:
        self.cfg = cfg
        self.topics = topics
        self.publish = publish
        self.evaluators = {n: EvaluatorSlot("evaluator", n, unit) for n, unit in sorted(units.items())}
        self._lock = threading.Lock()
        self.results = 0

    # -- paho's thread --------------------------------------------------------------------

    def on_request(self, n: int, payload: bytes) -> bool:
        """``evaluations/{n}/request``; False when window n has no evaluator here or the request is bad."""
        slot = self.evaluators.get(n)
        if slot is None:
            return False
        try:
            req = EvaluationRequest.model_validate(parse_json_object(payload))
        except (ValueError, ValidationError) as err:
            log.warning("ignored a malformed rating request for window %d: %s", n, str(err).splitlines()[0][:200])
            return False
        with self._lock:
            current = slot.incoming or slot.asking
            if current is not None and current.request.ticket_id == req.ticket_id:
                return True  # the same request again (a redelivery): keep asking as before
            slot.incoming = Asking(req, time.monotonic() + req.timeout_s)
        log.info("window %d: rating request for %s", n, req.number)
        return True

    # -- the line thread ------------------------------------------------------------------

    def next_due(self) -> float:
        """When :meth:`service` has something to do next (monotonic)."""
        due = float("inf")
        for e in self.evaluators.values():
            with self._lock:
                if e.incoming is not None:
                    return 0.0
            a = e.asking
            at = e.next_check if a is None else (0.0 if not a.sent else a.next_poll)
            due = min(due, max(at, e.next_try))
        return due

    def service(self, bus: Rs485Bus, now: float) -> None:
        """Ask, poll and check the evaluators that are due (``LineUnavailable`` goes up)."""
        for slot in self.evaluators.values():
            with self._lock:
                if slot.incoming is not None:
                    if slot.asking is not None:
                        log.info("window %d: rating request for %s replaced by %s", slot.window,
                                 slot.asking.request.number, slot.incoming.request.number)
                    slot.asking, slot.incoming = slot.incoming, None
            if now < slot.next_try:
                continue
            if slot.device is None:
                slot.device = Evaluator(bus, slot.unit)
            slot.device.bus = bus  # the line may have been opened again since
            self._service(slot, slot.device, now)

    def _service(self, slot: EvaluatorSlot, dev: Evaluator, now: float) -> None:
        a, retry_s = slot.asking, self.cfg.screen_retry_s
        # a request on the pad runs out there at the deadline (then read as not rated); one never written
        # is not worth asking with less than a second left
        if a is not None and now >= a.deadline + (2 * self.cfg.evaluator_poll_s if a.sent else -1.0):
            log.info("window %d: no rating for %s%s; the server records no_rating", slot.window, a.request.number,
                     "" if a.sent else " (the evaluator never got the request)")
            slot.asking = None
        elif a is not None and not a.sent:
            def ask(a: Asking = a) -> None:
                if not slot.checked:
                    dev.identify()
                    slot.checked = True
                dev.request(a.request.number, max(1, min(600, int(a.deadline - now))))

            if slot.attempt(retry_s, ask):
                a.sent, a.next_poll = True, now + self.cfg.evaluator_poll_s
        elif a is not None and now >= a.next_poll:
            got: list[PadResult] = []
            if slot.attempt(retry_s, lambda: got.extend(r for r in [dev.poll_result()] if r is not None)):
                a.next_poll = now + self.cfg.evaluator_poll_s
                if got:
                    slot.asking = None
                    self._answered(slot.window, a, got[0])
        elif a is None and now >= slot.next_check:
            def check() -> None:
                dev.identify()
                slot.checked = True

            if slot.attempt(retry_s, check):
                slot.next_check = now + self.cfg.evaluator_check_s

    def _answered(self, n: int, a: Asking, r: PadResult) -> None:
        req = a.request
        if r.ticket_number != req.number:
            log.warning("window %d evaluator answered for %s while asked for %s; ignored", n, r.ticket_number,
                        req.number)
        elif r.score is None:
            log.info("window %d: %s was not rated on the evaluator; the server records no_rating", n, req.number)
        else:
            msg = EvaluationResult(number=req.number, ticket_id=req.ticket_id, rating=r.score)
            self.publish(self.topics.evaluation_result(n), msg.to_json())
            self.results += 1
            log.info("window %d: %s rated %d (%s)", n, req.number, r.score, r.words)

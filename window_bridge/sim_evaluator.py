"""A simulated window evaluator (评价器) that speaks exactly the MQTT contract.

It listens on ``evaluations/{n}/request`` and answers each request on
``evaluations/{n}/result`` with ``{"v": 1, "number", "ticket_id", "rating", "reason", "reasons"}``, as the
RS-485 evaluator's bridge or a tablet would. ``rating`` may be a number, or a function of the
request returning a number, or None to stay silent (a citizen who walks away). It keeps a
retained ``devices/{id}/status`` (kind ``evaluator``) with a last will, like every device.

    python -m window_bridge.sim_evaluator --window 3 --rating 5 [--delay 2]
"""
from __future__ import annotations

import argparse
import logging
import threading
import time
from collections.abc import Callable

from hall_contract.link import DeviceLink
from hall_contract.protocol import EvaluationRequest, EvaluationResult, Topics, parse_json_object

log = logging.getLogger(__name__)
Rater = Callable[[EvaluationRequest], int | None]


class SimulatedEvaluator:
    def __init__(self, url: str, hall_id: str, window: int, rating: int | Rater | None = 5,
                 reason: str | None = None, delay_s: float = 0.0, device_id: str | None = None,
                 reasons: list[str] | None = None) -> None:
        self.topics = Topics(hall_id)
        self.window = window
        self.rater: Rater = rating if callable(rating) else (lambda _req, r=rating: r)  # type: ignore[misc]
        self.reason = reason
        self.reasons = reasons
        self.delay_s = delay_s
        self.device_id = device_id or f"evaluator-{window}"
        self.requests: list[EvaluationRequest] = []
        self.answered: list[EvaluationResult] = []
        self._lock = threading.Lock()
        self.link = DeviceLink(url, self.topics, self.device_id, "evaluator")
        self.link.route(self.topics.evaluation_request(window), self._on_message)

    def start(self, timeout_s: float = 5.0) -> SimulatedEvaluator:
        self.link.start()
        if not self.link.wait_connected(timeout_s):
            raise RuntimeError(f"the evaluator could not reach the broker at {self.link.address}")
        return self

    def stop(self) -> None:
        self.link.stop()

    def _on_message(self, topic: str, payload: bytes) -> None:
        req = EvaluationRequest.model_validate(parse_json_object(payload))
        with self._lock:
            self.requests.append(req)
        rating = self.rater(req)
        if rating is None:
            return
        threading.Timer(self.delay_s, self._answer, (req, rating)).start()

    def _answer(self, req: EvaluationRequest, rating: int) -> None:
        result = EvaluationResult(number=req.number, ticket_id=req.ticket_id, rating=rating,
                                  reason=self.reason if rating <= 2 else None,
                                  reasons=self.reasons if rating <= 2 else None)
        self.link.publish(self.topics.evaluation_result(self.window), result.to_json())
        with self._lock:
            self.answered.append(result)

    def wait_requests(self, count: int = 1, timeout_s: float = 5.0) -> list[EvaluationRequest]:
        end = time.monotonic() + timeout_s
        while time.monotonic() < end:
            with self._lock:
                if len(self.requests) >= count:
                    break
            time.sleep(0.02)
        with self._lock:
            return list(self.requests)


def main(argv: list[str] | None = None) -> int:
    from hall_contract.config import HallSettings, load

    ap = argparse.ArgumentParser(description="a simulated window evaluator on MQTT")
    ap.add_argument("--window", type=int, required=True)
    ap.add_argument("--rating", type=int, default=5, choices=range(1, 6))
    ap.add_argument("--reason", default=None)
    ap.add_argument("--delay", type=float, default=2.0, help="seconds before answering")
    args = ap.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    s = load(HallSettings)
    ev = SimulatedEvaluator(s.server.mqtt_url, s.hall.id, args.window, args.rating, args.reason, args.delay).start()
    print(f"evaluator for window {args.window} on {s.server.mqtt_url} (hall {s.hall.id}); Ctrl-C to stop", flush=True)
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        ev.stop()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

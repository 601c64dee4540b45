"""/metrics as Prometheus scrapes it: tickets, calls, waits, RPC latency, devices."""
from __future__ import annotations

import json
import re

from tests.hall_app import HallApp
from tests.peers import Broker, Collector
from tests.waiting import within


def _metrics(server: HallApp) -> dict[str, float]:
    assert server.client is not None
    r = server.client.get("/metrics")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
    text = r.text
    out = {}
    for line in text.splitlines():
        m = re.match(r"^([a-z_]+(?:\{[^}]*\})?) ([0-9.e+-]+)$", line)
        if m:
            out[m.group(1)] = float(m.group(2))
    return out


def test_metrics_count_what_the_hall_did(hall_app: HallApp, broker: Broker) -> None:
    server = hall_app
    hall = server.hall_id
    clerk = server.staff("m9", "clerk", window=1)
    sub = Collector(broker.url, (f"hall/{hall}/reply/kiosk-7",))
    try:
        sub.publish(f"hall/{hall}/devices/kiosk-7/status",
                    json.dumps({"v": 1, "state": "online", "kind": "kiosk", "faults": ["paper_low"]}), retain=True)
        sub.publish(f"hall/{hall}/rpc/issue_ticket", json.dumps(
            {"v": 1, "request_id": "m-1", "reply_to": f"hall/{hall}/reply/kiosk-7", "queue": "A"}))
        assert sub.wait_topic(f"hall/{hall}/reply/kiosk-7")
    finally:
        sub.close()
    server.api("POST", "/api/tickets", {"queue": "A"})
    server.api("POST", "/api/windows/1/open", token=clerk)
    server.api("POST", "/api/windows/1/call-next", token=clerk)
    server.api("POST", "/api/windows/1/finish", token=clerk)
    expected = {'hall_tickets_issued_total{queue="A"}': 2, 'hall_calls_total{queue="A"}': 1,
                'hall_wait_seconds_count{queue="A"}': 1, 'hall_service_seconds_count{queue="A"}': 1,
                'hall_waiting{queue="A"}': 1, 'hall_rpc_seconds_count{method="issue_ticket"}': 1,
                'hall_devices{kind="kiosk",state="online"}': 1,
                'hall_device_faults{device="kiosk-7",fault="paper_low"}': 1}
    read: dict[str, float | None] = {}

    def counted() -> bool:
        m = _metrics(server)
        read.update({name: m.get(name) for name in expected})
        return read == expected

    assert within(counted), read

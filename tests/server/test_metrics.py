"""/metrics as Prometheus scrapes it: tickets, calls, waits, RPC latency, devices."""
from __future__ import annotations

import json
import re
import time
import urllib.request

from tests.peers import Broker, Collector, ServerProcess


def _metrics(srv: ServerProcess) -> dict[str, float]:
    with urllib.request.urlopen(srv.base + "/metrics", timeout=10) as r:
        assert r.headers["content-type"].startswith("text/plain")
        text = r.read().decode()
    out = {}
    for line in text.splitlines():
        m = re.match(r"^([a-z_]+(?:\{[^}]*\})?) ([0-9.e+-]+)$", line)
        if m:
            out[m.group(1)] = float(m.group(2))
    return out


def test_metrics_count_what_the_hall_did(server: ServerProcess, broker: Broker) -> None:
    hall = server.env["HALL_ID"]
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
    time.sleep(0.3)
    m = _metrics(server)
    assert m['hall_tickets_issued_total{queue="A"}'] == 2
    assert m['hall_calls_total{queue="A"}'] == 1
    assert m['hall_wait_seconds_count{queue="A"}'] == 1
    assert m['hall_service_seconds_count{queue="A"}'] == 1
    assert m['hall_waiting{queue="A"}'] == 1
    assert m['hall_rpc_seconds_count{method="issue_ticket"}'] == 1
    assert m['hall_devices{kind="kiosk",state="online"}'] == 1
    assert m['hall_device_faults{device="kiosk-7",fault="paper_low"}'] == 1

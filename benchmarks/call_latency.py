"""Latency from the HTTP call-next request to the `calls` message at a subscriber.

    python benchmarks/call_latency.py [--windows 60] [--issue-rate 20] [--seconds 20]

60 windows (clerk clients in one process each thread-paced) call next in a loop while tickets
are issued at 20/s; a subscriber on `calls` timestamps each message. Latency = arrival at the
subscriber - the moment the call-next request was sent. Prints p50 / p99 / max.
"""
from __future__ import annotations

import argparse
import http.client
import json
import statistics
import threading
import time

import _common
import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--windows", type=int, default=60)
    ap.add_argument("--issue-rate", type=float, default=20.0)
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--db", default="sqlite")
    args = ap.parse_args()
    broker, srv, _ = _common.start(args.db, windows=args.windows)
    hall = srv.env["HALL_ID"]
    sent: dict[str, float] = {}
    got: dict[str, float] = {}
    lock = threading.Lock()
    sub = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="latency-sub")

    def on_message(_c: object, _u: object, msg: mqtt.MQTTMessage) -> None:
        now = time.perf_counter()
        call = json.loads(msg.payload)
        with lock:
            got.setdefault(f"{call['number']}@{call['window']}", now)

    sub.on_message = on_message
    sub.connect("127.0.0.1", broker.port)
    sub.subscribe(f"hall/{hall}/calls", qos=1)
    sub.loop_start()
    windows = [n for n in range(1, 7)] + list(range(13, 13 + args.windows - 6))
    tokens = {n: srv.staff(f"clerk{n}", "clerk", window=n) for n in windows}
    stop = threading.Event()

    def clerk(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
        h = {"authorization": f"Bearer {tokens[n]}", "content-type": "application/json"}
        conn.request("POST", f"/api/windows/{n}/open", "", h)
        conn.getresponse().read()
        while not stop.is_set():
            t0 = time.perf_counter()
            conn.request("POST", f"/api/windows/{n}/call-next", "", h)
            r = conn.getresponse()
            body = r.read()
            if r.status == 200:
                with lock:
                    sent[f"{json.loads(body)['number']}@{n}"] = t0
                stop.wait(1.0)  # serve for a moment
            else:
                stop.wait(0.2)

    def issuer() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=30)
        interval = 1.0 / args.issue_rate
        nxt = time.perf_counter()
        while not stop.is_set():
            conn.request("POST", "/api/tickets", json.dumps({"queue": "A"}), {"content-type": "application/json"})
            conn.getresponse().read()
            nxt += interval
            stop.wait(max(0.0, nxt - time.perf_counter()))

    threads = [threading.Thread(target=clerk, args=(n,), daemon=True) for n in windows]
    threads.append(threading.Thread(target=issuer, daemon=True))
    for _ in range(int(args.issue_rate * 3)):  # a small backlog so windows have work at once
        srv.api("POST", "/api/tickets", {"queue": "A"})
    for t in threads:
        t.start()
    time.sleep(args.seconds)
    stop.set()
    time.sleep(1.0)
    sub.loop_stop()
    srv.stop()
    broker.stop()
    lat = sorted((got[k] - v) * 1000 for k, v in sent.items() if k in got)
    missing = sum(1 for k in sent if k not in got)
    q = statistics.quantiles(lat, n=100)
    print(f"calls {len(lat)} (missing {missing}) over {args.seconds:.0f} s, {args.windows} windows, "
          f"{args.issue_rate:.0f} tickets/s: p50 {q[49]:.1f} ms, p99 {q[98]:.1f} ms, max {lat[-1]:.1f} ms")


if __name__ == "__main__":
    main()

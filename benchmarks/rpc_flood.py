"""A kiosk's ticket RPC latency while other clients flood the server with requests.

    python benchmarks/rpc_flood.py [--seconds 10] [--flooders 2] [--kiosk-rate 10]

One broker and one ``hallctl server`` (SQLite, default rate limits) on loopback. The kiosk
(``kiosk-1``, on its own ``devices/kiosk-1/rpc/issue_ticket``) asks for a ticket ``--kiosk-rate``
times a second and times each answer: first with the hall quiet, then while ``--flooders``
clients (each in its own process; half on the plain ``rpc/issue_ticket``, half on a device
topic of their own) publish ``issue_ticket`` as fast as they can. Prints p50/p99/max of the
kiosk's latency for both, the flood's request rate, and how many tickets the flood got.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import statistics
import threading
import time
import uuid

import _common
import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion


def flooder(port: int, hall: str, seconds: float, plain: bool, out: mp.Queue) -> None:  # type: ignore[type-arg]
    me = "flood-" + uuid.uuid4().hex[:6]
    c = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=me)
    c.connect("127.0.0.1", port)
    c.loop_start()
    topic = f"hall/{hall}/rpc/issue_ticket" if plain else f"hall/{hall}/devices/{me}/rpc/issue_ticket"
    end = time.monotonic() + seconds
    n = 0
    while time.monotonic() < end:
        c.publish(topic, json.dumps({"v": 1, "request_id": f"{me}-{n}", "reply_to": f"reply/{me}", "queue": "C"}),
                  qos=0)
        n += 1
        if n % 200 == 0:
            time.sleep(0.002)  # let paho's thread write
    c.loop_stop()
    out.put(n)


class Kiosk:
    def __init__(self, port: int, hall: str) -> None:
        self.hall = hall
        self.answers: dict[str, float] = {}
        self.cond = threading.Condition()
        ready = threading.Event()
        self.c = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="kiosk-1")
        self.c.on_connect = lambda c, *_: c.subscribe(f"hall/{hall}/reply/kiosk-1", qos=1)
        self.c.on_subscribe = lambda *_: ready.set()
        self.c.on_message = self._on_message
        self.c.connect("127.0.0.1", port)
        self.c.loop_start()
        ready.wait(10)

    def _on_message(self, _c: object, _u: object, m: mqtt.MQTTMessage) -> None:
        rid = json.loads(m.payload).get("request_id")
        with self.cond:
            self.answers[rid] = time.perf_counter()
            self.cond.notify_all()

    def ticket(self) -> float:
        rid = uuid.uuid4().hex
        sent = time.perf_counter()
        self.c.publish(f"hall/{self.hall}/devices/kiosk-1/rpc/issue_ticket",
                       json.dumps({"v": 1, "request_id": rid, "queue": "A"}), qos=1)
        with self.cond:
            if not self.cond.wait_for(lambda: rid in self.answers, timeout=30):
                return float("inf")
            return self.answers[rid] - sent

    def run(self, seconds: float, rate: float) -> list[float]:
        out = []
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            started = time.monotonic()
            out.append(self.ticket())
            time.sleep(max(0.0, 1.0 / rate - (time.monotonic() - started)))
        return out


def figures(name: str, lat: list[float]) -> str:
    ms = sorted(x * 1000 for x in lat)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))]
    return (f"{name:12} n={len(ms):4d}  p50 {statistics.median(ms):7.1f} ms  p99 {p99:7.1f} ms  "
            f"max {ms[-1]:7.1f} ms")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--flooders", type=int, default=2)
    ap.add_argument("--kiosk-rate", type=float, default=10.0, help="the kiosk's requests per second")
    args = ap.parse_args()
    broker, srv, _ = _common.start("sqlite")
    hall = srv.env["HALL_ID"]
    try:
        kiosk = Kiosk(broker.port, hall)
        quiet = kiosk.run(args.seconds, args.kiosk_rate)
        print(figures("quiet", quiet), flush=True)
        ctx = mp.get_context("spawn")
        out: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
        procs = [ctx.Process(target=flooder, args=(broker.port, hall, args.seconds + 1, i % 2 == 0, out))
                 for i in range(args.flooders)]
        for p in procs:
            p.start()
        time.sleep(1.0)  # the flood is on
        flooded = kiosk.run(args.seconds - 1, args.kiosk_rate)
        sent = sum(out.get(timeout=args.seconds + 60) for _ in procs)
        for p in procs:
            p.join()
        print(figures("under flood", flooded), flush=True)
        _, body = srv.api("GET", "/api/hall")
        got = next(q for q in body["queues"] if q["code"] == "C")["waiting"]
        print(f"flood: {sent} requests from {args.flooders} clients in {args.seconds + 1:.0f} s "
              f"({sent / (args.seconds + 1):.0f}/s); tickets the flood got: {got}", flush=True)
    finally:
        srv.stop()
        broker.stop()


if __name__ == "__main__":
    main()

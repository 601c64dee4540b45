"""Latency from the HTTP call-next request to the `calls` message at a subscriber.

    python benchmarks/call_latency.py [--windows 60] [--issue-rate 20] [--seconds 30] [--nice -10]

The clerks of 60 windows call next in a loop (each starts the visit and serves it for 1 s, so no
press falls within the double-press guard), spread over 4 processes; tickets are issued at 20/s
from another; a subscriber on `calls` runs in a process of its own, so no client's scheduling
stands in the measured path. Times are the system-wide monotonic clock. Latency = arrival at the
subscriber - the moment the call-next request was sent; the HTTP answer's latency is printed
beside it (when both have the same tail, the tail is in the server's handling of the request,
not in MQTT). The run's CPU pressure (Linux PSI: the share of the time some task waited for a
CPU) says how busy the machine was: on a shared machine it, not the hall's code, decides the tail.
``--nice`` runs the server, Mosquitto, the subscriber and the clerks at that niceness.
"""
from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import os
import statistics
import threading
import time
from pathlib import Path

import _common
import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

Queue = mp.Queue  # type: ignore[type-arg]


def renice(pid: int, nice: int) -> None:
    """Every thread of ``pid`` at ``nice`` (what ``Nice=`` in a systemd unit does for a service)."""
    for task in Path(f"/proc/{pid}/task").iterdir():
        os.setpriority(os.PRIO_PROCESS, int(task.name), nice)


def subscriber(port: int, hall: str, seconds: float, ready: Queue, out: Queue) -> None:
    got: dict[str, int] = {}
    c = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="latency-sub")

    def on_message(_c: object, _u: object, msg: mqtt.MQTTMessage) -> None:
        now = time.monotonic_ns()
        call = json.loads(msg.payload)
        got.setdefault(f"{call['number']}@{call['window']}", now)

    c.on_message = on_message
    c.on_connect = lambda cl, *_: (cl.subscribe(f"hall/{hall}/calls", qos=1), ready.put(True))
    c.connect("127.0.0.1", port)
    c.loop_start()
    time.sleep(seconds + 3)
    c.loop_stop()
    out.put(got)


def clerks(port: int, tokens: dict[int, str], seconds: float, nice: int, out: Queue) -> None:
    if nice:
        os.setpriority(os.PRIO_PROCESS, 0, nice)  # the clerk's browser sends at once: its threads inherit this
    sent: dict[str, int] = {}
    answered: list[float] = []
    lock = threading.Lock()
    end = time.monotonic() + seconds

    def clerk(n: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        h = {"authorization": f"Bearer {tokens[n]}", "content-type": "application/json"}
        while time.monotonic() < end:
            t0 = time.monotonic_ns()
            conn.request("POST", f"/api/windows/{n}/call-next", "", h)
            r = conn.getresponse()
            body = r.read()
            with lock:
                answered.append((time.monotonic_ns() - t0) / 1e6)
            if r.status == 200:
                with lock:
                    sent[f"{json.loads(body)['number']}@{n}"] = t0
                conn.request("POST", f"/api/windows/{n}/start", "", h)  # the citizen came: a served visit
                conn.getresponse().read()
                time.sleep(1.0)  # serve for a moment
            else:
                time.sleep(0.2)

    threads = [threading.Thread(target=clerk, args=(n,)) for n in tokens]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.put((sent, answered))


def issuer(port: int, rate: float, seconds: float) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    interval = 1.0 / rate
    nxt = time.monotonic()
    end = nxt + seconds
    while time.monotonic() < end:
        conn.request("POST", "/api/tickets", json.dumps({"queue": "A"}), {"content-type": "application/json"})
        conn.getresponse().read()
        nxt += interval
        time.sleep(max(0.0, nxt - time.monotonic()))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--windows", type=int, default=60)
    ap.add_argument("--issue-rate", type=float, default=20.0)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--db", default="sqlite")
    ap.add_argument("--clerk-processes", type=int, default=4)
    ap.add_argument("--nice", type=int, default=0, help="run the server, Mosquitto and the subscriber at this "
                    "niceness, as the appliance's systemd units do (negative needs root)")
    args = ap.parse_args()
    broker, srv, _ = _common.start(args.db, windows=args.windows)
    hall = srv.env["HALL_ID"]
    windows = list(range(1, 7)) + list(range(13, 13 + args.windows - 6))
    tokens = {n: srv.staff(f"clerk{n}", "clerk", window=n) for n in windows}
    for n, tok in tokens.items():
        srv.api("POST", f"/api/windows/{n}/open", token=tok)
    for _ in range(int(args.issue_rate * 3)):  # a small backlog so windows have work at once
        srv.api("POST", "/api/tickets", {"queue": "A"})
    ctx = mp.get_context("spawn")
    ready: Queue = ctx.Queue()
    got_q: Queue = ctx.Queue()
    sent_q: Queue = ctx.Queue()
    sub = ctx.Process(target=subscriber, args=(broker.port, hall, args.seconds, ready, got_q))
    sub.start()
    ready.get(timeout=10)
    if args.nice:
        assert srv.proc is not None and broker.proc is not None and sub.pid is not None
        for pid in (srv.proc.pid, broker.proc.pid, sub.pid):
            renice(pid, args.nice)
    groups = [dict(list(tokens.items())[i::args.clerk_processes]) for i in range(args.clerk_processes)]
    procs = [ctx.Process(target=clerks, args=(srv.port, g, args.seconds, args.nice, sent_q)) for g in groups]
    procs.append(ctx.Process(target=issuer, args=(srv.port, args.issue_rate, args.seconds)))
    for p in procs:
        p.start()
    sent: dict[str, int] = {}
    answered: list[float] = []
    pressure = cpu_pressure()
    for _ in groups:
        s, a = sent_q.get(timeout=args.seconds + 60)
        sent.update(s)
        answered += a
    pressure = cpu_pressure() - pressure
    got = got_q.get(timeout=args.seconds + 60)
    for p in [*procs, sub]:
        p.join(10)
    srv.stop()
    broker.stop()
    lat = sorted((got[k] - v) / 1e6 for k, v in sent.items() if k in got)
    missing = sum(1 for k in sent if k not in got)
    q = statistics.quantiles(lat, n=100)
    http_q = statistics.quantiles(answered, n=100)
    print(f"calls {len(lat)} (missing {missing}) over {args.seconds:.0f} s, {args.windows} windows, "
          f"{args.issue_rate:.0f} tickets/s, nice {args.nice}: request → calls message p50 {q[49]:.1f} ms, "
          f"p99 {q[98]:.1f} ms, max {lat[-1]:.1f} ms; request → HTTP answer p50 {http_q[49]:.1f} ms, "
          f"p99 {http_q[98]:.1f} ms; CPU pressure (share of the run some task waited for a CPU) "
          f"{pressure / 1e6 / args.seconds:.0%}")


def cpu_pressure() -> float:
    """Microseconds some task has waited for a CPU since boot (Linux PSI), or 0 where not available."""
    try:
        line = Path("/proc/pressure/cpu").read_text().splitlines()[0]
    except OSError:
        return 0.0
    return float(line.rsplit("total=", 1)[1])


if __name__ == "__main__":
    main()

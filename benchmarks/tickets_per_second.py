"""Tickets per second sustained over HTTP and over MQTT RPC, on SQLite and PostgreSQL.

    python benchmarks/tickets_per_second.py [--seconds 10] [--clients 4] [--pg postgresql://postgres@127.0.0.1/x]

HTTP load comes from wrk (Debian's `wrk`, C, keep-alive) when installed, else from Python
clients in their own processes; RPC load from Python clients, one MQTT connection each with up
to 20 requests in flight. Every request carries a fresh request_id. All on loopback. Prints one
line per combination.
"""
from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing as mp
import shutil
import subprocess
import threading
import time
import uuid

import _common
import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion


def http_client(port: int, seconds: float, out: mp.Queue) -> None:  # type: ignore[type-arg]
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    end = time.monotonic() + seconds
    n = 0
    tag = uuid.uuid4().hex[:6]
    while time.monotonic() < end:
        body = json.dumps({"queue": "ABC"[n % 3], "request_id": f"{tag}-{n}"})
        conn.request("POST", "/api/tickets", body, {"content-type": "application/json"})
        r = conn.getresponse()
        r.read()
        if r.status == 201:
            n += 1
    out.put(n)


def rpc_client(broker_port: int, hall: str, seconds: float, out: mp.Queue) -> None:  # type: ignore[type-arg]
    me = "bench-" + uuid.uuid4().hex[:6]
    window = threading.Semaphore(20)
    done = [0]
    c = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=me)

    def on_message(_c: object, _u: object, msg: mqtt.MQTTMessage) -> None:
        if json.loads(msg.payload).get("ok"):
            done[0] += 1
        window.release()

    c.on_message = on_message
    c.connect("127.0.0.1", broker_port)
    c.subscribe(f"hall/{hall}/reply/{me}", qos=1)
    c.loop_start()
    time.sleep(0.3)
    end = time.monotonic() + seconds
    n = 0
    while time.monotonic() < end:
        if not window.acquire(timeout=5):
            break
        c.publish(f"hall/{hall}/devices/{me}/rpc/issue_ticket", json.dumps(
            {"v": 1, "request_id": f"{me}-{n}", "queue": "ABC"[n % 3]}), qos=1)
        n += 1
    time.sleep(1.0)
    c.loop_stop()
    out.put(done[0])


WRK_SCRIPT = """
local n = 0
local queues = {"A", "B", "C"}
function init(args) math.randomseed(os.time() + math.floor(os.clock() * 1e6)); prefix = tostring(math.random(1e9)) end
request = function()
  n = n + 1
  local body = '{"queue":"' .. queues[n % 3 + 1] .. '","request_id":"' .. prefix .. '-' .. n .. '"}'
  return wrk.format("POST", "/api/tickets", {["Content-Type"] = "application/json"}, body)
end
"""


def issued(srv: _common.ServerProcess) -> int:
    _, hall = srv.api("GET", "/api/hall")
    return sum(q["waiting"] for q in hall["queues"])


def measure_wrk(db: str, seconds: float, connections: int) -> float:
    """wrk (C) as the load: the client costs little CPU, so the figure is the server's."""
    broker, srv, work = _common.start(db)
    try:
        script = work / "issue.lua"
        script.write_text(WRK_SCRIPT)
        before = issued(srv)
        subprocess.run(["wrk", "-t", "2", "-c", str(connections), "-d", f"{seconds:.0f}s", "-s", str(script),
                        srv.base], check=True, capture_output=True, timeout=seconds + 60)
        return (issued(srv) - before) / seconds
    finally:
        srv.stop()
        broker.stop()


def measure(kind: str, db: str, seconds: float, clients: int) -> float:
    if kind == "http" and shutil.which("wrk"):
        return measure_wrk(db, seconds, connections=clients * 2)
    # the server's rate limit per device is for people, not for this load: lifted here
    broker, srv, _ = _common.start(db, HALL_SERVER__RPC_PER_DEVICE_PER_S="1000000", HALL_SERVER__RPC_BURST="1000000")
    try:
        ctx = mp.get_context("spawn")
        out: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
        if kind == "http":
            procs = [ctx.Process(target=http_client, args=(srv.port, seconds, out)) for _ in range(clients)]
        else:
            procs = [ctx.Process(target=rpc_client, args=(broker.port, srv.env["HALL_ID"], seconds, out))
                     for _ in range(clients)]
        for p in procs:
            p.start()
        total = sum(out.get(timeout=seconds + 60) for _ in procs)
        for p in procs:
            p.join()
        return total / seconds
    finally:
        srv.stop()
        broker.stop()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--pg", default=None, help="a PostgreSQL URL of an empty database to use")
    args = ap.parse_args()
    dbs = ["sqlite"] + ([args.pg] if args.pg else [])
    for db in dbs:
        for kind in ("http", "rpc"):
            rate = measure(kind, db, args.seconds, args.clients)
            name = "sqlite" if db == "sqlite" else "postgresql"
            print(f"{kind:5} {name:10} {rate:8.0f} tickets/s  ({args.clients} clients, {args.seconds:.0f} s)",
                  flush=True)


if __name__ == "__main__":
    main()

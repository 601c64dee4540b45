"""Concurrency and crashes: distinct numbers from many processes, nothing lost to SIGKILL."""
from __future__ import annotations

import json
import multiprocessing as mp
import sqlite3
import urllib.request
from pathlib import Path

import pytest

from tests.peers import Broker, ServerProcess, hall_env
from tests.waiting import eventually


def _issue_many(base: str, count: int, tag: str, out: mp.Queue) -> None:  # type: ignore[type-arg]
    numbers = []
    for i in range(count):
        body = json.dumps({"queue": "A", "request_id": f"{tag}-{i}"}).encode()  # no source: strangers set none
        req = urllib.request.Request(base + "/api/tickets", data=body, method="POST",
                                     headers={"content-type": "application/json"})
        with urllib.request.urlopen(req, timeout=30) as r:
            numbers.append(json.loads(r.read())["number"])
    out.put(numbers)


def _run_clients(base: str, processes: int, per_process: int) -> list[str]:
    ctx = mp.get_context("spawn")
    out: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
    procs = [ctx.Process(target=_issue_many, args=(base, per_process, f"p{i}", out)) for i in range(processes)]
    for p in procs:
        p.start()
    numbers: list[str] = []
    for _ in procs:
        numbers += out.get(timeout=120)
    for p in procs:
        p.join(10)
    return numbers



@pytest.mark.timeout(180)
def test_300_concurrent_requests_from_6_processes_get_300_distinct_numbers(srv_process: ServerProcess) -> None:
    numbers = _run_clients(srv_process.base, processes=6, per_process=50)
    assert len(numbers) == 300 and len(set(numbers)) == 300
    assert sorted(numbers) == [f"A{i:03d}" for i in range(1, 301)]


@pytest.mark.timeout(180)
def test_two_server_processes_on_one_database_never_share_a_number(tmp_path: Path, broker: Broker) -> None:
    env = hall_env(tmp_path, broker.url)
    second_env = dict(env, HALL_HTTP_PORT=str(int(env["HALL_HTTP_PORT"]) + 1))
    a, b = ServerProcess(env, tmp_path), ServerProcess(second_env, tmp_path)
    a.start()
    b.start()
    try:
        ctx = mp.get_context("spawn")
        out: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
        procs = [ctx.Process(target=_issue_many, args=(base, 40, f"s{i}", out))
                 for i, base in enumerate([a.base, b.base, a.base, b.base])]
        for p in procs:
            p.start()
        numbers = [n for _ in procs for n in out.get(timeout=120)]
        assert len(numbers) == 160 and len(set(numbers)) == 160
    finally:
        a.stop()
        b.stop()


@pytest.mark.timeout(180)
def test_sigkill_mid_load_loses_no_committed_ticket_and_numbering_continues(tmp_path: Path, broker: Broker) -> None:
    env = hall_env(tmp_path, broker.url)
    srv = ServerProcess(env, tmp_path)
    srv.start()
    ctx = mp.get_context("spawn")
    out: mp.Queue = ctx.Queue()  # type: ignore[type-arg]
    answered: list[str] = []

    procs = [ctx.Process(target=_collecting_client, args=(srv.base, f"k{i}", out)) for i in range(3)]
    for p in procs:
        p.start()

    def issued() -> int:
        _, hall = srv.api("GET", "/api/hall")
        return int(next(q for q in hall["queues"] if q["code"] == "A")["waiting"])

    eventually(lambda: issued() >= 30, 30, "the clients are under way (spawning takes a while)")
    srv.kill()
    for p in procs:
        p.join(30)
    while not out.empty():
        answered += out.get()
    assert len(answered) > 20, "the load ran before the kill"

    db = Path(env["HALL_DATABASE_URL"].removeprefix("sqlite:///"))
    with sqlite3.connect(db) as conn:
        stored = {r[0] for r in conn.execute("SELECT number FROM ticket WHERE queue = 'A'")}
    assert set(answered) <= stored, "every ticket the server answered is in the database"

    srv.start()
    try:
        st, t = srv.api("POST", "/api/tickets", {"queue": "A"})
        assert st == 201
        assert int(t["number"][1:]) == max(int(n[1:]) for n in stored) + 1
        _, hall = srv.api("GET", "/api/hall")
        assert next(q for q in hall["queues"] if q["code"] == "A")["waiting"] == len(stored) + 1
    finally:
        srv.stop()


def _collecting_client(base: str, tag: str, out: mp.Queue) -> None:  # type: ignore[type-arg]
    """Issue until the server dies; report the numbers it answered."""
    numbers: list[str] = []
    try:
        for i in range(100_000):
            body = json.dumps({"queue": "A", "request_id": f"{tag}-{i}"}).encode()
            req = urllib.request.Request(base + "/api/tickets", data=body, method="POST",
                                         headers={"content-type": "application/json"})
            with urllib.request.urlopen(req, timeout=5) as r:
                numbers.append(json.loads(r.read())["number"])
    except Exception:
        pass
    out.put(numbers)

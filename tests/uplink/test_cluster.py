"""A 3-node NATS cluster with a replicated stream: killing the stream's leader node and one of two
aggregators in the middle of the load loses nothing and duplicates nothing in the province."""
from __future__ import annotations

import asyncio
import threading
import time
from pathlib import Path

import nats
import pytest
import sqlalchemy as sa

from hall_contract.protocol import IssueTicketArgs
from hall_contract.uplink import DEFAULT_STREAM
from province.db import make_engine, upgrade
from queue_server.actor import Actor
from queue_server.service import HallService
from queue_server.store.outbox import backlog
from tests.peers import hall_env
from tests.uplink._hall import hall_service
from tests.uplink._nats import cluster
from tests.uplink._procs import Province, province_events, relay, run_async, wait_until

pytestmark = [pytest.mark.postgres, pytest.mark.slow, pytest.mark.peer]  # nats-server and PostgreSQL
HALLS = 3
LOAD_S = 12.0


async def _stream_leader(urls: list[str], timeout: float = 30.0) -> str:
    """Wait for the cluster's JetStream and the aggregator's R3 stream; the name of its leader node."""
    end = time.monotonic() + timeout
    while True:
        try:
            nc = await asyncio.wait_for(nats.connect(servers=urls, connect_timeout=2), 5)
            try:
                info = await nc.jetstream(timeout=2).stream_info(DEFAULT_STREAM)
                assert info.config.num_replicas == 3 and info.cluster is not None and info.cluster.leader
                return str(info.cluster.leader)
            finally:
                await nc.close()
        except Exception:
            if time.monotonic() > end:
                raise
            await asyncio.sleep(0.3)


def _load(svc: HallService, stop: threading.Event, counts: dict[str, int]) -> None:
    """Tickets at ~15 a second, each called and served at window 1 soon after."""
    wang = Actor.staff("wang", "clerk", 1)
    svc.open_window(1, wang, clerk="wang")
    while not stop.is_set():
        svc.issue(IssueTicketArgs(queue="A"), Actor.device("kiosk-1"))
        counts["issued"] += 1
        if counts["issued"] % 2 == 0:
            for _ in range(2):  # the second, a double press, calls no one
                out = svc.call_next(1, wang)
                if out.action == "call_next" and out.ticket is not None:
                    counts["calls"] += 1
        time.sleep(1 / 15)


def test_losing_a_node_and_an_aggregator_mid_load_loses_and_duplicates_nothing(tmp_path: Path, pg_url: str) -> None:
    nodes = cluster(tmp_path)
    for n in nodes:
        n.start()
    urls = [n.url for n in nodes]
    url_list = ",".join(urls)
    engine = make_engine(pg_url)
    upgrade(engine)
    extra = {"PROVINCE_STREAM_REPLICAS": "3", "PROVINCE_ACK_WAIT_S": "4", "PROVINCE_BATCH": "50"}
    aggs = [Province(pg_url, url_list, tmp_path, f"agg{i}", http_on=False, **extra) for i in range(2)]
    for a in aggs:
        a.start()
    services: list[HallService] = []
    relays = []
    try:
        leader = run_async(_stream_leader(urls))
        stop = threading.Event()
        threads, counts = [], []
        for i in range(HALLS):
            env = hall_env(tmp_path / f"h{i}", "mqtt://127.0.0.1:1", HALL_ID=f"hall-{i}")
            (tmp_path / f"h{i}").mkdir()
            svc = hall_service(env["HALL_DATABASE_URL"], f"hall-{i}")
            services.append(svc)
            r = relay(env, url_list, tmp_path, f"relay{i}")
            r.start()
            relays.append(r)
            c = {"issued": 0, "calls": 0}
            counts.append(c)
            threads.append(threading.Thread(target=_load, args=(svc, stop, c), daemon=True))
        for t in threads:
            t.start()
        time.sleep(LOAD_S / 3)
        victim = next(n for n in nodes if n.name == leader)
        victim.kill()  # SIGKILL of the stream's leader node
        aggs[0].kill()  # and of one aggregator, with whatever it had not acknowledged
        time.sleep(LOAD_S * 2 / 3)
        stop.set()
        for t in threads:
            t.join(10)

        for i, svc in enumerate(services):
            hall = f"hall-{i}"
            eng = svc.store.engine
            assert wait_until(lambda e=eng, h=hall: backlog(e, h).waiting == 0, 60), \
                (tmp_path / f"relay{i}.log").read_text()[-2000:]
            last = backlog(eng, hall).last_seq
            assert wait_until(lambda h=hall, n=last: len(province_events(engine, h)) >= n, 60)
            assert province_events(engine, hall) == list(range(1, last + 1))
        with engine.connect() as conn:
            for i, c in enumerate(counts):
                hall = f"hall-{i}"
                issued, called, served = conn.execute(sa.text(
                    "SELECT count(*), count(called_at), count(*) FILTER (WHERE outcome = 'done') FROM visit "
                    "WHERE hall_id = :h"), {"h": hall}).one()
                events, last_seq = conn.execute(sa.text("SELECT events, last_seq FROM hall WHERE hall_id = :h"),
                                                {"h": hall}).one()
                assert issued == c["issued"] and called == c["calls"]
                today = services[i].tickets_of(services[i].now().date())
                assert served == sum(1 for t in today if t.state.value == "done")
                assert events == last_seq  # every event applied once to the derived rows
        assert c["issued"] > 50
    finally:
        for r in relays:
            r.stop()
        for a in aggs:
            a.stop()
        for svc in services:
            svc.store.close()
        for n in nodes:
            n.stop()
        engine.dispose()



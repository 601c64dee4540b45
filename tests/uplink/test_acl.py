"""The shipped NATS accounts: a hall publishes only its own events; the aggregator reads them all."""
from __future__ import annotations

import asyncio
import shutil
import subprocess
from pathlib import Path

import nats
import pytest
import sqlalchemy as sa

from hall_contract.protocol import IssueTicketArgs
from province.consumer import Aggregator
from province.db import make_engine, upgrade
from province.ingest import Ingest
from province.settings import ProvinceSettings
from queue_server.actor import Actor
from queue_server.store.outbox import backlog
from queue_server.uplink.relay import Relay
from tests.peers import ROOT, free_port, wait_port
from tests.uplink._hall import hall_service
from tests.uplink._nats import NATS_SERVER
from tests.uplink._procs import run_async

pytestmark = [pytest.mark.postgres, pytest.mark.peer]  # nats-server and PostgreSQL
HALL, HALL_PW = "sjz-qiaoxi", "CHANGE-ME-sjz-qiaoxi"


def test_a_hall_publishes_only_its_own_subjects(tmp_path: Path, pg_url: str, caplog: pytest.LogCaptureFixture) -> None:
    port = free_port()
    shutil.copy(ROOT / "config/nats/accounts.conf", tmp_path / "accounts.conf")
    (tmp_path / "nats.conf").write_text(f'listen: 127.0.0.1:{port}\njetstream {{ store_dir: "{tmp_path}/js" }}\n'
                                        'include "accounts.conf"\n')
    proc = subprocess.Popen([NATS_SERVER, "-c", str(tmp_path / "nats.conf")], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    assert wait_port(port)
    engine = make_engine(pg_url)
    upgrade(engine)
    svc = hall_service(f"sqlite:///{tmp_path}/hall.db", HALL)
    for _ in range(5):
        svc.issue(IssueTicketArgs(queue="A"), Actor.device("kiosk-1"))
    agg_url = f"nats://aggregator:CHANGE-ME-aggregator@127.0.0.1:{port}"
    hall_url = f"nats://hall-{HALL}:{HALL_PW}@127.0.0.1:{port}"

    async def main() -> tuple[bool, int]:
        stop = asyncio.Event()
        agg = Aggregator(ProvinceSettings(database_url=pg_url, nats_url=agg_url), Ingest(engine))
        relay = Relay(svc.store.engine, HALL, hall_url, backoff_max_s=1)
        tasks = [asyncio.create_task(agg.run(stop))]
        while not agg.stats.connected:
            await asyncio.sleep(0.05)
        tasks.append(asyncio.create_task(relay.run(stop)))
        for _ in range(100):
            if relay.stats.sent_seq and backlog(svc.store.engine, HALL).waiting == 0:
                break
            await asyncio.sleep(0.1)
        forged_acked = True
        async def refused(_err: Exception) -> None:
            return None

        nc = await nats.connect(hall_url, error_cb=refused, inbox_prefix=f"_INBOX.{HALL}")
        try:
            await nc.jetstream(timeout=2).publish("hall.bd-lianchi.events.rating", b'{"v": 1}')
        except Exception:
            forged_acked = False
        await nc.close()
        await asyncio.sleep(1)
        stop.set()
        await asyncio.gather(*tasks)
        return forged_acked, agg.stats.events

    try:
        forged_acked, taken = run_async(main())
        assert not forged_acked  # the account may not publish another hall's subjects
        assert taken == backlog(svc.store.engine, HALL).last_seq > 0
        with engine.connect() as conn:
            halls = [h for (h,) in conn.execute(sa.text("SELECT DISTINCT hall_id FROM event"))]
            parked = conn.execute(sa.text("SELECT count(*) FROM parked")).scalar()
        assert halls == [HALL] and parked == 0
        assert HALL_PW not in caplog.text  # the relay's log names the server, never the password
    finally:
        proc.terminate()
        proc.wait(10)
        svc.store.close()
        engine.dispose()

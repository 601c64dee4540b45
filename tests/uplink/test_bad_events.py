"""Bad events on the province's stream are parked with a reason; the good ones around them go through."""
from __future__ import annotations

import asyncio
import json
from datetime import UTC, date, datetime
from pathlib import Path

import nats
import pytest
import sqlalchemy as sa

from hall_contract.uplink import TicketIssued, make_event
from province.consumer import Aggregator
from province.db import make_engine, upgrade
from province.ingest import Ingest
from province.settings import ProvinceSettings
from tests.uplink._nats import NatsServer
from tests.uplink._procs import run_async

pytestmark = [pytest.mark.postgres, pytest.mark.peer]  # nats-server and PostgreSQL


def _good(hall: str, seq: int) -> tuple[str, bytes, str]:
    now = datetime.now(UTC)
    data = TicketIssued(ticket_id=f"20261201-A{seq:03d}-0", number=f"A{seq:03d}", queue="A", priority="normal",
                        issued_at=now, queued_at=now)
    env = make_event(hall, seq, date.today(), "ticket_issued", now, data)
    return env.subject, env.to_json(), env.msg_id


def _raw(hall: str, seq: int, **change: object) -> bytes:
    obj = json.loads(_good("h-ok", seq)[1])
    obj.update(hall=hall, **change)
    return json.dumps(obj).encode()


BAD = [
    ("hall.h-ok.events.ticket_issued", _raw("h-ok", 90, v=2), "unknown schema version"),
    ("hall.h-ok.events.ticket_issued", b"\xff\xfe garbage {", "not JSON"),
    ("hall.h-ok.events.ticket_issued", b"[1, 2, 3]", "not a JSON object"),
    ("hall.h-ok.events.ticket_issued", _raw("a.b", 91), "bad hall id"),
    ("hall.h-ok.events.ticket_issued", _raw("a b", 92), "bad hall id"),
    ("hall.h-other.events.ticket_issued", _raw("h-ok", 93), "does not match"),
    ("hall.h-ok.events.rating", _raw("h-ok", 94), "does not match"),
    ("hall.h-ok.events.ticket_issued", _raw("h-ok", 95, data={"number": "A1", "holder": "张三"}), "invalid data"),
    ("hall.h-ok.events.ticket_issued", _raw("h-ok", 96, day="1970-01-01"), "out of range"),
]


def test_bad_events_are_parked_with_a_reason_and_do_not_block_the_stream(tmp_path: Path, pg_url: str) -> None:
    server = NatsServer(tmp_path)
    server.start()
    engine = make_engine(pg_url)
    upgrade(engine)
    s = ProvinceSettings(database_url=pg_url, nats_url=server.url, batch=3)

    async def main() -> Aggregator:
        agg = Aggregator(s, Ingest(engine))
        stop = asyncio.Event()
        task = asyncio.create_task(agg.run(stop))
        while not agg.stats.connected:
            await asyncio.sleep(0.05)
        nc = await nats.connect(server.url)
        js = nc.jetstream()
        seq = 0
        for subj, raw, _ in BAD:  # a good event between every two bad ones
            seq += 1
            gs, graw, gid = _good("h-ok", seq)
            await js.publish(gs, graw, headers={"Nats-Msg-Id": gid})
            await js.publish(subj, raw)
        for _ in range(600):  # up to a minute on a loaded machine: every event handled and acknowledged
            info = await js.consumer_info(s.stream, s.durable)
            if agg.stats.events == seq and agg.stats.parked == len(BAD) and not info.num_ack_pending:
                break
            await asyncio.sleep(0.1)
        await nc.close()
        stop.set()
        await task
        assert info.num_pending == 0 and info.num_ack_pending == 0
        return agg

    try:
        agg = run_async(main())
        assert agg.stats.events == len(BAD) and agg.stats.parked == len(BAD)
        with engine.connect() as conn:
            seqs = [s for (s,) in conn.execute(sa.text("SELECT seq FROM event WHERE hall_id = 'h-ok' ORDER BY seq"))]
            parked = conn.execute(sa.text("SELECT subject, reason FROM parked ORDER BY id")).all()
            visits = conn.execute(sa.text("SELECT count(*) FROM visit")).scalar()
        assert seqs == list(range(1, len(BAD) + 1)) and visits == len(BAD)
        assert len(parked) == len(BAD)
        for (subj, reason), (want_subj, _, why) in zip(parked, BAD, strict=True):
            assert subj == want_subj and why in reason, (reason, why)
        assert "张三" not in str(parked)
    finally:
        engine.dispose()
        server.stop()

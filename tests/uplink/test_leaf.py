"""The optional hall leaf node (``config/nats/hall-leaf.conf``, no JetStream of its own): the relay publishes
to it and the acknowledgement still comes from the province's stream."""
from __future__ import annotations

import asyncio
import re
import shutil
import subprocess
from pathlib import Path

import nats
import pytest
from nats.js.api import StorageType

from hall_contract.protocol import IssueTicketArgs
from hall_contract.uplink import ALL_HALLS_SUBJECTS, DEFAULT_STREAM
from queue_server.actor import Actor
from queue_server.store.outbox import backlog
from queue_server.uplink.relay import Relay
from tests.peers import ROOT, free_port, wait_port
from tests.uplink._hall import hall_service
from tests.uplink._nats import NATS_SERVER
from tests.uplink._procs import run_async

HALL = "sjz-qiaoxi"


def _start(conf: Path) -> subprocess.Popen[bytes]:
    log = open(conf.with_suffix(".log"), "ab")  # noqa: SIM115 (lives with the process)
    return subprocess.Popen([NATS_SERVER, "-c", str(conf)], stdout=log, stderr=log)


@pytest.mark.peer  # nats-server processes
def test_a_leaf_without_jetstream_forwards_to_the_province_stream(tmp_path: Path) -> None:
    hub_port, leaf_listen, hall_port = free_port(), free_port(), free_port()
    shutil.copy(ROOT / "config/nats/accounts.conf", tmp_path / "accounts.conf")
    (tmp_path / "hub.conf").write_text(f'listen: 127.0.0.1:{hub_port}\njetstream {{ store_dir: "{tmp_path}/js" }}\n'
                                       f"leafnodes {{ listen: 127.0.0.1:{leaf_listen} }}\n"
                                       'include "accounts.conf"\n')
    leaf = (ROOT / "config/nats/hall-leaf.conf").read_text()
    leaf = re.sub(r"listen: 127.0.0.1:4222", f"listen: 127.0.0.1:{hall_port}", leaf)
    leaf = re.sub(r"tls://([^@]+)@[^\"]+", rf"nats://\1@127.0.0.1:{leaf_listen}", leaf)
    (tmp_path / "leaf.conf").write_text(leaf)
    procs = [_start(tmp_path / "hub.conf")]
    assert wait_port(hub_port)
    procs.append(_start(tmp_path / "leaf.conf"))
    assert wait_port(hall_port)
    svc = hall_service(f"sqlite:///{tmp_path}/hall.db", HALL)
    for _ in range(5):
        svc.issue(IssueTicketArgs(queue="A"), Actor.device("kiosk-1"))

    async def main() -> int:
        admin = await nats.connect(f"nats://aggregator:CHANGE-ME-aggregator@127.0.0.1:{hub_port}")
        js = admin.jetstream()
        await js.add_stream(name=DEFAULT_STREAM, subjects=[ALL_HALLS_SUBJECTS], storage=StorageType.FILE)
        stop = asyncio.Event()
        relay = Relay(svc.store.engine, HALL, f"nats://relay:CHANGE-ME-local@127.0.0.1:{hall_port}", backoff_max_s=1)
        task = asyncio.create_task(relay.run(stop))
        for _ in range(150):
            if backlog(svc.store.engine, HALL).waiting == 0:
                break
            await asyncio.sleep(0.1)
        stop.set()
        await task
        hall = await nats.connect(f"nats://relay:CHANGE-ME-local@127.0.0.1:{hall_port}")
        try:  # through the leaf too, the hall's account reaches only its own subjects
            await hall.jetstream(timeout=2).publish("hall.bd-lianchi.events.rating", b'{"v": 1}')
            forged = True
        except Exception:
            forged = False
        await hall.close()
        assert not forged
        stored = (await js.stream_info(DEFAULT_STREAM)).state.messages
        await admin.close()
        return int(stored)

    try:
        stored = run_async(main())
        last = backlog(svc.store.engine, HALL).last_seq
        assert backlog(svc.store.engine, HALL).waiting == 0 and stored == last > 0
    finally:
        for p in procs:
            p.terminate()
            p.wait(10)
        svc.store.close()

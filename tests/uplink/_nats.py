"""Real NATS servers for the uplink tests: Debian's ``nats-server`` with JetStream on free loopback ports."""
from __future__ import annotations

import os
import shutil
import signal
import subprocess
from pathlib import Path

from tests.peers import free_port, wait_port

NATS_SERVER = shutil.which("nats-server") or "/usr/sbin/nats-server"


class NatsServer:
    """One ``nats-server -js`` (restartable on the same port and store); optionally one node of a cluster."""

    def __init__(self, workdir: Path, name: str = "n1", port: int | None = None, cluster_port: int | None = None,
                 routes: list[int] | None = None) -> None:
        self.workdir = workdir / name
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.name = name
        self.port = port or free_port()
        self.url = f"nats://127.0.0.1:{self.port}"
        conf = [f'server_name: "{name}"', f"listen: 127.0.0.1:{self.port}",
                f'jetstream {{ store_dir: "{self.workdir / "js"}" }}']
        if cluster_port is not None:
            route_list = ", ".join(f'"nats-route://127.0.0.1:{p}"' for p in routes or [])
            conf.append(f'cluster {{ name: "province", listen: 127.0.0.1:{cluster_port}, routes: [{route_list}] }}')
        self.conf = self.workdir / "nats.conf"
        self.conf.write_text("\n".join(conf) + "\n")
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        if not Path(NATS_SERVER).exists():
            raise RuntimeError("nats-server is not installed (make deps installs it)")
        log = open(self.workdir / "nats.log", "ab")  # noqa: SIM115 (lives with the process)
        self.proc = subprocess.Popen([NATS_SERVER, "-c", str(self.conf)], stdout=log, stderr=log,
                                     start_new_session=True)
        if not wait_port(self.port, 10):
            raise RuntimeError(f"nats-server did not start on {self.port}")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
            self.proc = None

    def kill(self) -> None:
        if self.proc is not None:
            os.kill(self.proc.pid, signal.SIGKILL)
            self.proc.wait(5)
            self.proc = None


def cluster(workdir: Path, size: int = 3) -> list[NatsServer]:
    cports = [free_port() for _ in range(size)]
    return [NatsServer(workdir, f"n{i + 1}", cluster_port=cports[i], routes=[p for p in cports if p != cports[i]])
            for i in range(size)]

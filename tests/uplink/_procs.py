"""``hallctl uplink`` and ``hallctl province serve`` in processes of their own, as their units run them."""
from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from tests.peers import HALLCTL, ROOT, free_port, http
from tests.waiting import run_async  # noqa: F401 (the uplink tests import it from here)


class Proc:
    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.args, self.env, self.log = args, env, log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        out = open(self.log, "ab")  # noqa: SIM115 (lives with the process)
        self.proc = subprocess.Popen([HALLCTL, *self.args], env=self.env, stdout=out, stderr=subprocess.STDOUT,
                                     cwd=ROOT, start_new_session=True)

    def kill(self) -> None:
        if self.proc is not None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)
            self.proc = None

    def stop(self) -> None:
        if self.proc is not None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(5)
            self.proc = None


def relay(hall_env: dict[str, str], nats_url: str, workdir: Path, name: str = "relay") -> Proc:
    return Proc(["uplink", "--backoff-max", "1"], {**hall_env, "HALL_NATS_URL": nats_url}, workdir / f"{name}.log")


class Province(Proc):
    """``hallctl province serve`` on a fresh PostgreSQL database."""

    def __init__(self, db_url: str, nats_url: str, workdir: Path, name: str = "province", http_on: bool = True,
                 **extra: str) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, "PROVINCE_DATABASE_URL": db_url, "PROVINCE_NATS_URL": nats_url,
               "PROVINCE_HTTP_PORT": str(self.port), **extra}
        super().__init__(["province", "serve", *([] if http_on else ["--no-http"])], env, workdir / f"{name}.log")
        self.http_on = http_on
        self.db_url = db_url

    def start(self, timeout: float = 20.0) -> None:
        super().start()
        if not self.http_on:
            return
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            assert self.proc is not None
            if self.proc.poll() is not None:
                raise RuntimeError("province exited:\n" + self.log.read_text()[-3000:])
            try:
                if http("GET", self.base + "/healthz", timeout=1)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("province did not answer:\n" + self.log.read_text()[-3000:])

    def api(self, path: str, token: str | None = None) -> tuple[int, Any]:
        return http("GET", self.base + path, token=token)


def province_events(engine: sa.engine.Engine, hall: str) -> list[int]:
    with engine.connect() as conn:
        return [int(s) for (s,) in conn.execute(sa.text("SELECT seq FROM event WHERE hall_id = :h ORDER BY seq"),
                                                {"h": hall})]


def wait_until(pred: Any, timeout: float, step: float = 0.2) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(step)
    return bool(pred())



"""``hallctl demo``: the whole hall on one machine.

Starts the queue server (SQLite under ``var/``), uses the configured broker when it answers
and otherwise starts a Mosquitto of its own on a free port, opens the kiosk and the wall
display (on a virtual screen where there is none) with a printer emulator for the kiosk, then
runs simulated citizens (tickets through the kiosk RPC over MQTT) and simulated clerks
(calling through the HTTP API), printing each call as the wall display announces it.
"""
from __future__ import annotations

import json
import logging
import random
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from hall_contract.config import config_path
from hall_contract.link import BrokerAddress
from hall_contract.protocol import Topics
from hallctl.demo_apps import DemoApps, demo_env
from hallctl.demo_staff import DEMO_PASSWORD, add_demo_staff, logins_text, window_clerks, with_floating_staff
from hallctl.settings import HallConfiguration as Settings

log = logging.getLogger("hallctl.demo")


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_broker_if_needed(url: str) -> tuple[str, subprocess.Popen[bytes] | None]:
    a = BrokerAddress.parse(url)
    if _answers(a.host, a.port):
        return url, None
    binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    if not Path(binary).exists():
        raise SystemExit(f"no broker answers at {a.host}:{a.port} and mosquitto is not installed")
    port = _free_port()
    conf = Path(tempfile.mkdtemp(prefix="hall-demo-")) / "mosquitto.conf"
    import getpass

    conf.write_text(f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
                    f"max_queued_messages 100000\nset_tcp_nodelay true\nuser {getpass.getuser()}\n")
    proc = subprocess.Popen([binary, "-c", str(conf)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(50):
        if _answers("127.0.0.1", port):
            break
        time.sleep(0.1)
    log.info("started a broker of its own on 127.0.0.1:%d", port)
    return f"mqtt://127.0.0.1:{port}", proc


def _http(method: str, url: str, body: Any = None, token: str | None = None) -> tuple[int, Any]:
    req = urllib.request.Request(url, data=json.dumps(body).encode() if body is not None else None, method=method,
                                 headers={"content-type": "application/json",
                                          **({"authorization": f"Bearer {token}"} if token else {})})
    try:
        with urllib.request.urlopen(req, timeout=10) as r:
            text = r.read().decode()
            return r.status, json.loads(text) if text else None
    except urllib.error.HTTPError as e:
        return e.code, None


class Clerk(threading.Thread):
    """A window that calls, serves for a while and finishes, through the HTTP API."""

    def __init__(self, base: str, window: int, token: str, stop: threading.Event, speed: float) -> None:
        super().__init__(name=f"clerk-{window}", daemon=True)
        self.base, self.window, self.token, self.stop_event, self.speed = base, window, token, stop, speed

    def run(self) -> None:
        _http("POST", f"{self.base}/api/windows/{self.window}/open", token=self.token)
        rng = random.Random(self.window)
        while not self.stop_event.is_set():
            status, _ticket = _http("POST", f"{self.base}/api/windows/{self.window}/call-next", token=self.token)
            if status != 200:
                self.stop_event.wait(2)
                continue
            if rng.random() < 0.05:  # the citizen does not come
                self.stop_event.wait(3 / self.speed)
                _http("POST", f"{self.base}/api/windows/{self.window}/no-show", token=self.token)
                continue
            _http("POST", f"{self.base}/api/windows/{self.window}/start", token=self.token)
            self.stop_event.wait(rng.lognormvariate(2.0, 0.5) / self.speed)
            _http("POST", f"{self.base}/api/windows/{self.window}/finish", token=self.token)


def run_demo(settings: Settings, duration: float, rate_per_min: float, config: Path | None = None,
             windows: bool = True) -> int:
    import uvicorn

    from queue_server.app import create_app
    from queue_server.runtime import HallRuntime
    from queue_server.store import StaffStore

    mqtt_url, broker = start_broker_if_needed(settings.server.mqtt_url)
    server_cfg = settings.server.model_copy(update={"mqtt_url": mqtt_url,  # the simulated kiosk is a kiosk too
                                                    "kiosk_ids": [*settings.server.kiosk_ids, "kiosk-sim"]})
    if server_cfg.database_url == "sqlite:///var/hall.db":
        server_cfg = server_cfg.model_copy(update={"database_url": "sqlite:///var/demo.db"})
    s = with_floating_staff(settings.model_copy(update={"server": server_cfg}))
    runtime = HallRuntime(s)
    runtime.start()
    assert runtime.service is not None
    staff = StaffStore(runtime.store.engine)  # type: ignore[union-attr]
    server = uvicorn.Server(uvicorn.Config(create_app(runtime, manage_runtime=False), host=s.server.http_host,
                                           port=s.server.http_port, log_level="warning", access_log=False))
    threading.Thread(target=server.run, name="http", daemon=True).start()
    base = f"http://{s.server.http_host}:{s.server.http_port}"
    for _ in range(100):
        if _answers(s.server.http_host, s.server.http_port):
            break
        time.sleep(0.1)
    topics = Topics(s.hall.id)
    print(f"{s.hall.name}\n  pages   {base}/  (window caller {base}/window/1, console {base}/console, "
          f"report {base}/report, rating tablet {base}/rate/1: the manager logs in there to pair it)\n"
          f"  API     {base}/docs\n"
          f"  broker  {mqtt_url}  (topics hall/{s.hall.id}/#)\n{logins_text(base, s)}\n", flush=True)
    add_demo_staff(staff, s)
    stop = threading.Event()
    clerks = []
    for name, number in window_clerks(s):
        _, tok = _http("POST", f"{base}/api/auth/login", {"username": name, "password": DEMO_PASSWORD})
        clerks.append(Clerk(base, number, tok["access_token"], stop, speed=1.0))
    watcher = _call_printer(mqtt_url, topics)
    evaluators = _evaluators(mqtt_url, s)
    apps = DemoApps(demo_env(s.hall.id, config_path(config), mqtt_url), Path("var/demo"))
    apps.start(with_windows=windows)
    for c in clerks:
        c.start()
    kiosk = threading.Thread(target=_citizens, args=(mqtt_url, topics, s, rate_per_min, stop), daemon=True)
    kiosk.start()
    try:
        end = time.monotonic() + duration if duration > 0 else float("inf")
        while not stop.wait(min(5.0, max(0.0, end - time.monotonic()))) and time.monotonic() < end:
            apps.check()
    except KeyboardInterrupt:
        print("\nstopping the demo …")
    finally:
        stop.set()
        for ev in evaluators:
            ev.stop()
        apps.stop()
        watcher.loop_stop()
        server.should_exit = True
        time.sleep(0.5)
        runtime.stop()
        if broker is not None:
            broker.terminate()
    return 0


def _evaluators(url: str, s: Settings) -> list[Any]:
    """A simulated 好差评 evaluator at every window: mostly satisfied citizens, a few not."""
    from window_bridge.sim_evaluator import SimulatedEvaluator

    rng = random.Random(11)

    def rate(_req: object) -> int:
        return rng.choices([5, 4, 3, 2, 1], weights=[70, 18, 7, 3, 2])[0]

    out = []
    for w in s.windows:
        out.append(SimulatedEvaluator(url, s.hall.id, w.number, rating=rate, reason="long_wait", delay_s=2.0).start())
    return out


def _call_printer(url: str, topics: Topics) -> mqtt.Client:
    a = BrokerAddress.parse(url)
    c = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"demo-display-{uuid.uuid4().hex[:6]}")

    def on_message(_c: Any, _u: Any, msg: mqtt.MQTTMessage) -> None:
        call = json.loads(msg.payload)
        again = f"（第{call['attempt']}次呼叫）" if call.get("attempt", 1) > 1 else ""
        print(f"{call['at'][11:19]}  请 {call['number']} 号到 {call['window_name']} 办理{again}", flush=True)

    c.on_message = on_message
    c.on_connect = lambda cl, *_: cl.subscribe(topics.calls, qos=1)
    c.connect(a.host, a.port)
    c.loop_start()
    return c


def _citizens(url: str, topics: Topics, s: Settings, rate_per_min: float, stop: threading.Event) -> None:
    """Citizens taking tickets at the kiosk (MQTT RPC), at random with the given mean rate."""
    a = BrokerAddress.parse(url)
    c = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="kiosk-sim")
    c.connect(a.host, a.port)
    c.loop_start()
    rng = random.Random(7)
    items = [i for i in s.items if not i.self_service] or s.items
    while not stop.wait(rng.expovariate(rate_per_min / 60.0)):
        item = rng.choice(items)
        priority = "elderly" if rng.random() < 0.1 else "normal"
        req = {"v": 1, "request_id": str(uuid.uuid4()), "item": item.code, "priority": priority}
        c.publish(topics.device_rpc("kiosk-sim", "issue_ticket"), json.dumps(req), qos=1)
    c.loop_stop()


__all__ = ["run_demo", "start_broker_if_needed"]

"""Fakes of the kiosk's own ports (never of libraries), and a model built from the sample hall.

The gateway port is not faked: it runs the call at once against a real :class:`LocalGateway`
on a temporary SQLite file and posts the answer, as the real worker would.
"""
from __future__ import annotations

import atexit
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from hall_contract.protocol import Board, QueueState, RpcError, RpcReply
from hardware.printer import RecordSlip, TicketSlip
from kiosk import events as ev
from kiosk.citizen import Citizen
from kiosk.gateway import Gateway, GatewayError
from kiosk.gateway.local import LocalGateway
from kiosk.settings import KioskAppSettings as Settings
from kiosk.settings import load_kiosk_settings as load_settings
from kiosk.viewmodels import KioskModel, from_settings

ROOT = Path(__file__).resolve().parents[2]
HALL_TOML = ROOT / "config" / "hall.toml"
TODAY = date(2025, 5, 6)
CN = timezone(timedelta(hours=8))
WANG = Citizen("130102194103121098", "王建国", date(1941, 3, 12), "card", "A26566860")  # 84, PIN 463260
ZHOU = Citizen("130102198305061810", "周丽娜", date(1983, 5, 6), "idcard")  # 42


@dataclass
class FakeLink:
    requests: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    statuses: list[list[str]] = field(default_factory=list)

    def request(self, method: str, payload: dict[str, Any]) -> None:
        self.requests.append((method, dict(payload)))

    def publish_status(self, faults: list[str]) -> None:
        self.statuses.append(list(faults))


@dataclass
class FakePrinter:
    tickets: list[tuple[str, TicketSlip]] = field(default_factory=list)
    records: list[tuple[str, RecordSlip]] = field(default_factory=list)
    checks: int = 0

    def print_ticket(self, job: str, slip: TicketSlip) -> None:
        self.tickets.append((job, slip))

    def print_record(self, job: str, slip: RecordSlip) -> None:
        self.records.append((job, slip))

    def check(self) -> None:
        self.checks += 1


@dataclass
class FakeCard:
    reads: list[bool] = field(default_factory=list)  # whether a PIN came along (never the PIN itself)

    def read(self, pin: str | None = None) -> None:
        self.reads.append(pin is not None)


@dataclass
class FakeSpeaker:
    said: list[str] = field(default_factory=list)

    def say(self, text: str) -> object:
        self.said.append(text)
        return None


class InlineGateway:
    """Runs each call at once against ``gateway`` and posts the outcome to ``model``."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway
        self.model: KioskModel | None = None
        self.calls = 0

    def submit(self, job: str, call: Callable[[Gateway], Any]) -> None:
        assert self.model is not None
        self.calls += 1
        try:
            self.model.post(ev.GatewayAnswered(job, call(self.gateway)))
        except GatewayError as err:
            self.model.post(ev.GatewayFailed(job, err))


@dataclass
class Rig:
    model: KioskModel
    link: FakeLink
    printer: FakePrinter
    card: FakeCard
    speaker: FakeSpeaker
    gateway: LocalGateway
    settings: Settings
    now: float = 1000.0

    def at(self, seconds: float) -> float:
        """Advance the clock by ``seconds`` and pump; answers the new time."""
        self.now += seconds
        self.model.pump(self.now)
        return self.now

    def post(self, *events: ev.Event) -> None:
        for e in events:
            self.model.post(e)
        self.model.pump(self.now)

    def online(self, waiting: int = 3, issuing: bool = True, notice: str | None = None) -> None:
        self.post(ev.LinkChanged(True), ev.ServerStatusChanged(True), ev.BoardReceived(board(waiting, issuing, notice)))

    def reply_ok(self, number: str = "A001", priority: str = "normal", holder: str | None = None,
                 request_id: str | None = None) -> None:
        rid = request_id or self.link.requests[-1][1]["request_id"]
        result = {"number": number, "queue": number[0], "queue_name": "综合受理", "item": "SB-005",
                  "item_name": "基本养老保险待遇申领", "priority": priority, "state": "waiting",
                  "issued_at": "2025-05-06T09:15:02+08:00", "ahead": 4, "predicted_wait_s": 600,
                  "holder": holder, "status_url": f"http://hall.test/t/{number}"}
        self.post(ev.ReplyReceived(RpcReply(request_id=rid, ok=True, result=result)))

    def reply_error(self, code: str, message: str) -> None:
        rid = self.link.requests[-1][1]["request_id"]
        self.post(ev.ReplyReceived(RpcReply(request_id=rid, ok=False, error=RpcError(code=code, message=message))))

    def type_pin(self, pin: str) -> None:
        for d in pin:
            self.model.key(d, self.now)
        self.model.tap_confirm(self.now)
        self.model.pump(self.now)


def board(waiting: int = 3, issuing: bool = True, notice: str | None = None) -> Board:
    queues = [QueueState(code=c, name=n, waiting=waiting, predicted_wait_s=waiting * 300)
              for c, n in (("A", "综合受理"), ("B", "查询出件"), ("C", "大宗业务"))]
    return Board(hall="t", hall_name="测试大厅", at="2025-05-06T09:00:00+08:00", calls=[], queues=queues,
                 issuing=issuing, notice=notice)


def settings_for(tmp: Path, **kiosk: Any) -> Settings:
    env = {f"HALL_KIOSK__{k.upper()}": (str(v).lower() if isinstance(v, bool) else str(v)) for k, v in kiosk.items()}
    env["HALL_KIOSK__GATEWAY_DB"] = str(tmp / "platform.db")
    return load_settings(HALL_TOML, env=env)


_PLATFORM: list[Path] = []


def platform_db(tmp: Path) -> Path:
    """The sample platform database as of ``TODAY`` in ``tmp``: a copy of one built once per test run
    (building it takes a moment; each test changes only its own copy)."""
    if not _PLATFORM:
        folder = Path(tempfile.mkdtemp(prefix="kiosk-platform-"))
        atexit.register(shutil.rmtree, folder, True)
        LocalGateway(folder / "platform.db", as_of=TODAY).open()
        _PLATFORM.append(folder / "platform.db")
    target = tmp / "platform.db"
    shutil.copyfile(_PLATFORM[0], target)
    return target


def make_rig(tmp: Path, **kiosk: Any) -> Rig:
    settings = settings_for(tmp, **kiosk)
    local = LocalGateway(platform_db(tmp), as_of=TODAY)
    local.open()
    link, printer, card, speaker = FakeLink(), FakePrinter(), FakeCard(), FakeSpeaker()
    gateway = InlineGateway(local)
    model = KioskModel(from_settings(settings), link, printer, card, gateway, speaker, today=lambda: TODAY,
                       wall=lambda: datetime(2025, 5, 6, 9, 30, tzinfo=CN))
    gateway.model = model
    return Rig(model, link, printer, card, speaker, local, settings)

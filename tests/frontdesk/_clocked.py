"""The queue server's app in this process on a clock the test moves (a weekday morning in the hall)."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from fastapi.testclient import TestClient

from hall_contract.protocol import Topics
from queue_server.app import create_app
from queue_server.runtime import HallRuntime
from tests.hall_app import HallApp
from tests.peers import Collector

SHANGHAI = ZoneInfo("Asia/Shanghai")
#: a Tuesday in business hours
MORNING = datetime(2026, 12, 1, 9, 30, tzinfo=SHANGHAI)
#: a valid ID number (check digit) of someone born in 1941 (70 or older), and one born in 1985
OLD_ID = "11010119410312001X"
YOUNG_ID = "110101198503120033"
PROXY_ID = "130102198001011232"


class Clock:
    def __init__(self, at: datetime = MORNING) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def move(self, **delta: float) -> None:
        self.at += timedelta(**delta)


class ClockedHall(HallApp):
    """:class:`HallApp` without MQTT, on ``clock``."""

    def __init__(self, app: HallApp, clock: Clock) -> None:
        super().__init__(app.settings, mqtt=app.mqtt)
        self.clock = clock

    def start(self) -> ClockedHall:
        runtime = HallRuntime(self.settings, clock=self.clock)
        if not self.mqtt:
            runtime.start(mqtt=False)
            self.runtime, self.client = runtime, TestClient(create_app(runtime, manage_runtime=False))
            self.client.__enter__()
            return self
        seen = Collector(self.settings.server.mqtt_url,
                         (Topics(self.hall_id).device_status(self.settings.server.device_id),))
        try:
            self.runtime, self.client = runtime, TestClient(create_app(runtime))
            self.client.__enter__()
            assert seen.wait_for(lambda ms: any(b'"online"' in p and not r for _, p, r, _ in ms), 10), \
                "the server did not come online on the broker"
        finally:
            seen.close()
        return self

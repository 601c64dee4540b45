"""The kiosk checks a booking in over MQTT (``rpc/appointment_checkin``) by the card it read (its holder
reference: the ID number never travels) or by the booking code."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from queue_server.frontdesk.citizens import hall_salt, holder_ref
from tests.frontdesk._clocked import MORNING, OLD_ID, YOUNG_ID, Clock, ClockedHall
from tests.hall_app import HallApp
from tests.peers import Broker, Collector

DAY = MORNING.date().isoformat()


@pytest.fixture
def mqtt_hall(tmp_path: Path, broker: Broker) -> Iterator[ClockedHall]:
    hall = ClockedHall(HallApp.on(tmp_path, mqtt_url=broker.url), Clock()).start()
    yield hall
    hall.stop()


@pytest.mark.timeout(60)
def test_the_kiosk_checks_in_by_card_and_by_code(mqtt_hall: ClockedHall, broker: Broker) -> None:
    hall = mqtt_hall
    boss = hall.staff("boss", "manager")
    hall.api("PUT", "/api/appointments/slots", {"date": DAY, "start": "09:45", "end": "10:15", "queue": "B",
                                                "capacity": 5}, token=boss)
    by_card = hall.api("POST", "/api/appointments", {"date": DAY, "start": "09:45", "queue": "B",
                                                     "id_number": YOUNG_ID})[1]
    by_code = hall.api("POST", "/api/appointments", {"date": DAY, "start": "09:45", "queue": "B",
                                                     "id_number": OLD_ID})[1]
    topic = f"hall/{hall.hall_id}/"
    sub = Collector(broker.url, (topic + "reply/kiosk-1",))
    try:
        ref = holder_ref(YOUNG_ID, hall_salt("", hall.hall_id))  # what the kiosk computes from the card
        for rid, args in (("c1", {"holder_ref": ref}), ("c2", {"code": by_code["code"]}),
                          ("c3", {"code": "00000000"})):
            sub.publish(topic + "rpc/appointment_checkin", json.dumps(
                {"v": 1, "request_id": rid, "reply_to": topic + "reply/kiosk-1", "source": "kiosk-1", **args}))
        replies = {r["request_id"]: r for r in sub.wait_topic(topic + "reply/kiosk-1", count=3)}
    finally:
        sub.close()
    assert replies["c1"]["ok"] and replies["c1"]["result"]["ticket"]["priority"] == "appointment"
    assert replies["c1"]["result"]["on_time"] and replies["c1"]["result"]["ticket"]["number"] == "B001"
    assert replies["c2"]["ok"] and replies["c2"]["result"]["ticket"]["number"] == "B002"
    assert not replies["c3"]["ok"] and replies["c3"]["error"]["code"] == "checkin_refused"
    assert "没有找到今天的预约" in replies["c3"]["error"]["message"]
    states = {b["code"]: (b["state"], b["ticket"]) for b in hall.api("GET", "/api/appointments", token=boss)[1]
              ["bookings"]}
    assert states == {by_card["code"]: ("checked_in", "B001"), by_code["code"]: ("checked_in", "B002")}

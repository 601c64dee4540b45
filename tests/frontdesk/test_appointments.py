"""预约: slots with a capacity, bookings with a code, check-in around the slot, missed bookings in the
day's figures, and the provincial platform's CSV import."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from subprocess import CompletedProcess

import pytest

from tests.frontdesk._clocked import MORNING, OLD_ID, PROXY_ID, YOUNG_ID, ClockedHall
from tests.hall_app import HallApp
from tests.peers import ServerProcess

DAY = MORNING.date().isoformat()


def _at(hall: ClockedHall, hhmm: str) -> None:
    h, m = (int(x) for x in hhmm.split(":"))
    hall.clock.at = MORNING.replace(hour=h, minute=m)


def test_check_in_within_the_window_gives_appointment_priority_and_late_does_not(desk_hall: ClockedHall) -> None:
    hall = desk_hall
    boss, guide = hall.staff("boss", "manager"), hall.staff("guide1", "guide")
    _at(hall, "08:50")
    for start, end, target, cap in (("09:00", "09:30", {"queue": "A"}, 3), ("10:00", "10:30", {"queue": "A"}, 2),
                                    ("10:30", "11:00", {"item": "SB-003"}, 1)):
        st, slot = hall.api("PUT", "/api/appointments/slots", {"date": DAY, "start": start, "end": end,
                                                               "capacity": cap, **target}, token=boss)
        assert st == 200 and slot["free"] == cap, slot
    assert hall.api("PUT", "/api/appointments/slots", {"date": DAY, "start": "11:00", "end": "11:30", "queue": "A",
                                                       "capacity": 1}, token=guide)[0] == 403

    def book(start: str, id_number: str, **target: str) -> dict[str, str]:
        st, b = hall.api("POST", "/api/appointments", {"date": DAY, "start": start, "id_number": id_number,
                                                        "name": "赵六", **(target or {"queue": "A"})})
        assert st == 201, b
        return b

    late = book("09:00", PROXY_ID)
    on_time, missed = book("10:00", YOUNG_ID), book("10:00", OLD_ID)
    by_card = book("10:30", YOUNG_ID, item="SB-003")
    assert on_time["holder"] == "赵*" and on_time["holder_id"] == "1101**********0033" and len(on_time["code"]) == 8
    far = (MORNING + timedelta(days=31)).date().isoformat()
    st, err = hall.api("POST", "/api/appointments", {"date": far, "start": "09:00", "queue": "A", "id_number": OLD_ID})
    assert (st, err["error"]["code"]) == (409, "too_far_ahead")
    # the form of a field is the schema's (422); a rule the schema cannot say is a 409 with its code
    past = (MORNING - timedelta(days=1)).date().isoformat()
    for body, answer in (({"date": past, "id_number": OLD_ID}, (409, "past_day")),
                         ({"date": DAY, "id_number": OLD_ID[:17] + "9"}, (409, "invalid_citizen")),
                         ({"date": DAY, "id_number": "11010119"}, (422, "validation_error"))):
        st, err = hall.api("POST", "/api/appointments", {"start": "09:00", "queue": "A", **body})
        assert (st, err["error"]["code"]) == answer, err
    st, err = hall.api("PUT", "/api/appointments/slots", {"date": DAY, "start": "11:00", "end": "10:30",
                                                          "queue": "A", "capacity": 1}, token=boss)
    assert (st, err["error"]["code"]) == (409, "invalid_slot")
    assert hall.api("GET", "/api/appointments/slots?date=2999-01-01")[1]["slots"] == []  # nothing made for it
    st, err = hall.api("POST", "/api/appointments", {"date": DAY, "start": "10:00", "queue": "A",
                                                     "id_number": PROXY_ID})
    assert (st, err["error"]["code"]) == (409, "slot_full")
    slots = hall.api("GET", f"/api/appointments/slots?date={DAY}")[1]["slots"]
    assert [(s["start"], s["queue"], s["item"], s["capacity"], s["free"]) for s in slots] == [
        ("09:00", "A", None, 3, 2), ("09:30", "B", None, 6, 6), ("10:00", "A", None, 2, 0),  # the config's, changed
        ("10:30", "A", "SB-003", 1, 0), ("14:00", "A", None, 4, 4)]

    gone = hall.api("POST", "/api/appointments", {"date": DAY, "start": "09:00", "queue": "A", "id_number": OLD_ID})
    assert gone[0] == 201
    st, c = hall.api("POST", f"/api/appointments/{gone[1]['code']}/cancel")
    assert st == 200 and c["state"] == "cancelled"
    assert hall.api("POST", f"/api/appointments/{gone[1]['code']}/cancel")[1]["error"]["code"] == "not_cancellable"

    _at(hall, "09:20")  # too early for 10:00 (check-in opens 30 minutes before)
    st, err = hall.api("POST", "/api/appointments/checkin", {"code": on_time["code"]})
    assert (st, err["error"]["code"]) == (409, "too_early") and "09:30" in err["error"]["message"]
    hall.api("POST", "/api/tickets", {"queue": "A"})  # A001, a stranger's normal ticket

    _at(hall, "09:40")
    st, c = hall.api("POST", "/api/appointments/checkin", {"code": on_time["code"].lower()})
    assert st == 200, c
    assert c["on_time"] and c["ticket"]["priority"] == "appointment" and c["ticket"]["ahead"] == 0
    st, again = hall.api("POST", "/api/appointments/checkin", {"code": on_time["code"]})  # once: the same ticket
    assert st == 200 and again["ticket"]["number"] == c["ticket"]["number"] and "已签到" in again["message"]
    assert hall.api("POST", "/api/appointments/checkin", {"code": "00000000"})[0] == 404

    st, c = hall.api("POST", "/api/appointments/checkin", {"code": late["code"]})  # 09:00 + 15 min has passed
    assert st == 200 and not c["on_time"] and c["ticket"]["priority"] == "normal"
    assert "普通号" in c["message"] and c["booking"]["state"] == "late"

    _at(hall, "10:20")  # 10:00 + 15 min: the one not checked in is missed; 10:30 opens at 10:00
    assert hall.api("POST", "/api/appointments/checkin/id", {"id_number": YOUNG_ID})[0] == 401
    st, c = hall.api("POST", "/api/appointments/checkin/id", {"id_number": YOUNG_ID}, token=guide)
    assert st == 200 and c["on_time"] and c["ticket"]["item"] == "SB-003", c
    st, day = hall.api("GET", f"/api/stats/daily?date={DAY}", token=boss)
    assert st == 200
    assert day["appointments"] == {"booked": 4, "checked_in": 2, "late": 1, "missed": 1, "pending": 0,
                                   "cancelled": 1}
    st, listed = hall.api("GET", "/api/appointments", token=guide)
    assert {b["code"]: b["state"] for b in listed["bookings"]} == {
        late["code"]: "late", on_time["code"]: "checked_in", missed["code"]: "missed", by_card["code"]: "checked_in",
        gone[1]["code"]: "cancelled"}


CSV = """预约编号,日期,时间,队列,事项,姓名,证件号码
HB-2026-0001,{day},09:00,A,,张三,{a}
HB-2026-0002,{day},9:30,,SB-003,李四,{b}
HB-2026-0003,{day},09:30,,SB-003,,{c}
HB-2026-0004,{day},09:30,A,,王五,130102198001011234
"""


@pytest.mark.timeout(90)
def test_the_provincial_platforms_bookings_are_imported_once(
        server: ServerProcess, hallctl: Callable[..., CompletedProcess[str]], tmp_path: Path) -> None:
    day = (datetime.now() + timedelta(days=1)).date().isoformat()
    f = tmp_path / "bookings.csv"
    f.write_text(CSV.format(day=day, a=OLD_ID, b=YOUNG_ID, c=PROXY_ID), encoding="utf-8-sig")
    r = hallctl("appointments", "import", str(f), env=server.env)
    assert r.returncode == 1, r.stdout + r.stderr  # one row's ID number is wrong: said, the others are in
    assert "imported 3, skipped 0" in r.stdout and "line 5:" in r.stderr and "校验位" in r.stderr
    r = hallctl("appointments", "import", str(f), env=server.env)
    assert "imported 0, skipped 3" in r.stdout
    guide = server.staff("guide1", "guide")
    st, listed = server.api("GET", f"/api/appointments?date={day}", token=guide)
    assert st == 200
    got = sorted(((b["start"], b["queue"], b["item"], b["holder"], b["holder_id"], b["source"], b["ext_ref"])
                  for b in listed["bookings"]), key=lambda b: b[-1])
    assert got == [("09:00", "A", None, "张*", "1101**********001X", "province", "HB-2026-0001"),
                   ("09:30", "A", "SB-003", "李*", "1101**********0033", "province", "HB-2026-0002"),
                   ("09:30", "A", "SB-003", None, "1301**********1232", "province", "HB-2026-0003")]
    slots = server.api("GET", f"/api/appointments/slots?date={day}")[1]["slots"]
    made = [(s["start"], s["end"], s["queue"], s["item"], s["booked"]) for s in slots if s["booked"]]
    assert made == [("09:00", "09:30", "A", None, 1), ("09:30", "10:00", "A", "SB-003", 2)]
    assert OLD_ID not in (Path(server.env["HALL_DATABASE_URL"].removeprefix("sqlite:///"))).read_bytes().decode(
        "latin-1")


def test_a_stranger_cannot_fill_the_slots(tmp_path: Path) -> None:
    """Booking needs no token, so each address gets the anonymous allowance; then 429 with Retry-After."""
    app = HallApp.on(tmp_path, HALL_SERVER__ANONYMOUS_ISSUE_BURST="3", HALL_SERVER__ANONYMOUS_ISSUE_PER_MINUTE="1")
    app.start()
    try:
        answers = [app.api("POST", "/api/appointments/checkin", {"code": f"{n:08d}"})[0] for n in range(5)]
        assert answers[:3] == [404] * 3 and answers[3:] == [429, 429], answers
        st, err = app.api("POST", "/api/appointments", {"date": "2030-01-01", "start": "09:00", "queue": "A",
                                                         "id_number": YOUNG_ID})
        assert st == 429 and err["error"]["code"] == "rate_limited"
    finally:
        app.stop()

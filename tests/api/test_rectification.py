"""整改 (第五十四条) through the HTTP API: a negative rating gets its owner and a due date 5 working days out,
becomes overdue after them across a weekend and a holiday, is extended only with a manager's approval, is
closed with the feedback given; complaints follow the same path with the contact masked; the closure rate."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.api._clocked import ClockedHall, clocked_hall
from tests.waiting import eventually

TZ = ZoneInfo("Asia/Shanghai")


def rated_badly(hall: ClockedHall, clerk: str, tablet: str) -> None:
    """A visit at window 1 served by ``clerk`` and rated 非常不满意 on the window's paired ``tablet``."""
    assert hall.api("POST", "/api/windows/1/open", None, clerk)[0] == 200
    assert hall.api("POST", "/api/tickets", {"queue": "A"})[0] in (200, 201)
    for step in ("call-next", "start", "finish"):
        status, body = hall.api("POST", f"/api/windows/1/{step}", None, clerk)
        assert status == 200, body
    eventually(lambda: hall.api("GET", "/api/evaluations/1", tablet=tablet)[1]["pending"],
               what="the tablet is asked for a rating")
    status, body = hall.api("POST", "/api/evaluations/1/result", {"rating": 1, "reason": "rude",
                                                                   "text": "工作人员态度冷淡", "phone": "13900001234"},
                            tablet=tablet)
    assert status == 201, body


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=[pytest.mark.peer, pytest.mark.postgres])])
def db(request: pytest.FixtureRequest) -> str | None:
    return request.getfixturevalue("pg_url") if request.param == "postgres" else None


def test_a_negative_rating_is_overdue_after_5_working_days_across_a_weekend_and_a_holiday(tmp_path: Path,
                                                                                         db: str | None) -> None:
    # Thursday 2026-12-31; 2027-01-01 is a holiday in the sample hall, the 2nd and 3rd a weekend
    with clocked_hall(tmp_path, datetime(2026, 12, 31, 10, 0, tzinfo=TZ), db) as hall:
        wang, boss = hall.staff("wang", "clerk", 1), hall.staff("boss", "manager")
        rated_badly(hall, wang, hall.tablet(1, boss))
        status, body = hall.api("GET", "/api/rectifications", None, boss)
        assert status == 200 and len(body["cases"]) == 1
        case = body["cases"][0]
        assert (case["kind"], case["owner"], case["window"], case["state"]) == ("rating", "wang", 1, "open")
        assert case["due"] == "2027-01-08" and case["overdue"] is False  # Mon 4th .. Fri 8th
        # what the citizen left on the tablet: the words, and the phone for the call back (masked)
        assert (case["summary"], case["contact"]) == ("工作人员态度冷淡", "139****1234")

        hall.clock.now = datetime(2027, 1, 8, 16, 59, tzinfo=TZ)
        assert hall.api("GET", "/api/rectifications", None, boss)[1]["cases"][0]["overdue"] is False
        hall.clock.now = datetime(2027, 1, 11, 9, 0, tzinfo=TZ)
        body = hall.api("GET", "/api/rectifications?open=true", None, wang)[1]  # the owner sees it too
        assert body["overdue"] == 1 and body["cases"][0]["overdue"] is True

        # an extension needs a named approver who is a manager, and a later date
        cid = case["id"]
        status, err = hall.api("POST", f"/api/rectifications/{cid}/extend", {"due": "2027-01-15"}, wang)
        assert status == 422 and "approver" in err["error"]["message"]
        status, err = hall.api("POST", f"/api/rectifications/{cid}/extend",
                               {"due": "2027-01-15", "approver": "wang"}, wang)
        assert (status, err["error"]["code"]) == (409, "approver_not_manager")
        status, ext = hall.api("POST", f"/api/rectifications/{cid}/extend",
                               {"due": "2027-01-15", "approver": "boss", "reason": "需调取监控核实"}, wang)
        assert status == 200, ext
        assert (ext["due"], ext["extended_by"], ext["overdue"]) == ("2027-01-15", "boss", False)

        # closed by the owner with the feedback given; an auditor may read but not close
        auditor = hall.staff("audit1", "auditor")
        assert hall.api("POST", f"/api/rectifications/{cid}/close", {"feedback": "x"}, auditor)[0] == 403
        status, done = hall.api("POST", f"/api/rectifications/{cid}/close",
                                {"feedback": "已致电群众致歉，窗口人员已批评教育"}, wang)
        assert status == 200 and done["state"] == "done" and done["feedback"].startswith("已致电")
        rating = hall.api("GET", "/api/ratings?date=2026-12-31&negative=true", None, boss)[1][0]
        assert (rating["follow_up"], rating["follow_up_note"]) == ("done", "已致电群众致歉，窗口人员已批评教育")

        # a complaint follows the same path; its contact is shown masked
        status, comp = hall.api("POST", "/api/rectifications/complaints",
                                {"summary": "窗口人员态度生硬", "window": 1, "contact": "13812345678"}, boss)
        assert status == 201, comp
        assert (comp["kind"], comp["owner"], comp["contact"], comp["due"]) == (
            "complaint", "wang", "138****5678", "2027-01-18")

        status, rep = hall.api("GET", "/api/rectifications/report?from=2026-12-01&to=2027-01-31", None, auditor)
        assert status == 200, rep
        assert {k: rep[k] for k in ("opened", "closed", "closed_on_time", "open", "extended", "on_time_rate")} == {
            "opened": 2, "closed": 1, "closed_on_time": 1, "open": 1, "extended": 1, "on_time_rate": 0.5}

        # the contact is kept only as long as personal data is (90 days in the sample hall)
        hall.clock.now = datetime(2027, 4, 12, 9, 0, tzinfo=TZ)
        hall.runtime.service.tick()  # the new day: the server's purge of personal data runs
        later = hall.api("GET", "/api/rectifications", None, boss)[1]["cases"]
        assert [c["contact"] for c in later] == [None, None]  # the tablet's phone too (the ratings' own purge)

        audit = hall.runtime.store.audit_rows(20)
        ext_row = next(r for r in audit if r["action"] == "rectification_extend")
        assert "boss" in ext_row["detail"] and "2027-01-15" in ext_row["detail"]

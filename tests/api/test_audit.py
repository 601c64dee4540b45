"""The audit trail through the HTTP API: only the admin and the auditor read it; filters by time, actor, ticket
and window; the CSV export never hands a spreadsheet a formula."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from pathlib import Path

from queue_server.audit_log import plain_cell
from tests.hall_app import HallApp


def test_a_cell_that_would_run_as_a_formula_is_made_plain_text() -> None:
    for risky in ("=1+1", "+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "＝1+1"):
        assert plain_cell(risky) == "'" + risky
    assert plain_cell("staff:wang") == "staff:wang" and plain_cell(7) == "7" and plain_cell(None) == ""
    assert plain_cell({"a": 1}) == '{"a": 1}'


def test_the_auditor_searches_the_trail_and_exports_it(tmp_path: Path) -> None:
    hall = HallApp.on(tmp_path).start()
    try:
        wang, boss = hall.staff("wang", "clerk", 1), hall.staff("boss", "manager")
        auditor, admin = hall.staff("audit1", "auditor"), hall.staff("root1", "admin")
        for _ in range(2):
            assert hall.api("POST", "/api/tickets", {"queue": "A"})[0] == 201
        assert hall.api("POST", "/api/windows/1/open", None, wang)[0] == 200
        assert hall.api("POST", "/api/windows/1/call-next", None, wang)[1]["number"] == "A001"
        assert hall.api("PUT", "/api/hall/issuing", {"issuing": False, "reason": "网络故障"}, boss)[0] == 200
        store = hall.runtime.store
        with store.transaction() as conn:  # whatever a writer put there, the export must not run it
            store.audit(conn, "@evil", "issue", '=HYPERLINK("http://x.example","点我")', {"note": "=1+1"})

        # who may read
        assert hall.api("GET", "/api/audit")[0] == 401
        for token in (wang, boss):
            assert hall.api("GET", "/api/audit", None, token)[0] == 403
        assert hall.api("GET", "/api/audit", None, admin)[0] == 200

        status, body = hall.api("GET", "/api/audit", None, auditor)
        assert status == 200 and len(body["rows"]) >= 5 and body["more"] is False
        assert [r["id"] for r in body["rows"]] == sorted((r["id"] for r in body["rows"]), reverse=True)

        mine = hall.api("GET", "/api/audit?actor=wang", None, auditor)[1]["rows"]
        assert {r["actor"] for r in mine} == {"staff:wang"}
        assert [r["action"] for r in mine] == ["call_next", "open_window"]

        a001 = hall.api("GET", "/api/audit?ticket=a001", None, auditor)[1]["rows"]
        assert [r["action"] for r in a001] == ["call_next", "issue"]
        at_1 = hall.api("GET", "/api/audit?window=1", None, auditor)[1]["rows"]
        assert [r["action"] for r in at_1] == ["call_next", "open_window"]

        stop = hall.api("GET", "/api/audit?actor=boss", None, auditor)[1]["rows"]
        assert stop[0]["action"] == "stop_issuing" and stop[0]["detail"]["reason"] == "网络故障"

        today = date.fromisoformat(hall.api("GET", "/api/hall")[1]["hall"]["day"])
        tomorrow = (today + timedelta(days=1)).isoformat()
        assert hall.api("GET", f"/api/audit?from={tomorrow}", None, auditor)[1]["rows"] == []
        assert len(hall.api("GET", f"/api/audit?from={today}&to={today}", None, auditor)[1]["rows"]) >= 5
        page = hall.api("GET", "/api/audit?limit=2", None, auditor)[1]
        assert len(page["rows"]) == 2 and page["more"] is True

        bad = hall.api("GET", "/api/audit?from=yesterday", None, auditor)
        assert bad[0] == 422 and bad[1]["error"]["code"] == "validation_error"
        assert hall.api("GET", "/api/audit?ticket=;DROP", None, auditor)[0] == 422

        status, text = hall.api("GET", "/api/audit.csv?actor=evil", None, auditor)
        assert status == 200
        rows = list(csv.reader(io.StringIO(text)))
        assert rows[0] == ["id", "at", "actor", "action", "subject", "detail"]
        assert rows[1][2:5] == ["'@evil", "issue", "'=HYPERLINK(\"http://x.example\",\"点我\")"]
        full = list(csv.reader(io.StringIO(hall.api("GET", "/api/audit.csv", None, admin)[1])))
        assert len(full) == 1 + len(body["rows"])  # the header and every row, oldest first
        assert [int(r[0]) for r in full[1:]] == sorted(r["id"] for r in body["rows"])
        assert hall.api("GET", "/api/audit.csv", None, boss)[0] == 403
    finally:
        hall.stop()

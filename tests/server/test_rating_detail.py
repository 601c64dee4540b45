"""A poor rating's details: bounded, cleaned input; the phone masked for staff; blanked after retention."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from queue_server.rating_detail import DetailError, clean_phone, clean_reasons, clean_text, mask_phone
from queue_server.store.retention import purge_personal_data
from tests.hall_app import HallApp
from tests.waiting import eventually


def test_text_is_cleaned_and_bounded() -> None:
    assert clean_text("  太慢\x00了\u202e\r\n\t请改进  ") == "太慢了 请改进"
    assert clean_text("\x07\x1b") is None
    assert len(clean_text("慢" * 1000) or "") == 200


@pytest.mark.parametrize(("raw", "digits", "masked"), [
    ("138 1234 5678", "13812345678", "138****5678"), ("+86-139-0000-1111", "13900001111", "139****1111"),
    ("0311-87654321", "031187654321", "0311-****4321"), ("010 12345678", "01012345678", "010-****5678")])
def test_phones_are_checked_and_masked(raw: str, digits: str, masked: str) -> None:
    assert clean_phone(raw) == digits
    assert mask_phone(digits) == masked


@pytest.mark.parametrize("raw", ["12345678901", "1381234567", "abc", "0311-123", "=1+1"])
def test_bad_phones_are_refused(raw: str) -> None:
    with pytest.raises(DetailError):
        clean_phone(raw)


def test_reasons_must_be_offered() -> None:
    assert clean_reasons(["rude", "rude", "slow"], ["rude", "slow"]) == ["rude", "slow"]
    with pytest.raises(DetailError):
        clean_reasons(["nonsense"], ["rude"])


def test_the_api_stores_masks_and_purges(tmp_path: Path) -> None:
    app = HallApp.on(tmp_path).start()
    try:
        wang, boss = app.staff("wang", "clerk", 1), app.staff("boss", "manager")
        for _ in range(2):
            app.api("POST", "/api/tickets", {"queue": "A"})
        app.api("POST", "/api/windows/1/open", token=wang)
        app.api("POST", "/api/windows/1/call-next", token=wang)
        app.api("POST", "/api/windows/1/finish", token=wang)
        code = app.api("POST", "/api/evaluations/1/pairing", {}, token=boss)[1]["code"]
        tablet = app.api("POST", "/api/evaluations/1/pair", {"code": code})[1]["tablet_token"]
        eventually(lambda: app.api("GET", "/api/evaluations/1", tablet=tablet)[1]["pending"] is not None)
        tid = app.api("GET", "/api/evaluations/1", tablet=tablet)[1]["pending"]["ticket_id"]
        for body, code in [({"phone": "123"}, "validation_error"), ({"reasons": ["nope"]}, "unknown_reason"),
                           ({"reasons": ["rude"] * 7}, None), ({"text": "x" * 1001}, None)]:
            status, err = app.api("POST", "/api/evaluations/1/result", {"rating": 1, "ticket_id": tid, **body},
                                  tablet=tablet)
            assert status == 422 and (code is None or err["error"]["code"] == code), err
        status, out = app.api("POST", "/api/evaluations/1/result", {
            "rating": 1, "ticket_id": tid, "reasons": ["slow", "error"], "text": "等了\x00很久" + "！" * 300,
            "phone": "13812345678"}, tablet=tablet)
        assert status == 201, out
        assert (out["reason"], out["reasons"], out["dimensions"], out["phone_masked"]) == \
            ("slow", ["slow", "error"], ["efficiency", "quality"], "138****5678")
        assert out["text"].startswith("等了很久！") and len(out["text"]) == 200
        assert app.runtime is not None and app.runtime.store is not None
        audit = app.runtime.store.audit_rows(5)
        assert any(a["action"] == "rating" and "138****5678" in a["detail"] and "13812345678" not in a["detail"]
                   for a in audit)
        assert app.api("GET", f"/api/ratings/{out['id']}/callback", token=boss)[1]["phone"] == "13812345678"
        assert app.runtime.store.audit_rows(1)[0]["action"] == "callback_phone_read"
        later = datetime.now(UTC) + timedelta(days=200)
        purge_personal_data(app.runtime.store.engine, later.date(), 90, later)
        status, rows = app.api("GET", "/api/ratings?negative=true", token=boss)
        assert (rows[0]["text"], rows[0]["phone_masked"], rows[0]["reasons"]) == (None, None, ["slow", "error"])
        assert app.api("GET", f"/api/ratings/{out['id']}/callback", token=boss)[0] == 404
    finally:
        app.stop()


def test_an_evaluator_device_sends_reasons_by_dimension(hall_app: HallApp) -> None:
    from window_bridge.sim_evaluator import SimulatedEvaluator

    evaluator = SimulatedEvaluator(hall_app.mqtt_url, hall_app.hall_id, window=1, rating=1,
                                   reasons=["away", "bogus", "error"]).start()
    try:
        wang, boss = hall_app.staff("wang", "clerk", 1), hall_app.staff("boss", "manager")
        hall_app.api("POST", "/api/tickets", {"queue": "A"})
        hall_app.api("POST", "/api/windows/1/open", token=wang)
        hall_app.api("POST", "/api/windows/1/call-next", token=wang)
        hall_app.api("POST", "/api/windows/1/finish", token=wang)
        eventually(lambda: bool(hall_app.api("GET", "/api/ratings?negative=true", token=boss)[1]))
        (row,) = hall_app.api("GET", "/api/ratings?negative=true", token=boss)[1]
        assert (row["rating"], row["reason"], row["reasons"], row["dimensions"], row["source"]) == \
            (1, "away", ["away", "error"], ["efficiency", "quality"], "evaluator:1")
    finally:
        evaluator.stop()

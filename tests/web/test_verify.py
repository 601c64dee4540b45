"""``/verify/{code}`` on the real server: a kiosk registers a printed document over its MQTT RPC, and the
page answers valid with the holder masked; unknown, mistyped and malformed codes are not valid (never a
500); a client asking too often is told to wait (429)."""
from __future__ import annotations

import json
import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from hardware.document.verification import grouped, new_code
from queue_server.web.verify import RateLimit
from tests.hall_app import HallApp
from tests.peers import Broker, Collector

ISSUED = datetime(2026, 3, 12, 10, 15, tzinfo=ZoneInfo("Asia/Shanghai"))


def register(hall_app: HallApp, broker: Broker, source: str = "kiosk-1", **over: Any) -> dict[str, Any]:
    hall = hall_app.hall_id
    args = {"v": 1, "request_id": str(uuid.uuid4()), "reply_to": f"hall/{hall}/reply/{source}", "source": source,
            "code": new_code(), "kind": "certificate", "holder": "王*", "id_masked": "1301**********1098",
            "insurances": ["pension", "medical"], "first_month": "2003-01", "last_month": "2025-12", "pages": 7,
            "issued_at": ISSUED.isoformat(), **over}
    sub = Collector(broker.url, (f"hall/{hall}/reply/{source}",))
    try:
        sub.publish(f"hall/{hall}/rpc/register_document", json.dumps(args))
        reply: dict[str, Any] = sub.wait_topic(f"hall/{hall}/reply/{source}")[-1]
    finally:
        sub.close()
    return {"request": args, "reply": reply}


def test_a_registered_document_is_valid_with_its_holder_masked(hall_app: HallApp, broker: Broker) -> None:
    done = register(hall_app, broker)
    code = done["request"]["code"]
    assert done["reply"]["ok"], done["reply"]
    status, page = hall_app.api("GET", f"/verify/{code}")
    assert status == 200
    for shown in ("核验通过", "社会保险参保缴费证明（个人）", "王*", "1301**********1098", "2026-03-12 10:15",
                  "企业职工基本养老保险、职工基本医疗保险", grouped(code), hall_app.settings.hall.name):
        assert shown in page, shown
    # typed off the paper: dashes, lower case
    status, page = hall_app.api("GET", f"/verify/{grouped(code).lower()}")
    assert status == 200 and "核验通过" in page
    status, page = hall_app.api("GET", f"/verify/{code}?lang=en")
    assert status == 200 and "Valid" in page


def test_a_code_typed_off_the_paper(hall_app: HallApp, broker: Broker) -> None:
    done = register(hall_app, broker)
    code = done["request"]["code"]
    status, page = hall_app.api("GET", "/verify")
    assert status == 200 and "请输入证明上的核验码" in page and 'name="code"' in page
    assert hall_app.client is not None
    r = hall_app.client.get("/verify", params={"code": f" {grouped(code).lower()} "}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/verify/{grouped(code).lower()}"
    assert "核验通过" in hall_app.client.get(r.headers["location"]).text


def test_unknown_and_malformed_codes_are_not_valid(hall_app: HallApp) -> None:
    for code in (new_code(), "0000000000000000", "x" * 64, "%E7%8E%8B", "'--"):
        status, page = hall_app.api("GET", f"/verify/{code}")
        assert status == 404 and "核验未通过" in page, code
    status, _ = hall_app.api("GET", "/verify/" + "A" * 300)
    assert status in (404, 422) and status != 500


def test_only_the_kiosk_registers_and_never_an_unmasked_holder(hall_app: HallApp, broker: Broker) -> None:
    stranger = register(hall_app, broker, source="display-1")
    assert not stranger["reply"]["ok"] and stranger["reply"]["error"]["code"] == "not_a_kiosk"
    unmasked = register(hall_app, broker, holder="王小明")
    assert not unmasked["reply"]["ok"] and unmasked["reply"]["error"]["code"] == "invalid_request"
    for done in (stranger, unmasked):
        assert hall_app.api("GET", f"/verify/{done['request']['code']}")[0] == 404
    again = register(hall_app, broker)  # the same request retried: one document, the first answer
    hall = hall_app.hall_id
    sub = Collector(broker.url, (f"hall/{hall}/reply/kiosk-1",))
    try:
        sub.publish(f"hall/{hall}/rpc/register_document", json.dumps(again["request"]))
        assert sub.wait_topic(f"hall/{hall}/reply/kiosk-1")[-1]["ok"]
    finally:
        sub.close()


def test_too_many_checks_from_one_client_are_refused(hall_app: HallApp) -> None:
    assert hall_app.client is not None
    hall_app.client.app.state.verify_limit = RateLimit(limit=3, window_s=60)  # type: ignore[attr-defined]
    statuses = [hall_app.api("GET", f"/verify/{new_code()}")[0] for _ in range(5)]
    assert statuses == [404, 404, 404, 429, 429]


def test_the_limit_forgets_old_requests() -> None:
    limit = RateLimit(limit=2, window_s=10, clients=2)
    assert limit.allow("a", 0) and limit.allow("a", 1) and not limit.allow("a", 2)
    assert limit.allow("a", 11.5)
    for client in ("b", "c", "d"):
        limit.allow(client, 12)
    assert len(limit._seen) == 2


def test_links_on_paper_use_the_public_url_or_an_address_a_phone_can_reach() -> None:
    from hallctl.doctor import public_url_check
    from queue_server.settings import load_settings
    from tests.peers import ROOT

    def settings(**env: str) -> object:
        return load_settings(ROOT / "config" / "hall.toml", env=env)

    public = settings(HALL_PUBLIC_URL="http://hall.example.cn:8080/")
    assert public.status_url() == "http://hall.example.cn:8080/t/{number}"  # type: ignore[attr-defined]
    assert public_url_check(public)[1]
    listening = settings(HALL_HTTP_HOST="192.168.10.5", HALL_HTTP_PORT="8088")
    assert listening.status_url() == "http://192.168.10.5:8088/t/{number}"  # type: ignore[attr-defined]
    local = settings(HALL_HTTP_HOST="0.0.0.0")
    _, ok, detail = public_url_check(local)
    assert not ok and "127.0.0.1" in detail and "HALL_PUBLIC_URL" in detail


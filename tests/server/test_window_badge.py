"""亮牌 on the retained window topic: the clerk's display name and staff number, never the login name
(every device on the broker reads ``windows/{n}/state``)."""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from hall_contract.protocol import Topics, WindowState
from queue_server.frontdesk.badges import Badges
from queue_server.frontdesk.profiles import ProfileStore
from queue_server.mqtt.publisher import StatePublisher, window_payload
from queue_server.service import Actor, HallService
from tests.server.test_service import TZ, Clock, RecordingLink, service

ZHANG = Actor.staff("zhangmin", "clerk", 1)
LIU = Actor.staff("liuqiang", "clerk", 2)


@pytest.fixture
def svc(tmp_path: Path) -> HallService:
    return service(tmp_path, Clock(datetime(2026, 3, 2, 9, 0, tzinfo=TZ)), HALL_SERVER__PUBLISH_INTERVAL_S="0")


def test_the_window_topic_carries_the_badge_not_the_login(svc: HallService) -> None:
    ProfileStore(svc.store.engine).set("zhangmin", display_name="张敏", staff_no="HB0301")
    link, topics = RecordingLink(), Topics(svc.settings.hall.id)
    publisher = StatePublisher(svc, link, topics, Badges(svc.store.engine).badge)  # type: ignore[arg-type]
    publisher.start()
    try:
        svc.open_window(1, ZHANG, clerk=ZHANG.clerk)
        svc.open_window(2, LIU, clerk=LIU.clerk)  # no staff record: no name shown, and still no login
    finally:
        publisher.stop()
    one, two = link.last(topics.window_state(1)), link.last(topics.window_state(2))
    assert (one["status"], one["clerk_name"], one["staff_no"]) == ("open", "张敏", "HB0301")
    assert (two["status"], two["clerk_name"], two["staff_no"]) == ("open", None, None)
    sent = [p for t, p, _ in link.sent if t.startswith(topics.base + "windows/")]
    assert sent and all("clerk" not in p for p in sent)
    assert not any("zhangmin" in str(p) or "liuqiang" in str(p) for _, p, _ in link.sent)
    for key in ("number", "name", "kind", "status", "queues", "current"):  # the contract's window fields
        assert key in one


def test_a_badge_is_plain_bounded_text_and_reread_after_its_ttl(svc: HallService) -> None:
    profiles = ProfileStore(svc.store.engine)
    profiles.set("zhangmin", display_name="张敏", staff_no="HB0301")
    now = [0.0]
    badges = Badges(svc.store.engine, ttl_s=30, clock=lambda: now[0])
    w = svc.open_window(1, ZHANG, clerk=ZHANG.clerk).window
    assert badges.badge("zhangmin") == ("张敏", "HB0301")
    profiles.set("zhangmin", display_name="张\u202e敏\x07" + "长" * 28)
    assert badges.badge("zhangmin") == ("张敏", "HB0301")  # cached
    now[0] = 31.0
    shown = WindowState.model_validate_json(window_payload(w, badges.badge))
    assert (shown.clerk, shown.clerk_name, shown.staff_no) == (None, "张敏" + "长" * 28, "HB0301")  # no controls
    older = w.model_dump() | {"clerk_name": "长" * 40 + "\x1b", "staff_no": " HB0301\n"}
    bounded = WindowState.model_validate(older)  # whoever published it: plain text, at most 32 characters
    assert (bounded.clerk_name, bounded.staff_no) == ("长" * 32, "HB0301")

"""亮牌 on the window screen: 「工号 HB0301 张敏」 after the screen's text while a clerk with a display name is
at the window, from the server's retained window state through the bridge to a simulated LED screen."""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from hall_contract.protocol import Topics, WindowState
from hardware.rs485.simulator import Rs485Simulator
from queue_server.frontdesk.profiles import ProfileStore
from tests.display._hall import window
from tests.hall_app import HallApp
from tests.peers import Collector
from tests.window_bridge._devices import bridge_settings, devices, eventually, running, screen
from window_bridge.bridge import screen_text


def badged(w: WindowState, name: str | None, staff_no: str | None = None) -> WindowState:
    return WindowState.model_validate(w.model_dump() | {"clerk_name": name, "staff_no": staff_no})


@pytest.mark.parametrize(("state", "text"), [
    (badged(window(3, "open", "A001", "called"), "张敏", "HB0301"), "请A001号办理  工号 HB0301 张敏"),
    (badged(window(3, "open"), "张敏", "HB0301"), "3号窗口  工号 HB0301 张敏"),
    (badged(window(3, "paused"), "张敏", "HB0301"), "暂停服务  工号 HB0301 张敏"),
    (badged(window(3, "open", "A001", "called"), "张敏"), "请A001号办理  张敏"),  # no staff number: the name
    (badged(window(3, "open", "A001", "called"), "张\u202e敏\x07", "HB 03;01"), "请A001号办理  张敏"),
    (badged(window(3, "closed"), "张敏", "HB0301"), "3号窗口"),  # nobody at a closed window
    (badged(window(3, "open", "A001", "called"), None, "HB0301"), "请A001号办理"),  # no display name: no badge
    (badged(window(3, "open", "A001", "called"), "阿卜杜热合曼·买买提明"), "请A001号办理"),  # too long for the strip
    (badged(window(3, "open", "A001", "called"), "王𠮷"), "请A001号办理"),  # outside GB2312: the screen cannot
])
def test_the_badge_on_a_screen(state: WindowState, text: str) -> None:
    assert screen_text(state) == text


def test_a_badge_that_would_overflow_the_line_is_left_out() -> None:
    w = badged(window(3, "open"), "欧阳娜娜", "HB0301")
    long_name = w.model_copy(update={"name": "综合受理窗口" * 4})  # 48 bytes in GB2312: no room for 23 more
    assert screen_text(long_name) == "综合受理窗口" * 4


@pytest.fixture
def sim() -> Iterator[Rs485Simulator]:
    with Rs485Simulator(devices()) as s:
        yield s


@pytest.mark.timeout(60)
def test_the_clerk_at_the_window_is_shown_by_badge(hall_app: HallApp, sim: Rs485Simulator) -> None:
    """The server publishes the badge from the staff record; the bridge shows it with every call."""
    assert hall_app.runtime is not None
    ProfileStore(hall_app.runtime.store.engine).set("zhangmin", display_name="张敏", staff_no="HB0301")
    zhang = hall_app.staff("zhangmin", "clerk", window=1)
    li = hall_app.staff("lisi", "clerk", window=2)  # no staff record
    topics = Topics(hall_app.hall_id)
    watch = Collector(hall_app.mqtt_url, (topics.windows_all,))
    try:
        with running(bridge_settings(hall_app), sim):
            assert hall_app.api("POST", "/api/windows/1/open", {}, token=zhang)[0] == 200
            assert hall_app.api("POST", "/api/windows/2/open", {}, token=li)[0] == 200
            assert eventually(lambda: screen(sim, 1).text == "1号窗口  工号 HB0301 张敏")
            for _ in range(2):
                assert hall_app.api("POST", "/api/tickets", {"queue": "A"})[0] == 201
            assert hall_app.api("POST", "/api/windows/1/call-next", {}, token=zhang)[0] == 200
            assert eventually(lambda: screen(sim, 1).text == "请A001号办理  工号 HB0301 张敏")
            assert hall_app.api("POST", "/api/windows/2/call-next", {}, token=li)[0] == 200
            assert eventually(lambda: screen(sim, 4).text == "请A002号办理")  # no display name: no badge
            for step in ("start", "finish", "close"):
                assert hall_app.api("POST", f"/api/windows/1/{step}", {}, token=zhang)[0] == 200, step
            assert eventually(lambda: screen(sim, 1).text == "1号窗口")
        states = [p for t, p, *_ in watch.messages if t.startswith(topics.base + "windows/")]
        assert states and not any(b"zhangmin" in p or b"lisi" in p or b'"clerk"' in p for p in states)
    finally:
        watch.close()

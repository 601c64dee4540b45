"""The board view-model without a window: decoding, folding, area filter, notice, flashing, words."""
from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from display.board import BoardModel, WindowCleared, clock_words, decode, wait_words
from hall_contract.protocol import CallMessage, DeviceCommand, Topics
from tests.display._hall import board, call, window

T = Topics("h1")


def model(**kw: object) -> BoardModel:
    return BoardModel(hall_name="大厅", default_notice="默认通知", **kw)  # type: ignore[arg-type]


def fold(m: BoardModel, topic: str, payload: bytes, now: float = 0.0) -> bool:
    msg = decode(T, "d1", topic, payload)
    assert msg is not None
    return m.apply(msg, now)


GARBAGE = [
    (T.calls, b"\xff\xfe not utf-8"),
    (T.calls, b"[1, 2, 3]"),
    (T.calls, b'{"v": 1, "number": "A001"}'),  # fields missing
    (T.calls, b'{"v": 2, "number": "A001", "queue": "A", "window": 1, "window_name": "1", "at": "x"}'),
    (T.calls, b'{"v": 1, "number": "A001", "queue": "A", "window": "one", "window_name": "1", "at": "x"}'),
    (T.board, b'{"v": 1, "hall": "h"}'),
    (T.window_state(3), json.dumps({"v": 1, **window(4).model_dump()}).encode()),  # wrong topic
    (T.window_state(3), b'{"v": 1, "number": 3, "name": "3", "kind": "vip", "status": "open", "queues": []}'),
    (T.queue_state("A"), b'{"v": 1, "code": "B", "name": "x", "waiting": 1, "predicted_wait_s": 1}'),
    (T.device_cmd("d1"), b'{"v": 1, "cmd": "self_destruct"}'),
    (T.board, b""),
]


@pytest.mark.parametrize(("topic", "payload"), GARBAGE)
def test_malformed_payloads_raise_value_error(topic: str, payload: bytes) -> None:
    with pytest.raises(ValueError):
        decode(T, "d1", topic, payload)


def test_topics_the_display_does_not_follow() -> None:
    assert decode(T, "d1", T.device_cmd("other"), b"{}") is None
    assert decode(T, "d1", "hall/other/calls", b"{}") is None
    assert decode(T, "d1", T.advice, b"{}") is None
    assert decode(T, "d1", T.window_state(3), b"") == WindowCleared(3)


def test_retained_board_gives_the_whole_picture() -> None:
    m = model()
    calls = [call("A103", 3, minute=3), call("B002", 7, minute=2), call("A101", 1, minute=1)]
    assert fold(m, T.board, board(calls, {"A": 4, "B": 0}, notice="午间不休息").to_json())
    v = m.view(now=0.0)
    assert v.hall_name.startswith("石家庄") and not v.flashing
    assert v.latest is not None and (v.latest.number, v.latest.window_name) == ("A103", "3号窗口")
    assert [(r.number, r.window_name) for r in v.recent] == [("B002", "7号窗口"), ("A101", "1号窗口")]
    assert [(q.code, q.waiting, q.wait) for q in v.queues] == [("A", "4", "约10分钟"), ("B", "0", "无需等候")]
    assert v.notice == "午间不休息"


def test_a_live_call_goes_on_top_and_flashes() -> None:
    m = model(flash_s=5.0)
    fold(m, T.board, board([call("A101", 1)], {"A": 1}).to_json())
    assert fold(m, T.calls, call("A102", 2).to_json(), now=100.0)
    v = m.view(now=101.0)
    assert v.latest is not None and v.latest.number == "A102" and v.flashing
    assert [r.number for r in v.recent] == ["A101"]
    assert not m.view(now=105.1).flashing


def test_a_recall_replaces_the_earlier_line_and_says_so() -> None:
    m = model()
    for c in (call("A101", 1), call("A102", 2), call("A101", 1, attempt=2)):
        fold(m, T.calls, c.to_json())
    v = m.view(0.0)
    assert v.latest is not None and (v.latest.number, v.latest.recall) == ("A101", "第二次呼叫")
    assert [r.number for r in v.recent] == ["A102"]


def test_recent_calls_are_capped() -> None:
    m = model(recent_count=3)
    for i in range(10):
        fold(m, T.calls, call(f"A{i:03d}", 1).to_json())
    v = m.view(0.0)
    assert v.latest is not None and v.latest.number == "A009"
    assert [r.number for r in v.recent] == ["A008", "A007", "A006"]


def test_an_area_display_shows_only_its_windows() -> None:
    m = model(windows_filter={7, 8})
    fold(m, T.board, board([call("A101", 1), call("B020", 7)], {"A": 9, "B": 2, "C": 1}).to_json())
    for w in (window(1, "open", "A101", "called"), window(7, "open", "B020", "called"), window(8, "paused")):
        fold(m, T.window_state(w.number), w.to_json())
    assert not fold(m, T.calls, call("A102", 2).to_json(), now=1.0)
    v = m.view(1.0)
    assert v.latest is not None and v.latest.number == "B020" and not v.flashing
    assert [w.number for w in v.windows] == [7, 8]
    assert [q.code for q in v.queues] == ["B"]  # the queues its windows serve
    assert [w.state for w in v.windows] == ["B020", "暂停服务"]


def test_window_states_in_words() -> None:
    m = model()
    for w in (window(1, "open", "A101", "serving"), window(2, "open", "A102", "done"), window(3, "paused"),
              window(4, "closed"), window(5, "open")):
        fold(m, T.window_state(w.number), w.to_json())
    assert [(w.state, w.status) for w in m.view(0).windows] == [
        ("A101", "open"), ("空闲", "open"), ("暂停服务", "paused"), ("未开放", "closed"), ("空闲", "open")]
    fold(m, T.window_state(5), b"")
    assert [w.number for w in m.view(0).windows] == [1, 2, 3, 4]


def test_queue_state_updates_the_row() -> None:
    m = model()
    fold(m, T.board, board([], {"A": 1}).to_json())
    fold(m, T.queue_state("A"), '{"v": 1, "code": "A", "name": "综合受理", "waiting": 30, "predicted_wait_s": 7300}'
         .encode())
    assert [(q.waiting, q.wait) for q in m.view(0).queues] == [("30", "约2小时2分")]


def test_notices_from_the_manager_and_the_server() -> None:
    m = model()
    assert m.view(0).notice == "默认通知"
    fold(m, T.device_cmd("d1"), DeviceCommand(cmd="notice", text="  系统维护，10点恢复  ").to_json())
    assert m.view(0).notice == "系统维护，10点恢复"
    b = board([], {"A": 0}, notice="下午不办理社保卡业务")
    b.issuing = False
    fold(m, T.board, b.to_json())
    assert m.view(0).notice == "系统维护，10点恢复　　◆　　下午不办理社保卡业务　　◆　　今日已暂停取号，请留意现场通知"
    fold(m, T.device_cmd("d1"), DeviceCommand(cmd="notice", text="").to_json())
    assert m.view(0).notice.startswith("下午不办理")


def test_online_mark() -> None:
    m = model()
    assert m.set_online(True) and not m.set_online(True) and m.view(0).online
    assert m.set_online(False) and not m.view(0).online


def test_no_personal_data_reaches_the_view() -> None:
    m = model()
    leaky = CallMessage.model_validate({**call("A101", 1).model_dump(), "holder": "张三", "id_number": "1301"})
    fold(m, T.calls, leaky.to_json())
    assert "张三" not in repr(m.view(0)) and "1301" not in repr(m.view(0))


@pytest.mark.parametrize(("waiting", "seconds", "words"), [
    (0, 500, "无需等候"), (1, 0, "约1分钟"), (1, 59, "约1分钟"), (3, 61, "约2分钟"), (9, 7140, "约119分钟"),
    (9, 7200, "约2小时"), (9, 7500, "约2小时5分"),
])
def test_wait_words(waiting: int, seconds: int, words: str) -> None:
    assert wait_words(waiting, seconds) == words


def test_clock_in_hall_time() -> None:
    utc = datetime(2024, 5, 5, 23, 30, 5, tzinfo=ZoneInfo("UTC"))
    assert clock_words(utc.astimezone(ZoneInfo("Asia/Shanghai"))) == ("2024年5月6日 星期一", "07:30:05")


def test_odd_but_valid_values_do_not_break_the_view() -> None:
    m = model()
    fold(m, T.calls, call("A101", 1, attempt=100).to_json())
    fold(m, T.calls, CallMessage(number="A102", queue="A", window=250, window_name="", attempt=0, at="").to_json())
    fold(m, T.device_cmd("d1"), DeviceCommand(cmd="notice", text="通知" * 400).to_json())
    v = m.view(0)
    assert v.latest is not None and v.latest.window_name == "250号窗口" and v.recent[0].recall == "第100次呼叫"
    assert len(v.notice) == 280 and v.notice.endswith("…")

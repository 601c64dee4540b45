"""Bounds on what a stranger on the broker can make the server keep, and the pure parts of device identity:
the device registry, faults per device, reply topics, request lanes and rates, text for screens, the ACL."""
from __future__ import annotations

import json
from datetime import UTC, datetime

from hall_contract.protocol import Board, DeviceCommand, IssueTicketArgs, Topics
from hallctl.devices import Device, render_acl, render_conf
from queue_server.devices import MAX_FAULTS, MAX_UNKNOWN_DEVICES, DeviceRegistry
from queue_server.mqtt.lanes import FairInbox, RateLimits


def _status(state: str = "online", faults: list[str] | None = None, kind: str = "kiosk") -> bytes:
    return json.dumps({"v": 1, "state": state, "kind": kind, "faults": faults or []}).encode()


def test_the_registry_keeps_configured_devices_and_a_bounded_number_of_strangers() -> None:
    """Finding 15: 5,000 fake device ids leave the registry (and so /metrics) small."""
    reg = DeviceRegistry(lambda: datetime.now(UTC), configured=[("kiosk-1", "kiosk"), ("display-1", "display")])
    for n in range(5000):
        reg.on_status(f"fake-{n}", _status())
    reg.on_status("kiosk-1", _status(faults=["paper_low"]))
    ids = {d.device_id for d in reg.all()}
    assert {"kiosk-1", "display-1"} <= ids and len(ids) == 2 + MAX_UNKNOWN_DEVICES
    assert next(d for d in reg.all() if d.device_id == "kiosk-1").faults == ["paper_low"]
    reg.on_status("fake-0", _status("offline"))  # an offline stranger makes room for a new one
    reg.on_status("newcomer", _status())
    assert "newcomer" in {d.device_id for d in reg.all()} and "fake-0" not in {d.device_id for d in reg.all()}
    reg.on_status("fake-1", b"")  # a cleared retained status forgets a stranger
    assert "fake-1" not in {d.device_id for d in reg.all()}


def test_faults_per_device_are_bounded_and_named_plainly() -> None:
    reg = DeviceRegistry(lambda: datetime.now(UTC))
    faults = [f"fault_{n}" for n in range(1000)] + ["<script>", "x" * 500, "paper_out"]
    reg.on_status("kiosk-9", _status(faults=faults, kind="kiosk\x1b[31m"))
    info = reg.all()[0]
    assert len(info.faults) == MAX_FAULTS and all(f.startswith(("fault_", "paper_")) for f in info.faults)
    assert info.kind == "unknown"
    assert len(reg.log) <= 100


def test_a_reply_goes_only_to_a_reply_topic_of_the_hall() -> None:
    t = Topics("h1")
    assert t.resolve_reply_to("reply/kiosk-1") == "hall/h1/reply/kiosk-1"
    assert t.resolve_reply_to("hall/h1/reply/kiosk-1") == "hall/h1/reply/kiosk-1"
    for bad in ("calls", "hall/h1/board", "hall/h1/windows/1/state", "devices/kiosk-2/cmd", "hall/h2/reply/x",
                "reply/a/b", "reply/#", "reply/+", "reply/", "hall/h1/reply/" + "x" * 65):
        assert t.resolve_reply_to(bad) is None, bad
    assert t.rpc_sender("hall/h1/devices/kiosk-1/rpc/issue_ticket") == ("kiosk-1", "issue_ticket")
    assert t.rpc_sender("hall/h1/rpc/issue_ticket") == (None, "issue_ticket")
    assert t.rpc_sender("hall/h1/devices/kiosk-1/status") is None


def test_requests_are_taken_in_turn_by_sender_and_each_lane_is_bounded() -> None:
    inbox: FairInbox[int] = FairInbox(lane_size=100)
    for n in range(1000):
        inbox.put("flood", n)
    inbox.put("kiosk-1", -1)
    assert inbox.dropped == 900
    order = [inbox.get(0)[0] for _ in range(3)]  # type: ignore[index]
    assert order == ["flood", "kiosk-1", "flood"]


def test_a_sender_beyond_its_rate_is_refused_and_others_are_not() -> None:
    now = [0.0]
    limits = RateLimits(rate_per_s=10, burst=5, clock=lambda: now[0])
    assert [limits.allow("flood") for _ in range(8)] == [True] * 5 + [False] * 3
    assert limits.allow("kiosk-1")
    now[0] = 1.0
    assert sum(limits.allow("flood") for _ in range(20)) == 5  # refilled to the burst, not beyond


def test_text_for_screens_and_tickets_has_no_control_characters() -> None:
    args = IssueTicketArgs(queue="A", holder="张\x00*\u202e", source="kiosk\x1b[2J-1")
    assert args.holder == "张*" and args.source == "kiosk[2J-1"
    assert IssueTicketArgs(queue="A", holder="\x07\x08").holder is None
    assert DeviceCommand(cmd="notice", text="请\x1b[5m稍候\r\n").text == "请[5m稍候"
    board = Board(hall="h", hall_name="大厅", at="2026-01-01T09:00:00+08:00", calls=[], queues=[],
                  notice="系统维护\u2028中")
    assert board.notice == "系统维护中"


def test_the_provisioned_acl_gives_no_device_the_plain_rpc_form_nor_another_devices_subtree() -> None:
    devs = [Device("hall-server", "server"), Device("kiosk-1", "kiosk"), Device("window-3", "window", 3),
            Device("wb-1", "bridge", windows=(1, 2)), Device("display-1", "display")]
    acl = render_acl("h", devs)
    writes = [line for line in acl.splitlines() if line.startswith("topic write") or "readwrite" in line]
    assert not [w for w in writes if "/rpc/" in w and "/devices/" not in w]
    for d in ("kiosk-1", "window-3", "wb-1"):
        block = acl.split(f"user {d}\n")[1].split("\n\n")[0]
        assert all(f"/devices/{d}/" in w or "/evaluations/" in w for w in block.splitlines() if "write" in w)
    bridge = acl.split("user wb-1\n")[1].split("\n\n")[0]
    assert "evaluations/1/result" in bridge and "evaluations/3/result" not in bridge
    conf = render_conf(__import__("pathlib").Path("/etc/mosquitto/hall"), 1883, "", 8883, None)
    lines = conf.splitlines()
    assert lines.count("use_username_as_clientid true") == 2  # a listener's setting: after each listener
    assert lines.index("use_username_as_clientid true") > lines.index("listener 1883")
    assert any(line.startswith("max_packet_size ") for line in lines)


def test_on_a_provisioned_hall_a_window_command_needs_the_windows_own_device() -> None:
    """Finding 6: an anonymous (plain ``rpc/``) command is refused; a device only drives its windows, and a
    request id is remembered per device."""
    from queue_server.mqtt.identity import Roster
    from queue_server.mqtt.rpc import RpcServer
    rpc = RpcServer(None, None, Topics("h"), Roster(windows={"window-3": frozenset({3})}, enforced=True))  # type: ignore[arg-type]
    refused = rpc.answer("window_command", {"window": 3, "action": "open"}, "r1", None)
    assert refused.error is not None and refused.error.code == "device_identity_required"
    other = rpc.answer("window_command", {"window": 3, "action": "open"}, "r1", "window-4")
    assert other.error is not None and other.error.code == "not_your_window"
    assert rpc.answer("window_command", {"window": 4, "action": "open"}, "r1", "window-4") is other


def test_the_bridge_serves_the_windows_of_its_units_or_of_the_rs485_names() -> None:
    from hall_contract.config import WindowDevicesSection
    named = WindowDevicesSection(device_id="wb", keypad_units={1: 2})
    assert named.windows({"w7-evaluator": 3}) == {1, 7}
    assert WindowDevicesSection(device_id="wb").windows({"w3-keypad": 2, "w4-screen": 1, "x-9": 4}) == {3, 4}


def test_requests_refused_before_handling_are_counted_by_reason() -> None:
    """What /metrics shows a hall manager of a flood or of garbage: each refusal, by reason, handled or not."""
    from queue_server.mqtt.identity import Roster
    from queue_server.mqtt.rpc import MAX_PAYLOAD, RpcServer
    topics = Topics("h")
    rpc = RpcServer(None, None, topics, Roster(), 1.0, 1)  # type: ignore[arg-type]
    seen: list[str] = []
    rpc.refusal_observers.append(seen.append)
    rpc.handle(topics.rpc("issue_ticket"), b"x" * (MAX_PAYLOAD + 1))
    rpc.handle(topics.rpc("issue_ticket"), b"\xff{ not json")
    rpc.handle(topics.rpc("issue_ticket"), json.dumps({"v": 1, "reply_to": "hall/other/calls"}).encode())
    assert seen == ["payload_too_large", "malformed", "no_reply_topic"]

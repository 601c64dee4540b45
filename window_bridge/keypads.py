"""Caller keypads (呼叫器): each key press becomes one ``rpc/window_command`` to the server.

The bridge's line thread reads every keypad (:meth:`KeypadDesk.poll`, each press once) and
queues one :class:`Command` per press, per window in press order. Only a window's oldest
command is in flight: it is sent, and sent again with the same ``request_id`` every
``command_retry_s`` until the server answers on ``reply/{device_id}`` or
``command_deadline_s`` after the press. The ``request_id`` comes from the keypad itself (its
boot id and the press's sequence number, with the window and the day), so a press read again
after a restart of the bridge asks for the same thing, and the server answers a repeated id
with its first answer instead of acting twice.

Keys: 叫号 → ``call_next``, 重呼 → ``recall``, 过号 → ``no_show``, 暂停 → ``pause`` while the window
is open and ``open`` while it is paused (its last known ``windows/{n}/state``), 转移 →
``transfer`` to the queue the keypad names or the window's ``[display] transfer_queues``. What
went wrong (无人等候 when nobody waits, 窗口未开放, ...) shows for a moment on the window's screen.
"""
from __future__ import annotations

import json
import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

from hall_contract.protocol import RpcReply, Topics, ValidationError, WindowState, parse_json_object
from hardware.rs485 import CallerKeypad, Key, KeyEvent, Rs485Bus
from window_bridge._line import LineDevice
from window_bridge.settings import WindowBridgeSettings

log = logging.getLogger(__name__)

ACTIONS = {Key.CALL_NEXT: "call_next", Key.RECALL: "recall", Key.NO_SHOW: "no_show", Key.TRANSFER: "transfer"}
NOBODY_WAITING = "无人等候"
NO_ANSWER = "服务器无应答"
NOT_OPEN = "窗口未开放"
NO_TRANSFER_QUEUE = "未设转移队列"
FAILED = "操作失败"
ERROR_TEXT = {  # the server's error codes, as the clerk reads them on the window's screen
    "window_not_open": NOT_OPEN, "no_current_ticket": "当前没有号", "invalid_transition": "当前号不能此操作",
    "queue_not_served": "转移队列无效", "unknown_queue": "转移队列无效", "unknown_window": "窗口未登记",
    "invalid_request": "请求无效", "unknown_method": "服务器不支持呼叫器",
}

Flash = Callable[[int, str], None]
Publish = Callable[[str, bytes], None]


#: the bridge's keypad: the driver returns each press once, also when an acknowledgement is lost
Keypad = CallerKeypad


@dataclass
class Command:
    """One key press on its way to the server."""

    window: int
    event: KeyEvent
    request_id: str
    pressed_at: float  # monotonic
    action: str | None = None  # chosen when first sent (a pause toggles from the state then), then kept
    queue: str | None = None
    sent_at: float = 0.0
    sends: int = 0


@dataclass
class KeypadSlot(LineDevice):
    device: Keypad | None = None


class KeypadDesk:
    """The line's keypads and the commands their presses became."""

    def __init__(self, cfg: WindowBridgeSettings, units: dict[int, int], topics: Topics, tz: tzinfo,
                 publish: Publish, flash: Flash, wake: Callable[[], None]) -> None:
        self.cfg = cfg
        self.topics = topics
        self.tz = tz
        self.publish = publish
        self.flash = flash
        self.wake = wake
        self.device_id = cfg.device_id
        self.reply_to = topics.reply(cfg.device_id)
        self.keypads = {n: KeypadSlot("keypad", n, unit) for n, unit in sorted(units.items())}
        self.status: dict[int, str] = {}  # window -> open/paused/closed, as last heard
        self.queues: dict[int, deque[Command]] = {n: deque() for n in self.keypads}
        self.recent: deque[str] = deque(maxlen=256)  # request ids queued lately: a press read twice counts once
        self.sent = self.answered = 0

    # -- paho's thread (calls under the bridge's lock) ------------------------------------

    def on_window(self, w: WindowState) -> None:
        self.status[w.number] = w.status

    def on_reply(self, payload: bytes) -> None:
        """The server's answer on ``reply/{device_id}``."""
        try:
            reply = RpcReply.model_validate(parse_json_object(payload))
        except (ValueError, ValidationError) as err:
            log.warning("ignored a malformed reply: %s", str(err).splitlines()[0][:200])
            return
        cmd = next((q[0] for q in self.queues.values() if q and q[0].request_id == reply.request_id), None)
        if cmd is None:
            return  # the answer to a retry already answered, or to a press given up
        self.queues[cmd.window].popleft()
        self.answered += 1
        result = reply.result or {}
        window = result.get("window")
        if isinstance(window, dict) and window.get("status") in ("open", "paused", "closed"):
            self.status[cmd.window] = str(window["status"])
        if not reply.ok:
            code = reply.error.code if reply.error else "error"
            log.info("window %d keypad %s: %s (%s)", cmd.window, cmd.action, code,
                     reply.error.message if reply.error else "")
            self.flash(cmd.window, ERROR_TEXT.get(code, FAILED))
        elif cmd.action == "call_next" and result.get("ticket") is None:
            self.flash(cmd.window, NOBODY_WAITING)
        else:
            log.info("window %d keypad %s: done after %d send(s)", cmd.window, cmd.action, cmd.sends)
        self.wake()  # the window's next press may go now

    # -- the line thread ------------------------------------------------------------------

    def poll(self, bus: Rs485Bus, now: float) -> list[Command]:
        """Read every keypad that is due; the new presses as commands (queue them with :meth:`add`)."""
        out: list[Command] = []
        for k in self.keypads.values():
            if now < k.next_try:
                continue
            if k.device is None:
                k.device = Keypad(bus, k.unit)
            dev = k.device
            dev.bus = bus  # the line may have been opened again since

            def work(k: KeypadSlot = k, dev: Keypad = dev) -> None:
                if not k.checked:
                    dev.identify()
                    k.checked = True
                out.extend(self._command(k.window, e, dev.boot_id, now) for e in dev.poll())

            if k.attempt(self.cfg.screen_retry_s, work):
                k.next_try = now + self.cfg.keypad_poll_s
        return out

    def _command(self, window: int, e: KeyEvent, boot_id: int, now: float) -> Command:
        day = datetime.now(self.tz).strftime("%Y%m%d")
        rid = f"{self.device_id}-w{window}-{day}-{boot_id:04x}-{e.seq}"
        log.info("window %d keypad: %s (seq %d)", window, e.key.name.lower(), e.seq)
        return Command(window, e, rid, now)

    def add(self, commands: list[Command]) -> None:
        """Queue new presses (under the bridge's lock); a request id seen lately is not queued again."""
        for c in commands:
            if c.request_id in self.recent:
                log.info("window %d keypad: press %s read again; ignored", c.window, c.request_id)
                continue
            self.recent.append(c.request_id)
            self.queues[c.window].append(c)

    def due(self, now: float, send: bool = True) -> list[tuple[str, bytes]]:
        """Under the bridge's lock: the requests to publish now (first sends and retries); presses past
        their deadline are given up. ``send`` False (no broker): nothing is sent, to be sent later."""
        out: list[tuple[str, bytes]] = []
        for n, q in self.queues.items():
            while q:
                cmd = q[0]
                if now - cmd.pressed_at > self.cfg.command_deadline_s:
                    q.popleft()
                    log.warning("window %d keypad %s: no answer from the server in %.0f s (%d send(s)); given up",
                                n, cmd.action or cmd.event.key.name.lower(), self.cfg.command_deadline_s, cmd.sends)
                    self.flash(n, NO_ANSWER)
                    continue
                if not send:
                    break
                if cmd.action is None and not self._choose(cmd):
                    q.popleft()
                    continue
                if cmd.sends == 0 or now - cmd.sent_at >= self.cfg.command_retry_s:
                    cmd.sent_at, cmd.sends = now, cmd.sends + 1
                    self.sent += 1
                    out.append((self.topics.device_rpc(self.device_id, "window_command"), self._request(cmd)))
                break
        return out

    def _choose(self, cmd: Command) -> bool:
        """Decide the action of a press about to be sent first; False (and why, on the screen) to drop it."""
        key, n = cmd.event.key, cmd.window
        if key is Key.PAUSE:
            status = self.status.get(n)
            if status not in ("open", "paused"):
                log.info("window %d keypad pause: the window is %s; nothing sent", n, status or "of unknown state")
                self.flash(n, NOT_OPEN)
                return False
            cmd.action = "pause" if status == "open" else "open"
            return True
        if key is Key.TRANSFER:
            cmd.queue = cmd.event.target_queue or self.cfg.transfer_queues.get(n)
            if cmd.queue is None:
                log.info("window %d keypad transfer: no queue named by the keypad nor in [display] "
                         "transfer_queues; nothing sent", n)
                self.flash(n, NO_TRANSFER_QUEUE)
                return False
        cmd.action = ACTIONS[key]
        return True

    def _request(self, cmd: Command) -> bytes:
        """On the bridge's own ``devices/{id}/rpc/window_command``: the server answers on ``reply/{id}`` and
        names the bridge (whom the broker vouches for) in the audit; ``reply_to`` is kept for a server of the
        plain ``rpc/`` form."""
        body: dict[str, Any] = {"v": 1, "request_id": cmd.request_id, "reply_to": self.reply_to,
                                "window": cmd.window, "action": cmd.action}
        if cmd.queue is not None:
            body["queue"] = cmd.queue
        return json.dumps(body, ensure_ascii=False).encode()

    def busy(self) -> bool:
        return any(self.queues.values())

    def next_poll(self) -> float:
        return min((k.next_try for k in self.keypads.values()), default=float("inf"))

"""Errors the engine raises; each has a stable code for the contract's error shape.

How a code answers over HTTP is the API's business (``queue_server/api/errors.py``).
"""
from __future__ import annotations

from hall_contract.errors import HallError


class EngineError(HallError):
    """A request the hall cannot carry out as asked."""

    code = "engine_error"
    message_zh = "当前状态下不能这样操作"
    message_en = "not possible in the current state"


class UnknownQueue(EngineError):
    code = "unknown_queue"
    message_zh, message_en = "没有这个队列", "no such queue"


class UnknownItem(EngineError):
    code = "unknown_item"
    message_zh, message_en = "没有这个事项", "no such service item"


class UnknownWindow(EngineError):
    code = "unknown_window"
    message_zh, message_en = "没有这个窗口", "no such window"


class TicketNotFound(EngineError):
    code = "ticket_not_found"
    message_zh, message_en = "没有这个号", "no such ticket today"


class WindowNotOpen(EngineError):
    code = "window_not_open"
    message_zh, message_en = "窗口未开放", "the window is not open"


class NoCurrentTicket(EngineError):
    code = "no_current_ticket"
    message_zh, message_en = "窗口没有正在办理的号", "the window has no current ticket"


class InvalidTransition(EngineError):
    code = "invalid_transition"


class QueueNotServed(EngineError):
    code = "queue_not_served"
    message_zh, message_en = "该窗口不办理这个队列", "the window does not serve this queue"


class AlreadyWaiting(EngineError):
    code = "already_waiting"
    message_zh, message_en = "您已有号在等候", "you already hold a waiting ticket"


class IssuingStopped(EngineError):
    """Issuing is stopped by the manager: a state of the hall, not a fault of the server."""

    code = "issuing_stopped"
    message_zh, message_en = "暂停取号", "ticket issuing is stopped by the hall manager"


class AdviceExpired(EngineError):
    code = "advice_expired"
    message_zh, message_en = "建议已过期", "the advice is no longer current"

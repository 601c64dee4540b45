"""Errors the engine raises; each has a stable code for the contract's error shape."""
from __future__ import annotations


class EngineError(Exception):
    """A request the hall cannot carry out as asked. ``code`` is stable; message is for people."""

    code = "engine_error"
    status = 409

    def __init__(self, message: str, **detail: object) -> None:
        super().__init__(message)
        self.message = message
        self.detail = detail


class UnknownQueue(EngineError):
    code = "unknown_queue"
    status = 422


class UnknownItem(EngineError):
    code = "unknown_item"
    status = 422


class UnknownWindow(EngineError):
    code = "unknown_window"
    status = 404


class TicketNotFound(EngineError):
    code = "ticket_not_found"
    status = 404


class WindowNotOpen(EngineError):
    code = "window_not_open"


class NoCurrentTicket(EngineError):
    code = "no_current_ticket"


class InvalidTransition(EngineError):
    code = "invalid_transition"


class QueueNotServed(EngineError):
    code = "queue_not_served"
    status = 422


class AlreadyWaiting(EngineError):
    code = "already_waiting"


class IssuingStopped(EngineError):
    """Issuing is stopped by the manager: a state of the hall, not a fault of the server."""

    code = "issuing_stopped"

"""What every HTTP request passes before a route sees it, and what every answer carries.

* A body larger than ``max_body_bytes`` is refused with 413 (by its ``Content-Length`` before a
  byte is read, or as soon as a chunked body grows past it); nothing is read in full first.
* Control characters (other than tab and line breaks) and bidirectional overrides are taken out
  of every string of a JSON body before a route reads it: such text would be stored and then shown
  on the wall display, the window screen and the staff pages.
* Every answer carries ``X-Content-Type-Options: nosniff``, ``X-Frame-Options: DENY`` and a
  ``Referrer-Policy``; pages also a Content-Security-Policy that allows only the hall's own
  scripts, styles and WebSocket, and no framing.
"""
from __future__ import annotations

import json
import re
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: C0 and C1 controls except tab, LF and CR; the bidi embeddings, overrides and isolates
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
       "connect-src 'self' ws: wss:; font-src 'self'; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"no-referrer")]
#: FastAPI's own documentation pages load their scripts from elsewhere: no page CSP there
_NO_CSP = ("/docs", "/redoc")


def has_control(value: Any) -> bool:
    if isinstance(value, str):
        return _CONTROL.search(value) is not None
    if isinstance(value, dict):
        return any(has_control(k) or has_control(v) for k, v in value.items())
    if isinstance(value, list):
        return any(has_control(v) for v in value)
    return False


def strip_controls(value: Any) -> Any:
    if isinstance(value, str):
        return _CONTROL.sub("", value)
    if isinstance(value, dict):
        return {strip_controls(k): strip_controls(v) for k, v in value.items()}
    if isinstance(value, list):
        return [strip_controls(v) for v in value]
    return value


def _error(status: int, code: str, message: str) -> tuple[int, bytes]:
    return status, json.dumps({"error": {"code": code, "message": message}}, ensure_ascii=False).encode()


class RequestGuard:
    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        send = self._with_headers(scope, send)
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length")
        if length is not None and not length.strip().isdigit():
            await self._answer(send, *_error(400, "bad_request", "Content-Length 无效 (not a number)"))
            return
        if length is not None and int(length) > self.max_body:
            await self._answer(send, *_error(413, "too_large", f"请求体过大 (the request body is larger than "
                                                                f"{self.max_body} bytes)"))
            return
        if scope["method"] in ("GET", "HEAD", "OPTIONS", "DELETE") and length is None:
            await self.app(scope, receive, send)
            return
        body, more, disconnected = bytearray(), True, False
        while more:
            msg = await receive()
            if msg["type"] == "http.disconnect":
                disconnected = True
                break
            body += msg.get("body", b"")
            more = msg.get("more_body", False)
            if len(body) > self.max_body:
                await self._answer(send, *_error(413, "too_large", f"请求体过大 (the request body is larger "
                                                                    f"than {self.max_body} bytes)"))
                return
        data = bytes(body)
        if data and b"json" in headers.get(b"content-type", b""):
            clean = self._without_controls(data)
            if clean is not None:
                data = clean
                scope = {**scope, "headers": [(k, str(len(data)).encode() if k == b"content-length" else v)
                                              for k, v in scope["headers"]]}
        await self.app(scope, self._replay(data, receive, disconnected), send)

    @staticmethod
    def _without_controls(body: bytes) -> bytes | None:
        """The body with control characters taken out of its strings; None when it has none (or is not JSON)."""
        if not _CONTROL.search(body.decode("utf-8", "replace")) and b"\\u" not in body:
            return None
        try:
            value = json.loads(body)
            if not has_control(value):
                return None
            return json.dumps(strip_controls(value), ensure_ascii=False).encode()
        except (ValueError, RecursionError):
            return None  # not JSON, or nested too deep for any route: the route answers 400/422

    @staticmethod
    def _replay(body: bytes, receive: Receive, disconnected: bool) -> Receive:
        sent = False

        async def again() -> Message:
            nonlocal sent
            if not sent and not disconnected:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()
        return again

    @staticmethod
    def _with_headers(scope: Scope, send: Send) -> Send:
        page = not scope["path"].startswith(("/api/", "/metrics", "/static/", *_NO_CSP))

        async def sending(msg: Message) -> None:
            if msg["type"] == "http.response.start":
                extra = list(_HEADERS)
                if page:
                    extra.append((b"content-security-policy", CSP.encode()))
                have = {k.lower() for k, _ in msg.get("headers", [])}
                msg = {**msg, "headers": [*msg.get("headers", []), *(h for h in extra if h[0] not in have)]}
            await send(msg)
        return sending

    @staticmethod
    async def _answer(send: Send, status: int, body: bytes) -> None:
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": body})

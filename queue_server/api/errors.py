"""Every error as the contract's JSON shape ``{"error": {"code", "message"}}``; never a bare 500."""
from __future__ import annotations

import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from hall_contract.errors import HallError

log = logging.getLogger(__name__)

_CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found",
          405: "method_not_allowed", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
          422: "validation_error", 429: "too_many_requests", 503: "unavailable"}


#: how each error code of the engine, the service and the rating desk answers over HTTP. Every code
#: the server raises is listed (a test holds it so); an unknown code answers 409.
STATUS_BY_CODE: dict[str, int] = {
    # the request names something that does not exist
    "unknown_window": 404, "ticket_not_found": 404, "rating_not_found": 404,
    # a field names something the hall does not have or does not allow
    "unknown_queue": 422, "unknown_item": 422, "queue_not_served": 422, "invalid_rating": 422,
    "invalid_follow_up": 422,
    # not possible in the hall's state now
    "engine_error": 409, "window_not_open": 409, "no_current_ticket": 409, "invalid_transition": 409,
    "already_waiting": 409, "issuing_stopped": 409, "advice_expired": 409, "no_dispatch": 409,
    "issuing_closed": 409, "quota_reached": 409,
    # the advice sent someone else to this window
    "not_dispatched": 403,
    "rating_error": 409, "no_pending_rating": 409, "already_rated": 409,
    # 整改 (rectification) cases
    "rectification_not_found": 404, "rectification_error": 409, "approver_required": 422,
    "rectification_closed": 409,
    # printed documents (register_document)
    "not_a_kiosk": 403, "invalid_code": 422, "code_taken": 409,
    # 事前授权 (a refusal without a note, a reason of blanks: rules the schema cannot say)
    "authorisation_error": 409, "invalid_authorisation": 409, "authorisation_not_found": 404,
    "already_answered": 409,
    # an appointment check-in over RPC that found no booking, or came too early
    "checkin_refused": 409,
    # the server cannot answer now
    "store_unavailable": 503,
    # the sender may not do this (device identity on the broker; the same codes over HTTP)
    "priority_not_allowed": 403, "device_identity_required": 403, "not_your_window": 403,
}


def status_for(err: HallError) -> int:
    return STATUS_BY_CODE.get(err.code, 409)


class ErrorDetail(BaseModel):
    code: str
    message: str


class ErrorOut(BaseModel):
    """The body of every error answer."""

    error: ErrorDetail


#: documented on every operation: each may answer with these, in the one error shape
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorOut, "description": text} for status, text in (
        (400, "malformed request (for example not JSON)"), (401, "no valid staff token"),
        (403, "this role or window may not do this"), (404, "no such ticket, window or record"),
        (409, "not possible in the current state (window closed, nothing called, issuing stopped, "
               "already rated …)"),
        (422, "a field is missing or wrong"), (503, "the database unavailable, or the server still starting"))}


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers


def error_response(status: int, code: str, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


_HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def allowed_methods(request: Request, allow: str | None) -> list[str]:
    """Every method the request's path has: the ``Allow`` of the route that answered 405, and each method the
    OpenAPI document lists at a path that matches (a path's GET and POST may be separate routes, and routers
    included in the app do not show their routes to a walk of ``app.routes``)."""
    methods = {m.strip().upper() for m in (allow or "").split(",") if m.strip()}
    path = request.scope.get("path", "")
    for template, operations in request.app.openapi().get("paths", {}).items():
        parts = re.split(r"(\{[^}]+\})", template)
        if re.fullmatch("".join("[^/]+" if p.startswith("{") else re.escape(p) for p in parts), path):
            methods |= {m.upper() for m in operations if m in _HTTP_METHODS}
    return sorted(methods)


def install(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api(_r: Request, exc: ApiError) -> JSONResponse:
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else exc.headers
        return error_response(exc.status, exc.code, exc.message, headers)

    @app.exception_handler(HallError)
    async def _hall(_r: Request, exc: HallError) -> JSONResponse:
        return error_response(status_for(exc), exc.code, exc.message)

    @app.exception_handler(RequestValidationError)
    async def _validation(_r: Request, exc: RequestValidationError) -> JSONResponse:
        errs = exc.errors()
        if any(e.get("type") == "json_invalid" for e in errs):
            return error_response(400, "invalid_json", "请求体不是有效的 JSON (the request body is not valid JSON)")
        first = errs[0] if errs else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body")
        return error_response(422, "validation_error", f"{where}: {first.get('msg')}" if where else
                              str(first.get("msg")))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _CODES.get(exc.status_code, "error")
        headers = getattr(exc, "headers", None)
        if exc.status_code == 405:
            headers = {**(headers or {}), "Allow": ", ".join(allowed_methods(request, (headers or {}).get("Allow")))}
        return error_response(exc.status_code, code, str(exc.detail), headers)

    @app.exception_handler(Exception)
    async def _unexpected(_r: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error", exc_info=exc)
        return error_response(500, "internal_error", "服务器内部错误 (internal error; it has been logged)")

"""The FastAPI application: the contract's HTTP API under ``/api``, the staff and citizens' pages, ``/metrics``."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import PlainTextResponse

from queue_server import web
from queue_server.api import errors, live
from queue_server.api.guard import RequestGuard
from queue_server.api.routes import (
    advisor,
    appointments,
    audit,
    auth,
    authorisations,
    backups,
    desk,
    hall,
    ratings,
    rectification,
    reports,
    staff_cards,
    stats,
    tablets,
    tickets,
    windows,
)
from queue_server.api.window_kind import clerk_window_kind
from queue_server.metrics import HallMetrics
from queue_server.runtime import HallRuntime
from queue_server.settings import Settings


def create_app(runtime: HallRuntime, manage_runtime: bool = True) -> FastAPI:
    """``manage_runtime``: start the runtime with the app and stop it with the app."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if manage_runtime:
            runtime.start()
        assert runtime.service is not None
        app.state.metrics = HallMetrics(runtime.service, runtime.devices, runtime.rpc)
        hub = live.LiveHub(runtime)
        hub.attach(asyncio.get_running_loop())
        app.state.live = hub
        try:
            yield
        finally:
            hub.detach()
            if manage_runtime:
                runtime.stop()

    app = FastAPI(title="Hall queue server", version="1", lifespan=lifespan, responses=errors.ERROR_RESPONSES,
                  description="排队叫号服务 — the hall's queue server. Errors are "
                              '`{"error": {"code", "message"}}`.')
    app.state.runtime = runtime
    errors.install(app)
    for module in (auth, tickets, windows, hall, stats, reports, ratings, tablets, authorisations, advisor,
                   rectification, audit, backups, live, desk, appointments, staff_cards):
        app.include_router(module.router, dependencies=[Depends(clerk_window_kind)] if module is windows else None)
    web.install(app)
    app.add_middleware(RequestGuard, max_body_bytes=runtime.settings.server.max_body_bytes)

    @app.get("/metrics", response_class=PlainTextResponse, tags=["monitoring"])
    async def metrics(request: Request) -> PlainTextResponse:
        return PlainTextResponse(request.app.state.metrics.render(),
                                 media_type="text/plain; version=0.0.4; charset=utf-8")

    @app.get("/healthz", tags=["monitoring"])
    async def healthz() -> dict[str, bool]:
        link = runtime.link
        return {"ok": runtime.service is not None, "mqtt": bool(link and link.connected)}

    app.openapi = lambda: hall_openapi(app, runtime)  # type: ignore[method-assign]
    return app


def hall_openapi(app: FastAPI, runtime: HallRuntime) -> dict[str, Any]:
    """The OpenAPI document, naming this hall's queues and service items where a request takes one."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    s = runtime.settings
    codes = [q.code for q in s.queues]
    models = schema.get("components", {}).get("schemas", {})
    for ticket in (models.get(m) for m in ("IssueTicketArgs", "DeskTicketIn", "SlotIn", "BookingIn")):
        if ticket is None:
            continue
        for field, values in (("queue", codes), ("item", [i.code for i in s.items])):
            ticket["properties"][field] = {"anyOf": [{"type": "string", "enum": values}, {"type": "null"}],
                                           "title": field.title()}
        ticket.update(_ticket_choice(s))
    for model, field in (("QueuesBody", "queues"), ("TransferBody", "queue")):
        prop = models.get(model, {}).get("properties", {}).get(field)
        if prop is not None:
            target = prop["items"] if prop.get("type") == "array" else prop
            target.pop("minLength", None)
            target.pop("maxLength", None)
            target["enum"] = codes
    reason = models.get("RatingIn", {}).get("properties", {}).get("reason")
    if reason is not None:
        models["RatingIn"]["properties"]["reason"] = {
            "anyOf": [{"type": "string", "enum": [*s.ratings.reasons, ""]}, {"type": "null"}],
            "description": reason.get("description", "")}
    for choice in models.get("RatingIn", {}).get("properties", {}).get("reasons", {}).get("anyOf", []):
        if choice.get("type") == "array":
            choice["items"] = {"type": "string", "enum": list(s.ratings.reasons)}
    for operation in (op for path in schema.get("paths", {}).values() for op in path.values()):
        for status, response in operation.get("responses", {}).items():
            content = response.get("content", {})
            if status[:1] in "45" and content and "application/json" not in content:
                response["content"] = {"application/json": next(iter(content.values()))}  # errors are JSON
    app.openapi_schema = schema
    return schema


def _ticket_choice(s: Settings) -> dict[str, Any]:
    """A ticket request names a queue, or a service item, or an item together with its own queue."""
    codes = [q.code for q in s.queues]
    items = {q: [i.code for i in s.items if i.queue == q] for q in codes}
    null = {"type": "null"}
    choices: list[dict[str, Any]] = [
        {"required": ["queue"], "properties": {"queue": {"enum": codes}, "item": null}},
        {"required": ["item"], "properties": {"item": {"enum": [i.code for i in s.items]}, "queue": null}},
    ]
    choices += [{"required": ["queue", "item"], "properties": {"queue": {"const": q}, "item": {"enum": its}}}
                for q, its in items.items() if its]
    return {"anyOf": choices}

"""The FastAPI application: the contract's HTTP API under ``/api`` and ``/metrics``."""
from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse

from queue_server import web
from queue_server.api import errors, live
from queue_server.api.routes import auth, hall, ratings, stats, tickets, windows
from queue_server.metrics import HallMetrics
from queue_server.runtime import HallRuntime


def create_app(runtime: HallRuntime, manage_runtime: bool = True) -> FastAPI:
    """``manage_runtime``: start the runtime with the app and stop it with the app."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if manage_runtime:
            runtime.start()
        assert runtime.service is not None
        app.state.metrics = HallMetrics(runtime.service)
        hub = live.LiveHub(runtime)
        hub.attach(asyncio.get_running_loop())
        app.state.live = hub
        try:
            yield
        finally:
            hub.detach()
            if manage_runtime:
                runtime.stop()

    app = FastAPI(title="Hall queue server", version="1", lifespan=lifespan,
                  description="排队叫号服务 — the hall's queue server. Errors are "
                              '`{"error": {"code", "message"}}`.')
    app.state.runtime = runtime
    errors.install(app)
    for module in (auth, tickets, windows, hall, stats, ratings, live):
        app.include_router(module.router)
    web.install(app)

    @app.get("/metrics", response_class=PlainTextResponse, tags=["monitoring"])
    async def metrics(request: Request) -> PlainTextResponse:
        return PlainTextResponse(request.app.state.metrics.render(),
                                 media_type="text/plain; version=0.0.4; charset=utf-8")

    @app.get("/healthz", tags=["monitoring"])
    async def healthz() -> dict[str, bool]:
        link = runtime.link
        return {"ok": runtime.service is not None, "mqtt": bool(link and link.connected.is_set())}

    return app

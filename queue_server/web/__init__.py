"""The hall's web pages (window caller, manager console, figures, rating tablet, ticket status)."""
from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from queue_server.web import verify
from queue_server.web.pages import HERE, router


def install(app: FastAPI) -> None:
    """Serve the pages and their static files (CSS, JavaScript; nothing from a CDN)."""
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(router)
    app.include_router(verify.router)


__all__ = ["install"]

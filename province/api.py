"""The province's HTTP API and monitoring pages (FastAPI), with the aggregator in the same process.

``GET /api/province/daily?date=`` has the contract's shape; the rest feeds the monitoring page.
When ``PROVINCE_API_TOKEN`` is set every request wants it (``Authorization: Bearer`` or the
cookie the login page sets). Errors are ``{"error": {"code", "message"}}``.
"""
from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, Field
from sqlalchemy.engine import Engine

from hall_contract.uplink import HALL_ID_PATTERN
from province import figures
from province.consumer import Aggregator
from province.ingest import Ingest
from province.settings import ProvinceSettings

WEB = Path(__file__).resolve().parent / "web"
COOKIE = "province_token"
log = logging.getLogger(__name__)
HallId = Annotated[str, Query(pattern=HALL_ID_PATTERN)]


class TokenIn(BaseModel):
    token: str = Field(max_length=200)


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def create_app(settings: ProvinceSettings, engine: Engine, consumers: int = 1) -> FastAPI:
    tz = ZoneInfo(settings.timezone)
    aggregators = [Aggregator(settings, Ingest(engine)) for _ in range(consumers)]

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stop = asyncio.Event()
        tasks = [asyncio.create_task(a.run(stop)) for a in aggregators]
        try:
            yield
        finally:
            stop.set()
            await asyncio.gather(*tasks, return_exceptions=True)

    app = FastAPI(title="Province hall monitor", version="1", lifespan=lifespan,
                  description="全省人社服务大厅 — figures of every hall, from the halls' uplink events.")
    app.state.aggregators = aggregators

    @app.exception_handler(RequestValidationError)
    async def _invalid(_r: Request, err: RequestValidationError) -> JSONResponse:
        first = err.errors()[0] if err.errors() else {}
        where = ".".join(str(p) for p in first.get("loc", ()))
        return _error(422, "invalid_request", f"{where}: {first.get('msg', 'invalid')}"[:200])

    @app.exception_handler(HTTPException)
    async def _http(_r: Request, err: HTTPException) -> JSONResponse:
        code = {401: "unauthorized", 404: "not_found"}.get(err.status_code, "error")
        return _error(err.status_code, code, str(err.detail))

    def authorised(request: Request) -> None:
        want = settings.api_token
        if not want:
            return
        got = request.headers.get("authorization", "").removeprefix("Bearer ").strip() or \
            request.cookies.get(COOKIE, "")
        if not hmac.compare_digest(got.encode(), want.encode()):
            raise HTTPException(401, "需要登录 (a province token is required)")

    Auth = Depends(authorised)

    def day_of(value: date | None) -> date:
        return value or datetime.now(tz).date()

    def read(fn: Any, *args: Any) -> Any:
        with engine.connect() as conn:
            return fn(conn, *args)

    @app.get("/api/province/daily", dependencies=[Auth], tags=["province"])
    def daily(date: date | None = None) -> dict[str, Any]:
        """Per hall: issued, served, no-show, transferred, mean and p95 wait, ratings by level."""
        return read(figures.daily, day_of(date))

    @app.get("/api/province/daily.csv", dependencies=[Auth], tags=["province"])
    def daily_csv(date: date | None = None) -> Response:
        d = day_of(date)
        body = read(figures.daily, d)
        rows = [{**h, "ratings": h["ratings"]} for h in body["halls"]]
        return _csv(figures.to_csv(rows, figures.DAILY_CSV_COLS, d.isoformat()), f"province-{d}.csv")

    @app.get("/api/province/overview", dependencies=[Auth], tags=["province"])
    def overview(date: date | None = None) -> dict[str, Any]:
        """Every hall on one screen: live queue, windows open, service level, ratings, uplink lag."""
        return read(figures.overview, day_of(date), datetime.now(tz))

    @app.get("/api/province/halls/{hall}", dependencies=[Auth], tags=["province"])
    def hall_day(hall: Annotated[str, Depends(_hall_path)], date: date | None = None) -> dict[str, Any]:
        return read(figures.hall_day, hall, day_of(date))

    @app.get("/api/province/clerks", dependencies=[Auth], tags=["province"])
    def clerks(date: date | None = None, hall: HallId | None = None) -> dict[str, Any]:
        return read(figures.clerks, day_of(date), hall)

    @app.get("/api/province/clerks.csv", dependencies=[Auth], tags=["province"])
    def clerks_csv(date: date | None = None, hall: HallId | None = None) -> Response:
        d = day_of(date)
        rows = read(figures.clerks, d, hall)["clerks"]
        return _csv(figures.to_csv(rows, figures.CLERK_CSV_COLS, d.isoformat()), f"province-clerks-{d}.csv")

    @app.get("/api/province/ratings", dependencies=[Auth], tags=["province"])
    def ratings(date: date | None = None, hall: HallId | None = None,
                negative: bool = False) -> dict[str, Any]:
        return read(figures.ratings, day_of(date), hall, negative)

    @app.get("/api/province/ratings.csv", dependencies=[Auth], tags=["province"])
    def ratings_csv(date: date | None = None, hall: HallId | None = None,
                    negative: bool = False) -> Response:
        d = day_of(date)
        rows = read(figures.ratings, d, hall, negative, 100_000)["ratings"]
        return _csv(figures.to_csv(rows, figures.RATING_CSV_COLS, d.isoformat()), f"province-ratings-{d}.csv")

    @app.get("/api/province/parked", dependencies=[Auth], tags=["province"])
    def parked() -> dict[str, Any]:
        """Events that could not be taken, newest first, with the reason."""
        return {"parked": read(figures.parked)}

    @app.post("/api/province/login", tags=["province"])
    def login(body: TokenIn) -> JSONResponse:
        if settings.api_token and not hmac.compare_digest(body.token.encode(), settings.api_token.encode()):
            return _error(401, "unauthorized", "令牌不正确 (wrong token)")
        resp = JSONResponse({"ok": True})
        resp.set_cookie(COOKIE, body.token, httponly=True, samesite="strict")
        return resp

    @app.get("/healthz", tags=["monitoring"])
    def healthz() -> dict[str, Any]:
        return {"ok": True, "consumers": [a.stats.connected for a in aggregators]}

    @app.get("/metrics", response_class=PlainTextResponse, tags=["monitoring"])
    def metrics() -> PlainTextResponse:
        lines = []
        for name, attr in (("province_events_total", "events"), ("province_duplicates_total", "duplicates"),
                           ("province_parked_total", "parked"), ("province_failures_total", "failures")):
            lines += [f"# TYPE {name} counter", f"{name} {sum(getattr(a.stats, attr) for a in aggregators)}"]
        lines += ["# TYPE province_consumers_connected gauge",
                  f"province_consumers_connected {sum(a.stats.connected for a in aggregators)}"]
        return PlainTextResponse("\n".join(lines) + "\n", media_type="text/plain; version=0.0.4; charset=utf-8")

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(WEB / "province.html", media_type="text/html; charset=utf-8")

    @app.get("/static/{name}", include_in_schema=False)
    def static(name: str) -> FileResponse:
        path = WEB / name
        if name not in ("province.js", "province.css") or not path.exists():
            raise HTTPException(404, "no such file")
        return FileResponse(path)

    return app


def _hall_path(hall: str) -> str:
    import re

    if not re.match(HALL_ID_PATTERN, hall):
        raise HTTPException(404, f"没有大厅 {hall[:40]} (no such hall)")
    return hall


def _csv(text: str, filename: str) -> Response:
    return Response("\ufeff" + text, media_type="text/csv; charset=utf-8",
                    headers={"content-disposition": f'attachment; filename="{filename}"'})

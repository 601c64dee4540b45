"""The pages: staff (window caller, manager console, figures, daily close) and citizens (rating
tablet, ticket status). Server-rendered Jinja2 with a little JavaScript, no build step, no CDN.

Staff pages are plain HTML without data: their script keeps the bearer token from
``/api/auth/login`` in sessionStorage and calls the same ``/api/...`` endpoints as every other
client, so the API alone decides who may do what. Citizen pages carry no personal data.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from hall_contract.errors import HallError
from queue_server.api.deps import ServiceDep
from queue_server.rating_detail import TEXT_MAX
from queue_server.service import HallService
from queue_server.settings import REASON_DIMENSIONS
from queue_server.web.i18n import LANGS, MESSAGES, pick

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))
router = APIRouter(include_in_schema=False)
LANG_COOKIE = "hall_lang"
WindowNo = Annotated[int, PathParam(ge=1, le=999)]


def page_lang(request: Request, svc: HallService) -> str:
    asked = request.query_params.get("lang")
    if asked in LANGS:
        return asked
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in LANGS:
        return cookie
    return "en" if svc.settings.hall.language == "en" else "zh"


def render(request: Request, svc: HallService, template: str, page: str, title_key: str,
           data: dict[str, Any] | None = None, status: int = 200, **context: Any) -> HTMLResponse:
    lang = page_lang(request, svc)
    words = pick(lang)
    s = svc.settings
    query = {k: v for k, v in request.query_params.items() if k != "lang"}

    def t(key: str, **kw: Any) -> str:
        text = words.get(key, key)
        return text.format(**kw) if kw else text

    def lang_url(code: str) -> str:
        return request.url.path + "?" + urlencode({**query, "lang": code})

    hall_name = s.hall.name_en if lang == "en" and s.hall.name_en else s.hall.name
    page_data = {"lang": lang, "page": page, "hall": {"id": s.hall.id, "name": hall_name},
                 "queues": [{"code": q.code, "name": q.name_en if lang == "en" and q.name_en else q.name,
                             "target_wait_s": q.target_wait_s} for q in s.queues],
                 **(data or {})}
    response = templates.TemplateResponse(request, template, {
        "t": t, "lang": lang, "lang_url": lang_url, "page": page, "title": t(title_key), "hall_name": hall_name,
        "js_text": words, "page_data": page_data, **context}, status_code=status)
    if request.query_params.get("lang") in LANGS:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response


@router.get("/")
async def index() -> Response:
    return RedirectResponse("/login", status_code=303)


@router.get("/login", response_class=HTMLResponse)
async def login_page(request: Request, svc: ServiceDep) -> HTMLResponse:
    return render(request, svc, "login.html", "login", "login_title",
                  {"next": request.query_params.get("next", "")})


def window_label(name: str, number: int, lang: str) -> str:
    """A window's name in the page's language (the default ``3号窗口`` is ``Window 3`` in English)."""
    return f"Window {number}" if lang == "en" and re.fullmatch(r"\d+号窗口", name) else name


def _window_names(svc: HallService, lang: str) -> dict[str, str]:
    return {str(w.number): window_label(w.display_name(), w.number, lang) for w in svc.settings.windows}


@router.get("/window/{n}", response_class=HTMLResponse)
async def window_page(n: WindowNo, request: Request, svc: ServiceDep) -> HTMLResponse:
    try:
        w = svc.window_info(n)
    except HallError:
        return render(request, svc, "message.html", "window", "window_unknown", status=404,
                      message=pick(page_lang(request, svc))["window_unknown"])
    name = window_label(w.name, n, page_lang(request, svc))
    return render(request, svc, "window.html", "window", "window_title",
                  {"window": n, "window_name": name, "kind": w.kind,
                   "window_names": _window_names(svc, page_lang(request, svc))}, window_name=name)


@router.get("/console", response_class=HTMLResponse)
async def console_page(request: Request, svc: ServiceDep) -> HTMLResponse:
    return render(request, svc, "console.html", "console", "console_title",
                  {"window_names": _window_names(svc, page_lang(request, svc))})


@router.get("/report", response_class=HTMLResponse)
async def report_page(request: Request, svc: ServiceDep) -> HTMLResponse:
    return render(request, svc, "report.html", "report", "report_title",
                  {"date": request.query_params.get("date") or svc.now().date().isoformat(),
                   "window_names": _window_names(svc, page_lang(request, svc))})


@router.get("/report/close", response_class=HTMLResponse)
async def close_page(request: Request, svc: ServiceDep) -> HTMLResponse:
    return render(request, svc, "close.html", "close", "close_title",
                  {"date": request.query_params.get("date") or svc.now().date().isoformat()})


@router.get("/report/period", response_class=HTMLResponse)
async def period_page(request: Request, svc: ServiceDep) -> HTMLResponse:
    """Figures, grades and risks over a month, quarter, half-year or any dates; printable."""
    return render(request, svc, "period.html", "period", "period_title",
                  {"period": (request.query_params.get("period")
                              or svc.now().astimezone(svc.tz).strftime("%Y-%m"))[:10],
                   "by": request.query_params.get("by", "clerk")[:8],
                   "window_names": _window_names(svc, page_lang(request, svc))})


@router.get("/rate/{n}", response_class=HTMLResponse)
async def rate_page(n: WindowNo, request: Request, svc: ServiceDep) -> HTMLResponse:
    """The customer-facing tablet at window n: no login, one rating per visit."""
    try:
        w = svc.window_info(n)
    except HallError:
        return render(request, svc, "message.html", "rate", "window_unknown", status=404,
                      message=pick(page_lang(request, svc))["window_unknown"])
    name = window_label(w.name, n, page_lang(request, svc))
    return render(request, svc, "rate.html", "rate", "rate_title",
                  {"window": n, "window_name": name, "reasons": list(svc.settings.ratings.reasons),
                   "dimensions": {d: [r for r in codes if r in svc.settings.ratings.reasons]
                                  for d, codes in REASON_DIMENSIONS.items()}, "text_max": TEXT_MAX},
                  window_name=name)


@router.get("/t/{number}", response_class=HTMLResponse)
async def ticket_page(number: Annotated[str, PathParam(max_length=8)], request: Request,
                      svc: ServiceDep) -> HTMLResponse:
    """The citizen's ticket from its QR code: place in line and predicted wait, live; no personal data."""
    number = number.upper()
    ticket: dict[str, Any] | None = None
    try:
        ticket = svc.ticket_public(number).model_dump(exclude={"v", "holder", "status_url"})
    except HallError:
        ticket = None
    lang = page_lang(request, svc)
    guide = item_guide(svc, ticket.get("item") if ticket else None)
    return render(request, svc, "ticket.html", "ticket", "ticket_title",
                  {"number": number, "ticket": ticket, "alert_ahead": ALERT_AHEAD},
                  status=200 if ticket else 404, number=number, ticket=ticket, guide=guide,
                  not_found=pick(lang)["ticket_not_found"].format(number=number))


ALERT_AHEAD = 3  # the status page alerts when this many or fewer are ahead, and when called


def item_guide(svc: HallService, code: str | None) -> dict[str, Any] | None:
    """The 办事指南 of a ticket's service item (guide.toml), for the status page."""
    guide = svc.settings.guide.get(code or "")
    item = next((i for i in svc.settings.items if i.code == code), None)
    if guide is None or item is None:
        return None
    return {"name": item.name, "materials": guide.materials, "time_limit": guide.time_limit, "fee": guide.fee,
            "place": guide.place, "self_service": item.self_service}


__all__ = ["MESSAGES", "router", "templates"]

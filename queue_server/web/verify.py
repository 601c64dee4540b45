"""``GET /verify/{code}``: whoever holds a printed 参保证明 or 权益记录 checks it here.

The QR code on the paper opens this page; a code typed off the paper works too (any case, with
dashes or spaces, O for 0). It answers valid (with the kind, the holder masked, the issue time,
the period and insurance types) or not valid, and nothing else. Each client may ask a few times a
minute (:class:`RateLimit`), so the page cannot be used to guess codes.
"""
from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi import Path as PathParam
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from hardware.document.verification import grouped
from queue_server.api.deps import ServiceDep
from queue_server.documents import document_register
from queue_server.web.i18n import pick
from queue_server.web.pages import page_lang, render

router = APIRouter(include_in_schema=False)


class RateLimit:
    """At most ``limit`` requests per ``window_s`` per client; at most ``clients`` clients remembered."""

    def __init__(self, limit: int = 20, window_s: float = 60.0, clients: int = 10_000) -> None:
        self.limit, self.window_s, self.clients = limit, window_s, clients
        self._seen: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def allow(self, client: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        with self._lock:
            times = self._seen.pop(client, None) or deque()
            while times and now - times[0] > self.window_s:
                times.popleft()
            self._seen[client] = times
            while len(self._seen) > self.clients:
                self._seen.popitem(last=False)
            if len(times) >= self.limit:
                return False
            times.append(now)
            return True


LIMIT = RateLimit()


def _client(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.get("/verify", response_class=HTMLResponse)
async def verify_form(request: Request, svc: ServiceDep) -> Response:
    """A code typed off the paper: the form, and its answer (``?code=``) sent on to ``/verify/{code}``."""
    typed = request.query_params.get("code", "").strip()[:64]
    if typed:
        return RedirectResponse(f"/verify/{quote(typed, safe='')}", status_code=303)
    return render(request, svc, "verify.html", "verify", "verify_title", outcome="ask", doc=None, code="",
                  message=pick(page_lang(request, svc))["verify_ask"])


@router.get("/verify/{code}", response_class=HTMLResponse)
async def verify_page(code: Annotated[str, PathParam(max_length=64)], request: Request,
                      svc: ServiceDep) -> HTMLResponse:
    words = pick(page_lang(request, svc))
    limiter: RateLimit = getattr(request.app.state, "verify_limit", LIMIT)
    if not limiter.allow(_client(request)):
        return render(request, svc, "verify.html", "verify", "verify_title", status=429, outcome="too_many",
                      doc=None, code=code[:32], message=words["verify_too_many"])
    record = document_register(svc).lookup(code)
    if record is None or record.revoked:
        outcome = "revoked" if record is not None else "invalid"
        return render(request, svc, "verify.html", "verify", "verify_title", status=404, outcome=outcome,
                      doc=None, code=code[:32], message=words[f"verify_{outcome}"])
    issued = record.issued_at.astimezone(svc.tz).strftime("%Y-%m-%d %H:%M")
    doc = {"kind": words[f"doc_{record.kind}"], "holder": record.holder, "id_masked": record.id_masked,
           "issued": issued, "period": f"{record.first_month} — {record.last_month}",
           "insurances": "、".join(words[f"ins_{c}"] for c in record.insurances), "pages": record.pages}
    return render(request, svc, "verify.html", "verify", "verify_title", outcome="valid", doc=doc,
                  code=grouped(record.code), message=words["verify_valid"])

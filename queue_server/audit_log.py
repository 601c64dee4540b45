"""Reading the audit trail (第五十八条: every action leaves a trace): filter by time, actor, ticket and
window, and the CSV export (cells that a spreadsheet would run as a formula are made plain text)."""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from queue_server.store.tables import audit_t

#: a cell starting with one of these is a formula to Excel, LibreOffice and WPS (CSV injection)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
COLUMNS = ("id", "at", "actor", "action", "subject", "detail")


@dataclass(frozen=True)
class AuditFilter:
    start: datetime | None = None
    end: datetime | None = None
    actor: str | None = None
    ticket: str | None = None
    window: int | None = None
    action: str | None = None


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _query(f: AuditFilter) -> sa.Select[Any]:
    c = audit_t.c
    q = sa.select(audit_t)
    if f.start is not None:
        q = q.where(c.at >= f.start)
    if f.end is not None:
        q = q.where(c.at < f.end)
    if f.actor:
        q = q.where(c.actor.like(_like(f.actor), escape="\\"))
    if f.action:
        q = q.where(c.action == f.action)
    if f.ticket:
        number = f.ticket.upper()
        q = q.where(sa.or_(c.subject == number, c.detail.like(_like(f'"number": "{number}"'), escape="\\")))
    if f.window is not None:
        n = f.window
        q = q.where(sa.or_(c.subject == f"window {n}", c.detail.like(_like(f'"window": {n},'), escape="\\"),
                           c.detail.like(_like(f'"window": {n}}}'), escape="\\")))
    return q


def search(engine: Engine, f: AuditFilter, tz: tzinfo, limit: int = 200, offset: int = 0) -> dict[str, Any]:
    """Rows newest first; ``more`` when rows beyond ``offset + limit`` match."""
    q = _query(f).order_by(audit_t.c.id.desc()).limit(limit + 1).offset(offset)
    with engine.connect() as conn:
        rows = [row_out(r, tz) for r in conn.execute(q)]
    return {"rows": rows[:limit], "more": len(rows) > limit, "limit": limit, "offset": offset}


def rows_for_csv(engine: Engine, f: AuditFilter, tz: tzinfo, limit: int) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        return [row_out(r, tz) for r in conn.execute(_query(f).order_by(audit_t.c.id).limit(limit))]


def row_out(r: Any, tz: tzinfo) -> dict[str, Any]:
    try:
        detail = json.loads(r.detail or "{}")
    except ValueError:
        detail = {"text": r.detail}
    return {"id": r.id, "at": r.at.astimezone(tz).isoformat(), "actor": r.actor, "action": r.action,
            "subject": r.subject, "detail": detail}


def plain_cell(value: object) -> str:
    """The cell as text a spreadsheet shows and never runs: a leading ``'`` before a formula character."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False) if isinstance(
        value, dict | list) else "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(rows: Iterable[dict[str, Any]]) -> str:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(COLUMNS)
    for r in rows:
        w.writerow([plain_cell(r[k]) for k in COLUMNS])
    return out.getvalue()

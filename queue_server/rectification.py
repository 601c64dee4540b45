"""整改 as 第五十四条 asks: every negative rating (不满意, 非常不满意) and every complaint is put right
within 5 working days, with feedback to the citizen.

A case has an owner (the clerk of the window the visit was at), a due date 5 working days after
it was opened (the working-day calendar of ``[hours]``: weekdays, holidays, 调休 workdays), the
citizen's contact (kept for the call back, shown only masked, blanked after
``retention.personal_data_days``) and, when closed, the feedback
given. An extension needs a named approver (a manager) and a new date. A case still open after
its due date is overdue; the closure rate counts cases closed by their due date.

Negative ratings become cases on their own: :meth:`RectificationDesk.sync` opens one for each
that has none (at most one per rating), so the rating desk needs to know nothing of this.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from hall_contract.config.sections import Hours
from hall_contract.errors import HallError
from queue_server.engine.hours import WorkCalendar
from queue_server.store.front_tables import rating_detail_t
from queue_server.store.ratings import NEGATIVE_MAX
from queue_server.store.tables import AwareDateTime, audit_t, rating_t

#: working days a case has (第五十四条)
DUE_WORKING_DAYS = 5
OPEN, DONE = "open", "done"

metadata = sa.MetaData()
rectification_t = sa.Table(
    "rectification", metadata,
    sa.Column("id", sa.Integer(), primary_key=True),
    sa.Column("kind", sa.String(16), nullable=False),  # rating | complaint
    sa.Column("rating_id", sa.Integer(), unique=True),
    sa.Column("day", sa.Date(), nullable=False),
    sa.Column("number", sa.String(16)),
    sa.Column("window", sa.Integer()),
    sa.Column("owner", sa.String(64)),
    sa.Column("opened_at", AwareDateTime(), nullable=False),
    sa.Column("due", sa.Date(), nullable=False),
    sa.Column("summary", sa.String(500), nullable=False, server_default=""),
    sa.Column("contact", sa.String(32)),
    sa.Column("state", sa.String(8), nullable=False),
    sa.Column("extended_by", sa.String(64)),
    sa.Column("extended_at", AwareDateTime()),
    sa.Column("extension_reason", sa.String(200)),
    sa.Column("feedback", sa.String(500)),
    sa.Column("closed_by", sa.String(64)),
    sa.Column("closed_at", AwareDateTime()),
)


class RectificationError(HallError):
    code = "rectification_error"
    message_zh, message_en = "整改记录不能这样处理", "the rectification case cannot be changed this way"


class CaseNotFound(RectificationError):
    code = "rectification_not_found"
    message_zh, message_en = "没有这条整改记录", "no such rectification case"


class ApproverRequired(RectificationError):
    code = "approver_required"
    message_zh, message_en = "延期须由前台主管批准", "an extension needs a manager's approval"


class CaseClosed(RectificationError):
    code = "rectification_closed"
    message_zh, message_en = "该整改已办结", "the case is already closed"


def mask_contact(contact: str | None) -> str | None:
    """``138****5678``: a phone number keeps its first 3 and last 4 digits; anything else its ends."""
    if not contact:
        return None
    if len(contact) <= 4:
        return "*" * len(contact)
    keep = 3 if len(contact) >= 11 else 1
    return contact[:keep] + "*" * (len(contact) - keep - 4) + contact[-4:]


def valid_contact(contact: str | None) -> str | None:
    """A phone number (digits, optionally with ``-`` or ``+``), or None."""
    if contact is None or not contact.strip():
        return None
    value = contact.strip().replace(" ", "")
    if not re.fullmatch(r"\+?[0-9-]{5,20}", value):
        raise RectificationError(zh="联系电话格式不正确", en="the contact is not a phone number")
    return value


@dataclass(frozen=True)
class Case:
    id: int
    kind: str
    rating_id: int | None
    day: date
    number: str | None
    window: int | None
    owner: str | None
    opened_at: datetime
    due: date
    summary: str
    contact: str | None
    state: str
    extended_by: str | None
    extended_at: datetime | None
    extension_reason: str | None
    feedback: str | None
    closed_by: str | None
    closed_at: datetime | None
    #: what the citizen gave on the rating tablet: the level, the reason codes (space-separated), the words
    rating: int | None = None
    reasons: str | None = None
    text: str | None = None

    def overdue(self, today: date, tz: tzinfo) -> bool:
        """Open past its due date, or closed after it."""
        if self.state == DONE and self.closed_at is not None:
            return self.closed_at.astimezone(tz).date() > self.due
        return today > self.due

    def public(self, today: date, tz: tzinfo) -> dict[str, Any]:
        """The case as the API shows it: the contact masked."""
        def iso(v: datetime | None) -> str | None:
            return v.astimezone(tz).isoformat() if v is not None else None
        return {"id": self.id, "kind": self.kind, "rating_id": self.rating_id, "day": self.day.isoformat(),
                "number": self.number, "window": self.window, "owner": self.owner,
                "opened_at": iso(self.opened_at), "due": self.due.isoformat(), "summary": self.summary,
                "contact": mask_contact(self.contact), "state": self.state, "overdue": self.overdue(today, tz),
                "extended_by": self.extended_by, "extended_at": iso(self.extended_at),
                "extension_reason": self.extension_reason, "feedback": self.feedback,
                "closed_by": self.closed_by, "closed_at": iso(self.closed_at), "rating": self.rating,
                "reasons": (self.reasons or "").split(), "text": self.text}


class RectificationDesk:
    """Cases in the hall's database, on the hall's working-day calendar."""

    def __init__(self, engine: Engine, hours: Hours, tz: tzinfo, keep_contact_days: int = 90) -> None:
        self.engine, self.tz = engine, tz
        self.calendar = WorkCalendar(hours)
        self.keep_contact_days = keep_contact_days

    def due_from(self, opened: datetime) -> date:
        return self.calendar.add_working_days(opened.astimezone(self.tz).date(), DUE_WORKING_DAYS)

    # -- opening ---------------------------------------------------------------------------

    def sync(self, today: date | None = None) -> int:
        """Open a case for every negative rating that has none, and blank the contacts of cases older than
        the retention period (``today`` given); answers how many cases were opened."""
        if today is not None:
            with self.engine.begin() as conn:
                conn.execute(rectification_t.update().where(
                    rectification_t.c.day < today - timedelta(days=self.keep_contact_days),
                    rectification_t.c.contact.is_not(None)).values(contact=None))
        done = sa.select(rectification_t.c.rating_id).where(rectification_t.c.rating_id.is_not(None))
        q = sa.select(rating_t).where(rating_t.c.rating <= NEGATIVE_MAX, rating_t.c.id.not_in(done))
        opened = 0
        with self.engine.begin() as conn:
            for r in conn.execute(q.order_by(rating_t.c.id)).all():
                at = r.answered_at or r.requested_at
                self._insert(conn, kind="rating", rating_id=r.id, day=r.day, number=r.number, window=r.window,
                             owner=r.clerk, opened_at=at, summary=r.reason or "", contact=None)
                _audit(conn, "system", "rectification_open", f"rating {r.id}", {"rating": r.id, "owner": r.clerk},
                       at)
                opened += 1
        return opened

    def complaint(self, *, summary: str, by: str, now: datetime, window: int | None = None,
                  owner: str | None = None, number: str | None = None, contact: str | None = None) -> Case:
        """A complaint registered at the desk (第五十三条): the same path as a negative rating."""
        with self.engine.begin() as conn:
            cid = self._insert(conn, kind="complaint", rating_id=None, day=now.astimezone(self.tz).date(),
                               number=number, window=window, owner=owner, opened_at=now, summary=summary,
                               contact=valid_contact(contact))
            _audit(conn, by, "complaint_open", f"case {cid}", {"case": cid, "window": window, "owner": owner}, now)
        return self.get(cid)

    def _insert(self, conn: Connection, *, kind: str, rating_id: int | None, day: date, number: str | None,
                window: int | None, owner: str | None, opened_at: datetime, summary: str,
                contact: str | None) -> int:
        result = conn.execute(rectification_t.insert().values(
            kind=kind, rating_id=rating_id, day=day, number=number, window=window, owner=owner, opened_at=opened_at,
            due=self.due_from(opened_at), summary=summary[:500], contact=contact, state=OPEN))
        return int(result.inserted_primary_key[0])  # type: ignore[index]

    # -- reading ---------------------------------------------------------------------------

    @staticmethod
    def _select() -> sa.Select[Any]:
        """Cases with what the citizen left on the rating tablet: the level, the reasons, the call-back phone
        and the comment."""
        r, d, g = rectification_t, rating_detail_t, rating_t
        cols = [c for c in r.c if c.name not in ("contact", "summary")]
        return sa.select(*cols, sa.func.coalesce(r.c.contact, d.c.phone).label("contact"),
                         sa.case((d.c.text.is_not(None), d.c.text), else_=r.c.summary).label("summary"),
                         g.c.rating.label("rating"), d.c.text.label("text"),
                         sa.case((sa.func.coalesce(d.c.reasons, "") != "", d.c.reasons), else_=g.c.reason
                                 ).label("reasons")
                         ).select_from(r.outerjoin(d, d.c.rating_id == r.c.rating_id)
                                       .outerjoin(g, g.c.id == r.c.rating_id))

    def get(self, cid: int) -> Case:
        with self.engine.connect() as conn:
            row = conn.execute(self._select().where(rectification_t.c.id == cid)).first()
        if row is None:
            raise CaseNotFound(case=cid)
        return Case(**dict(row._mapping))

    def cases(self, *, open_only: bool = False, owner: str | None = None, first: date | None = None,
              last: date | None = None) -> list[Case]:
        q = self._select()
        if open_only:
            q = q.where(rectification_t.c.state == OPEN)
        if owner is not None:
            q = q.where(rectification_t.c.owner == owner)
        if first is not None:
            q = q.where(rectification_t.c.day >= first)
        if last is not None:
            q = q.where(rectification_t.c.day <= last)
        with self.engine.connect() as conn:
            return [Case(**dict(r._mapping)) for r in conn.execute(q.order_by(rectification_t.c.id))]

    # -- acting ----------------------------------------------------------------------------

    def extend(self, cid: int, *, new_due: date, approver: str | None, reason: str | None, by: str,
               now: datetime) -> Case:
        """A later due date, only with a named approver (checked to be a manager by the caller)."""
        if not approver:
            raise ApproverRequired()
        case = self.get(cid)
        if case.state == DONE:
            raise CaseClosed(case=cid)
        if new_due <= case.due:
            raise RectificationError(zh=f"新的整改期限须晚于 {case.due:%Y-%m-%d}",
                                     en=f"the new due date must be after {case.due:%Y-%m-%d}")
        with self.engine.begin() as conn:
            conn.execute(rectification_t.update().where(rectification_t.c.id == cid).values(
                due=new_due, extended_by=approver, extended_at=now, extension_reason=(reason or "")[:200] or None))
            _audit(conn, by, "rectification_extend", f"case {cid}",
                   {"case": cid, "approver": approver, "from": case.due, "to": new_due, "reason": reason}, now)
        return self.get(cid)

    def close(self, cid: int, *, feedback: str, by: str, now: datetime) -> Case:
        """整改 done: the feedback given to the citizen is required."""
        if not feedback.strip():
            raise RectificationError(zh="请填写向群众反馈的整改情况", en="give the feedback told to the citizen")
        case = self.get(cid)
        if case.state == DONE:
            raise CaseClosed(case=cid)
        with self.engine.begin() as conn:
            conn.execute(rectification_t.update().where(rectification_t.c.id == cid).values(
                state=DONE, feedback=feedback.strip()[:500], closed_by=by, closed_at=now))
            if case.rating_id is not None:  # the rating's own follow-up (差评整改) says it is done too
                conn.execute(rating_t.update().where(rating_t.c.id == case.rating_id).values(
                    follow_up="done", follow_up_note=feedback.strip()[:500], follow_up_by=by[:64], follow_up_at=now))
            _audit(conn, by, "rectification_close", f"case {cid}", {"case": cid}, now)
        return self.get(cid)

    def close_for_rating(self, rating_id: int, *, feedback: str, by: str, now: datetime) -> Case | None:
        """The rating's follow-up marked done the old way (``PUT /api/ratings/{id}/follow-up``): its open
        case (opened now if the rating has none yet) is closed with the note as the feedback given."""
        self.sync()
        with self.engine.connect() as conn:
            cid = conn.execute(sa.select(rectification_t.c.id).where(
                rectification_t.c.rating_id == rating_id, rectification_t.c.state == OPEN)).scalar()
        return None if cid is None else self.close(int(cid), feedback=feedback, by=by, now=now)

    # -- the report ------------------------------------------------------------------------

    def report(self, first: date, last: date, today: date) -> dict[str, Any]:
        """Cases opened from ``first`` to ``last``: closed, closed on time, open and overdue, the rate on time."""
        cases = self.cases(first=first, last=last)
        closed = [c for c in cases if c.state == DONE]
        on_time = [c for c in closed if not c.overdue(today, self.tz)]
        overdue_open = [c for c in cases if c.state == OPEN and c.overdue(today, self.tz)]
        return {"from": first.isoformat(), "to": last.isoformat(), "opened": len(cases), "closed": len(closed),
                "closed_on_time": len(on_time), "open": len(cases) - len(closed), "overdue": len(overdue_open),
                "extended": sum(c.extended_by is not None for c in cases),
                "on_time_rate": round(len(on_time) / len(cases), 4) if cases else None}


def _audit(conn: Connection, actor: str, action: str, subject: str, detail: dict[str, Any], at: datetime) -> None:
    conn.execute(audit_t.insert().values(at=at or datetime.now(UTC), actor=actor[:64], action=action[:32],
                                         subject=subject[:64],
                                         detail=json.dumps(detail, ensure_ascii=False, default=str)))

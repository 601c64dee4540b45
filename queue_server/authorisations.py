"""前台主管 事前授权: before 纠错类 business (correcting a record, a contribution, a benefit decision, or
reversing a transaction) the clerk asks the hall manager, naming the business, the ticket and why; the
manager approves or refuses with a note. Both steps are stored and leave an audit row in the same
transaction; a request is answered once.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, tzinfo
from typing import Any

import sqlalchemy as sa

from hall_contract.errors import HallError
from queue_server.rating_detail import clean_text
from queue_server.store import Store
from queue_server.store.front_tables import authorisation_t

#: the kinds of business that need the manager's word first (纠错类 and the rest)
KINDS = ("correct_record", "correct_payment", "correct_benefit", "reverse", "other")
PENDING, APPROVED, REFUSED = "pending", "approved", "refused"
REASON_MAX = 300


class AuthorisationError(HallError):
    code = "authorisation_error"


class InvalidAuthorisation(AuthorisationError):
    code = "invalid_authorisation"


class AuthorisationNotFound(AuthorisationError):
    code = "authorisation_not_found"


class AlreadyAnswered(AuthorisationError):
    code = "already_answered"


@dataclass(frozen=True)
class Authorisation:
    id: int
    asked_at: datetime
    window: int
    clerk: str
    kind: str
    number: str | None
    reason: str
    state: str
    answered_by: str | None
    answered_at: datetime | None
    answer_note: str | None

    def public(self, tz: tzinfo) -> dict[str, Any]:
        out = asdict(self)
        for k in ("asked_at", "answered_at"):
            out[k] = out[k].astimezone(tz).isoformat(timespec="seconds") if out[k] else None
        return out


def _row(r: Any) -> Authorisation:
    return Authorisation(**dict(r._mapping))


class AuthorisationDesk:
    def __init__(self, store: Store, clock: Callable[[], datetime], tz: tzinfo) -> None:
        self.store, self.clock, self.tz = store, clock, tz

    def ask(self, window: int, clerk: str, kind: str, number: str | None, reason: str) -> Authorisation:
        if kind not in KINDS:
            raise InvalidAuthorisation(zh="请选择需授权的业务类型", en=f"kind: one of {', '.join(KINDS)}")
        why = clean_text(reason)
        if not why or len(why) < 2:
            raise InvalidAuthorisation(zh="请写明申请事由", en="say why the authorisation is needed")
        number = (number or "").strip().upper() or None
        now = self.clock()
        with self.store.transaction() as conn:
            res = conn.execute(authorisation_t.insert().values(
                asked_at=now, window=window, clerk=clerk, kind=kind, number=number, reason=why[:REASON_MAX],
                state=PENDING))
            rid = res.inserted_primary_key[0] if res.inserted_primary_key else None
            self.store.audit(conn, clerk, "authorisation_ask", number or f"window {window}",
                             {"id": rid, "window": window, "kind": kind, "reason": why[:REASON_MAX]}, now)
            row = conn.execute(sa.select(authorisation_t).where(authorisation_t.c.id == rid)).one()
        return _row(row)

    def answer(self, rid: int, decision: str, note: str | None, by: str) -> Authorisation:
        if decision not in (APPROVED, REFUSED):
            raise InvalidAuthorisation(zh="审批结果须为同意或不同意", en="decision: approved or refused")
        note = clean_text(note)
        if decision == REFUSED and not note:
            raise InvalidAuthorisation(zh="不同意时请写明原因", en="say why when refusing")
        now = self.clock()
        with self.store.transaction() as conn:
            row = conn.execute(sa.select(authorisation_t).where(authorisation_t.c.id == rid)).first()
            if row is None:
                raise AuthorisationNotFound(zh=f"没有授权申请 {rid}", en=f"no authorisation request {rid}")
            done = conn.execute(authorisation_t.update().where(authorisation_t.c.id == rid,
                                                               authorisation_t.c.state == PENDING)
                                .values(state=decision, answered_by=by, answered_at=now,
                                        answer_note=(note or "")[:REASON_MAX] or None))
            if done.rowcount != 1:
                raise AlreadyAnswered(zh="该申请已审批", en="this request was answered already", id=rid)
            self.store.audit(conn, by, "authorisation_answer", row.number or f"window {row.window}",
                             {"id": rid, "decision": decision, "note": note, "clerk": row.clerk}, now)
            row = conn.execute(sa.select(authorisation_t).where(authorisation_t.c.id == rid)).one()
        return _row(row)

    def _since_today(self) -> datetime:
        local = self.clock().astimezone(self.tz)
        return local.replace(hour=0, minute=0, second=0, microsecond=0)

    def for_window(self, n: int) -> list[Authorisation]:
        """Window n's requests of today and any still waiting, newest first."""
        t = authorisation_t
        with self.store.engine.connect() as conn:
            rows = conn.execute(sa.select(t).where(t.c.window == n, sa.or_(t.c.asked_at >= self._since_today(),
                                                                            t.c.state == PENDING))
                                .order_by(t.c.id.desc()).limit(50))
            return [_row(r) for r in rows]

    def for_manager(self) -> list[Authorisation]:
        """Every request still waiting and today's answered ones, waiting first."""
        t = authorisation_t
        with self.store.engine.connect() as conn:
            rows = conn.execute(sa.select(t).where(sa.or_(t.c.asked_at >= self._since_today(), t.c.state == PENDING))
                                .order_by((t.c.state == PENDING).desc(), t.c.id.desc()).limit(100))
            return [_row(r) for r in rows]

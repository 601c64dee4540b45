"""The guide desk (咨询引导, 第十三/四十一/五十条): tickets issued for a citizen, with a priority
(老年人, 残疾人 / 绿色通道) or a 代办 (someone acting for the citizen), a lost ticket shown again, and
feedback and complaints (第五十三条) registered with a category and a masked contact.

Only masked data is kept: the typed ID number becomes ``1301**********1234`` and an opaque reference
(the kiosks' ``holder_ref``), the name ``张*``, a phone ``138****5678``.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from hall_contract.protocol import IssueTicketArgs, TicketPublic
from queue_server.actor import Actor
from queue_server.frontdesk.citizens import (
    CitizenInputError,
    age_of,
    hall_salt,
    holder_ref,
    mask_id,
    masked_name,
    masked_phone,
    normal_id,
)
from queue_server.frontdesk.tables import feedback_t, proxy_t
from queue_server.service import HallService

log = logging.getLogger(__name__)

#: 代办: who acts for the citizen
RELATIONS = {"spouse": "配偶", "child": "子女", "parent": "父母", "other": "其他"}
#: feedback and complaint categories: the standard's three dimensions, the hall, and anything else
CATEGORIES = {"attitude": "服务态度", "efficiency": "办事效率", "quality": "办事质量", "facilities": "环境设施",
              "other": "其他"}
KINDS = ("feedback", "complaint")
ELDERLY_AGE = 70



@dataclass(frozen=True)
class Proxy:
    name: str
    id_number: str
    relation: str


@dataclass(frozen=True)
class DeskTicket:
    ticket: TicketPublic
    holder_id: str | None
    proxy: dict[str, str] | None
    new: bool


class GuideDesk:
    def __init__(self, svc: HallService, engine: Engine, salt: str = "") -> None:
        self.svc = svc
        self.engine = engine
        self.salt = hall_salt(salt, svc.settings.hall.id)

    def issue(self, *, queue: str | None, item: str | None, priority: str, id_number: str | None,
              name: str | None, proxy: Proxy | None, request_id: str | None, actor: Actor) -> DeskTicket:
        """A ticket for the citizen at the desk; a typed ID number of someone 70 or older makes it ``elderly``."""
        now = self.svc.now()
        ref = masked = None
        if id_number:
            number = normal_id(id_number)
            ref, masked = holder_ref(number, self.salt), mask_id(number)
            age = age_of(number, now.date())
            if priority == "normal" and age is not None and age >= ELDERLY_AGE:
                priority = "elderly"
        held = None
        if proxy is not None:
            if proxy.relation not in RELATIONS:
                raise CitizenInputError(f"代办关系须为 {'/'.join(RELATIONS.values())} "
                                        f"(relation must be one of {', '.join(RELATIONS)})")
            pid = normal_id(proxy.id_number)
            pname = masked_name(proxy.name)
            if pname is None:
                raise CitizenInputError("请填写代办人姓名 (the proxy's name is needed)")
            held = {"name": pname, "id": mask_id(pid), "relation": proxy.relation,
                    "relation_zh": RELATIONS[proxy.relation]}
        args = IssueTicketArgs(queue=queue, item=item, priority=priority, source="guide-desk",  # type: ignore[arg-type]
                               holder=masked_name(name), holder_ref=ref, request_id=request_id)
        ticket, new = self.svc.issue(args, actor)
        if held is not None and new:
            with self.engine.begin() as conn:
                conn.execute(proxy_t.insert().values(
                    ticket_id=_key(now.date(), ticket.number), day=now.date(), number=ticket.number,
                    proxy_name=held["name"], proxy_id=held["id"], relation=proxy.relation if proxy else "other",
                    by=actor.audit_name, at=now))
        elif held is None:
            held = self.proxy_of(now.date(), ticket.number)
        return DeskTicket(ticket, masked, held, new)

    def proxy_of(self, day: date, number: str) -> dict[str, str] | None:
        with self.engine.connect() as conn:
            r = conn.execute(sa.select(proxy_t).where(proxy_t.c.ticket_id == _key(day, number))).first()
        if r is None:
            return None
        return {"name": r.proxy_name, "id": r.proxy_id, "relation": r.relation,
                "relation_zh": RELATIONS.get(r.relation, r.relation)}

    def reprint(self, number: str) -> DeskTicket:
        """Today's ticket ``number`` shown again (the citizen lost the paper), with its masked holder."""
        t = self.svc.ticket_public(number.upper())
        return DeskTicket(t, None, self.proxy_of(self.svc.now().date(), t.number), False)

    # -- feedback and complaints (第五十三条) ------------------------------------------------

    def register(self, *, kind: str, category: str, text: str, contact: str | None, number: str | None,
                 window: int | None, actor: Actor) -> dict[str, Any]:
        if kind not in KINDS:
            raise CitizenInputError(f"kind must be one of {', '.join(KINDS)}")
        if category not in CATEGORIES:
            raise CitizenInputError(f"类别须为 {'/'.join(CATEGORIES.values())} "
                                    f"(category must be one of {', '.join(CATEGORIES)})")
        text = text.strip()
        if not 1 <= len(text) <= 500:
            raise CitizenInputError("请填写 1-500 字的内容 (the text must have 1-500 characters)")
        now = self.svc.now()
        row = {"day": now.date(), "at": now, "kind": kind, "category": category, "text": text,
               "contact": masked_phone(contact), "number": (number or "").upper() or None, "window": window,
               "by": actor.audit_name}
        with self.engine.begin() as conn:
            key = conn.execute(feedback_t.insert().values(**row)).inserted_primary_key
            assert key is not None
            fid = key[0]
            self.svc.store.audit(conn, actor.audit_name, f"desk_{kind}", f"feedback {fid}",
                                 {"category": category, "window": window, "number": row["number"]}, now)
        return _feedback_out({**row, "id": fid, "case_id": None})

    def link_case(self, feedback_id: int, case_id: int) -> None:
        """The 整改 case opened for complaint ``feedback_id``."""
        with self.engine.begin() as conn:
            conn.execute(feedback_t.update().where(feedback_t.c.id == feedback_id).values(case_id=case_id))

    def feedback_of(self, day: date) -> list[dict[str, Any]]:
        with self.engine.connect() as conn:
            rows = conn.execute(sa.select(feedback_t).where(feedback_t.c.day == day).order_by(feedback_t.c.id))
            return [_feedback_out({**r._mapping, "at": r.at.astimezone(self.svc.tz)}) for r in rows]


def _key(day: date, number: str) -> str:
    return f"{day.isoformat()}:{number}"


def _feedback_out(r: dict[str, Any]) -> dict[str, Any]:
    at = r["at"]
    return {"id": r["id"], "kind": r["kind"], "category": r["category"],
            "category_zh": CATEGORIES.get(r["category"], r["category"]), "text": r["text"], "contact": r["contact"],
            "number": r["number"], "window": r["window"], "by": r["by"], "case_id": r.get("case_id"),
            "at": at.isoformat(timespec="seconds") if isinstance(at, datetime) else str(at)}

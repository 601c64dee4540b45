"""An accepted open on its way, and the sentences the console and the person sent read.

A :class:`Dispatch` is what 采纳 of an open makes: the window, the queues it will serve, the
person named (or nobody, when nobody was free), when they should start calling and when the
dispatch lapses (``ready_at`` + ``pending_grace_s``). It is kept as JSON in the database's
meta table, so a restart keeps the people on their way.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from queue_server.engine import Person, Recommendation, Role


@dataclass(frozen=True)
class Dispatch:
    window: int
    window_name: str
    queue: str
    queues: tuple[str, ...]
    person: str | None
    role: str | None
    label: str | None
    label_en: str | None
    accepted_at: datetime
    ready_at: datetime
    expires_at: datetime
    by: str

    @classmethod
    def of(cls, rec: Recommendation, by: str, accepted_at: datetime, ready_at: datetime,
           expires_at: datetime) -> Dispatch:
        p = rec.person
        return cls(rec.window, rec.window_name, rec.queue, rec.queues or (rec.queue,),
                   p.id if p else None, p.role.value if p else None, p.label_zh() if p else None,
                   p.label_en() if p else None, accepted_at, ready_at, expires_at, by)

    def recommendation(self) -> Recommendation:
        """The open as the advisor knows it (to tell a fresh advisor after a restart)."""
        person = Person(self.person, self.person, Role(self.role)) if self.person and self.role else None
        return Recommendation("open", self.window, self.window_name, self.queue, "", "", self.queues,
                              "named" if person else "nobody", person, self.ready_at)

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["queues"] = list(self.queues)
        for k in ("accepted_at", "ready_at", "expires_at"):
            d[k] = d[k].isoformat()
        return d

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> Dispatch:
        times = {k: datetime.fromisoformat(d[k]) for k in ("accepted_at", "ready_at", "expires_at")}
        return cls(int(d["window"]), str(d["window_name"]), str(d["queue"]), tuple(d["queues"]), d.get("person"),
                   d.get("role"), d.get("label"), d.get("label_en"), by=str(d.get("by", "")), **times)


def queue_list(codes: tuple[str, ...], names: dict[str, str]) -> str:
    return "、".join(f"{c}{names.get(c, '')}" for c in codes)


def accepted_line(d: Dispatch) -> tuple[str, str]:
    if d.label:
        return (f"已采纳：已通知{d.label}前往{d.window_name}，约{d.ready_at:%H:%M}开始叫号（到岗后窗口开放）",
                f"Accepted: {d.label_en} asked to go to window {d.window}, calling from about {d.ready_at:%H:%M} "
                "(the window opens when they arrive)")
    return (f"已采纳：{d.window_name}待人员到岗后开放，目前没有可调派的人员，请安排人员前往",
            f"Accepted: window {d.window} opens when someone arrives there; nobody was free: please send someone")


def arrived_line(d: Dispatch, clerk: str | None, at: datetime, names: dict[str, str]) -> tuple[str, str]:
    qs = queue_list(d.queues, names)
    if clerk and clerk == d.person:
        return (f"{d.label}已到达{d.window_name}，{at:%H:%M}开始办理{qs}",
                f"{d.label_en} arrived at window {d.window}, serving {', '.join(d.queues)} from {at:%H:%M}")
    who = clerk or "主管"
    return (f"{d.window_name}已由{who}开放，{at:%H:%M}开始办理{qs}",
            f"window {d.window} opened by {clerk or 'the manager'}, serving {', '.join(d.queues)} from {at:%H:%M}")


def lapsed_line(d: Dispatch) -> tuple[str, str]:
    who, who_en = (d.label, d.label_en) if d.label else ("人员", "nobody")
    return (f"{who}未在{d.expires_at:%H:%M}前到达{d.window_name}，建议已重新评估",
            f"{who_en} had not reached window {d.window} by {d.expires_at:%H:%M}; the advice is made afresh")


def closed_line(rec: Recommendation, at: datetime) -> tuple[str, str]:
    zh = f"已采纳：{rec.window_name}已于{at:%H:%M}关闭"
    en = f"Accepted: window {rec.window} closed at {at:%H:%M}"
    if rec.reopen_for:
        zh += f"，将改为办理{rec.reopen_for}"
        en += f", to reopen for {rec.reopen_for}"
    return zh, en


def notice_text(d: Dispatch, names: dict[str, str]) -> tuple[str, str]:
    """What the person sent reads on their page."""
    qs = queue_list(d.queues, names)
    who, who_en = (f"主管{d.by}", f"The manager ({d.by})") if d.by else ("系统按弹性窗口建议", "The advisor")
    return (f"{who}于{d.accepted_at:%H:%M}安排您前往{d.window_name}（弹性窗口）办理{qs}，"
            f"请约{d.ready_at:%H:%M}到岗；到达后点“到岗开窗”，窗口即开始叫号。",
            f"{who_en} asks you at {d.accepted_at:%H:%M} to go to window {d.window} (elastic) for "
            f"{', '.join(d.queues)}, by about {d.ready_at:%H:%M}; press “I am here” when you arrive and the window "
            "opens.")


__all__ = ["Dispatch", "accepted_line", "arrived_line", "closed_line", "lapsed_line", "notice_text", "queue_list"]

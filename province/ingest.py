"""One batch of events into the province database, in one transaction, exactly once.

``INSERT INTO event ... ON CONFLICT (hall_id, seq, day) DO NOTHING RETURNING`` keeps the first
copy of every event (the day is part of the key only because PostgreSQL wants the partition key
in every unique index; a hall fixes an event's day when it writes it, so a repeat carries the
same one). Only the events that were new go on to the derived rows, so a redelivery, a replay
or a second aggregator changes nothing. Every derived column is set so that the order of
events does not matter (several aggregators commit batches in any order): facts are kept once
(``COALESCE``), counts take the larger (``GREATEST``), states the newer sequence number.

A bad event (wrong version, not JSON, a hall id with a dot or a space, a subject that does not
match) is parked with its reason in the same transaction and acknowledged like the rest.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from hall_contract.uplink import BadEvent, Envelope, parse_event
from province.db import Partitions, accepted_days

TICKET_TYPES = frozenset({"ticket_issued", "ticket_called", "visit_ended"})
MAX_PARKED_BYTES = 16 * 1024

VISIT_COLS: dict[str, str] = {
    "hall_id": "text", "day": "date", "ticket_id": "text", "number": "text", "queue": "text", "item": "text",
    "priority": "text", "hop": "int", "issued_at": "timestamptz", "queued_at": "timestamptz",
    "called_at": "timestamptz", "wait_s": "double precision", "target_wait_s": "double precision",
    "attempts": "int", "window_no": "int", "clerk": "text", "outcome": "text", "ended_at": "timestamptz",
    "service_s": "double precision"}
RATING_COLS: dict[str, str] = {
    "hall_id": "text", "day": "date", "ticket_id": "text", "rating_id": "bigint", "number": "text",
    "queue": "text", "item": "text", "window_no": "int", "clerk": "text", "level": "int", "reason": "text",
    "rated_at": "timestamptz", "follow_up": "text", "follow_seq": "bigint", "follow_at": "timestamptz",
    "follow_by": "text"}
FOLLOW_COLS = ("follow_up", "follow_seq", "follow_at", "follow_by")
WINDOW_COLS: dict[str, str] = {
    "hall_id": "text", "window_no": "int", "name": "text", "kind": "text", "status": "text", "queues": "text[]",
    "clerk": "text", "seq": "bigint", "at": "timestamptz"}
HALL_COLS: dict[str, str] = {
    "hall_id": "text", "slot": "int", "events": "bigint", "last_seq": "bigint", "last_at": "timestamptz",
    "last_received_at": "timestamptz", "last_lag_s": "double precision"}


def _recordset(cols: dict[str, str]) -> str:
    return "jsonb_to_recordset(CAST(:rows AS jsonb)) AS x(" + ", ".join(f"{c} {t}" for c, t in cols.items()) + ")"


def _upsert(table: str, cols: dict[str, str], key: tuple[str, ...], sets: dict[str, str], where: str = "") -> Any:
    names = ", ".join(cols)
    assign = ", ".join(f"{c} = {expr}" for c, expr in sets.items())
    return sa.text(f"INSERT INTO {table} ({names}) SELECT {names} FROM {_recordset(cols)} "
                   f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {assign}{where}")


_KEY_V = ("hall_id", "day", "ticket_id")
VISIT_UPSERT = _upsert("visit", VISIT_COLS, _KEY_V, {
    **{c: f"COALESCE(visit.{c}, EXCLUDED.{c})" for c in VISIT_COLS if c not in (*_KEY_V, "attempts")},
    "attempts": "GREATEST(visit.attempts, EXCLUDED.attempts)"})
RATING_UPSERT = _upsert("rating", RATING_COLS, _KEY_V, {
    **{c: f"COALESCE(rating.{c}, EXCLUDED.{c})" for c in RATING_COLS if c not in (*_KEY_V, *FOLLOW_COLS)},
    **{c: f"CASE WHEN EXCLUDED.follow_seq > rating.follow_seq THEN EXCLUDED.{c} ELSE rating.{c} END"
       for c in FOLLOW_COLS}})
WINDOW_UPSERT = _upsert("hall_window", WINDOW_COLS, ("hall_id", "window_no"),
                        {c: f"EXCLUDED.{c}" for c in WINDOW_COLS if c not in ("hall_id", "window_no")},
                        " WHERE hall_window.seq < EXCLUDED.seq")
HALL_UPSERT = _upsert("hall_progress", HALL_COLS, ("hall_id", "slot"), {
    "events": "hall_progress.events + EXCLUDED.events",
    "last_seq": "GREATEST(hall_progress.last_seq, EXCLUDED.last_seq)",
    "last_at": "CASE WHEN EXCLUDED.last_seq > hall_progress.last_seq THEN EXCLUDED.last_at "
               "ELSE hall_progress.last_at END",
    "last_lag_s": "CASE WHEN EXCLUDED.last_seq > hall_progress.last_seq THEN EXCLUDED.last_lag_s "
                  "ELSE hall_progress.last_lag_s END",
    "last_received_at": "GREATEST(hall_progress.last_received_at, EXCLUDED.last_received_at)"})
EVENT_INSERT = sa.text(
    "INSERT INTO event (hall_id, seq, day, type, at, body) SELECT hall_id, seq, day, type, at, body FROM "
    + _recordset({"hall_id": "text", "seq": "bigint", "day": "date", "type": "text", "at": "timestamptz",
                  "body": "json"})
    + " ON CONFLICT (hall_id, seq, day) DO NOTHING RETURNING hall_id, seq")
PARK_INSERT = sa.text("INSERT INTO parked (subject, hall_id, seq, reason, raw) "
                      "VALUES (:subject, :hall_id, :seq, :reason, :raw)")


@dataclass
class BatchResult:
    new: int = 0
    duplicates: int = 0
    parked: int = 0


def _rows(rows: Iterable[dict[str, Any]]) -> str:
    return json.dumps(list(rows), default=str, ensure_ascii=False)


def _merge(into: dict[str, Any], new: dict[str, Any]) -> None:
    for k, v in new.items():
        if k == "attempts":
            into[k] = max(into.get(k) or 0, v or 0)
        elif into.get(k) is None:
            into[k] = v


def visit_row(e: Envelope) -> dict[str, Any]:
    d = e.data
    row: dict[str, Any] = {"hall_id": e.hall, "day": e.day.isoformat(), "ticket_id": d["ticket_id"],
                           "number": d["number"], "queue": d["queue"], "item": d.get("item"),
                           "priority": d["priority"], "hop": d.get("hop", 0), "window_no": d.get("window"),
                           "attempts": 0}
    if e.type == "ticket_issued":
        row.update(issued_at=d["issued_at"], queued_at=d["queued_at"])
    elif e.type == "ticket_called":
        row.update(attempts=d["attempt"], clerk=d.get("clerk"))
        if d["attempt"] == 1:
            row.update(called_at=d["called_at"], wait_s=d.get("wait_s"), target_wait_s=d.get("target_wait_s"))
    else:
        row.update(outcome=d["outcome"], ended_at=d["ended_at"], service_s=d.get("service_s"),
                   wait_s=d.get("wait_s"), called_at=d.get("called_at"), clerk=d.get("clerk"))
    return row


def rating_row(e: Envelope) -> dict[str, Any]:
    d = e.data
    row: dict[str, Any] = {c: None for c in RATING_COLS}
    row.update(hall_id=e.hall, day=e.day.isoformat(), ticket_id=d["ticket_id"], rating_id=d["rating_id"],
               number=d["number"], window_no=d["window"], clerk=d.get("clerk"), level=d.get("level"),
               follow_seq=0)
    if e.type == "rating":
        row.update(queue=d["queue"], item=d.get("item"), reason=d.get("reason"), rated_at=e.at.isoformat())
        if d.get("follow_up"):
            row.update(follow_up=d["follow_up"], follow_seq=e.seq, follow_at=e.at.isoformat())
    else:
        row.update(follow_up=d["state"], follow_seq=e.seq, follow_at=e.at.isoformat(), follow_by=d["by"])
    return row


class Ingest:
    """``slot``: this aggregator's row of ``hall_progress`` (see :func:`claim_slot`); any slot is correct,
    two aggregators on one slot only wait for each other."""

    def __init__(self, engine: Engine, slot: int = 0) -> None:
        self.engine = engine
        self.slot = slot
        self.partitions = Partitions()

    def apply(self, items: list[tuple[str, bytes]]) -> BatchResult:
        """``(subject, payload)`` of each message; commits once, then the caller acknowledges them all."""
        result = BatchResult()
        goods: dict[tuple[str, int], tuple[Envelope, bytes]] = {}
        parked: list[dict[str, Any]] = []
        first, last = accepted_days()
        for subj, raw in items:
            try:
                env = parse_event(raw, subj)
                if not first <= env.day <= last:
                    raise BadEvent(f"day {env.day} is out of range ({first} to {last})")
            except BadEvent as bad:
                parked.append(_parked(subj, raw, bad.reason))
                continue
            if (env.hall, env.seq) in goods:
                result.duplicates += 1
            goods.setdefault((env.hall, env.seq), (env, raw))
        self.partitions.ensure(self.engine, {e.day for e, _ in goods.values()})
        with self.engine.begin() as conn:
            if parked:
                conn.execute(PARK_INSERT, parked)
                result.parked = len(parked)
            if goods:
                fresh = self._events(conn, [goods[k] for k in sorted(goods)])
                result.new = len(fresh)
                result.duplicates += len(goods) - len(fresh)
                self._derive(conn, fresh)
        return result

    @staticmethod
    def _events(conn: Connection, envs: list[tuple[Envelope, bytes]]) -> list[Envelope]:
        # the body goes in as it came (it parsed as the envelope above), spliced into the row set unchanged
        rows = ",".join(f'{{"hall_id":"{e.hall}","seq":{e.seq},"day":"{e.day.isoformat()}","type":"{e.type}",'
                        f'"at":"{e.at.isoformat()}","body":{raw.decode()}}}' for e, raw in envs)
        new = {(h, int(s)) for h, s in conn.execute(EVENT_INSERT, {"rows": f"[{rows}]"})}
        return [e for e, _ in envs if (e.hall, e.seq) in new]

    def _derive(self, conn: Connection, fresh: list[Envelope]) -> None:
        if not fresh:
            return
        visits: dict[tuple[str, str, str], dict[str, Any]] = {}
        ratings: dict[tuple[str, str, str], dict[str, Any]] = {}
        windows: dict[tuple[str, int], dict[str, Any]] = {}
        halls: dict[str, dict[str, Any]] = {}
        now = datetime.now(UTC)
        for e in fresh:
            if e.type in TICKET_TYPES:
                row = visit_row(e)
                _merge(visits.setdefault((e.hall, row["day"], row["ticket_id"]), {}), row)
            elif e.type in ("rating", "follow_up"):
                row = rating_row(e)
                key = (e.hall, row["day"], row["ticket_id"])
                have = ratings.get(key)
                if have is None:
                    ratings[key] = row
                else:
                    newer = row["follow_seq"] > have["follow_seq"]
                    follow = {c: (row if newer else have)[c] for c in FOLLOW_COLS}
                    _merge(have, {c: v for c, v in row.items() if c not in FOLLOW_COLS})
                    have.update(follow)
            elif e.type == "window_status":
                d = e.data
                prev = windows.get((e.hall, d["window"]))
                if prev is None or prev["seq"] < e.seq:
                    windows[(e.hall, d["window"])] = {
                        "hall_id": e.hall, "window_no": d["window"], "name": d.get("name"), "kind": d["kind"],
                        "status": d["status"], "queues": d.get("queues", []), "clerk": d.get("clerk"),
                        "seq": e.seq, "at": e.at.isoformat()}
            h = halls.setdefault(e.hall, {"hall_id": e.hall, "slot": self.slot, "events": 0, "last_seq": 0})
            h["events"] += 1
            if e.seq > h["last_seq"]:
                h.update(last_seq=e.seq, last_at=e.at.isoformat(), last_received_at=now.isoformat(),
                         last_lag_s=round((now - e.at).total_seconds(), 3))
        batches: list[tuple[Any, dict[Any, dict[str, Any]]]] = [
            (VISIT_UPSERT, visits), (RATING_UPSERT, ratings), (WINDOW_UPSERT, windows), (HALL_UPSERT, halls)]
        for stmt, rows in batches:
            if rows:  # in key order, so two aggregators lock rows in the same order
                conn.execute(stmt, {"rows": _rows(rows[k] for k in sorted(rows))})


def _parked(subj: str, raw: bytes, reason: str) -> dict[str, Any]:
    hall, seq = None, None
    try:
        obj = json.loads(raw[:MAX_PARKED_BYTES])
        if isinstance(obj, dict):
            hall = str(obj.get("hall"))[:100] if obj.get("hall") is not None else None
            seq = obj["seq"] if isinstance(obj.get("seq"), int) and 0 < obj["seq"] < 2**62 else None
    except (ValueError, UnicodeDecodeError, RecursionError):
        pass
    return {"subject": subj[:300], "hall_id": hall, "seq": seq, "reason": reason[:300],
            "raw": raw[:MAX_PARKED_BYTES]}


SLOTS = 64


def claim_slot(engine: Engine) -> tuple[int, Connection | None]:
    """A ``hall_progress`` slot no other running aggregator holds (a session advisory lock, kept by the
    returned connection for as long as it stays open); slot 0 with no lock when all are taken."""
    conn = engine.connect()
    for slot in range(SLOTS):
        if conn.execute(sa.text("SELECT pg_try_advisory_lock(48000 + :s)"), {"s": slot}).scalar():
            conn.commit()
            return slot, conn
    conn.close()
    return 0, None

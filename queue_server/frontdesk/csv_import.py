"""Bookings made on the provincial platform, imported from its CSV export.

Columns (a header row, Chinese or English names): 预约编号/booking_id, 日期/date (YYYY-MM-DD),
时间/time (HH:MM), 队列/queue or 事项/item, 姓名/name (optional), 证件号码/id_number. UTF-8 (with or
without BOM) or GB18030. A row whose booking id was imported before is skipped, so the same file can be
imported again; a slot the hall has not configured is made (``slot_min`` long, ``import_capacity`` places,
more when the platform booked more).
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

import sqlalchemy as sa

from queue_server.frontdesk.appointments import AppointmentBook, BookingError
from queue_server.frontdesk.citizens import CitizenInputError
from queue_server.frontdesk.tables import appointment_t, slot_t

MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20_000
HEADERS = {"预约编号": "booking_id", "日期": "date", "预约日期": "date", "时间": "time", "预约时间": "time",
           "队列": "queue", "事项": "item", "事项编码": "item", "姓名": "name", "证件号码": "id_number",
           "身份证号": "id_number"}
_HHMM = re.compile(r"^([01]?\d|2[0-3]):[0-5]\d$")


@dataclass
class ImportResult:
    imported: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)


def read_text(path: Path) -> str:
    data = path.read_bytes()
    if len(data) > MAX_BYTES:
        raise ValueError(f"{path} is {len(data) // 1024} kB; at most {MAX_BYTES // 1024} kB")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("gb18030")


def import_bookings(book: AppointmentBook, text: str) -> ImportResult:
    rows = list(csv.reader(io.StringIO(text)))
    out = ImportResult()
    if not rows:
        out.errors.append("the file is empty")
        return out
    names = [HEADERS.get(h.strip(), h.strip().lower()) for h in rows[0]]
    need = {"booking_id", "date", "time", "id_number"}
    if not need <= set(names) or not {"queue", "item"} & set(names):
        out.errors.append(f"line 1: the header needs {', '.join(sorted(need))} and queue or item; has {rows[0]}")
        return out
    if len(rows) - 1 > MAX_ROWS:
        out.errors.append(f"{len(rows) - 1} rows; at most {MAX_ROWS}")
        return out
    for line, raw in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in raw):
            continue
        rec = {k: (raw[i].strip() if i < len(raw) else "") for i, k in enumerate(names)}
        try:
            if _one(book, rec):
                out.imported += 1
            else:
                out.skipped += 1
        except (ValueError, BookingError) as err:
            out.errors.append(f"line {line}: {err}")
    return out


def _one(book: AppointmentBook, rec: dict[str, str]) -> bool:
    ext = rec["booking_id"]
    if not 1 <= len(ext) <= 64:
        raise ValueError("the booking id must have 1-64 characters")
    try:
        day = date.fromisoformat(rec["date"])
    except ValueError as err:
        raise ValueError(f"date {rec['date']!r} is not YYYY-MM-DD") from err
    if not _HHMM.match(rec["time"]):
        raise ValueError(f"time {rec['time']!r} is not HH:MM")
    hh, mm = (int(x) for x in rec["time"].split(":"))
    start = f"{hh:02d}:{mm:02d}"
    queue, item = book._target(rec.get("queue") or None, rec.get("item") or None)
    with book.engine.begin() as conn:
        if conn.execute(sa.select(appointment_t.c.id).where(appointment_t.c.ext_ref == ext)).first():
            return False
        book.ensure_day(conn, day)
        slot = conn.execute(sa.select(slot_t).where(slot_t.c.day == day, slot_t.c.start == start,
                                                    slot_t.c.queue == queue,
                                                    slot_t.c.item.is_(None) if item is None else slot_t.c.item == item)
                            ).first()
        if slot is None:
            end = (datetime.combine(day, time(hh, mm)) + timedelta(minutes=book.cfg.slot_min)).strftime("%H:%M")
            conn.execute(slot_t.insert().values(day=day, start=start, end=max(end, start), queue=queue, item=item,
                                                capacity=book.cfg.import_capacity))
        else:  # the platform's bookings are made: a full slot grows rather than refusing them
            taken = conn.execute(sa.select(sa.func.count()).where(appointment_t.c.slot_id == slot.id,
                                                                  appointment_t.c.state != "cancelled")).scalar_one()
            if taken >= slot.capacity:
                conn.execute(slot_t.update().where(slot_t.c.id == slot.id).values(capacity=taken + 1))
        try:
            book.book(day, start, queue if item is None else None, item, rec["id_number"], rec.get("name") or None,
                      source="province", ext_ref=ext, conn=conn)
        except CitizenInputError as err:
            raise ValueError(str(err)) from err
    return True

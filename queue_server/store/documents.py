"""Registered A4 documents: one row per verification code, for ``/verify/{code}``.

Only what a checker may see is kept: the kind, the holder masked, the period and types, the
pages, the issue time and the kiosk that printed it. A code is registered once; the same kiosk
registering the same code again (a retried request) changes nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine
from sqlmodel import Field, SQLModel

from queue_server.store.tables import AwareDateTime


class DocumentRow(SQLModel, table=True):
    __tablename__ = "document"

    code: str = Field(primary_key=True, max_length=32)
    kind: str = Field(max_length=16)
    holder: str = Field(max_length=32)
    id_masked: str = Field(max_length=32)
    insurances: str = Field(max_length=64)  # comma-separated codes
    first_month: str = Field(max_length=7)
    last_month: str = Field(max_length=7)
    pages: int
    issued_at: datetime = Field(sa_type=AwareDateTime)
    registered_at: datetime = Field(sa_type=AwareDateTime)
    device: str = Field(max_length=64)
    revoked: bool = False


document_t = DocumentRow.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class DocumentRecord:
    code: str
    kind: str
    holder: str
    id_masked: str
    insurances: tuple[str, ...]
    first_month: str
    last_month: str
    pages: int
    issued_at: datetime
    registered_at: datetime
    device: str
    revoked: bool

    @classmethod
    def from_row(cls, r: Any) -> DocumentRecord:
        m = dict(r._mapping)
        m["insurances"] = tuple(x for x in m["insurances"].split(",") if x)
        return cls(**m)


class DocumentStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def get(self, code: str) -> DocumentRecord | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(document_t).where(document_t.c.code == code)).first()
        return DocumentRecord.from_row(row) if row is not None else None

    def add(self, record: DocumentRecord) -> DocumentRecord:
        """Insert ``record``; answers the row as stored (the first one when the code was known)."""
        values = {**record.__dict__, "insurances": ",".join(record.insurances)}
        try:
            with self.engine.begin() as conn:
                conn.execute(document_t.insert().values(**values))
        except sa.exc.IntegrityError:
            pass
        stored = self.get(record.code)
        assert stored is not None
        return stored

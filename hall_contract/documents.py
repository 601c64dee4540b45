"""The ``register_document`` RPC: a kiosk tells the hall server of an A4 document it printed.

The server keeps the verification code with what a checker may see (the kind, the holder masked,
the issue time, the period and insurance types) and answers ``GET /verify/{code}`` from it. The
full name and 社会保障号码 stay on the paper: a request with an unmasked holder is refused.
"""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

DocumentKind = Literal["certificate", "record"]
INSURANCE_CODES = ("pension", "medical", "unemployment", "injury")


class RegisterDocumentArgs(BaseModel):
    """Arguments of ``rpc/register_document``."""

    model_config = ConfigDict(extra="ignore")
    code: str = Field(min_length=16, max_length=32, description="the verification code, 16 Crockford base-32 chars")
    kind: DocumentKind
    holder: str = Field(min_length=2, max_length=32, description="masked name, e.g. 王*")
    id_masked: str = Field(min_length=4, max_length=32, description="masked 社会保障号码, e.g. 1301**********1098")
    insurances: list[str] = Field(min_length=1, max_length=4)
    first_month: str = Field(pattern=r"^\d{4}-\d{2}$")
    last_month: str = Field(pattern=r"^\d{4}-\d{2}$")
    pages: int = Field(ge=1, le=200)
    issued_at: datetime
    source: str | None = Field(default=None, max_length=64)
    request_id: str | None = Field(default=None, max_length=128)

    @field_validator("holder", "id_masked")
    @classmethod
    def _masked(cls, v: str) -> str:
        if "*" not in v:
            raise ValueError("must be masked (张*, 1301**********1098): the server never keeps the person")
        return v

    @field_validator("insurances")
    @classmethod
    def _known(cls, v: list[str]) -> list[str]:
        unknown = [c for c in v if c not in INSURANCE_CODES]
        if unknown or len(set(v)) != len(v):
            raise ValueError(f"insurances must be distinct ones of {', '.join(INSURANCE_CODES)}")
        return v

    @field_validator("issued_at")
    @classmethod
    def _aware(cls, v: datetime) -> datetime:
        if v.tzinfo is None:
            raise ValueError("issued_at must carry its UTC offset")
        return v

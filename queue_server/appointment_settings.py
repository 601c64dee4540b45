"""``[appointments]``: 预约 slots, the check-in window around a slot, and the holder reference's salt."""
from __future__ import annotations

import re

from pydantic import Field, field_validator, model_validator

from hall_contract.config import Section

_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


class SlotTemplate(Section):
    """A slot offered every business day: a queue or an item, a time and how many bookings it takes."""

    queue: str | None = Field(default=None, max_length=4)
    item: str | None = Field(default=None, max_length=32)
    start: str = Field(description="HH:MM")
    end: str = Field(description="HH:MM")
    capacity: int = Field(default=4, ge=1, le=1000)

    @field_validator("start", "end")
    @classmethod
    def _hhmm(cls, v: str) -> str:
        if not _HHMM.match(v):
            raise ValueError("write a time as HH:MM (24 h)")
        return v

    @model_validator(mode="after")
    def _one_target(self) -> SlotTemplate:
        if (self.queue is None) == (self.item is None):
            raise ValueError("a slot names a queue or an item (one of them)")
        if self.end <= self.start:
            raise ValueError("a slot ends after it starts")
        return self


class AppointmentsConfig(Section):
    enabled: bool = True
    early_min: int = Field(default=30, ge=0, le=240, description="check-in opens this many minutes before the slot")
    late_min: int = Field(default=15, ge=0, le=240, description="check-in with appointment priority until this "
                          "many minutes after the slot starts; later: a normal ticket")
    days_ahead: int = Field(default=30, ge=0, le=365, description="bookings through the API up to this many days "
                            "ahead; the configured slots exist from today to then")
    slot_min: int = Field(default=30, ge=5, le=240, description="length of a slot the CSV import creates")
    import_capacity: int = Field(default=4, ge=1, le=1000, description="capacity of a slot the CSV import creates")
    holder_salt: str = Field(default="", description="the kiosks' holder_salt (check-in by ID card matches the "
                             "kiosk's reference); empty: derived from the hall id, as the kiosk does")
    slots: list[SlotTemplate] = Field(default_factory=list, max_length=500)

"""The fictional card holders the simulators carry (``holders.csv`` next to this file)."""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from hall_contract.citizen import mask_id

HOLDERS_CSV = Path(__file__).with_name("holders.csv")
CARD_STATES = ("normal", "lost", "expired")


@dataclass(frozen=True)
class Holder:
    """One row of the holders file. ``pin`` is left out of the repr on purpose."""

    id_number: str
    name: str
    gender: str  # "男" / "女"
    nation: str  # "汉", "回", ...
    birth: date
    card_number: str
    pin: str = field(repr=False)
    card_status: str = "normal"


def load_holders(path: Path | None = None) -> list[Holder]:
    """All holders of a persons CSV.

    Columns: id_number,name,gender,nation,birth (YYYYMMDD),card_number,pin,card_status.
    """
    with (path or HOLDERS_CSV).open(encoding="utf-8", newline="") as handle:
        return [
            Holder(
                id_number=row["id_number"],
                name=row["name"],
                gender=row["gender"],
                nation=row["nation"],
                birth=datetime.strptime(row["birth"], "%Y%m%d").date(),
                card_number=row["card_number"],
                pin=row["pin"],
                card_status=row.get("card_status") or "normal",
            )
            for row in csv.DictReader(handle)
        ]


def find_holder(key: str, path: Path | None = None) -> Holder:
    """The holder whose ID number or card number is ``key``."""
    for holder in load_holders(path):
        if key in (holder.id_number, holder.card_number):
            return holder
    raise LookupError(f"no holder {mask_id(key)!r} in {path or HOLDERS_CSV}")

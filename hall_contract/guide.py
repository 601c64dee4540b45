"""办事指南: what a citizen needs before queuing for a service item (第九条; told once, 第五十条 一次性告知).

Kept in ``guide.toml`` beside the hall configuration (``[guide.{item code}]``), read with it by
:func:`~hall_contract.config.read_config` into ``HallSettings.guide``: the kiosk shows it before
the ticket is taken and prints a short list on the ticket; the ticket status page shows it too.
"""
from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

GUIDE_FILE = "guide.toml"


class ItemGuide(BaseModel):
    """One item's guide. Whether it can be done at the kiosk is the item's ``self_service``."""

    model_config = ConfigDict(extra="forbid")
    materials: list[str] = Field(default_factory=list, max_length=20, description="申请材料, each one short")
    time_limit: str = Field(default="", max_length=60, description="办理时限, e.g. 即时办结, 15个工作日")
    fee: str = Field(default="不收费", max_length=60, description="收费")
    place: str = Field(default="", max_length=80, description="办理地点")
    aliases: list[str] = Field(default_factory=list, max_length=30,
                               description="everyday names and pinyin initials a citizen may search for")


def read_guide(config_file: Path) -> dict[str, Any] | None:
    """The ``guide`` table of ``guide.toml`` beside ``config_file`` (None when there is no such file).

    Raises ``tomllib.TOMLDecodeError``/``OSError`` for a file that exists but cannot be read."""
    path = config_file.parent / GUIDE_FILE
    if not path.is_file():
        return None
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    guide = data.get("guide", {})
    return guide if isinstance(guide, dict) else {}

"""Languages and translation tables: Chinese (zh_CN) first, English beside it.

Every app keeps its words in a :class:`Catalog` of ``key -> (中文, English)``; a missing or
empty English text falls back to the Chinese one. Language codes are the contract's
(``zh_CN``, ``en``); ``zh`` is read as ``zh_CN``.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Literal, cast

Language = Literal["zh_CN", "en"]
LANGUAGES: tuple[Language, ...] = ("zh_CN", "en")
DEFAULT_LANGUAGE: Language = "zh_CN"


def language(code: str | None, default: Language = DEFAULT_LANGUAGE) -> Language:
    """``"en"``, ``"en-US"`` → ``"en"``; ``"zh"``, ``"zh-CN"``, ``"zh_CN"`` → ``"zh_CN"``; else ``default``."""
    if not code:
        return default
    c = code.strip().replace("-", "_").lower()
    if c.startswith("en"):
        return "en"
    if c.startswith("zh"):
        return "zh_CN"
    return default


class Catalog:
    """Words of one app: ``catalog.t("key", "en", name="…")``."""

    def __init__(self, table: Mapping[str, tuple[str, str]]) -> None:
        self.table = table

    def t(self, key: str, lang: str, **values: object) -> str:
        zh, en = self.table.get(key, (key, ""))
        text = en if language(lang) == "en" and en else zh
        return text.format(**values) if values else text

    def words(self, lang: str) -> dict[str, str]:
        """The whole table in one language (handed to a page's JavaScript)."""
        return {k: self.t(k, lang) for k in self.table}

    def __contains__(self, key: object) -> bool:
        return key in self.table


def as_language(value: str) -> Language:
    """A configured language code, checked."""
    if value not in LANGUAGES:
        raise ValueError(f"unknown language {value!r}; use zh_CN or en")
    return cast(Language, value)

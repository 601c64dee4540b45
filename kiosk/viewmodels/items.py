"""Choosing a service item (事项): by business board (业务板块) or by search, a page at a time.

Search matches the item code, a part of the name, the pinyin initials of the name, or an
everyday name of the item (its aliases in the 办事指南: 社保卡, 养老金, 挂失) and their initials
(``SHBZK`` finds 社会保障卡…, and so does ``SBK``, the initials of 社保卡), typed on an
on-screen A-Z keyboard. Matches on the name come before matches on an alias.
Elderly mode shows fewer items per page.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import lru_cache

BOARDS = ("就业创业", "社会保障", "人才人事", "劳动关系", "公共服务")
SEARCH_MAX = 12
SEARCH_PAGE, SEARCH_PAGE_ELDERLY = 6, 2


@dataclass(frozen=True)
class Item:
    code: str
    name: str
    board: str
    queue: str
    self_service: bool = False
    name_en: str = ""
    aliases: tuple[str, ...] = ()  # everyday names (社保卡, 养老金) and initials (SBK), from the 办事指南


# GB2312 orders its 3,755 level-1 (common) characters by pinyin: the first code of each initial.
_GB2312_INITIALS = ((0xB0A1, "A"), (0xB0C5, "B"), (0xB2C1, "C"), (0xB4EE, "D"), (0xB6EA, "E"), (0xB7A2, "F"),
                    (0xB8C1, "G"), (0xB9FE, "H"), (0xBBF7, "J"), (0xBFA6, "K"), (0xC0AC, "L"), (0xC2E8, "M"),
                    (0xC4C3, "N"), (0xC5B6, "O"), (0xC5BE, "P"), (0xC6DA, "Q"), (0xC8BB, "R"), (0xC8F6, "S"),
                    (0xCBFA, "T"), (0xCDDA, "W"), (0xCEF4, "X"), (0xD1B9, "Y"), (0xD4D1, "Z"))
_LEVEL1_END = 0xD7F9


def initial(ch: str) -> str:
    """The pinyin initial of a common Chinese character (``社`` → ``S``); '' for anything else."""
    try:
        code = int.from_bytes(ch.encode("gb2312"), "big")
    except UnicodeEncodeError:
        return ""
    if not _GB2312_INITIALS[0][0] <= code <= _LEVEL1_END:
        return ""
    letter = ""
    for start, name in _GB2312_INITIALS:
        if code < start:
            break
        letter = name
    return letter


@lru_cache(maxsize=512)
def initials(text: str) -> str:
    """Pinyin initials of the Chinese in ``text`` (``社会保障卡`` → ``SHBZK``).

    From GB2312's pinyin order, so no pinyin dictionary is loaded (pypinyin costs 55 MB); rare
    (level-2) characters have none, and a polyphone gets its first reading's order.
    """
    return "".join(initial(ch) for ch in text)


def matches(item: Item, query: str) -> bool:
    """By code, name, English name, the name's pinyin initials, or an everyday name (alias) or its initials."""
    q = query.strip().upper()
    if not q:
        return True
    if item.code.upper().startswith(q) or q in item.name.upper() or q in item.name_en.upper():
        return True
    return any(q in initials(name) or q in name.upper() for name in (item.name, *item.aliases))


class ItemPicker:
    def __init__(self, items: Sequence[Item], page_size: int = 8, elderly_page_size: int = 4) -> None:
        self.items = list(items)
        extra = [b for b in dict.fromkeys(i.board for i in self.items) if b not in BOARDS]
        self.boards = [b for b in BOARDS if any(i.board == b for i in self.items)] + extra
        self.page_size_normal = page_size
        self.page_size_elderly = elderly_page_size
        self.elderly = False
        self.board: str | None = self.boards[0] if self.boards else None
        self.query = ""
        self.searching = False
        self.page = 0

    def reset(self, elderly: bool = False) -> None:
        self.elderly = elderly
        self.board = self.boards[0] if self.boards else None
        self.query, self.searching, self.page = "", False, 0

    @property
    def page_size(self) -> int:
        """Items per page; fewer while the search keyboard takes half the screen."""
        if self.searching:
            return SEARCH_PAGE_ELDERLY if self.elderly else SEARCH_PAGE
        return self.page_size_elderly if self.elderly else self.page_size_normal

    def choose_board(self, board: str) -> None:
        if board in self.boards:
            self.board, self.searching, self.query, self.page = board, False, "", 0

    def start_search(self) -> None:
        self.searching, self.query, self.page = True, "", 0

    def type(self, key: str) -> None:
        if len(self.query) < SEARCH_MAX and len(key) == 1 and (key.isalnum() or key == "-"):
            self.query += key.upper()
            self.page = 0

    def backspace(self) -> None:
        self.query, self.page = self.query[:-1], 0

    def clear(self) -> None:
        self.query, self.page = "", 0

    def matching(self) -> list[Item]:
        if self.searching:
            if not self.query:
                return []
            found = [i for i in self.items if matches(i, self.query)]
            by_name = [i for i in found if matches(replace(i, aliases=()), self.query)]
            return by_name + [i for i in found if i not in by_name]
        return [i for i in self.items if i.board == self.board]

    @property
    def pages(self) -> int:
        return max(1, -(-len(self.matching()) // self.page_size))

    def visible(self) -> list[Item]:
        start = min(self.page, self.pages - 1) * self.page_size
        return self.matching()[start:start + self.page_size]

    def next_page(self) -> None:
        self.page = min(self.page + 1, self.pages - 1)

    def previous_page(self) -> None:
        self.page = max(self.page - 1, 0)

    def find(self, code: str) -> Item | None:
        return next((i for i in self.items if i.code == code), None)

"""Window sizing as the provincial standard sets it (河北省人社一体化公共服务平台政务服务管理规范).

第十五条: the 综合柜员 windows (accept windows, elastic ones included) are the annual non-query
volume ÷ (40 a day × 22 days × 12 months = 10,560), rounded up. 第十六条: at least one query
window. ``hallctl config check`` warns on the first and refuses the second.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from hall_contract.config import HallSettings

#: 40 transactions a day × 22 working days × 12 months (第十五条)
PER_WINDOW_A_YEAR = 40 * 22 * 12


@dataclass(frozen=True)
class Finding:
    level: str  # "error" refuses the file, "warning" is printed
    key: str
    message: str


def accept_windows_needed(annual_volume: int) -> int:
    return math.ceil(annual_volume / PER_WINDOW_A_YEAR)


def check_sizing(s: HallSettings) -> list[Finding]:
    found: list[Finding] = []
    kinds = [w.kind.value for w in s.windows]
    if "query" not in kinds:
        found.append(Finding("error", "windows", "第十六条：大厅至少设置一个查询窗口（kind = \"query\"），当前没有 "
                             "(the standard asks for at least one query window; the hall has none)"))
    volume = s.hall.annual_volume
    accept, elastic = kinds.count("accept"), kinds.count("elastic")
    if volume is None:
        found.append(Finding("warning", "hall.annual_volume",
                             "未设置年非查询类业务量，无法按第十五条核定综合柜员窗口数 "
                             "(set [hall] annual_volume to check the accept windows against the standard)"))
        return found
    need = accept_windows_needed(volume)
    have = accept + elastic
    if have != need:
        found.append(Finding("warning", "windows", f"第十五条：年非查询类业务量 {volume} ÷ {PER_WINDOW_A_YEAR} = "
                             f"{volume / PER_WINDOW_A_YEAR:.2f}，应设综合柜员窗口 {need} 个，现有 {have} 个"
                             f"（受理 {accept} + 弹性 {elastic}） (the standard sizes {need} accept windows "
                             f"for {volume} a year; the hall has {have}: {accept} accept + {elastic} elastic)"))
    return found

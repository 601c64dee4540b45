"""Deterministic fictional records for the local backend: the same holder always gets the same history.

Each holder's random generator is seeded with a hash of the ID number, and every date is
relative to ``as_of`` (the month the database is built), so two kiosks built the same month
show the same records. Nothing here is real data.
"""
from __future__ import annotations

import csv
import hashlib
import random
from dataclasses import dataclass
from datetime import date
from pathlib import Path

PERSONS_CSV = Path(__file__).with_name("persons.csv")

EMPLOYERS = (
    "石家庄市桥西区华北机械制造有限公司", "河北恒信商贸有限公司", "石家庄市长安区惠民物业服务中心",
    "河北冀运物流有限公司", "石家庄新华书店有限公司", "河北省建工集团第三工程处",
    "石家庄市第二纺织厂", "河北云帆信息技术有限公司", "石家庄市裕华区社区卫生服务中心",
)
QUALIFICATIONS = (
    ("电工", "四级/中级工"), ("焊工", "三级/高级工"), ("育婴员", "四级/中级工"), ("保育员", "五级/初级工"),
    ("中式烹调师", "四级/中级工"), ("计算机程序设计员", "三级/高级工"), ("企业人力资源管理师", "二级/技师"),
    ("养老护理员", "四级/中级工"),
)
LIMITED_ITEMS = (
    ("SB-004", "企业职工基本养老保险关系转移接续", 15), ("SB-005", "基本养老保险待遇申领", 10),
    ("SB-006", "失业保险金申领", 5), ("SB-007", "工伤医疗费用报销", 10), ("KA-001", "社会保障卡申领", 15),
    ("JY-003", "就业创业证申领", 3), ("RC-002", "专业技术人员职称评审申报", 15),
)
STATES = (("accepted", "已受理"), ("reviewing", "审核中"), ("done", "已办结"), ("ready", "已办结，待领取"))
AUTHORITY = "河北省职业技能鉴定指导中心"


@dataclass(frozen=True)
class Person:
    id_number: str
    name: str
    birth: date
    card_number: str
    pin: str
    card_status: str
    male: bool


@dataclass(frozen=True)
class MonthRow:
    month: str
    employer: str
    base: float
    pension_personal: float
    pension_unit: float
    medical_personal: float
    unemployment_personal: float


def load_persons(path: Path = PERSONS_CSV) -> list[Person]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [Person(row["id_number"], row["name"], date(int(row["birth"][:4]), int(row["birth"][4:6]),
                                                             int(row["birth"][6:8])),
                       row["card_number"], row["pin"], row.get("card_status") or "normal", row["gender"] == "男")
                for row in csv.DictReader(handle)]


def rng_for(id_number: str, what: str) -> random.Random:
    return random.Random(int.from_bytes(hashlib.sha256(f"{what}:{id_number}".encode()).digest()[:8], "big"))


def _month_index(d: date) -> int:
    return d.year * 12 + d.month - 1


def _month_text(index: int) -> str:
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def retirement(p: Person) -> date:
    """Statutory retirement (before the 2025 reform): men 60, women 50 (workers)."""
    years = 60 if p.male else 50
    return p.birth.replace(year=p.birth.year + years, day=min(p.birth.day, 28))


def contribution_months(p: Person, as_of: date) -> list[MonthRow]:
    """Every month paid, oldest first: from age 20 (not before 1996-01) to retirement or last month."""
    rng = rng_for(p.id_number, "contrib")
    start = max(_month_index(p.birth.replace(year=p.birth.year + 20, day=1)) + rng.randint(0, 30), 1996 * 12)
    end = min(_month_index(retirement(p)), _month_index(as_of) - 1)
    rows: list[MonthRow] = []
    employer = rng.choice(EMPLOYERS)
    for index in range(start, end + 1):
        if rng.random() < 0.01:
            employer = rng.choice(EMPLOYERS)
        year = index // 12
        base = round(1200 + (year - 1996) * 190 + rng.choice((0, 100, 200, 300)), 2)
        unit_rate = 0.20 if year < 2019 else 0.16
        rows.append(MonthRow(_month_text(index), employer, base, round(base * 0.08, 2), round(base * unit_rate, 2),
                             round(base * 0.02, 2), round(base * 0.005, 2)))
    return rows


def qualifications(p: Person) -> list[tuple[str, str, str, str]]:
    """(title, level, certificate_no, issued_on) of the holder's certificates (maybe none)."""
    rng = rng_for(p.id_number, "qual")
    out = []
    for n in range(rng.choice((0, 1, 1, 2))):
        title, level = rng.choice(QUALIFICATIONS)
        year = max(p.birth.year + 22, 2003) + rng.randint(0, 12) + n
        number = f"{p.id_number[:4]}{year}{rng.randint(0, 999999):06d}"
        out.append((title, level, number, f"{min(year, 2024)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"))
    return out


def applications(p: Person, as_of: date) -> list[tuple[str, str, str, str, int, str]]:
    """(receipt, item_code, item_name, accepted_on, limit_days, state) of the holder's recent applications."""
    rng = rng_for(p.id_number, "apps")
    out = []
    for n in range(1 + rng.randint(0, 1)):
        code, name, days = rng.choice(LIMITED_ITEMS)
        accepted = date.fromordinal(as_of.toordinal() - rng.randint(1, 30))
        receipt = f"{accepted:%Y%m%d}{int(p.id_number[-5:-1]) % 100:02d}{n:02d}"
        out.append((receipt, code, name, accepted.isoformat(), days, rng.choice(STATES)[0]))
    return out


def state_text(state: str) -> str:
    return dict(STATES).get(state, state)


def add_working_days(start: date, days: int) -> date:
    """``start`` plus ``days`` working days (Monday to Friday; public holidays are not known here)."""
    d, left = start, days
    while left > 0:
        d = date.fromordinal(d.toordinal() + 1)
        if d.weekday() < 5:
            left -= 1
    return d

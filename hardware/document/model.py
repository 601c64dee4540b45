"""What goes on an A4 social insurance document: the holder, the months, the verification code.

Two documents share this model: the 社会保险参保缴费证明（个人） (``certificate``: one row per
month, one column per chosen insurance type) and the 个人权益记录 (``record``: one row per
month and type, with base and amounts). Both carry the hall's name, the verification code and
its QR code, the issue time and page numbers.

The holder's name and 社会保障号码 are printed in full: the document is printed for the card
holder after the PIN, and a bank, a 落户 office or a school must match it to the person's ID
card, as they do with the certificates a 社保 agency stamps at its counter. The document is
never logged and its CUPS job name carries only the verification code; the hall server's
``/verify/{code}`` page, which anyone holding the paper can open, is to show the holder masked.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

# insurance code → (short column name, full name)
INSURANCES: dict[str, tuple[str, str]] = {
    "pension": ("养老", "企业职工基本养老保险"),
    "medical": ("医疗", "职工基本医疗保险"),
    "unemployment": ("失业", "失业保险"),
    "injury": ("工伤", "工伤保险"),
}
KINDS = {"certificate": "社会保险参保缴费证明（个人）", "record": "社会保险个人权益记录"}


@dataclass(frozen=True)
class DocumentHolder:
    """The insured person, as the platform knows them. Shown in full on the document only."""

    name: str
    ssn: str  # 社会保障号码
    gender: str | None = None
    insured_region: str | None = None  # 参保地, e.g. "石家庄市长安区"

    def __repr__(self) -> str:  # never the person in a log or traceback
        return "DocumentHolder(<hidden>)"


@dataclass(frozen=True)
class ContributionMonth:
    """One month of one insurance type: who paid, on what base, and whether it was paid."""

    month: date  # any day of the month; the first is customary
    insurance: str  # a key of INSURANCES
    employer: str
    base: Decimal  # 缴费基数, yuan
    personal: Decimal  # 个人缴纳, yuan
    employer_paid: Decimal  # 单位缴纳, yuan
    paid: bool = True  # False: 欠缴 (due, not paid)


@dataclass(frozen=True)
class InsuranceDocument:
    """One document to print. ``months`` may hold more than the period and types; only the
    months from ``first_month`` to ``last_month`` of the chosen ``insurances`` are printed."""

    kind: str  # "certificate" or "record"
    hall_name: str  # 办理地点, e.g. "石家庄市人力资源和社会保障局长安区服务大厅"
    issuer: str  # 出具单位, the agency the hall belongs to
    holder: DocumentHolder
    insurances: tuple[str, ...]
    first_month: date
    last_month: date
    months: Sequence[ContributionMonth]
    verification_code: str
    verify_url: str  # {public_url}/verify/{code}, what the QR code holds
    issued_at: datetime  # timezone-aware, Asia/Shanghai
    seal_png: bytes | None = field(default=None, repr=False)  # the agency's electronic seal, if it issued one

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"document kind must be one of {', '.join(KINDS)}")
        unknown = [code for code in self.insurances if code not in INSURANCES]
        if unknown or not self.insurances:
            raise ValueError(f"insurances must be some of {', '.join(INSURANCES)}")
        if month_key(self.first_month) > month_key(self.last_month):
            raise ValueError("the period ends before it starts")
        if self.issued_at.tzinfo is None:
            raise ValueError("issued_at must carry its time zone")

    @property
    def title(self) -> str:
        return KINDS[self.kind]

    def selected(self) -> list[ContributionMonth]:
        """The months in the period and types chosen, oldest first, then in the order of ``insurances``."""
        first, last = month_key(self.first_month), month_key(self.last_month)
        order = {code: i for i, code in enumerate(self.insurances)}
        rows = [m for m in self.months if m.insurance in order and first <= month_key(m.month) <= last]
        return sorted(rows, key=lambda m: (month_key(m.month), order[m.insurance]))


@dataclass(frozen=True)
class InsuranceSummary:
    """One line of the summary: a type's first and last month, months paid and months due."""

    insurance: str
    first: date | None
    last: date | None
    paid_months: int
    unpaid_months: int


def month_key(day: date) -> tuple[int, int]:
    return day.year, day.month


def month_text(day: date) -> str:
    """``2003-01-01`` → ``"2003年01月"``."""
    return f"{day.year}年{day.month:02d}月"


def summarize(document: InsuranceDocument) -> list[InsuranceSummary]:
    """Per chosen type, over the chosen period."""
    rows = document.selected()
    result = []
    for code in document.insurances:
        mine = [m for m in rows if m.insurance == code]
        paid = {month_key(m.month) for m in mine if m.paid}
        due = {month_key(m.month) for m in mine if not m.paid} - paid
        months = sorted(m.month for m in mine)
        result.append(
            InsuranceSummary(code, months[0] if months else None, months[-1] if months else None, len(paid), len(due))
        )
    return result


def money(amount: Decimal) -> str:
    """``Decimal("4521.5")`` → ``"4,521.50"``."""
    return f"{amount.quantize(Decimal('0.01')):,}"

"""A made-up contribution history for tests, ``hallctl printer a4-test`` and the demo.

Deterministic: the same holder and period always give the same months. No real person.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from hardware.document.model import ContributionMonth, DocumentHolder, InsuranceDocument
from hardware.document.verification import verify_url

EMPLOYERS = ("石家庄市长安区华北机械制造有限公司", "河北省冀兴商贸有限责任公司", "石家庄润民物业服务有限公司")
RATES = {  # personal, employer shares of the base
    "pension": (Decimal("0.08"), Decimal("0.16")),
    "medical": (Decimal("0.02"), Decimal("0.08")),
    "unemployment": (Decimal("0.005"), Decimal("0.005")),
    "injury": (Decimal("0"), Decimal("0.004")),
}
SAMPLE_HOLDER = DocumentHolder(name="王建国", ssn="130102194103121098", gender="男", insured_region="石家庄市长安区")


def months_between(first: date, last: date) -> list[date]:
    """First days of every month from ``first`` to ``last``, both included."""
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(date(year, month, 1))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def contribution_history(
    first: date, last: date, insurances: tuple[str, ...] = tuple(RATES), unpaid_every: int = 97
) -> list[ContributionMonth]:
    """Every month of every type, an employer change every 8 years, a rising base, a few months due."""
    history = []
    for index, month in enumerate(months_between(first, last)):
        base = (Decimal(1800) + Decimal(55) * index).quantize(Decimal(1))
        employer = EMPLOYERS[(index // 96) % len(EMPLOYERS)]
        for code in insurances:
            personal, employer_share = RATES[code]
            history.append(ContributionMonth(
                month=month, insurance=code, employer=employer, base=base,
                personal=(base * personal).quantize(Decimal("0.01")),
                employer_paid=(base * employer_share).quantize(Decimal("0.01")),
                paid=index % unpaid_every != unpaid_every - 1,
            ))
    return history


def sample_document(
    code: str,
    public_url: str,
    issued_at: datetime,
    *,
    kind: str = "certificate",
    first: date = date(2003, 1, 1),
    last: date = date(2025, 12, 1),
    insurances: tuple[str, ...] = ("pension", "medical", "unemployment", "injury"),
    hall_name: str = "石家庄市长安区人力资源和社会保障服务大厅",
) -> InsuranceDocument:
    """A full document for :data:`SAMPLE_HOLDER` (276 months by default)."""
    return InsuranceDocument(
        kind=kind, hall_name=hall_name, issuer="石家庄市长安区社会保险事业服务中心", holder=SAMPLE_HOLDER,
        insurances=insurances, first_month=first, last_month=last,
        months=contribution_history(first, last), verification_code=code,
        verify_url=verify_url(public_url, code), issued_at=issued_at,
    )

"""What the self-service platform answers, and how it refuses. Shared by every backend and the JSON API.

Amounts are in yuan (元) as decimal strings' worth of integers of fen would be overkill for a
printout: they are ``float`` rounded to 2 places. Holders appear masked only (``王*``,
``1301**********1098``): the platform sends nothing the kiosk must not show.
"""
from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class ContributionMonth(_Model):
    month: str = Field(description="YYYY-MM")
    employer: str
    base: float = Field(description="缴费基数, yuan")
    pension_personal: float
    pension_unit: float
    medical_personal: float
    unemployment_personal: float
    paid: bool = True
    # the employer's shares of the other types, when the platform reports them (None: not reported)
    medical_unit: float | None = None
    unemployment_unit: float | None = None
    injury_unit: float | None = None


class ContributionRecord(_Model):
    """个人权益记录: contributions month by month (newest first) and the pension account."""

    holder: str
    id_masked: str
    insured_since: str = Field(description="YYYY-MM")
    total_months: int
    account_balance: float = Field(description="个人账户累计储存额, yuan")
    employer: str
    months: list[ContributionMonth]


class InsuranceLine(_Model):
    insurance: str = Field(description="险种, e.g. 企业职工基本养老保险")
    status: str = Field(description="参保状态, e.g. 正常参保")
    since: str = Field(description="YYYY-MM")
    months: int
    employer: str


class InsuranceCertificate(_Model):
    """参保证明 as printed."""

    holder: str
    id_masked: str
    issued_on: str = Field(description="YYYY-MM-DD")
    verification_code: str = Field(description="验证码 for checking the printout on the platform")
    lines: list[InsuranceLine]


class CardLossReceipt(_Model):
    """社会保障卡临时挂失 accepted."""

    reference: str
    card_masked: str
    reported_at: str = Field(description="ISO 8601")
    valid_until: str = Field(description="YYYY-MM-DD: a temporary loss report lapses unless confirmed at a window")


class ApplicationProgress(_Model):
    """Progress of a time-limited application (限时业务) by its receipt number (受理回执编号)."""

    receipt: str
    item_code: str
    item_name: str
    accepted_on: str = Field(description="YYYY-MM-DD")
    limit_days: int = Field(description="承诺时限, working days")
    due_on: str = Field(description="YYYY-MM-DD")
    state: str = Field(description="accepted, reviewing, done or ready")
    state_text: str = Field(description="办理状态 in Chinese")


class Qualification(_Model):
    """One vocational qualification certificate (职业资格/技能等级证书)."""

    title: str
    level: str
    certificate_no: str
    issued_on: str = Field(description="YYYY-MM-DD")
    authority: str


class Qualifications(_Model):
    holder: str
    items: list[Qualification]


class ECardHolder(_Model):
    """Whose 电子社保卡 a scanned code is (the platform's answer to a verify request).

    The one answer that carries the full ID number: the kiosk needs it for the holder's
    business, keeps it inside its session and shows it masked only."""

    id_number: str
    name: str
    birth: date
    holder: str = Field(description="the name masked, as shown")
    id_masked: str


class GatewayError(Exception):
    """The platform refused or could not answer; messages a citizen can read."""

    code: ClassVar[str] = "gateway_error"
    status: ClassVar[int] = 500
    message_zh: str = "业务平台暂时无法办理，请稍后再试或到窗口办理"
    message_en: str = "The service platform cannot handle this now; try later or go to a window"

    def __init__(self, detail: str = "") -> None:
        self.detail = detail
        super().__init__(f"{self.code}: {detail}" if detail else self.code)

    def to_json(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message_zh, "message_en": self.message_en}}


class GatewayUnavailable(GatewayError):
    code = "unavailable"
    status = 503


class NotFound(GatewayError):
    code = "not_found"
    status = 404
    message_zh = "未查询到相关记录"
    message_en = "Nothing was found"


class ServicePinWrong(GatewayError):
    code = "wrong_pin"
    status = 403

    def __init__(self, tries_left: int) -> None:
        self.tries_left = tries_left
        self.message_zh = f"密码错误，还可以尝试 {tries_left} 次"
        self.message_en = f"Wrong PIN, {tries_left} tries left"
        super().__init__(f"{tries_left} tries left")

    def to_json(self) -> dict[str, Any]:
        out = super().to_json()
        out["error"]["tries_left"] = self.tries_left
        return out


class ServicePinBlocked(GatewayError):
    code = "pin_blocked"
    status = 403
    message_zh = "密码已锁定，请持身份证到窗口办理"
    message_en = "The PIN is blocked; bring your ID card to a window"


class AlreadyLost(GatewayError):
    code = "already_lost"
    status = 409
    message_zh = "此卡已挂失，无需重复办理"
    message_en = "This card is already reported lost"


class ECardInvalid(GatewayError):
    code = "ecard_invalid"
    status = 400
    message_zh = "无法识别该二维码，请在电子社保卡中出示“扫码登录”二维码"
    message_en = "This is not an e-card login code; show the login QR code of your e-card"


class ECardExpired(GatewayError):
    code = "ecard_expired"
    status = 410
    message_zh = "二维码已过期，请刷新电子社保卡二维码后重新扫描"
    message_en = "The code has expired; refresh it in your e-card app and scan again"


ERRORS: dict[str, type[GatewayError]] = {
    cls.code: cls for cls in (GatewayError, GatewayUnavailable, NotFound, ServicePinBlocked, AlreadyLost,
                              ECardInvalid, ECardExpired)
}


def error_from_json(status: int, body: Any) -> GatewayError:
    """The :class:`GatewayError` an HTTP error answer stands for."""
    err = body.get("error") if isinstance(body, dict) else None
    if not isinstance(err, dict):
        return GatewayUnavailable(f"HTTP {status}")
    code = str(err.get("code", ""))
    if code == ServicePinWrong.code:
        return ServicePinWrong(int(err.get("tries_left", 0)))
    cls = ERRORS.get(code, GatewayError)
    return cls(str(err.get("message_en") or err.get("message") or f"HTTP {status}"))

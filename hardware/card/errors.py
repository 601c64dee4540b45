"""Everything that can go wrong with a social security card, as errors a citizen can read.

Every status word the card answers is turned into one of these by :func:`error_for_status`;
every PC/SC failure by the transport. No error carries a PIN or personal data.
"""
from __future__ import annotations

from hardware.errors import ReaderError


class CardError(ReaderError):
    """Base of all social security card errors."""

    code = "card_error"
    message_zh = "读卡出错，请重新插卡或联系工作人员"
    message_en = "Card error, please re-insert the card or ask the staff"


class CardServiceUnavailable(CardError):
    code = "card_service_unavailable"
    message_zh = "读卡服务未启动，请联系工作人员"
    message_en = "The smart card service (pcscd) is not running, please ask the staff"


class NoReader(CardError):
    code = "card_no_reader"
    message_zh = "未找到读卡器，请联系工作人员"
    message_en = "No card reader found, please ask the staff"


class NoCard(CardError):
    code = "card_absent"
    message_zh = "请插入社会保障卡"
    message_en = "Please insert your social security card"


class CardRemoved(CardError):
    code = "card_removed"
    message_zh = "读卡过程中卡片被拔出，请重新插卡"
    message_en = "The card was removed while being read, please insert it again"


class CardNotSupported(CardError):
    code = "card_not_supported"
    message_zh = "无法识别此卡，请插入社会保障卡"
    message_en = "This card is not a social security card"


class CardLocked(CardError):
    code = "card_locked"
    message_zh = "此卡应用已锁定（可能已挂失），请到窗口办理"
    message_en = "The card's application is locked (it may be reported lost), please go to a window"


class CardAccessDenied(CardError):
    code = "card_access_denied"
    message_zh = "此卡不允许读取该信息，请到窗口办理"
    message_en = "The card does not allow reading this information, please go to a window"


class WrongPin(CardError):
    """The PIN was wrong; ``tries_left`` more tries before the card blocks it."""

    code = "card_wrong_pin"

    def __init__(self, tries_left: int) -> None:
        self.tries_left = tries_left
        self.message_zh = f"密码错误，还可以尝试 {tries_left} 次"
        self.message_en = f"Wrong PIN, {tries_left} tries left"
        super().__init__()


class PinBlocked(CardError):
    code = "card_pin_blocked"
    message_zh = "密码已锁定，请持身份证到窗口办理解锁"
    message_en = "The PIN is blocked, please bring your ID card to a window to unblock it"


class CardTimeout(CardError):
    code = "card_timeout"
    message_zh = "读卡超时，请重新插卡"
    message_en = "The card did not answer in time, please insert it again"


class CardGarbled(CardError):
    code = "card_garbled"
    message_zh = "卡片数据无法识别，请重新插卡或到窗口办理"
    message_en = "The card answered with unreadable data, please re-insert it or go to a window"


def error_for_status(sw: int, *, verifying: bool = False) -> CardError:
    """The error for an unsuccessful status word ``sw`` (e.g. ``0x6982``).

    ``verifying`` marks the answer to VERIFY, where ``63Cx`` means "x tries left".
    """
    detail = f"SW={sw:04X}"
    sw1 = sw >> 8
    if verifying and sw & 0xFFF0 == 0x63C0:
        tries = sw & 0x0F
        return WrongPin(tries) if tries else PinBlocked(detail)
    if sw == 0x6983 and verifying:
        return PinBlocked(detail)
    if sw in (0x6982, 0x6983, 0x6985):
        return CardAccessDenied(detail)
    if sw in (0x6A81, 0x6283, 0x6993):
        return CardLocked(detail)
    if sw in (0x6A82, 0x6A83, 0x6A86, 0x6D00, 0x6E00):
        return CardNotSupported(detail)
    if sw1 in (0x64, 0x65, 0x6F):
        return CardError(detail)
    return CardGarbled(detail)

"""Everything that can go wrong with a resident ID card on a SAM reader, readable by a citizen."""
from __future__ import annotations

from hardware.errors import ReaderError


class IdCardError(ReaderError):
    """Base of all resident ID card reader errors."""

    code = "idcard_error"
    message_zh = "身份证读取出错，请重新放置身份证或联系工作人员"
    message_en = "ID card read error, please place the card again or ask the staff"


class IdReaderUnavailable(IdCardError):
    code = "idcard_reader_unavailable"
    message_zh = "无法连接身份证阅读器，请联系工作人员"
    message_en = "Cannot open the ID card reader, please ask the staff"


class IdReaderTimeout(IdCardError):
    code = "idcard_reader_timeout"
    message_zh = "身份证阅读器无响应，请联系工作人员"
    message_en = "The ID card reader does not answer, please ask the staff"


class IdReaderGarbled(IdCardError):
    code = "idcard_reader_garbled"
    message_zh = "身份证阅读器返回的数据无法识别，请联系工作人员"
    message_en = "The ID card reader sent unreadable data, please ask the staff"


class IdChecksumError(IdCardError):
    code = "idcard_checksum"
    message_zh = "身份证阅读器通信校验错误，请重试"
    message_en = "Checksum error on the ID card reader line, please try again"


class IdReaderRejected(IdCardError):
    code = "idcard_reader_rejected"
    message_zh = "身份证阅读器拒绝了指令，请联系工作人员"
    message_en = "The ID card reader rejected the command, please ask the staff"


class IdReaderFault(IdCardError):
    code = "idcard_reader_fault"
    message_zh = "身份证阅读器安全模块故障，请联系工作人员"
    message_en = "The ID card reader's security module (SAM) is faulty, please ask the staff"


class NoIdCard(IdCardError):
    code = "idcard_absent"
    message_zh = "请将身份证放在读卡区"
    message_en = "Please place your ID card on the reader"


class IdCardSelectFailed(IdCardError):
    code = "idcard_select_failed"
    message_zh = "选卡失败，请重新放置身份证"
    message_en = "Could not select the ID card, please place it again"


class IdCardReadFailed(IdCardError):
    code = "idcard_read_failed"
    message_zh = "读取身份证失败，请重新放置身份证"
    message_en = "Could not read the ID card, please place it again"


class IdCardRemoved(IdCardError):
    code = "idcard_removed"
    message_zh = "读卡过程中身份证被移开，请重新放置"
    message_en = "The ID card was moved away while being read, please place it again"


_BY_STATUS: dict[int, type[IdCardError]] = {
    0x10: IdChecksumError,  # 接收业务终端数据的校验和错
    0x11: IdReaderRejected,  # 接收业务终端数据的长度错
    0x21: IdReaderRejected,  # 接收业务终端的命令错误
    0x23: IdReaderRejected,  # 越权操作
    0x24: IdReaderFault,  # 无法识别的错误
    0x31: IdCardReadFailed,  # 卡认证机具失败
    0x32: IdCardReadFailed,  # 机具认证卡失败
    0x33: IdCardReadFailed,  # 信息验证错误
    0x40: IdCardReadFailed,  # 无法识别的卡类型
    0x41: IdCardReadFailed,  # 读卡操作失败
    0x47: IdCardReadFailed,  # 取随机数失败
    0x60: IdReaderFault,  # SAM 自检失败
    0x66: IdReaderFault,  # SAM 未经授权
    0x80: NoIdCard,  # 寻找证/卡失败
    0x81: IdCardSelectFailed,  # 选取证/卡失败
}


def error_for_status(sw3: int) -> IdCardError:
    """The error for an unsuccessful SAM status byte SW3 (not 0x90 / 0x9F)."""
    return _BY_STATUS.get(sw3, IdReaderGarbled)(f"SW3={sw3:02X}")

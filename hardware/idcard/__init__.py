"""The resident ID card (居民身份证) through a SAM reader on a serial line.

``frame`` is the pure SAM frame codec, ``model`` the text block and result type,
``transport`` the serial line (any ``serial_for_url`` URL), ``reader`` the dialogue
(寻卡 → 选卡 → 读卡) and ``simulator`` a SAM reader on a pty pair or TCP.
"""
from hardware.idcard.errors import (
    IdCardError,
    IdCardReadFailed,
    IdCardRemoved,
    IdCardSelectFailed,
    IdChecksumError,
    IdReaderFault,
    IdReaderGarbled,
    IdReaderRejected,
    IdReaderTimeout,
    IdReaderUnavailable,
    NoIdCard,
)
from hardware.idcard.model import IdCardData
from hardware.idcard.reader import IdCardReader, read_id_card

__all__ = [
    "IdCardData",
    "IdCardError",
    "IdCardReadFailed",
    "IdCardReader",
    "IdCardRemoved",
    "IdCardSelectFailed",
    "IdChecksumError",
    "IdReaderFault",
    "IdReaderGarbled",
    "IdReaderRejected",
    "IdReaderTimeout",
    "IdReaderUnavailable",
    "NoIdCard",
    "read_id_card",
]

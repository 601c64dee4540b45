"""The device layer's error bases."""
from __future__ import annotations

from hall_contract.errors import HallError


class ReaderError(HallError):
    """A card or reader problem, told so that a citizen can read it.

    ``message_zh`` is for the kiosk screen, ``message_en`` for logs and foreign visitors,
    ``code`` is a stable identifier for programs (MQTT ``faults``, RPC error codes).
    Subclasses set the three class attributes; ``detail`` adds technical context (a status
    word, a reader name) and never personal data or a PIN.
    """

    code = "reader_error"
    message_zh = "读卡出错，请联系工作人员"
    message_en = "Card reader error, please ask the staff"

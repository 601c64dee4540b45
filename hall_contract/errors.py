"""One error base for every app: a stable code, and words in Chinese and English.

``code`` is for programs (the contract's ``{"error": {"code", "message"}}``, MQTT ``faults``,
RPC error codes); ``message_zh`` is what a citizen or clerk reads; ``message_en`` the same in
English. A subclass sets the three as class attributes; one raise may give its own words
(``UnknownWindow(zh="窗口 7 不存在", en="no window 7", window=7)``). ``detail`` adds technical
context for the log (a status word, a reader name) and never personal data or a PIN.

HTTP status codes are not the errors' business: the API maps codes to statuses at its boundary.
"""
from __future__ import annotations

from typing import ClassVar

from hall_contract.i18n import Language


class HallError(Exception):
    code: ClassVar[str] = "error"
    message_zh: str = "出错了，请联系工作人员"
    message_en: str = "Something went wrong; please ask the staff"

    def __init__(self, detail: str = "", *, zh: str | None = None, en: str | None = None,
                 **context: object) -> None:
        if zh is not None:
            self.message_zh = zh
        if en is not None:
            self.message_en = en
        self.detail = detail
        self.context = context
        super().__init__(str(self))

    @property
    def message(self) -> str:
        """Both languages in one line, as the API's error ``message`` carries them."""
        if not self.message_en or self.message_en == self.message_zh:
            return self.message_zh
        return f"{self.message_zh} ({self.message_en})"

    def text(self, language: Language | str) -> str:
        """The words in ``language`` (``en`` or Chinese)."""
        return self.message_en if language == "en" and self.message_en else self.message_zh

    def __str__(self) -> str:
        return f"{self.message} [{self.code}]" + (f": {self.detail}" if self.detail else "")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, detail={self.detail!r})"

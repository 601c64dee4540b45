"""The errors of the advisor's dispatches (the API answers 409 and 403)."""
from __future__ import annotations

from hall_contract.errors import HallError


class NoDispatch(HallError):
    code = "no_dispatch"
    message_zh, message_en = "没有安排人员前往此窗口", "nobody has been sent to this window"


class NotDispatched(HallError):
    code = "not_dispatched"
    message_zh, message_en = "主管安排的是其他人员前往此窗口", "someone else has been sent to this window"


__all__ = ["NoDispatch", "NotDispatched"]

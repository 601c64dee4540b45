"""The ticket and record layouts the kiosk prints: pure functions from data to ESC/POS bytes."""
from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from hardware.printer import codec

HALL_TZ = ZoneInfo("Asia/Shanghai")
#: the no-show line the ticket shares with the display and the voice; ``{calls}`` from ``[policy]``
GUIDANCE_TEMPLATE = "每个号最多呼叫{calls}次，过号请重新取号"
_NUMERALS = "零一二三四五六七八九十"


def guidance(calls: int = 3) -> str:
    """The ticket's no-show line for a ticket called ``calls`` times in all (the first call and the recalls)."""
    count = "两" if calls == 2 else _NUMERALS[calls] if 0 < calls <= 10 else str(calls)
    return GUIDANCE_TEMPLATE.format(calls=count)


GUIDANCE = guidance()

# Half-width columns per line in the printer's standard font (12x24 dots).
COLUMNS_80MM = 48
COLUMNS_58MM = 32


def columns_of(line: str) -> int:
    """Printed width in half-width columns: a double-byte GB18030 character takes two."""
    return sum(1 if len(ch.encode("gb18030")) == 1 else 2 for ch in line)


def wrap(line: str, columns: int) -> list[str]:
    """Break a line so that no piece is wider than ``columns`` half-width columns.

    Latin words are kept whole when they fit on a line; Chinese breaks anywhere.
    """
    if columns < 2:
        raise ValueError("a line needs at least 2 columns")
    pieces: list[str] = []
    current = ""
    for token in _tokens(line):
        if columns_of(current + token) <= columns:
            current += token
            continue
        if current.strip():
            pieces.append(current.rstrip())
        current = token.lstrip()
        while columns_of(current) > columns:
            fit = max(i for i in range(1, len(current) + 1) if columns_of(current[:i]) <= columns)
            pieces.append(current[:fit])
            current = current[fit:]
    if current.strip() or not pieces:
        pieces.append(current.rstrip())
    return pieces


def _tokens(line: str) -> Iterator[str]:
    """Split into runs of ASCII word characters (with their leading space) and single other characters."""
    word = ""
    for ch in line:
        if ch.isascii() and not ch.isspace():
            word += ch
            continue
        if word:
            yield word
            word = ""
        if ch.isspace():
            word = ch
        else:
            yield ch
    if word:
        yield word


def _hall_time(moment: datetime) -> str:
    """``YYYY-MM-DD HH:MM:SS`` in the hall's time zone; a naive time is taken as hall time."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(HALL_TZ)
    return moment.strftime("%Y-%m-%d %H:%M:%S")


def _check_masked(holder: str) -> str:
    """Refuse to print personal data that the caller did not mask (e.g. ``张*``)."""
    if "*" not in holder:
        raise ValueError("持卡人信息未脱敏，拒绝打印 / card holder is not masked, refusing to print it")
    return holder


def _lines(lines: Sequence[str], columns: int) -> bytes:
    return b"".join(codec.text(piece) for line in lines for piece in wrap(line, columns))


@dataclass(frozen=True)
class TicketSlip:
    """Everything printed on a queue ticket (号票)."""

    hall_name: str
    queue_name: str
    number: str
    item_name: str | None
    ahead: int
    predicted_wait_min: int
    issued_at: datetime
    status_url: str
    holder_masked: str | None = None
    guidance: str = GUIDANCE
    holder_label: str = "持卡人"  # by what identified the holder: 持卡人 (社保卡) or 身份证
    priority_label: str | None = None  # e.g. 长者优先, printed bold under the number
    guide_lines: tuple[str, ...] = ()  # the item's 办事指南, short: the materials to have ready


@dataclass(frozen=True)
class RecordSlip:
    """A self-service printout (个人权益记录, 参保证明): a title and lines of text."""

    title: str
    lines: list[str] = field(default_factory=list)
    hall_name: str | None = None
    printed_at: datetime | None = None


def ticket_bytes(slip: TicketSlip, columns: int = COLUMNS_80MM) -> bytes:
    """The full ESC/POS byte stream for one ticket, ending with a cut."""
    big = 4 if columns >= COLUMNS_80MM else 3
    body = [
        codec.INIT,
        codec.CHINESE_ON,
        codec.align("center"),
        codec.bold(True),
        codec.char_size(2, 2),
        _lines([slip.hall_name], columns // 2),
        codec.char_size(1, 1),
        codec.bold(False),
        _lines([slip.queue_name], columns),
        codec.LF,
        codec.bold(True),
        codec.char_size(big, big),
        codec.text(slip.number),
        codec.char_size(1, 1),
        codec.bold(False),
        codec.LF,
    ]
    if slip.priority_label:
        body += [codec.bold(True), codec.char_size(2, 2), _lines([slip.priority_label], columns // 2),
                 codec.char_size(1, 1), codec.bold(False)]
    info = [slip.item_name] if slip.item_name else []
    info.append(f"您前面还有 {slip.ahead} 人，预计等候约 {slip.predicted_wait_min} 分钟")
    if slip.holder_masked is not None:
        info.append(f"{slip.holder_label}：{_check_masked(slip.holder_masked)}")
    body += [_lines(info, columns), codec.LF]
    if slip.guide_lines:
        body += [codec.align("left"), _lines(list(slip.guide_lines), columns), codec.align("center"), codec.LF]
    body += [
        codec.qr(slip.status_url, module_size=6 if columns >= COLUMNS_80MM else 4),
        _lines(["扫码查看排队进度", f"取号时间：{_hall_time(slip.issued_at)}"], columns),
        codec.bold(True),
        _lines([slip.guidance], columns),
        codec.bold(False),
        codec.cut(),
    ]
    return b"".join(body)


def record_bytes(slip: RecordSlip, columns: int = COLUMNS_80MM) -> bytes:
    """The ESC/POS byte stream for a record printout: centred title, left-aligned wrapped lines, cut."""
    body = [codec.INIT, codec.CHINESE_ON, codec.align("center")]
    if slip.hall_name:
        body.append(_lines([slip.hall_name], columns))
    body += [
        codec.bold(True),
        codec.char_size(2, 2),
        _lines([slip.title], columns // 2),
        codec.char_size(1, 1),
        codec.bold(False),
        codec.align("left"),
        _lines(["-" * columns], columns),
        _lines(slip.lines, columns),
        _lines(["-" * columns], columns),
    ]
    if slip.printed_at is not None:
        body += [codec.align("center"), _lines([f"打印时间：{_hall_time(slip.printed_at)}"], columns)]
    body.append(codec.cut())
    return b"".join(body)

"""Numbers as a Mandarin announcement reads them (pure text, no I/O).

espeak-ng reads "A101" as 一百一 and "B015" as 零十五, so a ticket is spelt out first:
letters one by one, digits one by one (``A101`` → ``A``, ``一零一``); a window number is read
as a whole number (``12`` → ``十二``).
"""
from __future__ import annotations

DIGITS = "零一二三四五六七八九"
_UNITS = ((1000, "千"), (100, "百"), (10, "十"))


def chinese_number(n: int) -> str:
    """0..9999 in Chinese numerals as spoken: 10 十, 12 十二, 20 二十, 101 一百零一, 110 一百一十."""
    if not 0 <= n <= 9999:
        raise ValueError(f"{n} is outside 0..9999")
    if n < 10:
        return DIGITS[n]
    if n < 20:
        return "十" + (DIGITS[n - 10] if n > 10 else "")
    out: list[str] = []
    rest, gap = n, False
    for value, unit in _UNITS:
        d, rest = divmod(rest, value)
        if d:
            if gap and out:
                out.append("零")
            out.append(DIGITS[d] + unit)
            gap = False
        elif out:
            gap = True
    if rest:
        if gap and out:
            out.append("零")
        out.append(DIGITS[rest])
    return "".join(out)


def spell_digits(digits: str) -> str:
    """Each digit on its own: ``"101"`` → ``"一零一"``, ``"015"`` → ``"零一五"``."""
    if not digits.isascii() or not digits.isdigit():
        raise ValueError(f"{digits!r} is not a string of digits")
    return "".join(DIGITS[int(c)] for c in digits)


def spell_ticket(number: str) -> list[str]:
    """A ticket number as spoken pieces: each letter alone, each run of digits digit by digit.

    ``"A101"`` → ``["A", "一零一"]``; ``"B015"`` → ``["B", "零一五"]``; ``"AB7"`` → ``["A", "B", "七"]``.
    """
    pieces: list[str] = []
    run = ""
    for ch in number.strip().upper():
        if ch.isascii() and ch.isdigit():
            run += ch
            continue
        if run:
            pieces.append(spell_digits(run))
            run = ""
        if ch.isascii() and ch.isalpha():
            pieces.append(ch)
        elif ch not in " -":
            raise ValueError(f"ticket number {number!r} has an unexpected character {ch!r}")
    if run:
        pieces.append(spell_digits(run))
    if not pieces:
        raise ValueError("empty ticket number")
    return pieces

"""Ticket letters as Chinese speakers read them in a service hall, and the text the engine is given.

espeak-ng's ``sit/cmn-latn-pinyin`` voice reads Latin text as pinyin: a bare ``C`` comes out
as "sēi", ``E`` as "yì", and a Chinese character gets its dictionary tone (诶 → éi, 比 → bǐ,
迪 → dí). So each letter is sent as pinyin syllables with tone digits (``xi1``), which that
voice says exactly as written. The table (characters for people, pinyin for the engine) and
why it reads so are in docs/voice.md; ``[display] letter_readings`` overrides any letter with
either Chinese characters (sent as they are) or pinyin with tone digits.
"""
from __future__ import annotations

import re
from collections.abc import Mapping

from hardware.speech.numerals import spell_digits

#: letter -> (characters as a hall writes the reading, pinyin with tone digits as the engine is given it)
LETTER_READINGS: dict[str, tuple[str, str]] = {
    "A": ("诶", "ei1"), "B": ("比", "bi4"), "C": ("西", "xi1"), "D": ("迪", "di4"), "E": ("伊", "yi1"),
    "F": ("艾弗", "ai4 fu2"), "G": ("吉", "ji4"), "H": ("艾尺", "ai4 chi3"), "I": ("艾", "ai4"),
    "J": ("杰", "jie2"), "K": ("开", "kai1"), "L": ("艾勒", "ai4 le4"), "M": ("艾姆", "ai4 mu3"),
    "N": ("恩", "en1"), "O": ("欧", "ou1"), "P": ("屁", "pi4"), "Q": ("丘", "qiu1"), "R": ("阿尔", "a4 er3"),
    "S": ("艾斯", "ai4 si1"), "T": ("踢", "ti1"), "U": ("优", "you1"), "V": ("维", "wei2"),
    "W": ("达不溜", "da2 bu5 liu1"), "X": ("艾克斯", "ai4 ke4 si1"), "Y": ("歪", "wai1"), "Z": ("贼德", "zei2 de5"),
}

_PINYIN = re.compile(r"[a-zü]{1,6}[1-5](?: [a-zü]{1,6}[1-5]){0,5}")
_HANZI = re.compile(r"[\u4e00-\u9fff]{1,6}")


def check_reading(text: str) -> str:
    """A configured reading: 1-6 Chinese characters, or 1-6 pinyin syllables each with its tone digit."""
    t = text.strip()
    if _HANZI.fullmatch(t) or _PINYIN.fullmatch(t):
        return t
    raise ValueError(f"{text!r} is neither Chinese characters (西) nor pinyin with tone digits (xi1, ai4 fu2)")


def letter_text(letter: str, overrides: Mapping[str, str] | None = None) -> str:
    """What the engine is given for ``letter``: ``"C"`` → ``"xi1"`` (or the configured override)."""
    key = letter.upper()
    if overrides and key in overrides:
        return overrides[key]
    if key not in LETTER_READINGS:
        raise ValueError(f"no reading for {letter!r}")
    return LETTER_READINGS[key][1]


def ticket_texts(number: str, overrides: Mapping[str, str] | None = None) -> list[str]:
    """A ticket as engine texts, letter by letter, digit by digit: ``"C015"`` → ``["xi1", "零一五"]``."""
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
            pieces.append(letter_text(ch, overrides))
        elif ch not in " -":
            raise ValueError(f"ticket number {number!r} has an unexpected character {ch!r}")
    if run:
        pieces.append(spell_digits(run))
    if not pieces:
        raise ValueError("empty ticket number")
    return pieces


def spoken_ticket(number: str, overrides: Mapping[str, str] | None = None) -> str:
    """One text for the whole ticket (a kiosk's guidance): ``"A101"`` → ``"ei1 一零一"``."""
    return " ".join(ticket_texts(number, overrides))

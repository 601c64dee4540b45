"""Ticket and window numbers as the announcement reads them (pure text, table-driven)."""
from __future__ import annotations

import pytest

from hardware.speech import chinese_number, spell_digits, spell_ticket

WINDOWS = [
    (1, "一"), (2, "二"), (9, "九"), (10, "十"), (11, "十一"), (12, "十二"), (15, "十五"), (19, "十九"),
    (20, "二十"), (21, "二十一"), (30, "三十"), (35, "三十五"), (40, "四十"), (48, "四十八"), (50, "五十"),
    (66, "六十六"), (70, "七十"), (77, "七十七"), (80, "八十"), (90, "九十"), (98, "九十八"), (99, "九十九"),
]
BEYOND = [(0, "零"), (100, "一百"), (101, "一百零一"), (110, "一百一十"), (115, "一百一十五"), (999, "九百九十九"),
          (1000, "一千"), (1001, "一千零一"), (1010, "一千零一十"), (1100, "一千一百"), (9999, "九千九百九十九")]
TICKETS = [
    ("A001", ["A", "零零一"]), ("A101", ["A", "一零一"]), ("B015", ["B", "零一五"]), ("C999", ["C", "九九九"]),
    ("a020", ["A", "零二零"]), ("AB7", ["A", "B", "七"]), ("A100", ["A", "一零零"]), (" B-007 ", ["B", "零零七"]),
]


@pytest.mark.parametrize(("n", "words"), WINDOWS + BEYOND)
def test_numbers_read_as_whole_numbers(n: int, words: str) -> None:
    assert chinese_number(n) == words


def _reference(n: int) -> str:
    """1..99 by the schoolbook rule, written independently of the code under test."""
    ones = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"]
    tens, unit = divmod(n, 10)
    if tens == 0:
        return ones[unit]
    return ("" if tens == 1 else ones[tens]) + "十" + ones[unit]


def test_every_window_number() -> None:
    assert [chinese_number(n) for n in range(1, 100)] == [_reference(n) for n in range(1, 100)]


@pytest.mark.parametrize("n", [-1, 10000])
def test_numbers_out_of_range(n: int) -> None:
    with pytest.raises(ValueError, match="outside"):
        chinese_number(n)


@pytest.mark.parametrize(("number", "pieces"), TICKETS)
def test_tickets_letter_by_letter_digit_by_digit(number: str, pieces: list[str]) -> None:
    assert spell_ticket(number) == pieces


@pytest.mark.parametrize("bad", ["", "A1#", "号1", "   "])
def test_bad_tickets(bad: str) -> None:
    with pytest.raises(ValueError):
        spell_ticket(bad)


def test_digits() -> None:
    assert spell_digits("0123456789") == "零一二三四五六七八九"
    with pytest.raises(ValueError):
        spell_digits("١٢")  # Arabic-Indic digits are digits to Python, not to the announcer

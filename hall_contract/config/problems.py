"""Configuration errors that name the key, the line and the fix."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    key: str
    line: int | None
    message: str

    def render(self, file: Path) -> str:
        where = f"{file}:{self.line}" if self.line else str(file)
        return f"{where}: {self.key or '(file)'}: {self.message}"


class ConfigError(Exception):
    def __init__(self, file: Path, problems: list[Problem]) -> None:
        self.file = file
        self.problems = problems
        super().__init__("\n".join(p.render(file) for p in problems))


_HEADER = re.compile(r"^\s*\[(\[)?\s*([A-Za-z0-9_.-]+)\s*\]?\]\s*(#.*)?$")


def locate(text: str, loc: tuple[object, ...]) -> int | None:
    """The 1-based line of the key at pydantic location ``loc`` (best effort; None if unknown).

    Understands ``[section]`` tables with ``key = …`` lines and ``[[array]]`` tables.
    """
    lines = text.splitlines()
    if not loc:
        return None
    head, rest = loc[0], loc[1:]
    start = 0
    if rest and isinstance(rest[0], int):
        index, rest = rest[0], rest[1:]
        hits = [i for i, ln in enumerate(lines) if (m := _HEADER.match(ln)) and m.group(1) and m.group(2) == head]
        if index >= len(hits):
            return _key_line(lines, 0, len(lines), str(head))
        start = hits[index]
    else:
        hits = [i for i, ln in enumerate(lines) if (m := _HEADER.match(ln)) and not m.group(1) and m.group(2) == head]
        if not hits:
            return _key_line(lines, 0, _first_header(lines, 0), str(head))
        start = hits[0]
    end = _first_header(lines, start + 1)
    if rest and isinstance(rest[0], str):
        found = _key_line(lines, start + 1, end, rest[0])
        if found:
            return found
    return start + 1


def _first_header(lines: list[str], start: int) -> int:
    for i in range(start, len(lines)):
        if _HEADER.match(lines[i]):
            return i
    return len(lines)


def _key_line(lines: list[str], start: int, end: int, key: str) -> int | None:
    pat = re.compile(rf"^\s*{re.escape(key)}\s*=")
    for i in range(start, end):
        if pat.match(lines[i]):
            return i + 1
    return None

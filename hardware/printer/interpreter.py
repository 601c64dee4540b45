"""Read an ESC/POS byte stream back: split it into commands, and draw tickets as Pillow images.

Understands the subset :mod:`hardware.printer.codec` writes (ESC @, ESC a, ESC E, ESC d,
GS !, FS & / FS ., GB18030 text, LF, GS ( k QR, GS V, DLE EOT) and skips other
commands of known length, so a person can look at what a printer would have printed.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

FONT_PATH = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
DOT_WIDTH_80MM = 576
DOT_WIDTH_58MM = 384
_CELL_HEIGHT = 24
_LINE_GAP = 8
_MARGIN = 16

# Commands with a fixed number of parameter bytes after the two command bytes.
_FIXED_PARAMS = {
    b"\x1b@": 0, b"\x1b2": 0, b"\x1ba": 1, b"\x1bE": 1, b"\x1bd": 1, b"\x1b!": 1, b"\x1b-": 1,
    b"\x1bJ": 1, b"\x1bt": 1, b"\x1b3": 1, b"\x1bM": 1, b"\x1bR": 1, b"\x1bG": 1, b"\x1b{": 1,
    b"\x1d!": 1, b"\x1dB": 1, b"\x1dh": 1, b"\x1dw": 1, b"\x1dH": 1, b"\x1df": 1, b"\x1dL": 2,
    b"\x1dW": 2, b"\x1c&": 0, b"\x1c.": 0, b"\x1c!": 1, b"\x1c-": 1, b"\x10\x04": 1, b"\x10\x14": 3,
}


@dataclass(frozen=True)
class Command:
    """One parsed unit: ``code`` is the command bytes (``b"TEXT"`` for printable text)."""

    code: bytes
    args: bytes = b""


def next_command(buf: bytes, pos: int) -> tuple[Command, int] | None:
    """Parse the command at ``pos``; ``None`` when the buffer ends inside it."""
    first = buf[pos]
    if first >= 0x20:
        end = pos
        while end < len(buf) and buf[end] >= 0x20:
            end += 1
        return Command(b"TEXT", buf[pos:end]), end
    if first not in (0x1B, 0x1D, 0x1C, 0x10):
        return Command(bytes([first])), pos + 1
    if pos + 2 > len(buf):
        return None
    code = buf[pos : pos + 2]
    if code == b"\x1d(":  # GS ( fn pL pH data
        if pos + 5 > len(buf):
            return None
        end = pos + 5 + int.from_bytes(buf[pos + 3 : pos + 5], "little")
        return (Command(buf[pos : pos + 3], buf[pos + 3 : end]), end) if end <= len(buf) else None
    if code == b"\x1dV":  # GS V m [n]
        if pos + 3 > len(buf):
            return None
        end = pos + (4 if buf[pos + 2] in (65, 66) else 3)
        return (Command(code, buf[pos + 2 : end]), end) if end <= len(buf) else None
    size = _FIXED_PARAMS.get(code, 0)
    end = pos + 2 + size
    return (Command(code, buf[pos + 2 : end]), end) if end <= len(buf) else None


def parse(buf: bytes) -> tuple[list[Command], bytes]:
    """All complete commands in ``buf`` and the incomplete rest."""
    commands: list[Command] = []
    pos = 0
    while pos < len(buf):
        found = next_command(buf, pos)
        if found is None:
            break
        command, pos = found
        commands.append(command)
    return commands, buf[pos:]


@lru_cache(maxsize=16)
def _font(size: int) -> Any:
    from PIL import ImageFont

    return ImageFont.truetype(FONT_PATH, size)


class _Page:
    """Pen state and the drawn lines of one ticket."""

    def __init__(self, width: int) -> None:
        self.width = width
        self.rows: list[Any] = []  # PIL images, one per printed line or QR code
        self.line: list[tuple[str, int, int, bool]] = []
        self.align = 0
        self.bold = False
        self.mag = (1, 1)
        self.qr_data = b""
        self.qr_module = 3

    def newline(self) -> None:
        from PIL import Image

        height = max([_CELL_HEIGHT * h for _, _, h, _ in self.line] or [_CELL_HEIGHT]) + _LINE_GAP
        row = Image.new("L", (self.width, height), 255)
        cells = [(ch, (12 if len(ch.encode("gb18030")) == 1 else 24) * w, w, h, b)
                 for ch, w, h, b in self.line]
        x = (self.width - sum(c[1] for c in cells)) * self.align // 2
        for ch, cell_w, _, h, is_bold in cells:
            glyph = self._glyph(ch, cell_w, h, is_bold)
            row.paste(glyph, (max(0, x), height - _LINE_GAP - glyph.height))
            x += cell_w
        self.rows.append(row)
        self.line = []

    def _glyph(self, ch: str, cell_w: int, h: int, is_bold: bool) -> Any:
        from PIL import Image, ImageDraw

        size = _CELL_HEIGHT * h
        natural_w = (12 if len(ch.encode("gb18030")) == 1 else 24) * h
        img = Image.new("L", (natural_w, size), 255)
        draw = ImageDraw.Draw(img)
        for dx in (0, 1) if is_bold else (0,):  # emphasis prints each dot twice, shifted by one
            draw.text((natural_w / 2 + dx, size / 2), ch, font=_font(size), fill=0, anchor="mm")
        return img if natural_w == cell_w else img.resize((cell_w, size))

    def print_qr(self) -> None:
        import qrcode
        from PIL import Image

        code = qrcode.QRCode(border=0, box_size=self.qr_module)
        code.add_data(self.qr_data.decode("ascii", "replace"))
        code.make(fit=True)
        img = code.make_image(fill_color="black", back_color="white").get_image().convert("L")
        row = Image.new("L", (self.width, img.height + _LINE_GAP), 255)
        row.paste(img, ((self.width - img.width) * self.align // 2, 0))
        self.rows.append(row)

    def image(self) -> Any:
        from PIL import Image

        height = sum(r.height for r in self.rows) + 2 * _MARGIN
        page = Image.new("L", (self.width + 2 * _MARGIN, height), 255)
        y = _MARGIN
        for row in self.rows:
            page.paste(row, (_MARGIN, y))
            y += row.height
        return page


def render(data: bytes, width_dots: int = DOT_WIDTH_80MM) -> list[Any]:
    """Draw every ticket in ``data`` (one image per cut; trailing uncut output is one more)."""
    pages: list[Any] = []
    page = _Page(width_dots)
    commands, _ = parse(data)
    for command in commands:
        code, args = command.code, command.args
        if code == b"TEXT":
            page.line += [(ch, *page.mag, page.bold) for ch in args.decode("gb18030", "replace")]
        elif code == b"\n":
            page.newline()
        elif code == b"\x1b@":
            page.align, page.bold, page.mag = 0, False, (1, 1)
        elif code == b"\x1ba":
            page.align = args[0] % 48 if args[0] >= 48 else args[0]
        elif code == b"\x1bE":
            page.bold = bool(args[0] & 1)
        elif code == b"\x1d!":
            page.mag = ((args[0] >> 4) + 1, (args[0] & 0x0F) + 1)
        elif code == b"\x1bd":
            for _ in range(args[0]):
                page.newline()
        elif code == b"\x1d(k":
            _qr_function(page, args)
        elif code == b"\x1dV":
            if page.line:
                page.newline()
            pages.append(page.image())
            page = _Page(width_dots)
    if page.rows or page.line:
        if page.line:
            page.newline()
        pages.append(page.image())
    return pages


def _qr_function(page: _Page, args: bytes) -> None:
    """``GS ( k`` with cn 49 (QR): module size, store, print; other functions only set state."""
    if len(args) < 4 or args[2] != 49:
        return
    fn = args[3]
    if fn == 67:
        page.qr_module = args[4]
    elif fn == 80:
        page.qr_data = args[5:]
    elif fn == 81 and page.qr_data:
        page.print_qr()

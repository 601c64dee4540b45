"""16-bit mono PCM clips: read and write WAV, trim silence, join, and a synthesized chime.

Everything the announcer plays is one format (espeak-ng's 22,050 Hz mono, 16-bit), so
pieces join by concatenating bytes. Pure Python (``wave``, ``array``, ``math``): no numpy.
"""
from __future__ import annotations

import math
import os
import sys
import tempfile
import wave
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

RATE = 22050
SAMPLE_BYTES = 2


@dataclass(frozen=True)
class Clip:
    """Mono signed 16-bit little-endian PCM at ``rate`` Hz."""

    pcm: bytes
    rate: int = RATE

    @property
    def duration_s(self) -> float:
        return len(self.pcm) / SAMPLE_BYTES / self.rate


def read_wav(path: Path) -> Clip:
    """A mono 16-bit WAV file as a clip (ValueError for any other format)."""
    with wave.open(str(path), "rb") as w:
        if w.getnchannels() != 1 or w.getsampwidth() != SAMPLE_BYTES:
            raise ValueError(f"{path}: expected mono 16-bit PCM, got {w.getnchannels()} ch × {w.getsampwidth()} B")
        return Clip(w.readframes(w.getnframes()), w.getframerate())


def write_wav(path: Path, clip: Clip) -> Path:
    """Write atomically (a reader never sees half a file); returns ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".wav.part", dir=path.parent)
    os.close(fd)
    try:
        with wave.open(tmp, "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(SAMPLE_BYTES)
            w.setframerate(clip.rate)
            w.writeframes(clip.pcm)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def _samples(pcm: bytes) -> array[int]:
    a = array("h")
    a.frombytes(pcm)
    if sys.byteorder == "big":
        a.byteswap()
    return a


def _pcm(samples: array[int]) -> bytes:
    if sys.byteorder == "big":
        samples = array("h", samples)
        samples.byteswap()
    return samples.tobytes()


def trim_silence(clip: Clip, threshold: int = 300, margin_s: float = 0.02) -> Clip:
    """Cut the quiet lead-in and tail espeak-ng puts around every phrase (keeps ``margin_s``)."""
    s = _samples(clip.pcm)
    if not s:
        return clip
    first = next((i for i, v in enumerate(s) if abs(v) > threshold), None)
    if first is None:
        return Clip(b"", clip.rate)
    last = next(i for i in range(len(s) - 1, -1, -1) if abs(s[i]) > threshold)
    margin = int(margin_s * clip.rate)
    start, end = max(0, first - margin), min(len(s), last + 1 + margin)
    return Clip(clip.pcm[start * SAMPLE_BYTES:end * SAMPLE_BYTES], clip.rate)


def silence(seconds: float, rate: int = RATE) -> Clip:
    return Clip(bytes(int(seconds * rate) * SAMPLE_BYTES), rate)


def join(clips: Iterable[Clip], rate: int = RATE) -> Clip:
    """Concatenate clips of one rate (ValueError when a clip has another rate)."""
    parts = []
    for c in clips:
        if c.rate != rate:
            raise ValueError(f"clip at {c.rate} Hz among {rate} Hz clips")
        parts.append(c.pcm)
    return Clip(b"".join(parts), rate)


def peak(clip: Clip) -> int:
    s = _samples(clip.pcm)
    return max((abs(v) for v in s), default=0)


def make_chime(rate: int = RATE, volume: float = 0.6) -> Clip:
    """A two-note "ding-dong" (E5 then C5, bell-like decay), about 1.3 s."""
    out = array("h")
    for freq, length_s in ((659.25, 0.55), (523.25, 0.8)):
        n = int(length_s * rate)
        for i in range(n):
            t = i / rate
            env = math.exp(-3.2 * t) * min(1.0, i / (0.005 * rate))  # 5 ms attack, no click
            v = math.sin(2 * math.pi * freq * t) + 0.3 * math.sin(4 * math.pi * freq * t)
            out.append(int(max(-1.0, min(1.0, v / 1.3 * env * volume)) * 32767))
    return Clip(_pcm(out), rate)

"""Text → WAV with pyttsx3 + espeak-ng (offline), cached on disk once per phrase.

pyttsx3 keeps one espeak-ng instance per process and its run loop must never be entered
twice, so a :class:`Pyttsx3Renderer` is only ever used from the speech service's own thread.
The cache key is voice + rate + volume + text: changing any of them renders anew.
"""
from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import tempfile
import threading
import time
from collections import OrderedDict
from pathlib import Path
from typing import Any, Protocol

from hardware.speech.audio import Clip, read_wav, trim_silence

log = logging.getLogger(__name__)

DEFAULT_VOICE = "sit/cmn-latn-pinyin"  # sit/cmn reads Chinese as English letters; zh falls back to English


class SpeechUnavailable(RuntimeError):
    """The speech engine or the configured voice is missing."""


class Renderer(Protocol):
    voice: str
    rate: int
    volume: float

    def render(self, text: str, path: Path) -> None:
        """Write ``text`` spoken as a mono 16-bit WAV at ``path``."""


_owner_lock = threading.Lock()
_owner: threading.Thread | None = None  # the one thread in this process that drives espeak-ng


def _claim_engine() -> None:
    global _owner
    with _owner_lock:
        me = threading.current_thread()
        if _owner is not None and _owner is not me and _owner.is_alive():
            raise SpeechUnavailable(f"espeak-ng is already driven by thread {_owner.name!r}: "
                                    "use one SpeechService per process")
        _owner = me


class Pyttsx3Renderer:
    """pyttsx3's espeak driver, created lazily in the thread that first renders (and only used there).

    pyttsx3 hands every caller in a process the same espeak-ng engine, so only one thread at a
    time may own it: a second live SpeechService in the same process gets ``SpeechUnavailable``.
    """

    def __init__(self, voice: str = DEFAULT_VOICE, rate: int = 150, volume: float = 1.0) -> None:
        self.voice, self.rate, self.volume = voice, rate, volume
        self._engine: Any = None
        self._thread: int | None = None

    def _init(self) -> Any:
        _claim_engine()
        try:
            import pyttsx3
        except ImportError as err:
            raise SpeechUnavailable("pyttsx3 is not installed (pip install pyttsx3)") from err
        try:
            engine = pyttsx3.init("espeak")
        except (RuntimeError, OSError) as err:
            raise SpeechUnavailable(f"espeak-ng cannot start ({err}); apt-get install libespeak-ng1") from err
        ids = {v.id for v in engine.getProperty("voices")}
        if self.voice not in ids:
            raise SpeechUnavailable(f"voice {self.voice!r} is not installed (have e.g. {sorted(ids)[:5]})")
        engine.setProperty("voice", self.voice)
        engine.setProperty("rate", self.rate)
        engine.setProperty("volume", self.volume)
        self._thread = threading.get_ident()
        return engine

    def render(self, text: str, path: Path) -> None:
        if self._engine is None:
            self._engine = self._init()
        if threading.get_ident() != self._thread:
            raise RuntimeError("the pyttsx3 engine is used from a second thread")
        for attempt in range(1, 4):
            with contextlib.redirect_stdout(io.StringIO()):  # pyttsx3 prints "Audio saved to ..."
                # queued with the text: set once at start-up they were now and then applied after
                # synthesis had begun, and a phrase came out at espeak's default rate
                self._engine.setProperty("voice", self.voice)
                self._engine.setProperty("rate", self.rate)
                self._engine.setProperty("volume", self.volume)
                self._engine.save_to_file(text, str(path))
                self._engine.runAndWait()
            if path.exists() and path.stat().st_size > 44:
                return
            # Seen now and then on the first phrase after espeak-ng starts in a thread: nothing written.
            log.debug("espeak-ng wrote no audio for %r (attempt %d); again", text, attempt)
        raise SpeechUnavailable(f"espeak-ng wrote no audio for {text!r}")


class PhraseCache:
    """WAV per phrase under ``directory``; trimmed clips kept in memory too (least recently used out)."""

    def __init__(self, directory: Path, renderer: Renderer, memory_items: int = 512) -> None:
        self.directory = directory
        self.renderer = renderer
        self.memory_items = memory_items
        self._memory: OrderedDict[str, Clip] = OrderedDict()
        self.renders = 0  # phrases rendered by this process (not found on disk)

    def key(self, text: str) -> str:
        r = self.renderer
        raw = f"{r.voice}|{r.rate}|{r.volume:.2f}|{text}".encode()
        return hashlib.sha1(raw).hexdigest()[:20]

    def path(self, text: str) -> Path:
        return self.directory / f"{self.key(text)}.wav"

    def cached(self, text: str) -> bool:
        return self.key(text) in self._memory or self.path(text).exists()

    def wav(self, text: str) -> Path:
        """The phrase's WAV file, rendered now when it is not on disk yet."""
        path = self.path(text)
        if not path.exists():
            self.directory.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(suffix=".wav", dir=self.directory, prefix=".render-")
            os.close(fd)
            started = time.monotonic()
            try:
                self.renderer.render(text, Path(tmp))
                os.replace(tmp, path)
            finally:
                Path(tmp).unlink(missing_ok=True)
            self.renders += 1
            log.debug("rendered %r in %.0f ms", text, (time.monotonic() - started) * 1000)
        return path

    def clip(self, text: str) -> Clip:
        """The phrase as a trimmed clip (memory, else disk, else rendered)."""
        k = self.key(text)
        hit = self._memory.get(k)
        if hit is not None:
            self._memory.move_to_end(k)
            return hit
        clip = trim_silence(read_wav(self.wav(text)))
        self._memory[k] = clip
        while len(self._memory) > self.memory_items:
            self._memory.popitem(last=False)
        return clip

"""``SpeechService``: one thread that renders and plays, one utterance at a time, in order.

Everything that speaks in the hall (the display's calls, the kiosk's voice guidance) queues
here: :meth:`SpeechService.say` and :meth:`SpeechService.speak` return at once; the service
thread renders each piece (from the phrase cache when it can), joins the pieces and plays
them to the end before it starts the next utterance. Nothing is ever cut off or played over
something else. pyttsx3 is only touched from this thread.
"""
from __future__ import annotations

import itertools
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hardware.speech.audio import Clip, join, make_chime, read_wav, silence, write_wav
from hardware.speech.output import AudioOutput, pick_output
from hardware.speech.render import DEFAULT_VOICE, PhraseCache, Pyttsx3Renderer, Renderer, SpeechUnavailable

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SpeechConfig:
    voice: str = DEFAULT_VOICE
    rate: int = 150  # words per minute
    volume: float = 1.0  # 0..1
    cache_dir: Path = Path("var/speech-cache")
    output: str = "auto"  # auto | aplay | pacat | play | none | file:DIR
    pace: bool = True  # without a player, still take as long as the audio would
    piece_gap_s: float = 0.06  # between the pieces of one phrase


@dataclass(frozen=True)
class Pause:
    seconds: float


class _Chime:
    def __repr__(self) -> str:
        return "CHIME"


CHIME = _Chime()
Part = str | Pause | Path | _Chime


@dataclass(eq=False)
class Utterance:
    """One queued announcement; times are ``time.monotonic()``."""

    parts: tuple[Part, ...]
    label: str
    enqueued_at: float
    started_at: float | None = None  # the first sample went to the output
    finished_at: float | None = None
    duration_s: float = 0.0
    error: str | None = None
    done: threading.Event = field(default_factory=threading.Event)

    def wait(self, timeout: float | None = None) -> bool:
        return self.done.wait(timeout)


Listener = Callable[[str, Utterance], None]  # ("started" | "finished", utterance)
_STOP, _SPEAK, _RENDER = 0, 1, 2


class SpeechService:
    def __init__(self, config: SpeechConfig | None = None, *, output: AudioOutput | None = None,
                 renderer: Renderer | None = None) -> None:
        self.config = config or SpeechConfig()
        c = self.config
        self.renderer = renderer or Pyttsx3Renderer(c.voice, c.rate, c.volume)
        self.cache = PhraseCache(c.cache_dir, self.renderer)
        self.output = output
        self.listeners: list[Listener] = []
        self._jobs: queue.PriorityQueue[tuple[int, int, int, Any]] = queue.PriorityQueue()
        self._seq = itertools.count()
        self._pending = 0  # utterances queued or playing
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._ready = threading.Event()
        self._chime: Clip | None = None
        self._files: dict[Path, Clip] = {}
        self.unavailable: str | None = None  # why speech failed last, until an utterance plays again
        self._logged: set[str] = set()

    # -- any thread -------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            return
        self._thread = threading.Thread(target=self._run, name="speech", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Shut down: what is playing stops, what is queued is dropped (the app is going away)."""
        if self._thread is None:
            return
        self._jobs.put((-1, next(self._seq), _STOP, None))
        if self.output is not None:
            self.output.abort()
        self._thread.join(timeout)
        self._thread = None

    def wait_ready(self, timeout: float = 10.0) -> bool:
        """True once the output is chosen and the chime is made."""
        return self._ready.wait(timeout)

    @property
    def backlog(self) -> int:
        """Utterances queued or playing."""
        with self._lock:
            return self._pending

    def say(self, text: str) -> Utterance:
        """Queue ``text`` as one phrase (rendered once, then from the cache)."""
        return self.speak([text], label=text)

    def play(self, path: Path) -> Utterance:
        """Queue a WAV file (mono 16-bit)."""
        return self.speak([path], label=path.name)

    def speak(self, parts: Sequence[Part], label: str = "") -> Utterance:
        """Queue pieces played as one: phrases (each cached), pauses, WAV files, :data:`CHIME`."""
        utt = Utterance(tuple(parts), label or "".join(p for p in parts if isinstance(p, str)), time.monotonic())
        with self._lock:
            self._pending += 1
            ahead = self._pending - 1
        if ahead:
            log.info("speech: %d utterance(s) ahead of %r; it waits its turn", ahead, utt.label)
        self._jobs.put((0, next(self._seq), _SPEAK, utt))
        return utt

    def prerender(self, texts: Iterable[str]) -> None:
        """Render phrases into the cache when nothing is waiting to be spoken."""
        for text in texts:
            self._jobs.put((1, next(self._seq), _RENDER, text))

    def render(self, text: str, timeout: float = 30.0) -> Path:
        """The phrase's cached WAV (rendered in the service thread when needed)."""
        if self._thread is None or threading.current_thread() is self._thread:
            return self.cache.wav(text)
        box: queue.Queue[Path | BaseException] = queue.Queue(1)
        self._jobs.put((0, next(self._seq), _RENDER, (text, box)))
        got = box.get(timeout=timeout)
        if isinstance(got, BaseException):
            raise got
        return got

    # -- the service thread -----------------------------------------------------------------
    def _run(self) -> None:
        try:
            if self.output is None:
                self.output = pick_output(self.config.output, self.config.pace)
            self._chime = make_chime(volume=0.6 * self.config.volume)
            write_wav(self.config.cache_dir / "chime.wav", self._chime)
        except Exception:
            log.exception("speech output could not be set up; speech is off")
            self._chime = silence(0.0)
        finally:
            self._ready.set()
        while True:
            _prio, _seq, kind, payload = self._jobs.get()
            if kind == _STOP:
                return
            if kind == _SPEAK:
                self._speak(payload)
            else:
                self._render(payload)

    def _render(self, payload: str | tuple[str, queue.Queue[Path | BaseException]]) -> None:
        text, box = (payload, None) if isinstance(payload, str) else payload
        try:
            path = self.cache.wav(text)
        except Exception as err:
            if str(err) not in self._logged:  # a missing voice would otherwise fill the log at start-up
                self._logged.add(str(err))
                log.warning("could not render %r: %s", text, err)
            if box is not None:
                box.put(err)
            return
        if box is not None:
            box.put(path)

    def _clip(self, part: Part) -> Clip:
        if isinstance(part, str):
            return self.cache.clip(part)
        if isinstance(part, Pause):
            return silence(part.seconds)
        if isinstance(part, _Chime):
            return self._chime or silence(0.0)
        if part not in self._files:
            self._files[part] = read_wav(part)
        return self._files[part]

    def _assemble(self, parts: tuple[Part, ...]) -> Clip:
        clips: list[Clip] = []
        gap = silence(self.config.piece_gap_s)
        for i, part in enumerate(parts):
            if i and isinstance(part, str) and isinstance(parts[i - 1], str):
                clips.append(gap)
            clips.append(self._clip(part))
        return join(clips)

    def _speak(self, utt: Utterance) -> None:
        try:
            clip = self._assemble(utt.parts)
            utt.duration_s = clip.duration_s
            assert self.output is not None
            self.output.play(clip, on_first_sample=lambda: self._started(utt))
            self.unavailable = None
        except SpeechUnavailable as err:
            utt.error = self.unavailable = str(err)
            log.error("speech unavailable: %s", err)
        except Exception as err:
            utt.error = repr(err)
            log.exception("speaking %r failed", utt.label)
        finally:
            utt.finished_at = time.monotonic()
            with self._lock:
                self._pending -= 1
            self._notify("finished", utt)
            utt.done.set()

    def _started(self, utt: Utterance) -> None:
        utt.started_at = time.monotonic()
        self._notify("started", utt)

    def _notify(self, event: str, utt: Utterance) -> None:
        for listener in list(self.listeners):
            try:
                listener(event, utt)
            except Exception:
                log.exception("speech listener failed")

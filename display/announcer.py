"""Voice calling that keeps up with the hall: each call in Mandarin, only while it is still true.

Calls wait in a :class:`~display.voice_queue.VoiceQueue` (which drops a call once its ticket
or window has moved on, or once it is ``voice_max_delay_s`` old) and are handed to the
:class:`SpeechService` one at a time, when the voice is free. How much is said depends on how
many calls wait behind this one:

* none: chime, then the call (请 A 一零一 号到 十二号窗口办理), said again up to ``voice_repeat``
  times in all, each repeat only while nothing else waits and the call is still true;
* one or two: chime, the call once (the repeat is dropped first);
* more: the short form, once, no chime (A 一零一，十二号窗口), and so every call until none
  waits (a burst is read out short to its end, so its last call waits no longer than it must).

The phrase is built from pieces cached on their own (请 · letter · 一零一 · 号到 ·
十二号窗口办理), so everything but the ticket digits is rendered before the first call, and the
digits of the next few tickets of a queue are rendered while the hall waits. Letters go to the
engine as pinyin with tone digits (:mod:`hardware.speech.letters`).
"""
from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, tzinfo

from display.board import attempt_words
from display.settings import DisplaySettings
from display.voice_queue import VoiceQueue
from hall_contract.protocol import CallMessage, WindowState
from hardware.speech import CHIME, Pause, SpeechConfig, SpeechService, Utterance, chinese_number, ticket_texts
from hardware.speech.service import Part

log = logging.getLogger(__name__)

LOOKAHEAD = 3  # next tickets of a queue whose digits are rendered ahead
FULL, ONCE, SHORT = "full", "once", "short"
ONCE_FROM, SHORT_FROM = 1, 3  # calls waiting behind this one from which the repeat goes, then the long form
#: words whose characters espeak-ng would read with the wrong tone, as pinyin (一 before 次 is yí)
VOICE_TEXT = {"最后一次呼叫": "zui4 hou4 yi2 ci4 hu1 jiao4"}


def window_phrase(window: int) -> str:
    return f"{chinese_number(window)}号窗口办理"


def window_short(window: int) -> str:
    return f"{chinese_number(window)}号窗口"


def recall_piece(call: CallMessage, calls_per_ticket: int = 0) -> list[str]:
    words = attempt_words(call.attempt, calls_per_ticket)
    return [VOICE_TEXT.get(words, words)] if words else []


def call_pieces(call: CallMessage, readings: dict[str, str] | None = None, calls_per_ticket: int = 0) -> list[str]:
    """``A101`` at window 12, second call → 第二次呼叫 · 请 · ei1 · 一零一 · 号到 · 十二号窗口办理."""
    return [*recall_piece(call, calls_per_ticket), "请", *ticket_texts(call.number, readings), "号到",
            window_phrase(call.window)]


def short_pieces(call: CallMessage, readings: dict[str, str] | None = None,
                 calls_per_ticket: int = 0) -> list[Part]:
    """The short form: ``A101`` at window 12 → ei1 · 一零一 · (pause) · 十二号窗口."""
    return [*recall_piece(call, calls_per_ticket), *ticket_texts(call.number, readings), Pause(0.25),
            window_short(call.window)]


def announcement_text(call: CallMessage, readings: dict[str, str] | None = None) -> str:
    """The engine's words, spaced by piece: ``请 ei1 一零一 号到 十二号窗口办理``."""
    return " ".join(call_pieces(call, readings))


def next_numbers(number: str, count: int = LOOKAHEAD) -> list[str]:
    """``A099`` → ``A100``, ``A101``, ``A102`` (the width is kept)."""
    m = re.fullmatch(r"([A-Za-z]*)(\d+)", number)
    if not m:
        return []
    prefix, digits = m.groups()
    return [f"{prefix}{int(digits) + k:0{len(digits)}d}" for k in range(1, count + 1)
            if len(str(int(digits) + k)) <= len(digits)]


def speech_config(s: DisplaySettings) -> SpeechConfig:
    return SpeechConfig(voice=s.voice_name, rate=s.voice_rate, volume=s.voice_volume, cache_dir=s.cache_dir,
                        output=s.audio_output)


@dataclass
class Spoken:
    """A call the voice said (for the log, tests and benchmarks); times are monotonic."""

    call: CallMessage
    form: str
    received: float
    made: datetime | None
    utterance: Utterance  # the first saying (its first sample is when the call was heard)
    playing: Utterance  # the first saying or a repeat
    repeats_left: int = 0
    repeats: int = 0
    stale: bool = False  # stopped being true while it was said: no repeat

    def concerns(self, window: int, number: str | None = None) -> bool:
        return self.call.window == window or self.call.number == number


class Announcer:
    """Calls in, one utterance at a time out, on one :class:`SpeechService`."""

    def __init__(self, speech: SpeechService, settings: DisplaySettings, tz: tzinfo, calls_per_ticket: int = 0) -> None:
        self.speech = speech
        self.settings = settings
        self.tz = tz
        self.calls_per_ticket = calls_per_ticket
        self.queue = VoiceQueue(settings.voice_max_delay_s, tz)
        self.skipped_quiet = 0
        self.spoken: list[Spoken] = []  # the last 1000
        self.most_behind = 0  # the largest backlog seen: waiting + the one being said
        self._speaking: Spoken | None = None
        self._burst = False  # calls are read out short until none waits
        self._lock = threading.RLock()
        speech.listeners.append(self._on_speech)

    def start(self, windows: Iterable[int] = (), queues: Iterable[str] = ()) -> None:
        """Start the speech thread and render the pieces every call uses."""
        self.speech.start()
        shown = [n for n in windows if self.settings.shows_window(n)]
        readings = self.settings.letter_readings
        letters = [t for q in sorted(set(queues)) for t in ticket_texts(q, readings)]
        recalls = [p for a in range(2, 5) for p in recall_piece(CallMessage(
            number="A1", queue="A", window=1, window_name="", attempt=a, at=""), self.calls_per_ticket)]
        fixed = ["请", "号到", *letters, *recalls]
        self.speech.prerender([*fixed, *(window_phrase(n) for n in shown), *(window_short(n) for n in shown)])

    def stop(self) -> None:
        self.speech.stop()

    @property
    def backlog(self) -> int:
        """Calls waiting to be said, and the one being said."""
        with self._lock:
            return len(self.queue) + (1 if self._speaking is not None else 0)

    def parts(self, call: CallMessage, form: str = FULL) -> list[Part]:
        """The first saying of a call in ``form`` (a repeat is :meth:`repeat_parts`)."""
        s = self.settings
        if form == SHORT:
            return short_pieces(call, s.letter_readings, self.calls_per_ticket)
        pieces: list[Part] = [*call_pieces(call, s.letter_readings, self.calls_per_ticket)]
        return [CHIME, Pause(0.3), *pieces] if s.chime else pieces

    def repeat_parts(self, call: CallMessage) -> list[Part]:
        return [Pause(self.settings.repeat_pause_s), *call_pieces(call, self.settings.letter_readings,
                                                                  self.calls_per_ticket)]

    # -- what the hall says (paho's thread) ---------------------------------------------------
    def announce(self, call: CallMessage, now: datetime | None = None, received: float | None = None) -> bool:
        """Queue the call; False when it is not for this display, in quiet hours, unreadable or already late."""
        if not self.settings.shows_window(call.window):
            return False
        wall = (now or datetime.now(self.tz)).astimezone(self.tz)
        if self.settings.is_quiet(wall.time()):
            self.skipped_quiet += 1
            log.info("quiet hours: %s to window %d shown, not spoken", call.number, call.window)
            return False
        try:
            ticket_texts(call.number, self.settings.letter_readings)
        except ValueError as err:
            log.warning("cannot announce %r: %s", call.number, err)
            return False
        with self._lock:
            self._spoil(lambda sp: sp.concerns(call.window, call.number))
            queued = self.queue.add(call, time.monotonic() if received is None else received, wall) is not None
            self.most_behind = max(self.most_behind, self.backlog)
            self._feed()
        self.speech.prerender(ticket_texts(n, self.settings.letter_readings)[-1] for n in next_numbers(call.number))
        return queued

    def window_state(self, w: WindowState) -> None:
        with self._lock:
            self._spoil(lambda sp: sp.call.window == w.number and (
                w.current != sp.call.number or w.current_state not in (None, "called")))
            self.queue.window_state(w)

    def window_cleared(self, number: int) -> None:
        with self._lock:
            self._spoil(lambda sp: sp.call.window == number)
            self.queue.window_cleared(number)

    def _spoil(self, stale: Callable[[Spoken], bool]) -> None:
        """The call being said is no longer true: it is not said again."""
        sp = self._speaking
        if sp is not None and not sp.stale and stale(sp):
            sp.stale = True

    def drop_all(self, reason: str) -> None:
        """Nothing waiting is said (the display has lost the hall: it cannot know what is still true)."""
        with self._lock:
            if len(self.queue):
                log.warning("%d call(s) not spoken: %s", len(self.queue), reason)
            self.queue.clear()
            self._spoil(lambda _sp: True)

    # -- feeding the voice (any thread) -------------------------------------------------------
    def _feed(self) -> None:
        with self._lock:
            if self._speaking is not None:
                return
            got = self.queue.take(time.monotonic(), datetime.now(self.tz))
            if got is None:
                return
            p, behind = got
            self._burst = self._burst or behind >= SHORT_FROM
            form = SHORT if self._burst else FULL if behind < ONCE_FROM else ONCE
            self._burst = self._burst and behind > 0
            self.most_behind = max(self.most_behind, behind + 1)
            words = " ".join(x for x in self.parts(p.call, form) if isinstance(x, str))
            if behind:
                log.info("%d call(s) wait behind %s: said %s", behind, p.key,
                         "once" if form == ONCE else "once, short")
            log.info("announcing %s at window %d: %s", p.call.number, p.call.window, words)
            utt = self.speech.speak(self.parts(p.call, form), label=f"{p.key}: {words}")
            repeats = self.settings.voice_repeat - 1 if form == FULL else 0
            self._speaking = Spoken(p.call, form, p.received, p.made, utt, utt, repeats_left=repeats)
            self.spoken.append(self._speaking)
            del self.spoken[:-1000]

    def _repeat(self, sp: Spoken) -> bool:
        """Say ``sp`` again when it may be: a repeat left, still true, in time, and nobody waiting."""
        now, wall = time.monotonic(), datetime.now(self.tz)
        self.queue.prune(now, wall)
        if sp.repeats_left <= 0 or sp.stale or len(self.queue):
            return False
        if max(now - sp.received, (wall - sp.made).total_seconds() if sp.made else 0.0) > self.queue.max_delay_s:
            return False
        sp.repeats_left -= 1
        sp.repeats += 1
        sp.playing = self.speech.speak(self.repeat_parts(sp.call), label=f"{sp.call.number}→{sp.call.window} again")
        return True

    def _on_speech(self, event: str, utt: Utterance) -> None:
        if event != "finished":
            return
        with self._lock:
            sp = self._speaking
            if sp is None or sp.playing is not utt:
                return
            if not self._repeat(sp):
                self._speaking = None
                self._feed()

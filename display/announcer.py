"""Voice calling: each call as Mandarin speech, chime first, spoken ``voice_repeat`` times, in order.

The phrase is split into pieces that are cached on their own — 请 · A · 一零一 · 号到 ·
十二号窗口办理 — so everything but the ticket digits is rendered before the first call, and
the digits of the next few tickets of a queue are rendered while the hall waits.
"""
from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from datetime import datetime, tzinfo

from display.board import attempt_words
from display.settings import DisplaySettings
from hall_contract.protocol import CallMessage
from hardware.speech import CHIME, Pause, SpeechConfig, SpeechService, Utterance, chinese_number, spell_ticket
from hardware.speech.service import Part

log = logging.getLogger(__name__)

LOOKAHEAD = 3  # next tickets of a queue whose digits are rendered ahead


def call_pieces(call: CallMessage) -> list[str]:
    """``A101`` at window 12, second call → 第二次呼叫 · 请 · A · 一零一 · 号到 · 十二号窗口办理."""
    recall = attempt_words(call.attempt)
    return [*([recall] if recall else []), "请", *spell_ticket(call.number), "号到",
            window_phrase(call.window)]


def window_phrase(window: int) -> str:
    return f"{chinese_number(window)}号窗口办理"


def announcement_text(call: CallMessage) -> str:
    """The words as spoken, spaced by piece: ``请 A 一零一 号到 十二号窗口办理``."""
    return " ".join(call_pieces(call))


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


class Announcer:
    """Turns calls into queued utterances on one :class:`SpeechService`."""

    def __init__(self, speech: SpeechService, settings: DisplaySettings, tz: tzinfo) -> None:
        self.speech = speech
        self.settings = settings
        self.tz = tz
        self.skipped_quiet = 0

    def start(self, windows: Iterable[int] = (), queues: Iterable[str] = ()) -> None:
        """Start the speech thread and render the pieces every call uses."""
        self.speech.start()
        shown = [n for n in windows if self.settings.shows_window(n)]
        fixed = ["请", "号到", *sorted(set(queues)), *(attempt_words(a) for a in range(2, 5))]
        self.speech.prerender([*fixed, *(window_phrase(n) for n in shown)])

    def stop(self) -> None:
        self.speech.stop()

    def parts(self, call: CallMessage) -> list[Part]:
        s = self.settings
        pieces: list[Part] = [*call_pieces(call)]
        out: list[Part] = [CHIME, Pause(0.3)] if s.chime else []
        for i in range(s.voice_repeat):
            if i:
                out.append(Pause(s.repeat_pause_s))
            out.extend(pieces)
        return out

    def announce(self, call: CallMessage, now: datetime | None = None) -> Utterance | None:
        """Queue the call's announcement; None when it is not for this display or in quiet hours."""
        if not self.settings.shows_window(call.window):
            return None
        local = (now or datetime.now(self.tz)).astimezone(self.tz)
        if self.settings.is_quiet(local.time()):
            self.skipped_quiet += 1
            log.info("quiet hours: %s to window %d shown, not spoken", call.number, call.window)
            return None
        try:
            parts = self.parts(call)
        except ValueError as err:
            log.warning("cannot announce %r: %s", call.number, err)
            return None
        ahead = self.speech.backlog
        if ahead:
            log.warning("calls arrive faster than they can be spoken: %d announcement(s) ahead of %s; "
                        "kept in order", ahead, call.number)
        words = announcement_text(call)
        log.info("announcing %s at window %d: %s (×%d)", call.number, call.window, words, self.settings.voice_repeat)
        utt = self.speech.speak(parts, label=f"{call.number}→{call.window}: {words}")
        self.speech.prerender(spell_ticket(n)[-1] for n in next_numbers(call.number))
        return utt

"""Ticket letters: what the engine is given, and what espeak-ng's Mandarin voice makes of it.

espeak-ng prints the phonemes it would say (``-x``), with each syllable's tone as a pitch
contour (55 level = tone 1, 35 rising = 2, 214/21 dipping = 3, 51 falling = 4, 11/33 neutral).
That is the same engine and voice pyttsx3 drives, so the tones below are the tones heard.
"""
from __future__ import annotations

import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from hardware.speech import LETTER_READINGS, SpeechConfig, SpeechService, spoken_ticket, ticket_texts
from hardware.speech.render import DEFAULT_VOICE
from tests.hardware.test_speech_service import RecordingOutput

pytestmark = [pytest.mark.peer, pytest.mark.skipif(shutil.which("espeak-ng") is None,
                                                   reason="espeak-ng is not installed")]
CONTOUR = {"55": 1, "35": 2, "214": 3, "21": 3, "51": 4, "11": 5, "33": 5}


def phonemes(text: str) -> list[str]:
    out = subprocess.run(["espeak-ng", "-v", DEFAULT_VOICE, "-q", "-x", text], capture_output=True, text=True,
                         check=True, timeout=10)
    return out.stdout.split()


def tones(text: str) -> list[int]:
    return [CONTOUR[re.findall(r"\d+", p)[-1]] for p in phonemes(text)]


@pytest.mark.parametrize("letter", sorted(LETTER_READINGS))
def test_each_letter_is_said_with_the_syllables_and_tones_of_the_table(letter: str) -> None:
    _chars, pinyin = LETTER_READINGS[letter]
    syllables = pinyin.split()
    assert tones(pinyin) == [int(s[-1]) for s in syllables]


@pytest.mark.parametrize(("given", "heard"), [("C", "s'ei55"), ("E", "j'i51"), ("诶", "'ei35"), ("比", "p'i214")])
def test_why_not_the_letter_or_the_character(given: str, heard: str) -> None:
    """A bare letter is read as pinyin (C → sēi, E → yì); a character by its dictionary tone (诶 → éi)."""
    assert phonemes(given)[0].startswith(heard)


@pytest.mark.parametrize(("pinyin", "start"), [("ei1", "'ei55"), ("xi1", "S;'i55"), ("di4", "t'i51"),
                                               ("yi1", "j'i55"), ("bi4", "p'i51")])
def test_the_issues_examples_come_out_as_meant(pinyin: str, start: str) -> None:
    assert phonemes(pinyin)[0].startswith(start)


def test_digits_one_by_one_without_tone_change() -> None:
    assert tones("一零一") == [1, 2, 1] and tones("一四一") == [1, 4, 1]


def test_ticket_texts() -> None:
    assert ticket_texts("C015") == ["xi1", "零一五"]
    assert ticket_texts("a101", {"A": "诶"}) == ["诶", "一零一"]
    assert spoken_ticket("F7") == "ai4 fu2 七"
    assert tones(spoken_ticket("A101")) == [1, 1, 2, 1]
    with pytest.raises(ValueError):
        ticket_texts("A1#")


class TextRecorder:
    """A renderer that writes a short silence and keeps the text it was given (what espeak-ng would get)."""

    voice, rate, volume = DEFAULT_VOICE, 150, 1.0

    def __init__(self) -> None:
        self.texts: list[str] = []

    def render(self, text: str, path: Path) -> None:
        from hardware.speech.audio import Clip, write_wav

        self.texts.append(text)
        write_wav(path, Clip(b"\x00\x10" * 2205))


def test_the_text_sent_to_the_engine(tmp_path: Path) -> None:
    from display.announcer import Announcer
    from display.settings import DisplaySettings
    from tests.display.test_announcer import TZ, fresh

    rec = TextRecorder()
    svc = SpeechService(SpeechConfig(cache_dir=tmp_path), output=RecordingOutput(speed=100), renderer=rec)
    a = Announcer(svc, DisplaySettings(cache_dir=tmp_path, letter_readings={"B": "比"}), TZ)
    svc.start()
    assert a.announce(fresh("C015", 3)) and a.announce(fresh("B002", 4))
    end = time.monotonic() + 20
    while a.backlog and time.monotonic() < end:
        time.sleep(0.05)
    a.stop()
    assert "xi1" in rec.texts and "零一五" in rec.texts and "三号窗口办理" in rec.texts
    assert "比" in rec.texts and not {"C", "B", "bi4"} & set(rec.texts)

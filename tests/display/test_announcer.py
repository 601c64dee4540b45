"""Voice calling: the words, repetition, recalls, quiet hours, order, WAV output and start-up latency."""
from __future__ import annotations

import logging
import wave
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from display.announcer import Announcer, announcement_text, call_pieces, next_numbers
from display.settings import DisplaySettings
from hardware.speech import CHIME, Pause, SpeechConfig, SpeechService, WavFileOutput
from tests.display._hall import call
from tests.hardware.test_speech_service import RecordingOutput

pytestmark = pytest.mark.timeout(60)
TZ = ZoneInfo("Asia/Shanghai")
NOON = datetime(2024, 5, 6, 10, 0, tzinfo=TZ)

CALLS = [
    ("A101", 12, 1, ["请", "A", "一零一", "号到", "十二号窗口办理"]),
    ("B015", 3, 1, ["请", "B", "零一五", "号到", "三号窗口办理"]),
    ("C001", 20, 1, ["请", "C", "零零一", "号到", "二十号窗口办理"]),
    ("A999", 99, 1, ["请", "A", "九九九", "号到", "九十九号窗口办理"]),
    ("A100", 10, 2, ["第二次呼叫", "请", "A", "一零零", "号到", "十号窗口办理"]),
    ("B020", 11, 3, ["第三次呼叫", "请", "B", "零二零", "号到", "十一号窗口办理"]),
]


@pytest.mark.parametrize(("number", "window", "attempt", "pieces"), CALLS)
def test_the_words_of_a_call(number: str, window: int, attempt: int, pieces: list[str]) -> None:
    c = call(number, window, attempt)
    assert call_pieces(c) == pieces
    assert announcement_text(c) == " ".join(pieces)


def test_next_numbers() -> None:
    assert next_numbers("A099") == ["A100", "A101", "A102"]
    assert next_numbers("B998") == ["B999"]
    assert next_numbers("weird!") == []


def announcer(tmp_path: Path, output: object, **settings: object) -> Announcer:
    s = DisplaySettings(cache_dir=tmp_path / "cache", **settings)  # type: ignore[arg-type]
    svc = SpeechService(SpeechConfig(cache_dir=s.cache_dir), output=output)  # type: ignore[arg-type]
    a = Announcer(svc, s, TZ)
    a.start(windows=range(1, 13), queues="ABC")
    return a


def test_chime_then_the_call_twice(tmp_path: Path) -> None:
    a = Announcer(SpeechService(), DisplaySettings(), TZ)
    once = ["请", "A", "一零一", "号到", "十二号窗口办理"]
    assert a.parts(call("A101", 12)) == [CHIME, Pause(0.3), *once, Pause(0.8), *once]
    quiet = Announcer(SpeechService(), DisplaySettings(chime=False, voice_repeat=3, repeat_pause_s=0.5), TZ)
    assert quiet.parts(call("A101", 12)) == [*once, Pause(0.5), *once, Pause(0.5), *once]


@pytest.mark.peer  # the speech engine (espeak-ng) renders
def test_spoken_to_a_wav_of_plausible_length(tmp_path: Path) -> None:
    out = WavFileOutput(tmp_path / "played")
    a = announcer(tmp_path, out)
    utt = a.announce(call("A101", 12), NOON)
    assert utt is not None and utt.wait(20) and utt.error is None
    a.stop()
    with wave.open(str(out.written[0])) as w:
        seconds = w.getnframes() / w.getframerate()
    # chime 1.35 s + 0.3 s, twice a phrase of about 4-5 s, 0.8 s between
    assert 1.65 + 0.8 + 2 * 3.0 < seconds < 1.65 + 0.8 + 2 * 6.5


@pytest.mark.peer  # the speech engine (espeak-ng) renders
def test_quiet_hours_and_other_areas_are_not_spoken(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    out = RecordingOutput()
    a = announcer(tmp_path, out, quiet_hours=[(time(12), time(13, 30)), (time(22), time(7))], windows=[1, 2])
    with caplog.at_level(logging.INFO, logger="display.announcer"):
        assert a.announce(call("A101", 1), NOON.replace(hour=12, minute=15)) is None
        assert a.announce(call("A101", 1), NOON.replace(hour=6, minute=59)) is None
        assert a.announce(call("A102", 5), NOON) is None  # not this area's window
        utt = a.announce(call("A103", 2), NOON.replace(hour=13, minute=30))
    assert utt is not None and utt.wait(20)
    a.stop()
    assert a.skipped_quiet == 2 and "quiet hours" in caplog.text
    assert len(out.played) == 1


@pytest.mark.peer  # the speech engine (espeak-ng) renders
def test_calls_faster_than_speech_keep_their_order(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    out = RecordingOutput(speed=100.0)
    a = announcer(tmp_path, out)
    with caplog.at_level(logging.WARNING, logger="display.announcer"):
        utts = [a.announce(call(f"A{100 + i:03d}", i + 1), NOON) for i in range(5)]
    assert all(u is not None and u.wait(20) for u in utts)
    a.stop()
    assert "calls arrive faster than they can be spoken" in caplog.text
    starts = [u.started_at for u in utts if u]
    assert starts == sorted(starts) and out.max_active == 1
    assert [u.label.split("→")[0] for u in utts if u] == [f"A{100 + i:03d}" for i in range(5)]


@pytest.mark.peer  # the speech engine (espeak-ng) renders
def test_a_cached_window_phrase_starts_within_300_ms(tmp_path: Path) -> None:
    out = RecordingOutput(speed=1000.0)
    a = announcer(tmp_path, out)
    first = a.announce(call("A101", 12), NOON)  # renders A101's digits; prepares A102..A104
    assert first is not None and first.wait(20)
    for k, window in enumerate((3, 12, 7), start=2):
        utt = a.announce(call(f"A{100 + k:03d}", window), NOON)
        assert utt is not None and utt.wait(20) and utt.started_at is not None
        assert utt.started_at - utt.enqueued_at < 0.3
    a.stop()
    renders = a.speech.cache.renders
    assert renders >= 5  # fixed pieces, window phrases, digits

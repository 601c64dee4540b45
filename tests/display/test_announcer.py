"""Voice calling: the words, the forms under load, calls that stop being true, quiet hours, WAV output, latency."""
from __future__ import annotations

import logging
import time
import wave
from collections.abc import Iterator
from datetime import datetime, timedelta
from datetime import time as clock
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from display.announcer import (
    FULL,
    ONCE,
    SHORT,
    Announcer,
    announcement_text,
    call_pieces,
    next_numbers,
    short_pieces,
)
from display.settings import DisplaySettings
from hall_contract.protocol import CallMessage
from hardware.speech import CHIME, Pause, SpeechConfig, SpeechService, WavFileOutput
from tests.display._hall import call, window
from tests.hardware.test_speech_service import RecordingOutput

pytestmark = pytest.mark.timeout(60)
TZ = ZoneInfo("Asia/Shanghai")

CALLS = [
    ("A101", 12, 1, ["请", "ei1", "一零一", "号到", "十二号窗口办理"]),
    ("B015", 3, 1, ["请", "bi4", "零一五", "号到", "三号窗口办理"]),
    ("C001", 20, 1, ["请", "xi1", "零零一", "号到", "二十号窗口办理"]),
    ("E999", 99, 1, ["请", "yi1", "九九九", "号到", "九十九号窗口办理"]),
    ("A100", 10, 2, ["第二次呼叫", "请", "ei1", "一零零", "号到", "十号窗口办理"]),
    ("B020", 11, 3, ["zui4 hou4 yi2 ci4 hu1 jiao4", "请", "bi4", "零二零", "号到", "十一号窗口办理"]),
]


def fresh(number: str, window: int, attempt: int = 1, age_s: float = 0.0, now: datetime | None = None) -> CallMessage:
    """A call made ``age_s`` seconds before ``now`` (hall time; the present by default)."""
    at = ((now or datetime.now(TZ)) - timedelta(seconds=age_s)).isoformat()
    return CallMessage(number=number, queue=number[0], window=window, window_name=f"{window}号窗口",
                       attempt=attempt, at=at)


@pytest.mark.parametrize(("number", "window", "attempt", "pieces"), CALLS)
def test_the_words_of_a_call(number: str, window: int, attempt: int, pieces: list[str]) -> None:
    c = call(number, window, attempt)
    assert call_pieces(c, calls_per_ticket=3) == pieces
    assert announcement_text(c) == " ".join(call_pieces(c))


def test_a_configured_letter_reading_is_what_the_engine_gets() -> None:
    s = DisplaySettings(letter_readings={"c": "西", "A": "ei4"})
    assert s.letter_readings == {"C": "西", "A": "ei4"}
    assert call_pieces(call("C015", 3), s.letter_readings)[1] == "西"
    assert short_pieces(call("A101", 12), s.letter_readings) == ["ei4", "一零一", Pause(0.25), "十二号窗口"]
    for bad in ({"CC": "西"}, {"1": "yi1"}, {"C": "C"}, {"C": "xi"}, {"C": "西x"}):
        with pytest.raises(ValueError):
            DisplaySettings(letter_readings=bad)


def test_next_numbers() -> None:
    assert next_numbers("A099") == ["A100", "A101", "A102"]
    assert next_numbers("B998") == ["B999"]
    assert next_numbers("weird!") == []


_started: list[Announcer] = []


@pytest.fixture(autouse=True)
def _stop_announcers() -> Iterator[None]:
    """A test that fails before its own ``stop()`` leaves no speech thread behind for the next one."""
    yield
    while _started:
        _started.pop().stop()


def announcer(tmp_path: Path, output: object, **settings: object) -> Announcer:
    s = DisplaySettings(cache_dir=tmp_path / "cache", **settings)  # type: ignore[arg-type]
    svc = SpeechService(SpeechConfig(cache_dir=s.cache_dir), output=output)  # type: ignore[arg-type]
    a = Announcer(svc, s, TZ, calls_per_ticket=3)
    a.start(windows=range(1, 13), queues="ABC")
    _started.append(a)
    return a


def said(a: Announcer, count: int, timeout: float = 30.0) -> list[str]:
    """Wait until ``count`` calls have been said to the end; their ``number→window`` keys."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        done = [s for s in a.spoken if s.utterance.done.is_set()]
        if len(done) >= count and a.backlog == 0:
            break
        time.sleep(0.02)
    return [f"{s.call.number}→{s.call.window}" for s in a.spoken]


def test_the_three_forms(tmp_path: Path) -> None:
    a = Announcer(SpeechService(), DisplaySettings(), TZ)
    once = ["请", "ei1", "一零一", "号到", "十二号窗口办理"]
    assert a.parts(call("A101", 12)) == a.parts(call("A101", 12), ONCE) == [CHIME, Pause(0.3), *once]
    assert a.repeat_parts(call("A101", 12)) == [Pause(0.8), *once]
    assert a.parts(call("A101", 12), SHORT) == ["ei1", "一零一", Pause(0.25), "十二号窗口"]
    quiet = Announcer(SpeechService(), DisplaySettings(chime=False, voice_repeat=3, repeat_pause_s=0.5), TZ)
    assert quiet.parts(call("A101", 12)) == once and quiet.repeat_parts(call("A101", 12)) == [Pause(0.5), *once]


@pytest.mark.peer  # the speech engine (espeak-ng) renders
def test_spoken_to_a_wav_of_plausible_length(tmp_path: Path) -> None:
    out = WavFileOutput(tmp_path / "played")
    a = announcer(tmp_path, out)
    assert a.announce(fresh("A101", 12))
    assert said(a, 1) == ["A101→12"] and a.spoken[0].utterance.error is None and a.spoken[0].repeats == 1
    a.stop()
    seconds = []
    for path in out.written:
        with wave.open(str(path)) as w:
            seconds.append(w.getnframes() / w.getframerate())
    # chime 1.35 s + 0.3 s and a phrase of about 3-5 s; then, nobody waiting, 0.8 s and the phrase again
    assert len(seconds) == 2 and 1.65 + 2.5 < seconds[0] < 1.65 + 6.5 and 0.8 + 2.5 < seconds[1] < 0.8 + 6.5


@pytest.mark.peer  # the speech engine (espeak-ng) renders
def test_quiet_hours_and_other_areas_are_not_spoken(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    out = RecordingOutput()
    a = announcer(tmp_path, out, quiet_hours=[(clock(12), clock(13, 30)), (clock(22), clock(7))], windows=[1, 2])
    day = datetime.now(TZ)
    with caplog.at_level(logging.INFO, logger="display.announcer"):
        for quiet in (day.replace(hour=12, minute=15), day.replace(hour=6, minute=59)):
            assert not a.announce(fresh("A101", 1, now=quiet), quiet)
        assert not a.announce(fresh("A102", 5), day)  # not this area's window
        after_lunch = day.replace(hour=13, minute=30)
        assert a.announce(fresh("A103", 2, now=after_lunch), after_lunch)
    assert said(a, 1) == ["A103→2"]
    a.stop()
    assert a.skipped_quiet == 2 and "quiet hours" in caplog.text
    assert len(out.played) == 2  # the one call, and its repeat


@pytest.mark.peer  # the speech engine (espeak-ng) renders
def test_calls_faster_than_speech_lose_the_repeat_then_the_long_form(tmp_path: Path) -> None:
    out = RecordingOutput(speed=20.0)
    a = announcer(tmp_path, out)
    a.speech.wait_ready()
    for i in range(5):
        a.announce(fresh(f"A{100 + i:03d}", i + 1))
    keys = said(a, 5)
    assert keys == [f"A{100 + i:03d}→{i + 1}" for i in range(5)]  # in order, none lost: all still true
    # the first alone, its repeat given up; then four waited: read out short to the end of the burst
    assert [s.form for s in a.spoken] == [FULL, SHORT, SHORT, SHORT, SHORT]
    assert [s.repeats for s in a.spoken] == [0, 0, 0, 0, 0]
    a.announce(fresh("A105", 6))  # the burst is over: in full again, repeated
    assert said(a, 6)[-1] == "A105→6" and (a.spoken[-1].form, a.spoken[-1].repeats) == (FULL, 1)
    a.stop()
    assert out.max_active == 1 and a.most_behind == 5


@pytest.mark.peer  # the speech engine (espeak-ng) renders
def test_one_or_two_waiting_lose_the_repeat_and_keep_the_long_form(tmp_path: Path) -> None:
    a = announcer(tmp_path, RecordingOutput(speed=20.0))
    a.speech.wait_ready()
    for i in range(3):
        a.announce(fresh(f"A{100 + i:03d}", i + 1))
    said(a, 3)
    a.stop()
    assert [(s.form, s.repeats) for s in a.spoken] == [(FULL, 0), (ONCE, 0), (FULL, 1)]


@pytest.mark.peer  # the speech engine (espeak-ng) renders
def test_the_repeat_gives_way_to_a_new_call_and_to_a_change(tmp_path: Path) -> None:
    out = RecordingOutput(speed=4.0)
    a = announcer(tmp_path, out)
    a.speech.wait_ready()
    a.announce(fresh("A100", 1))
    time.sleep(0.3)
    a.window_state(window(1, "open", "A100", "serving"))  # came to the window during the first saying
    said(a, 1)
    a.announce(fresh("A101", 2))
    time.sleep(0.3)
    a.announce(fresh("A102", 3))  # waits: A101 is not said again
    said(a, 2)
    a.stop()
    assert [(s.call.number, s.repeats) for s in a.spoken] == [("A100", 0), ("A101", 0), ("A102", 1)]


@pytest.mark.peer  # the speech engine (espeak-ng) renders
def test_a_call_no_longer_true_is_not_spoken(tmp_path: Path) -> None:
    out = RecordingOutput(speed=10.0)
    a = announcer(tmp_path, out)
    a.speech.wait_ready()
    a.announce(fresh("A100", 1))  # spoken at once: the voice is free
    a.announce(fresh("A101", 2))
    a.announce(fresh("A102", 3))
    a.announce(fresh("A103", 4))
    a.announce(fresh("A104", 5))
    a.announce(fresh("A105", 6, age_s=29.9))
    a.announce(fresh("A106", 7, age_s=31))  # made 31 s ago: never said
    a.announce(fresh("A101", 2, attempt=2))  # recalled: the first call of A101 goes
    a.announce(fresh("A107", 3))  # window 3 called someone else: A102 goes
    a.window_state(window(4, "open", "A103", "serving"))  # A103 came and was started
    a.window_state(window(5, "open", "A104", "called"))  # still called: stays
    a.window_cleared(6)
    keys = said(a, 4)
    a.stop()
    assert keys == ["A100→1", "A104→5", "A101→2", "A107→3"]
    assert [s.call.attempt for s in a.spoken] == [1, 1, 2, 1]
    assert a.queue.dropped == {"late": 1, "superseded": 2, "moved_on": 2}


@pytest.mark.peer  # the speech engine (espeak-ng) renders
def test_a_call_waiting_past_the_limit_is_dropped(tmp_path: Path) -> None:
    out = RecordingOutput(speed=1.0)  # real time: a full call takes about 10 s
    a = announcer(tmp_path, out, voice_max_delay_s=5)
    a.speech.wait_ready()
    a.announce(fresh("A100", 1))
    a.announce(fresh("A101", 2))
    end = time.monotonic() + 30
    while a.spoken[0].utterance.finished_at is None and time.monotonic() < end:
        time.sleep(0.05)
    a.stop()
    assert [s.call.number for s in a.spoken] == ["A100"] and a.queue.dropped == {"late": 1}


@pytest.mark.peer  # the speech engine (espeak-ng) renders
def test_offline_drops_what_waits(tmp_path: Path) -> None:
    a = announcer(tmp_path, RecordingOutput(speed=5.0))
    a.speech.wait_ready()
    for i in range(4):
        a.announce(fresh(f"A{100 + i:03d}", i + 1))
    a.drop_all("lost the hall")
    keys = said(a, 1)
    a.stop()
    assert keys == ["A100→1"] and a.queue.dropped == {"offline": 3}


@pytest.mark.peer  # the speech engine (espeak-ng) renders
def test_a_cached_window_phrase_starts_within_300_ms(tmp_path: Path) -> None:
    out = RecordingOutput(speed=1000.0)
    a = announcer(tmp_path, out)
    a.announce(fresh("A101", 12))  # renders A101's digits; prepares A102..A104
    said(a, 1)
    for k, window_no in enumerate((3, 12, 7), start=2):
        a.announce(fresh(f"A{100 + k:03d}", window_no))
        said(a, k)
        utt = a.spoken[-1].utterance
        assert utt.started_at is not None and utt.started_at - utt.enqueued_at < 0.3
    a.stop()
    assert a.speech.cache.renders >= 5  # fixed pieces, window phrases, digits

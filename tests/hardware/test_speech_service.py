"""The speech service on the real engine (pyttsx3 + espeak-ng): WAV files, cache, order, no overlap."""
from __future__ import annotations

import logging
import shutil
import subprocess
import sys
import threading
import time
import wave
from pathlib import Path

import pytest

from hardware.speech import (
    CHIME,
    NullOutput,
    Pause,
    PipeOutput,
    SpeechConfig,
    SpeechService,
    WavFileOutput,
    pick_output,
)
from hardware.speech.audio import Clip, make_chime, peak, read_wav

pytestmark = pytest.mark.timeout(60)
PHRASE = "请A一零一号到十二号窗口办理"


class RecordingOutput:
    """Plays at ``speed`` times real time and records every interval, to catch any overlap."""

    name = "recording"

    def __init__(self, speed: float = 40.0) -> None:
        self.speed = speed
        self.played: list[tuple[float, float, float]] = []  # start, end, clip seconds
        self.active = self.max_active = 0
        self._lock = threading.Lock()

    def play(self, clip: Clip, on_first_sample: object = None) -> None:
        with self._lock:
            self.active += 1
            self.max_active = max(self.max_active, self.active)
        start = time.monotonic()
        if callable(on_first_sample):
            on_first_sample()
        time.sleep(clip.duration_s / self.speed)
        with self._lock:
            self.active -= 1
            self.played.append((start, time.monotonic(), clip.duration_s))

    def abort(self) -> None:
        pass


def wav_seconds(path: Path) -> float:
    with wave.open(str(path)) as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 22050)
        return w.getnframes() / w.getframerate()


@pytest.fixture
def speech(tmp_path: Path) -> SpeechService:
    svc = SpeechService(SpeechConfig(cache_dir=tmp_path / "cache"), output=RecordingOutput())
    svc.start()
    assert svc.wait_ready()
    yield svc
    svc.stop()


@pytest.mark.peer  # the speech engine (espeak-ng) renders
def test_phrases_become_wav_files_of_plausible_length(speech: SpeechService) -> None:
    whole = speech.render(PHRASE)
    assert 3.0 < wav_seconds(whole) < 7.0  # 14 syllables at 150 wpm
    assert 0.2 < wav_seconds(speech.render("请")) < 1.5
    if shutil.which("soxi"):
        out = subprocess.run(["soxi", "-D", str(whole)], capture_output=True, text=True, check=True)
        assert float(out.stdout) == pytest.approx(wav_seconds(whole), abs=0.01)


RENDER_ONE = """
import sys
from pathlib import Path
from hardware.speech import SpeechConfig, SpeechService
svc = SpeechService(SpeechConfig(cache_dir=Path(sys.argv[1]), rate=int(sys.argv[2])))
svc.start()
print(svc.render(sys.argv[3]))
svc.stop()
"""


@pytest.mark.peer  # a Python process per rate
def test_rate_changes_the_length(tmp_path: Path) -> None:
    """Each rate in a process of its own, as the apps run one speech service per process
    (pyttsx3 keeps one engine per process)."""
    lengths = {}
    for rate in (100, 250):
        r = subprocess.run([sys.executable, "-c", RENDER_ONE, str(tmp_path / f"cache-{rate}"), str(rate), PHRASE],
                           capture_output=True, text=True, timeout=60, cwd=Path(__file__).resolve().parents[2])
        assert r.returncode == 0, r.stderr
        lengths[rate] = wav_seconds(Path(r.stdout.strip().splitlines()[-1]))
    assert lengths[100] > 1.5 * lengths[250]


@pytest.mark.peer  # the speech engine (espeak-ng) renders
def test_each_phrase_is_rendered_once(speech: SpeechService) -> None:
    first = speech.render("十二号窗口办理")
    mtime = first.stat().st_mtime_ns
    renders = speech.cache.renders
    assert speech.render("十二号窗口办理") == first
    speech.say("十二号窗口办理").wait(10)
    assert speech.cache.renders == renders and first.stat().st_mtime_ns == mtime
    other = SpeechService(SpeechConfig(cache_dir=speech.config.cache_dir, rate=180))
    assert other.cache.path("十二号窗口办理") != first  # the key has voice, rate and volume in it


@pytest.mark.peer  # the speech engine (espeak-ng) renders
def test_queued_in_order_never_two_at_once(speech: SpeechService) -> None:
    out = speech.output
    assert isinstance(out, RecordingOutput)
    order: list[object] = []
    lock = threading.Lock()

    def caller(k: int) -> None:
        for i in range(3):
            with lock:  # the order in which the calls were queued
                order.append(speech.speak([CHIME, Pause(0.1), "请", "A", "一零一", f"{k}{i}"]))

    threads = [threading.Thread(target=caller, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(u.wait(20) for u in order)  # type: ignore[attr-defined]
    starts = [u.started_at for u in order]  # type: ignore[attr-defined]
    assert starts == sorted(starts), "played in the order queued"
    assert out.max_active == 1
    ends = [e for _, e, _ in out.played]
    assert all(ends[i] <= out.played[i + 1][0] for i in range(len(ends) - 1)), "one ends before the next starts"
    assert all(u.error is None for u in order)  # type: ignore[attr-defined]


@pytest.mark.peer  # the speech engine (espeak-ng) renders
def test_backlog_is_logged(speech: SpeechService, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="hardware.speech.service"):
        utts = [speech.say(PHRASE) for _ in range(3)]
        assert utts[-1].wait(20)
    assert "2 utterance(s) ahead" in caplog.text


@pytest.mark.peer  # the speech engine (espeak-ng) renders
def test_chime_and_pieces_join(tmp_path: Path) -> None:
    out = WavFileOutput(tmp_path / "played")
    svc = SpeechService(SpeechConfig(cache_dir=tmp_path / "cache"), output=out)
    svc.start()
    utt = svc.speak([CHIME, Pause(0.3), "请", "A", "一零一", "号到", "十二号窗口办理"])
    assert utt.wait(20) and utt.error is None
    svc.stop()
    assert (tmp_path / "cache" / "chime.wav").exists()
    chime = read_wav(tmp_path / "cache" / "chime.wav")
    assert 1.2 < chime.duration_s < 1.5 and peak(chime) > 10000
    (played,) = out.written
    assert 1.35 + 0.3 + 3.0 < wav_seconds(played) < 1.35 + 0.3 + 7.0
    assert utt.duration_s == pytest.approx(wav_seconds(played), abs=0.001)


@pytest.mark.peer  # the speech engine (espeak-ng) renders
def test_volume(tmp_path: Path) -> None:
    peaks = {}
    for volume in (1.0, 0.3):
        svc = SpeechService(SpeechConfig(cache_dir=tmp_path / "cache", volume=volume), output=RecordingOutput())
        svc.start()
        peaks[volume] = peak(read_wav(svc.render("十二号窗口办理")))
        svc.stop()
    assert peaks[0.3] < 0.5 * peaks[1.0]
    assert peak(make_chime(volume=0.3)) < 0.5 * peak(make_chime(volume=1.0))


@pytest.mark.peer  # the speech engine (espeak-ng) renders
def test_one_engine_per_process(tmp_path: Path) -> None:
    first = SpeechService(SpeechConfig(cache_dir=tmp_path / "a"), output=RecordingOutput())
    second = SpeechService(SpeechConfig(cache_dir=tmp_path / "b"), output=RecordingOutput())
    first.start()
    second.start()
    try:
        assert first.say("请").wait(10)
        failed = second.say("请")
        assert failed.wait(10)
        assert failed.error and "one SpeechService per process" in failed.error
    finally:
        first.stop()
        second.stop()


def test_no_player_degrades_to_paced_silence(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                              caplog: pytest.LogCaptureFixture) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no aplay, pacat or play
    with caplog.at_level(logging.INFO, logger="hardware.speech.output"):
        out = pick_output("auto")
    assert isinstance(out, NullOutput)
    assert "aplay: not installed" in caplog.text and "not played" in caplog.text
    started = time.monotonic()
    out.play(Clip(bytes(2 * 2205)))  # 0.1 s
    assert time.monotonic() - started >= 0.09


@pytest.mark.peer  # asks the machine's audio players
def test_the_machines_own_choice_is_logged(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="hardware.speech.output"):
        out = pick_output("auto")
    assert out.name in caplog.text or "not played" in caplog.text
    with pytest.raises(ValueError, match="unknown audio output"):
        pick_output("speakers")


@pytest.mark.peer  # a player process
def test_a_player_gets_the_pcm_on_its_stdin(tmp_path: Path) -> None:
    sink = tmp_path / "sink.raw"
    player = PipeOutput("cat", ["sh", "-c", f"cat > {sink}"])
    clip = make_chime()
    seen: list[float] = []
    player.play(clip, on_first_sample=lambda: seen.append(time.monotonic()))
    assert sink.read_bytes() == clip.pcm and len(seen) == 1


@pytest.mark.peer  # the speech engine (espeak-ng) renders
def test_a_missing_voice_is_reported_not_raised(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    svc = SpeechService(SpeechConfig(cache_dir=tmp_path, voice="xx/no-such-voice"), output=RecordingOutput())
    svc.start()
    svc.prerender(["一", "二", "三"])
    utt = svc.say("请")
    assert utt.wait(10) and utt.error and "not installed" in utt.error
    svc.stop()
    assert svc.unavailable and caplog.text.count("could not render") == 1

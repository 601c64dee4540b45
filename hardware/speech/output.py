"""Where speech goes: a player program (aplay, pacat, sox ``play``), a WAV file per utterance, or nowhere.

:func:`pick_output` tries the players in order with a 50 ms test of silence and says in the
log which one it took; a machine without a sound card (a virtual screen, a CI box) gets a
:class:`NullOutput`, which still paces the queue as if it played, so order and timing stay
those of a real hall.
"""
from __future__ import annotations

import logging
import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Protocol

from hardware.speech.audio import Clip, silence, write_wav

log = logging.getLogger(__name__)

FirstSample = Callable[[], None]
CHUNK_BYTES = 4096

# name -> argv reading raw s16le mono PCM at {rate} Hz on stdin
PLAYERS: dict[str, list[str]] = {
    "aplay": ["aplay", "-q", "-t", "raw", "-f", "S16_LE", "-c", "1", "-r", "{rate}", "-"],
    "pacat": ["pacat", "--playback", "--format=s16le", "--channels=1", "--rate={rate}"],
    "play": ["play", "-q", "-t", "raw", "-e", "signed", "-b", "16", "-c", "1", "-r", "{rate}", "-"],
}


class AudioOutput(Protocol):
    name: str

    def play(self, clip: Clip, on_first_sample: FirstSample | None = None) -> None:
        """Play ``clip`` to the end (blocking); call ``on_first_sample`` once the first sample is out."""

    def abort(self) -> None:
        """Stop what is playing now (only when the service shuts down)."""


class PipeOutput:
    """Feeds PCM to a player program's standard input, one process per utterance."""

    def __init__(self, name: str, argv: list[str]) -> None:
        self.name = name
        self.argv = argv
        self._proc: subprocess.Popen[bytes] | None = None

    def play(self, clip: Clip, on_first_sample: FirstSample | None = None) -> None:
        argv = [a.replace("{rate}", str(clip.rate)) for a in self.argv]
        proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        self._proc = proc
        assert proc.stdin is not None
        try:
            for i in range(0, len(clip.pcm), CHUNK_BYTES):
                proc.stdin.write(clip.pcm[i:i + CHUNK_BYTES])
                if i == 0 and on_first_sample:
                    proc.stdin.flush()
                    on_first_sample()
            proc.stdin.close()
        except BrokenPipeError:
            pass
        err = proc.stderr.read().decode(errors="replace").strip() if proc.stderr else ""
        if proc.wait() != 0:
            log.warning("%s failed (exit %s): %s", self.name, proc.returncode, err[-300:])
        self._proc = None

    def abort(self) -> None:
        proc = self._proc
        if proc is not None and proc.poll() is None:
            proc.terminate()


class NullOutput:
    """Plays nothing; with ``pace`` it takes as long as the clip would, so the queue behaves the same."""

    name = "none"

    def __init__(self, pace: bool = True) -> None:
        self.pace = pace
        self._abort = threading.Event()

    def play(self, clip: Clip, on_first_sample: FirstSample | None = None) -> None:
        if on_first_sample:
            on_first_sample()
        if self.pace:
            self._abort.clear()
            self._abort.wait(clip.duration_s)

    def abort(self) -> None:
        self._abort.set()


class WavFileOutput(NullOutput):
    """Writes each utterance to ``DIR/NNNN.wav`` (tests, benchmarks, a recording of the day's calls)."""

    def __init__(self, directory: Path, pace: bool = False) -> None:
        super().__init__(pace)
        self.name = f"file:{directory}"
        self.directory = directory
        self.written: list[Path] = []

    def play(self, clip: Clip, on_first_sample: FirstSample | None = None) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{len(self.written) + 1:04d}.wav"
        write_wav(path, clip)
        self.written.append(path)
        super().play(clip, on_first_sample)


def _probe(name: str) -> str | None:
    """None when the player plays 50 ms of silence, else why not."""
    argv = PLAYERS[name]
    if shutil.which(argv[0]) is None:
        return "not installed"
    try:
        proc = subprocess.run([a.replace("{rate}", "22050") for a in argv], input=silence(0.05).pcm,
                              capture_output=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired) as err:
        return str(err)
    if proc.returncode != 0:
        lines = proc.stderr.decode(errors="replace").strip().splitlines()
        return lines[-1] if lines else f"exit {proc.returncode}"
    return None


def pick_output(spec: str = "auto", pace: bool = True) -> AudioOutput:
    """``auto``, a player name (``aplay``, ``pacat``, ``play``), ``none``, or ``file:DIR``; logs the choice."""
    if spec.startswith("file:"):
        out: AudioOutput = WavFileOutput(Path(spec[5:]), pace=pace)
        log.info("speech output: WAV files in %s", spec[5:])
        return out
    if spec == "none":
        log.info("speech output: none (rendering only)")
        return NullOutput(pace)
    names = list(PLAYERS) if spec == "auto" else [spec]
    if any(n not in PLAYERS for n in names):
        raise ValueError(f"unknown audio output {spec!r}: use auto, {', '.join(PLAYERS)}, none or file:DIR")
    tried = []
    started = time.monotonic()
    for name in names:
        why = _probe(name)
        if why is None:
            log.info("speech output: %s (checked in %.0f ms)", name, (time.monotonic() - started) * 1000)
            return PipeOutput(name, PLAYERS[name])
        tried.append(f"{name}: {why}")
    log.warning("no audio output works (%s); speech is rendered and paced but not played", "; ".join(tried))
    return NullOutput(pace)


__all__ = ["PLAYERS", "AudioOutput", "NullOutput", "PipeOutput", "WavFileOutput", "pick_output"]

"""Wall display figures: call published → display updated, and → first audio sample written.

    .venv/bin/python benchmarks/display_figures.py [--calls 500] [--audio 50]

Runs a Mosquitto of its own and, in this process, the real display App on an offscreen SDL
window (DISPLAY unset) and the real speech service (pyttsx3 + espeak-ng, WAV-file output, so
no sound card is needed). "Display updated" is the first frame drawn after the call reached
the screen's properties; "first audio sample" is the moment the first PCM chunk of the
announcement is handed to the output.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.peers import Broker, Collector  # noqa: E402


def pct(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, round(p / 100 * len(s)) - 1))]


def summary(name: str, ms: list[float]) -> str:
    return (f"{name:<46} n={len(ms):<4} p50 {pct(ms, 50):7.1f} ms   p99 {pct(ms, 99):7.1f} ms   "
            f"max {max(ms):7.1f} ms   mean {statistics.fmean(ms):7.1f} ms")


def settings_for(url: str, hall: str, work: Path, **display: str) -> Any:
    from display.settings import load_display_settings as load_settings

    env = {"HALL_CONFIG": str(ROOT / "config" / "hall.toml"), "HALL_ID": hall, "HALL_MQTT_URL": url,
           "HALL_DISPLAY__CACHE_DIR": str(work / "speech"), **{f"HALL_DISPLAY__{k.upper()}": v
                                                                for k, v in display.items()}}
    return load_settings(env=env)


def fresh_call(number: str, window: int) -> Any:
    """A call made now (the voice drops calls older than voice_max_delay_s)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from hall_contract.protocol import CallMessage

    return CallMessage(number=number, queue=number[0], window=window, window_name=f"{window}号窗口",
                       at=datetime.now(ZoneInfo("Asia/Shanghai")).isoformat())


def display_latency(url: str, work: Path, calls: int, gap_s: float) -> dict[str, list[float]]:
    """Publish ``calls`` calls ``gap_s`` apart to the real App; ms from publish to the next frame drawn."""
    os.environ.pop("DISPLAY", None)
    os.environ.update(SDL_VIDEODRIVER="offscreen", KIVY_HOME=str(work / "kivy"))
    from display.launch import configure_kivy

    configure_kivy((1920, 1080), fullscreen=False)
    from kivy.clock import Clock
    from kivy.core.window import Window

    from display.app import HallDisplayApp
    from display.runtime import DisplayRuntime
    from hall_contract.protocol import Topics

    hall = "bench-display"
    topics = Topics(hall)
    published: dict[str, float] = {}
    applied: dict[str, float] = {}
    shown: dict[str, float] = {}
    cursor = [0]

    def flipped(*_: Any) -> None:  # the frame with the change in it is on the screen
        now = time.monotonic()
        new = app.runtime.applied_calls[cursor[0]:]
        cursor[0] += len(new)
        for number, at in new:
            applied.setdefault(number, at)
            shown.setdefault(number, now)

    app = HallDisplayApp(DisplayRuntime(settings_for(url, hall, work), voice=False), "landscape")
    Window.bind(on_flip=flipped)

    def feed() -> None:
        pub = Collector(url, ())
        assert app.runtime.link.wait_connected(10)
        time.sleep(0.5)
        for i in range(calls):
            c = fresh_call(f"A{i % 1000:03d}", i % 12 + 1)
            published[c.number] = time.monotonic()
            pub.publish(topics.calls, c.to_json())
            time.sleep(gap_s)
        time.sleep(0.5)
        pub.close()
        Clock.schedule_once(lambda _dt: app.stop(), 0)

    threading.Thread(target=feed, daemon=True).start()
    app.run()
    keys = [k for k in published if k in shown]
    return {"shown": [(shown[k] - published[k]) * 1000 for k in keys],
            "applied": [(applied[k] - published[k]) * 1000 for k in keys]}


def audio_latency(url: str, work: Path, samples: int) -> dict[str, list[float]]:
    """ms from a call published to the first sample of its announcement, cached and uncached pieces."""
    from display.announcer import Announcer
    from display.runtime import DisplayRuntime
    from hall_contract.protocol import Topics
    from hardware.speech import SpeechConfig, SpeechService, Utterance, WavFileOutput

    hall = "bench-voice"
    topics = Topics(hall)
    s = settings_for(url, hall, work, audio_output=f"file:{work / 'played'}")
    rt = DisplayRuntime(s, voice=True)
    started: dict[str, float] = {}
    done = threading.Event()

    def listen(event: str, utt: Utterance) -> None:
        if event == "started" and utt.started_at is not None:
            started[utt.label.split("→")[0]] = utt.started_at
        if event == "finished" and rt.announcer is not None and rt.announcer.backlog <= 1:
            done.set()  # the call and its repeat are said: the voice is free again

    def new_service(cache: Path, prerender: bool) -> None:
        assert rt.announcer is not None
        rt.announcer.stop()
        svc = SpeechService(SpeechConfig(cache_dir=cache), output=WavFileOutput(work / "played", pace=False))
        svc.listeners.append(listen)
        rt.announcer = Announcer(svc, s.display, rt.tz)
        if prerender:
            rt.announcer.start(range(1, 13), "ABC")
        else:
            svc.start()
        svc.wait_ready()

    rt.start()
    assert rt.link.wait_connected(10)
    pub = Collector(url, ())
    time.sleep(0.3)
    out: dict[str, list[float]] = {"cold": [], "cached": [], "uncached": []}

    def one(number: str, window: int, kind: str) -> None:
        assert rt.announcer is not None
        while rt.announcer.backlog:  # measured with the voice free
            time.sleep(0.01)
        done.clear()
        t0 = time.monotonic()
        pub.publish(topics.calls, fresh_call(number, window).to_json())
        if not done.wait(30) or number not in started:
            raise RuntimeError(f"{number} was not spoken")
        out[kind].append((started[number] - t0) * 1000)

    new_service(work / "cold", prerender=False)
    one("A001", 12, "cold")  # espeak-ng starts in this process now
    new_service(work / "warm", prerender=True)
    time.sleep(1.0)  # fixed pieces and window phrases rendered
    one("A100", 1, "cached")
    out["cached"].clear()
    for i in range(samples):
        one(f"A{101 + i:03d}", i % 12 + 1, "cached")  # digits rendered ahead by the look-ahead
        time.sleep(0.05)
    for i in range(samples):
        new_service(work / f"fresh-{i}", prerender=False)  # an empty cache: every piece rendered now
        one(f"B{200 + i:03d}", i % 12 + 1, "uncached")
    rt.stop()
    pub.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--calls", type=int, default=500)
    ap.add_argument("--gap", type=float, default=0.2, help="seconds between calls (a busy hall: 1 per 10 s)")
    ap.add_argument("--audio", type=int, default=50, help="announcements measured per case")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="display-bench-"))
    broker = Broker(work)
    broker.start()
    try:
        audio = audio_latency(broker.url, work, args.audio)
        screen = display_latency(broker.url, work, args.calls, args.gap)
    finally:
        broker.stop()
        shutil.rmtree(work, ignore_errors=True)
    print(f"\nwall display figures ({os.cpu_count()} CPUs, Mosquitto on loopback, offscreen SDL via Mesa llvmpipe)")
    print(summary("call published → view-model updated (UI thread)", screen["applied"]))
    print(summary("call published → display updated (frame drawn)", screen["shown"]))
    print(summary("call published → first audio sample, cold start", audio["cold"]))
    print(summary("call published → first audio sample, cached", audio["cached"]))
    print(summary("call published → first audio sample, uncached", audio["uncached"]))


if __name__ == "__main__":
    main()

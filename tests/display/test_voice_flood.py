"""A hall calling faster than the voice can speak, through the real Mosquitto, real espeak-ng, paced playback.

60 calls in 30 s across 12 windows (twice the rate of a very busy hall), with the windows
moving on as a server would publish it: visits started, tickets recalled or passed, windows
calling again. The display's runtime must keep its speech backlog bounded, never start a call
that was no longer true when it started, never start one late, and still show every call.
"""
from __future__ import annotations

import random
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from display.runtime import DisplayRuntime
from display.settings import load_display_settings
from hall_contract.protocol import CallMessage, Topics
from hardware.speech import NullOutput, SpeechConfig, SpeechService
from tests.display._hall import window
from tests.peers import ROOT, Broker, Collector

pytestmark = [pytest.mark.timeout(120), pytest.mark.slow]
TZ = ZoneInfo("Asia/Shanghai")
WINDOWS = 12
CALLS = 60
SPAN_S = 30.0
MARGIN_S = 0.1  # a change published this long before a start had reached the display


@dataclass
class Event:
    at: float  # seconds from the start of the run
    window: int
    number: str
    attempt: int  # 0: not a call, only the window's state
    state: str | None  # the window's current ticket's state after the event (None: no current ticket)


def script(seed: int = 12) -> list[Event]:
    """Each window calls every 6 s; between its calls the visit is started, recalled, passed, or left called."""
    rng = random.Random(seed)
    events: list[Event] = []
    gap = SPAN_S / (CALLS / WINDOWS)
    for i in range(CALLS):
        n, k = i % WINDOWS + 1, i // WINDOWS
        t = k * gap + (n - 1) * gap / WINDOWS
        number = f"A{100 + i:03d}"
        events.append(Event(t, n, number, 1, "called"))
        then = t + rng.uniform(0.8, gap - 0.8)
        fate = rng.random()
        if fate < 0.45:
            events.append(Event(then, n, number, 0, "serving"))
        elif fate < 0.7:
            events.append(Event(then, n, number, 2, "called"))
        elif fate < 0.85:
            events.append(Event(then, n, number, 0, None))
    return sorted(events, key=lambda e: e.at)


def true_at(events: list[tuple[float, Event]], window_no: int, number: str, attempt: int, t: float) -> bool:
    """Whether window ``window_no`` was calling ``number`` (this attempt, not yet recalled) at monotonic ``t``."""
    last_call = last_state = None
    for at, e in events:
        if at > t:
            break
        if e.window == window_no:
            last_state = e
            if e.attempt:
                last_call = e
    return (last_call is not None and last_state is not None and last_call.number == number
            and last_call.attempt == attempt and last_state.number == number and last_state.state == "called")


def test_sixty_calls_in_thirty_seconds_across_twelve_windows(broker: Broker, tmp_path: Path) -> None:
    hall = "t" + uuid.uuid4().hex[:8]
    topics = Topics(hall)
    env = {"HALL_CONFIG": str(ROOT / "config" / "hall.toml"), "HALL_ID": hall, "HALL_MQTT_URL": broker.url,
           "HALL_DISPLAY__DEVICE_ID": "flood-" + hall[-4:], "HALL_DISPLAY__CACHE_DIR": str(tmp_path / "speech"),
           "HALL_DISPLAY__RECENT_CALLS": "8"}
    s = load_display_settings(env=env)
    speech = SpeechService(SpeechConfig(cache_dir=tmp_path / "speech"), output=NullOutput(pace=True))
    rt = DisplayRuntime(s, voice=True, speech=speech)
    assert rt.announcer is not None
    a = rt.announcer
    pub = Collector(broker.url, ())
    rt.start()
    assert rt.link.wait_connected(10) and speech.wait_ready(10)
    time.sleep(3.0)  # the fixed pieces and window phrases are rendered, as before a hall opens

    events = script()
    sent: list[tuple[float, Event]] = []
    shown: set[str] = set()
    service_backlog = 0
    start = time.monotonic()
    for e in events:
        while time.monotonic() - start < e.at:
            rt.drain()
            v = rt.view()
            shown.update(r.number for r in ([v.latest] if v.latest else []) + v.recent)
            service_backlog = max(service_backlog, speech.backlog)
            time.sleep(0.02)
        w = window(e.window, "open", e.number if e.state else None, e.state)
        sent.append((time.monotonic(), e))
        if e.attempt:
            c = CallMessage(number=e.number, queue="A", window=e.window, window_name=f"{e.window}号窗口",
                            attempt=e.attempt, at=datetime.now(TZ).isoformat())
            pub.publish(topics.calls, c.to_json())
        pub.publish(topics.window_state(e.window), w.to_json(), retain=True)
    end = time.monotonic() + 40
    while a.backlog and time.monotonic() < end:
        rt.drain()
        v = rt.view()
        shown.update(r.number for r in ([v.latest] if v.latest else []) + v.recent)
        time.sleep(0.05)
    rt.stop()
    pub.close()

    calls = [e for _, e in sent if e.attempt]
    spoken = [sp for sp in a.spoken if sp.utterance.started_at is not None]
    assert len(calls) > CALLS  # the recalls on top of the 60 first calls
    assert shown >= {e.number for e in calls}  # every call was on the screen
    assert spoken and service_backlog <= 1  # the speech service never holds more than the call being said
    assert a.most_behind <= WINDOWS + 1  # at most one waiting per window, and the one being said
    for sp in spoken:
        t = sp.utterance.started_at
        assert t is not None
        key = (sent, sp.call.window, sp.call.number, sp.call.attempt)
        assert true_at(*key, t) or true_at(*key, t - MARGIN_S), \
            f"{sp.call.number} (call {sp.call.attempt}) at window {sp.call.window} spoken after it stopped being true"
        assert t - sp.received <= s.display.voice_max_delay_s
    dropped = a.queue.dropped
    assert dropped["superseded"] + dropped["moved_on"] > 0  # the hall moved faster than the voice
    assert "short" in {sp.form for sp in spoken}  # the phrase shortened under the load
    print(f"\n{len(calls)} calls, {len(spoken)} spoken ({', '.join(sorted({sp.form for sp in spoken}))}), "
          f"dropped {dict(dropped)}, most waiting {a.most_behind}")

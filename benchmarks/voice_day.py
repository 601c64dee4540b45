"""Voice calling at the peak of a simulated day in a 30-window hall: call → first audio sample, and the backlog.

    .venv/bin/python benchmarks/voice_day.py [--windows 30] [--minutes 10] [--seed 1] [--tickets N]

1. The queue engine replays a whole day for the sample hall grown to ``--windows`` windows
   (``hallctl simulate``'s "static" scenario, the hall's default volume): every call, recall,
   no-show and finish with its time.
2. The simulation starts a visit the moment its ticket is called; a citizen needs time to walk
   to the window, so here a visit starts 15-45 s after its call (seeded), never after it ends.
3. The busiest ``--minutes`` of calls are replayed in real time through a Mosquitto of our own,
   as the server publishes them (``calls``, then the retained ``windows/{n}/state``), to the
   display's runtime with its real voice: pyttsx3 + espeak-ng rendering, played to a paced
   null output (no sound card here: each clip takes as long as it would to play).

Reported: ms from a call published to the first sample of its announcement (p50, p99, max)
for the calls that were spoken; how many were not spoken and why (superseded by a newer call
of the window or ticket, moved on by the window's state, late); and the largest backlog seen
(calls waiting plus the one being said).
"""
from __future__ import annotations

import argparse
import os
import random
import shutil
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks._common import hall_with_windows  # noqa: E402
from benchmarks.display_figures import pct  # noqa: E402
from tests.peers import Broker, Collector  # noqa: E402


@dataclass(frozen=True)
class Step:
    t: float  # seconds into the day
    window: int
    number: str | None  # the window's current ticket after the step (None: idle)
    state: str | None
    attempt: int  # a call (1) or recall (2, 3 ...) is announced; 0: only the window's state changes


def day_steps(config: Path, seed: int, tickets: int | None = None) -> tuple[list[Step], int, int]:
    """Every call and window change of the simulated day, in time order; (steps, tickets, windows)."""
    from queue_server.settings import load_settings
    from queue_server.simulate.cli import run_scenarios
    from queue_server.simulate.runner import RECALL_S, Scenario

    s = load_settings(config)
    volume, _split, (day,) = run_scenarios(s, tickets, seed, scenarios=(Scenario.STATIC,))
    rng = random.Random(seed)
    midnight = None
    steps: list[Step] = []
    for t in day.tickets:
        if t.called_at is None or t.window is None:
            continue
        midnight = midnight or t.called_at.replace(hour=0, minute=0, second=0, microsecond=0)
        called = (t.called_at - midnight).total_seconds()
        ended = (t.ended_at - midnight).total_seconds() if t.ended_at else called + 600
        steps.append(Step(called, t.window, t.number, "called", 1))
        if str(t.state) == "no_show":
            for k in range(1, t.attempts):
                steps.append(Step(called + k * RECALL_S, t.window, t.number, "called", k + 1))
        else:
            start = min(called + rng.uniform(15, 45), ended - 1)
            if start > called:
                steps.append(Step(start, t.window, t.number, "serving", 0))
        steps.append(Step(ended, t.window, None, None, 0))
    steps.sort(key=lambda st: (st.t, 0 if st.number is None else 1))  # a visit ends before the next call
    return steps, volume, len(s.windows)


def peak(steps: list[Step], minutes: float) -> tuple[float, float]:
    calls = [st.t for st in steps if st.attempt]
    span = minutes * 60
    best, best_start, j = 0, calls[0], 0
    for i, t in enumerate(calls):
        while calls[j] < t - span:
            j += 1
        if i - j + 1 > best:
            best, best_start = i - j + 1, t - span
    return best_start, best_start + span


def replay(url: str, work: Path, config: Path, steps: list[Step], start: float, end: float) -> dict[str, object]:
    from display.runtime import DisplayRuntime
    from display.settings import load_display_settings
    from hall_contract.protocol import CallMessage, Topics, WindowState
    from hardware.speech import NullOutput, SpeechConfig, SpeechService

    hall = "bench-voice-" + uuid.uuid4().hex[:6]
    topics = Topics(hall)
    env = {"HALL_CONFIG": str(config), "HALL_ID": hall, "HALL_MQTT_URL": url,
           "HALL_DISPLAY__CACHE_DIR": str(work / "speech")}
    s = load_display_settings(env=env)
    speech = SpeechService(SpeechConfig(cache_dir=work / "speech"), output=NullOutput(pace=True))
    rt = DisplayRuntime(s, voice=True, speech=speech)
    a = rt.announcer
    assert a is not None
    rt.start()
    assert rt.link.wait_connected(10) and speech.wait_ready(10)
    time.sleep(8.0)  # the fixed pieces and the window phrases are rendered before the hall opens
    pub = Collector(url, ())
    names = {w.number: w.display_name() for w in s.windows}
    published: dict[tuple[str, int], float] = {}
    service_backlog = 0
    t0 = time.monotonic()
    for st in (st for st in steps if start <= st.t < end):
        while (wait := st.t - start - (time.monotonic() - t0)) > 0:
            time.sleep(min(wait, 0.05))
            rt.drain()
            service_backlog = max(service_backlog, speech.backlog)
        if st.attempt and st.number:
            c = CallMessage(number=st.number, queue=st.number[0], window=st.window, window_name=names[st.window],
                            attempt=st.attempt, at=datetime.now(rt.tz).isoformat())
            published[(st.number, st.attempt)] = time.monotonic()
            pub.publish(topics.calls, c.to_json())
        w = WindowState(number=st.window, name=names[st.window], kind="accept", status="open", queues=["A"],
                        current=st.number, current_state=st.state)  # type: ignore[arg-type]
        pub.publish(topics.window_state(st.window), w.to_json(), retain=True)
    deadline = time.monotonic() + 60
    while a.backlog and time.monotonic() < deadline:
        time.sleep(0.1)
    rt.stop()
    pub.close()
    first = [(sp.utterance.started_at - published[key]) * 1000 for sp in a.spoken
             if sp.utterance.started_at is not None and (key := (sp.call.number, sp.call.attempt)) in published]
    forms = {f: sum(1 for sp in a.spoken if sp.form == f) for f in ("full", "once", "short")}
    return {"calls": len(published), "spoken": len(first), "first_ms": first, "dropped": dict(a.queue.dropped),
            "most_behind": a.most_behind, "service_backlog": service_backlog, "forms": forms,
            "renders": speech.cache.renders}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--windows", type=int, default=30)
    ap.add_argument("--minutes", type=float, default=10.0, help="length of the peak replayed in real time")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--tickets", type=int, default=None, help="the day's volume (default: the hall's own)")
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="voice-bench-"))
    config = hall_with_windows(work, args.windows - 6)  # the sample hall has 6 windows besides its accept ones
    steps, volume, windows = day_steps(config, args.seed, args.tickets)
    start, end = peak(steps, args.minutes)
    calls_in_peak = sum(1 for st in steps if st.attempt and start <= st.t < end)
    broker = Broker(work)
    broker.start()
    try:
        r = replay(broker.url, work, config, steps, start, end)
    finally:
        broker.stop()
        shutil.rmtree(work, ignore_errors=True)
    ms: list[float] = r["first_ms"]  # type: ignore[assignment]
    hhmm = f"{int(start // 3600):02d}:{int(start % 3600 // 60):02d}"
    print(f"\nvoice at the peak ({os.cpu_count()} CPUs; espeak-ng via pyttsx3, paced null output, "
          "Mosquitto on loopback)")
    print(f"{windows}-window hall, {volume} tickets in the day (seed {args.seed}); peak {args.minutes:g} min from "
          f"{hhmm}: {calls_in_peak} calls and recalls ({calls_in_peak / args.minutes:.1f} a minute)")
    if ms:
        print(f"call published → first audio sample: n={len(ms)}  p50 {pct(ms, 50):.0f} ms  p99 {pct(ms, 99):.0f} ms"
              f"  max {max(ms):.0f} ms")
    print(f"spoken {r['spoken']} of {r['calls']} ({r['forms']}); not spoken: {r['dropped']}")
    print(f"largest backlog: {r['most_behind']} (calls waiting + the one being said); "
          f"speech service queue at most {r['service_backlog']}; phrases rendered {r['renders']}")


if __name__ == "__main__":
    main()

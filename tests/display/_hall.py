"""A hall's MQTT picture built from the contract models, and a wall display in its own process."""
from __future__ import annotations

import json
import os
import signal
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from hall_contract.protocol import Board, CallMessage, QueueState, Topics, WindowState
from tests.peers import HALLCTL, ROOT, Collector
from tests.waiting import within

TZ = timezone(timedelta(hours=8))
QUEUES = {"A": "综合受理", "B": "查询出件", "C": "大宗业务"}
KINDS = {**dict.fromkeys(range(1, 7), "accept"), 7: "query", 8: "query", 9: "bulk",
         **dict.fromkeys(range(10, 13), "elastic")}


def at(minute: int = 0) -> str:
    return (datetime(2024, 5, 6, 9, 0, tzinfo=TZ) + timedelta(minutes=minute)).isoformat()


def call(number: str, window: int, attempt: int = 1, minute: int = 0) -> CallMessage:
    return CallMessage(number=number, queue=number[0], window=window, window_name=f"{window}号窗口",
                       attempt=attempt, at=at(minute))


def window(n: int, status: str = "open", current: str | None = None, state: str | None = None) -> WindowState:
    kind = KINDS[n]
    queues = {"accept": ["A"], "query": ["B"], "bulk": ["C"], "elastic": ["A"]}[kind]
    return WindowState(number=n, name=f"{n}号窗口", kind=kind, status=status, queues=queues,  # type: ignore[arg-type]
                       current=current, current_state=state if current else None, since=at())  # type: ignore[arg-type]


def queues(waiting: dict[str, int]) -> list[QueueState]:
    return [QueueState(code=c, name=QUEUES[c], waiting=n, predicted_wait_s=n * 150, last_called=None)
            for c, n in waiting.items()]


def board(calls: list[CallMessage], waiting: dict[str, int], notice: str | None = None) -> Board:
    return Board(hall="h", hall_name="石家庄市桥西区人力资源和社会保障服务大厅", at=at(), calls=calls,
                 queues=queues(waiting), notice=notice)


def publish_hall(pub: Collector, topics: Topics, calls: list[CallMessage], waiting: dict[str, int],
                 windows: list[WindowState], notice: str | None = None, earlier: list[CallMessage] = ()) -> None:  # type: ignore[assignment]
    """Live calls (oldest first), then the retained states a server publishes after them.

    The board lists ``earlier`` calls and these, newest first, as the server's board would.
    """
    for c in calls:
        pub.publish(topics.calls, c.to_json())
    for w in windows:
        pub.publish(topics.window_state(w.number), w.to_json(), retain=True)
    for q in queues(waiting):
        pub.publish(topics.queue_state(q.code), q.to_json(), retain=True)
    pub.publish(topics.board, board(list(reversed([*earlier, *calls])), waiting, notice).to_json(), retain=True)


def sample_windows(calls: list[CallMessage] = ()) -> list[WindowState]:  # type: ignore[assignment]
    """Twelve windows; an open window serves the last of ``calls`` made to it."""
    ws = [window(n, "open", f"A{102 + n:03d}", "serving") for n in range(1, 7)]
    ws += [window(7, "open", "B031", "called"), window(8, "paused"), window(9, "open"),
           window(10, "open", "A112", "called"), window(11, "closed"), window(12, "open", "A115", "called")]
    last = {c.window: c.number for c in calls}
    return [window(w.number, "open", last[w.number], "called") if w.status == "open" and w.number in last else w
            for w in ws]


class DisplayProcess:
    """``hallctl display`` on an offscreen SDL window (no DISPLAY), screenshots on SIGUSR1."""

    def __init__(self, workdir: Path, env: dict[str, str], device_id: str, layout: str = "landscape",
                 voice: bool = False, **display_env: str) -> None:
        self.workdir, self.device_id, self.layout = workdir, device_id, layout
        self.shots = Path(display_env.pop("screenshot_dir", str(ROOT / "artifacts" / "screenshots")))
        e = {k: v for k, v in env.items() if k != "DISPLAY"}
        e.update(SDL_VIDEODRIVER="offscreen", KIVY_HOME=str(workdir / "kivy"), HALL_LOG_LEVEL="INFO",
                 HALL_DISPLAY__DEVICE_ID=device_id, HALL_DISPLAY__SCREENSHOT_DIR=str(self.shots),
                 HALL_DISPLAY__CACHE_DIR=str(workdir / "speech"))
        e.update({f"HALL_DISPLAY__{k.upper()}": v for k, v in display_env.items()})
        self.env = e
        self.voice = voice
        self.log = workdir / f"display-{device_id}.log"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> DisplayProcess:
        args = [HALLCTL, "display", "--layout", self.layout, "--windowed", *([] if self.voice else ["--no-voice"])]
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(args, env=self.env, stdout=out, stderr=subprocess.STDOUT, cwd=ROOT,
                                         start_new_session=True)
        return self

    @property
    def stem(self) -> Path:
        return self.shots / f"display-{self.layout}-{self.device_id}"

    def wait_ready(self, timeout: float = 20.0) -> None:
        """Until the window is up and takes SIGUSR1 (before that, the signal would end the process)."""

        def up() -> bool:
            if "display on screen" in self.output():
                return True
            if self.proc is None or self.proc.poll() is not None:
                raise AssertionError("the display exited at start:\n" + self.output()[-3000:])
            return False

        if not within(up, timeout):
            raise AssertionError("the display did not start:\n" + self.output()[-3000:])

    def shot(self, timeout: float = 15.0) -> dict[str, Any]:
        """Ask for a screenshot; return what the screen showed (the .json beside the .png)."""
        self.wait_ready()
        assert self.proc is not None
        js = self.stem.with_suffix(".json")
        js.unlink(missing_ok=True)
        self.proc.send_signal(signal.SIGUSR1)
        proc = self.proc

        def saved() -> bool:
            if proc.poll() is not None:
                raise AssertionError(f"display exited {proc.returncode}:\n{self.output()[-3000:]}")
            return js.exists()

        if not within(saved, timeout):
            raise AssertionError("no screenshot:\n" + self.output()[-3000:])
        return dict(json.loads(js.read_text(encoding="utf-8")))

    def wait_shows(self, pred: Any, timeout: float = 15.0) -> dict[str, Any]:
        """Screenshots until ``pred(view)`` holds (the last view is returned either way)."""
        last: list[dict[str, Any]] = []

        def shows() -> bool:
            last[:] = [self.shot()]
            return bool(pred(last[0]))

        within(shows, timeout)
        return last[0]

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace") if self.log.exists() else ""

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> int | None:
        if self.proc is None:
            return None
        self.proc.terminate()
        try:
            return self.proc.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)
            return self.proc.wait(5)
        finally:
            self.proc = None

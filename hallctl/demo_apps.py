"""The demo's windows: the kiosk and the wall display as their own processes, a printer emulator.

Where the machine has no screen (no ``DISPLAY``), a virtual one (Xvfb) is started for them,
large enough to hold the portrait kiosk beside the landscape wall display.
"""
from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

log = logging.getLogger("hallctl.demo")
HALLCTL = str(Path(sys.executable).parent / "hallctl")


class DemoApps:
    """Starts and stops the demo's extra processes; ``start()`` never raises for a missing app."""

    def __init__(self, env: dict[str, str], workdir: Path) -> None:
        self.env = dict(env)
        self.workdir = workdir
        self.procs: list[tuple[str, subprocess.Popen[bytes]]] = []
        self.printer: Any = None

    def _virtual_screen(self) -> None:
        if self.env.get("DISPLAY"):
            return
        xvfb = shutil.which("Xvfb")
        if xvfb is None:
            log.warning("no screen and no Xvfb: the kiosk and display windows are not opened")
            return
        for n in range(90, 120):
            if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
                break
        proc = subprocess.Popen([xvfb, f":{n}", "-screen", "0", "3040x1920x24", "-nolisten", "tcp"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        for _ in range(50):
            if Path(f"/tmp/.X11-unix/X{n}").exists():
                break
            time.sleep(0.1)
        self.env["DISPLAY"] = f":{n}"
        self.procs.append(("Xvfb", proc))
        print(f"  screen  virtual (Xvfb :{n}); watch it with e.g. x11vnc -display :{n}", flush=True)

    def _printer(self) -> None:
        try:
            from hardware.printer.emulator import PrinterEmulator
        except ImportError:
            return
        out = self.workdir / "prints"
        out.mkdir(parents=True, exist_ok=True)
        self.printer = PrinterEmulator(port=0, out_dir=out).start()
        self.env["HALL_DEVICES__PRINTER_URL"] = self.printer.url
        print(f"  printer emulator {self.printer.url}, tickets rendered to {out}", flush=True)

    def _app(self, name: str, args: list[str]) -> None:
        if not _has_command(name):
            log.info("hallctl %s is not part of this install; skipped", name)
            return
        logf = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 (lives with the process)
        env = dict(self.env, KIVY_HOME=tempfile.mkdtemp(prefix=f"kivy-{name}-"))
        proc = subprocess.Popen([HALLCTL, name, *args], env=env, stdout=logf, stderr=subprocess.STDOUT)
        self.procs.append((name, proc))
        print(f"  {name:<7} started (log {self.workdir / (name + '.log')})", flush=True)

    def start(self, with_windows: bool) -> None:
        self._printer()
        if not with_windows:
            return
        self._virtual_screen()
        if not self.env.get("DISPLAY"):
            return
        self._app("kiosk", ["--windowed", "--size", "1080x1920"])
        self._app("display", ["--windowed", "--layout", "landscape"])

    def check(self) -> None:
        for name, proc in self.procs:
            if proc.poll() is not None and name != "Xvfb":
                log.error("%s exited with %s; see %s", name, proc.returncode, self.workdir / f"{name}.log")

    def stop(self) -> None:
        for _name, proc in reversed(self.procs):
            if proc.poll() is None:
                proc.terminate()
        for _name, proc in reversed(self.procs):
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
        if self.printer is not None:
            self.printer.stop()


def _has_command(name: str) -> bool:
    module = {"kiosk": "kiosk.cli", "display": "display.cli"}[name]
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def demo_env(hall_id: str, config: Path, mqtt_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update({"HALL_ID": hall_id, "HALL_CONFIG": str(config), "HALL_MQTT_URL": mqtt_url})
    return env

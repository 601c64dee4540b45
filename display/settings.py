"""The ``[display]`` section of the hall configuration: wall display, voice calling, window devices.

Every key has a default, so a hall with no ``[display]`` section gets a landscape display of
the whole hall that calls in Mandarin twice with a chime. Override any key from the
environment as ``HALL_DISPLAY__<KEY>`` (``HALL_DISPLAY__WINDOWS=[1,2,3]``).
"""
from __future__ import annotations

from datetime import time
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

DeviceId = Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
WindowNumber = Annotated[int, Field(ge=1, le=99)]
Unit = Annotated[int, Field(ge=1, le=247)]  # Modbus unit id on the RS-485 line
QueueCode = Annotated[str, Field(pattern=r"^[A-Z]{1,4}$")]


class DisplaySettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    device_id: DeviceId = Field(default="display-1", description="MQTT client id and devices/{id}/status")

    # -- the wall display -------------------------------------------------------------------
    layout: Literal["landscape", "portrait", "auto"] = Field(
        default="landscape", description="landscape 1920x1080, portrait 1080x1920, auto: by the screen's shape")
    fullscreen: bool = Field(default=True, description="take the whole screen (--windowed for a window)")
    windows: list[WindowNumber] = Field(
        default_factory=list, description="an area display: only these windows' calls and queues; empty = all")
    recent_calls: int = Field(default=8, ge=1, le=20, description="calls listed under the latest one")
    flash_s: float = Field(default=6.0, ge=0, le=60, description="how long a new call flashes, seconds")
    default_notice: str = Field(default="请留意叫号，过号请到服务台重新取号。办事请携带身份证或社会保障卡。",
                                max_length=500, description="the scrolling line when no notice is set")
    notice_speed: float = Field(default=120.0, gt=0, description="notice scroll speed, pixels per second at 1080p")
    notice_fps: int = Field(default=30, ge=1, le=60, description="notice scroll steps per second; each redraws the "
                            "screen: lower it (10) where the GPU is emulated in software")
    font: Path = Field(default=Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
                       description="a font with Chinese and Latin glyphs (WenQuanYi Micro Hei)")
    screenshot_dir: Path = Field(default=Path("artifacts/screenshots"),
                                 description="where SIGUSR1 writes display-<layout>.png and what it shows (.json)")

    # -- voice calling ----------------------------------------------------------------------
    voice: bool = Field(default=True, description="announce calls (--no-voice to turn off)")
    voice_name: str = Field(default="sit/cmn-latn-pinyin", description="espeak-ng voice (zh falls back to English)")
    voice_rate: int = Field(default=150, ge=60, le=400, description="speaking rate, words per minute")
    voice_volume: float = Field(default=1.0, ge=0.0, le=1.0, description="0..1")
    voice_repeat: int = Field(default=2, ge=1, le=5, description="times each call is spoken")
    repeat_pause_s: float = Field(default=0.8, ge=0, le=5, description="silence between the repetitions")
    chime: bool = Field(default=True, description="a ding-dong before each call")
    quiet_hours: list[tuple[time, time]] = Field(
        default_factory=list, description='no voice in these spans, e.g. [["12:00", "13:30"]] (hall time)')
    audio_output: str = Field(default="auto", description="auto (aplay, pacat, sox play; none when no sound "
                              "card), one of those names, none, or file:DIR (a WAV per call)")
    cache_dir: Path = Field(default=Path("var/speech-cache"), description="rendered phrases, one WAV each")

    # -- window devices: screens, keypads, evaluators (hallctl window-bridge) ---------------
    bridge_device_id: DeviceId = Field(default="window-bridge-1", description="the bridge's devices/{id}/status")
    screen_units: dict[WindowNumber, Unit] = Field(
        default_factory=dict, description='window number -> Modbus unit of its LED screen, e.g. {"3" = 1}; '
        'empty: the [devices] rs485_units named "w<N>-screen"')
    screen_brightness: int | None = Field(default=None, ge=0, le=100, description="set at start, percent")
    screen_retry_s: float = Field(default=5.0, gt=0, description="retry a screen, keypad or evaluator that did "
                                  "not answer after this many seconds")
    screen_refresh_s: float = Field(default=60.0, gt=0, description="rewrite every screen this often "
                                    "(a screen that restarted shows the right text again)")
    keypad_units: dict[WindowNumber, Unit] = Field(
        default_factory=dict, description='window number -> Modbus unit of its caller keypad, e.g. {"3" = 2}; '
        'empty: the [devices] rs485_units named "w<N>-keypad"')
    keypad_poll_s: float = Field(default=0.3, gt=0, le=10, description="read each keypad's key presses this often")
    transfer_queues: dict[WindowNumber, QueueCode] = Field(
        default_factory=dict, description='window number -> queue a keypad\'s transfer key moves the current ticket '
        'to, when the keypad names none, e.g. {"3" = "B"}; a window without one ignores the key (logged)')
    command_retry_s: float = Field(default=2.0, gt=0, description="send a keypad command again (same request_id) "
                                   "when the server has not answered after this many seconds")
    command_deadline_s: float = Field(default=15.0, gt=0, description="give up a key press the server has not "
                                      "answered this many seconds after it was pressed (the screen says so)")
    message_show_s: float = Field(default=3.0, gt=0, le=60, description="how long a keypad error (无人等候, "
                                  "窗口未开放 ...) shows on the window's screen before its normal text")
    evaluator_units: dict[WindowNumber, Unit] = Field(
        default_factory=dict, description='window number -> Modbus unit of its evaluator (评价器), e.g. {"3" = 3}; '
        'empty: the [devices] rs485_units named "w<N>-evaluator"')
    evaluator_poll_s: float = Field(default=0.5, gt=0, le=10, description="read a waiting evaluator's result "
                                    "this often")
    evaluator_check_s: float = Field(default=30.0, gt=0, description="check an idle evaluator still answers "
                                     "this often (a silent one is a fault on the status topic)")

    @field_validator("quiet_hours")
    @classmethod
    def _spans(cls, v: list[tuple[time, time]]) -> list[tuple[time, time]]:
        for start, end in v:
            if start == end:
                raise ValueError(f"quiet span {start:%H:%M}-{end:%H:%M} is empty")
        return v

    @field_validator("audio_output")
    @classmethod
    def _output(cls, v: str) -> str:
        if v in ("auto", "aplay", "pacat", "play", "none") or (v.startswith("file:") and len(v) > 5):
            return v
        raise ValueError("use auto, aplay, pacat, play, none or file:DIR")

    def is_quiet(self, now: time) -> bool:
        """Whether ``now`` (hall time) is in quiet hours; a span may cross midnight (22:00-07:00)."""
        return any((start <= now < end) if start < end else (now >= start or now < end)
                   for start, end in self.quiet_hours)

    def shows_window(self, n: int) -> bool:
        return not self.windows or n in self.windows

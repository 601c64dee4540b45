"""The wall display's configuration: the shared sections and ``[display]`` (wall display, voice calling).

Every key has a default, so a hall with no ``[display]`` section gets a landscape display of
the whole hall that calls in Mandarin twice with a chime. Override any key from the
environment as ``HALL_DISPLAY__<KEY>`` (``HALL_DISPLAY__WINDOWS=[1,2,3]``).
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import time
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from hall_contract.config import DEFAULT_DISPLAY_ID, DeviceId, DeviceSection, HallSettings, load
from hardware.speech.letters import check_reading

WindowNumber = Annotated[int, Field(ge=1, le=99)]
#: the words the ticket, the display and the voice share for a passed ticket (docs/voice.md)
DEFAULT_NOTICE = ("请留意叫号。每个号最多呼叫{calls}次，仍未到窗口即为过号，过号请重新取号。"
                  "办事请携带身份证或社会保障卡。")


class DisplaySettings(DeviceSection):
    model_config = ConfigDict(extra="forbid")

    device_id: DeviceId = Field(default=DEFAULT_DISPLAY_ID, description="MQTT client id and devices/{id}/status")

    # -- the wall display -------------------------------------------------------------------
    layout: Literal["landscape", "portrait", "auto"] = Field(
        default="landscape", description="landscape 1920x1080, portrait 1080x1920, auto: by the screen's shape")
    fullscreen: bool = Field(default=True, description="take the whole screen (--windowed for a window)")
    windows: list[WindowNumber] = Field(
        default_factory=list, description="an area display: only these windows' calls and queues; empty = all")
    recent_calls: int = Field(default=8, ge=1, le=20, description="calls listed under the latest one")
    flash_s: float = Field(default=6.0, ge=0, le=60, description="how long a new call flashes, seconds")
    default_notice: str = Field(default=DEFAULT_NOTICE, max_length=500,
                                description="the scrolling line when no notice is set; {calls} is replaced by "
                                "how many times a ticket is called before it is passed (三, from [policy])")
    notice_speed: float = Field(default=120.0, gt=0, description="notice scroll speed, pixels per second at 1080p")
    notice_fps: int = Field(default=30, ge=1, le=60, description="notice scroll steps per second; each redraws the "
                            "screen: lower it (10) where the GPU is emulated in software")
    font: Path = Field(default=Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
                       description="a font with Chinese and Latin glyphs (WenQuanYi Micro Hei)")
    offline_banner_s: float = Field(default=5.0, ge=1, le=120, description="after the broker link has been down "
                                    "this long, a banner says calling is paused and nothing is shown as current")
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
    voice_max_delay_s: float = Field(default=30.0, ge=5, le=300, description="a call not yet spoken this many "
                                     "seconds after it was made (or received) is dropped, never spoken late")
    letter_readings: dict[str, str] = Field(
        default_factory=dict, description='how a ticket letter is read, e.g. {C = "西"} or {C = "xi1"}: Chinese '
        "characters, or pinyin with tone digits (see docs/voice.md for the default table)")
    quiet_hours: list[tuple[time, time]] = Field(
        default_factory=list, description='no voice in these spans, e.g. [["12:00", "13:30"]] (hall time)')
    audio_output: str = Field(default="auto", description="auto (aplay, pacat, sox play; none when no sound "
                              "card), one of those names, none, or file:DIR (a WAV per call)")
    cache_dir: Path = Field(default=Path("var/speech-cache"), description="rendered phrases, one WAV each")

    @field_validator("quiet_hours")
    @classmethod
    def _spans(cls, v: list[tuple[time, time]]) -> list[tuple[time, time]]:
        for start, end in v:
            if start == end:
                raise ValueError(f"quiet span {start:%H:%M}-{end:%H:%M} is empty")
        return v

    @field_validator("letter_readings")
    @classmethod
    def _readings(cls, v: dict[str, str]) -> dict[str, str]:
        out = {}
        for letter, reading in v.items():
            if len(letter) != 1 or not ("A" <= letter.upper() <= "Z"):
                raise ValueError(f"{letter!r} is not a letter A-Z")
            out[letter.upper()] = check_reading(reading)
        return out

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


class CallingPolicy(BaseModel):
    """What the display needs of the server's ``[policy]``: how often a ticket is called before it is passed."""

    model_config = ConfigDict(extra="ignore")  # the server's other keys are checked by the server

    max_recalls: int = Field(default=2, ge=0, description="recalls after the first call; one more is a no-show")

    @property
    def calls(self) -> int:
        """Times a ticket is called in all (the first call and the recalls)."""
        return 1 + self.max_recalls


class DisplayAppSettings(HallSettings):
    display: DisplaySettings = Field(default_factory=DisplaySettings)
    policy: CallingPolicy = Field(default_factory=CallingPolicy)


def load_display_settings(path: str | os.PathLike[str] | None = None,
                          env: Mapping[str, str] = os.environ) -> DisplayAppSettings:
    return load(DisplayAppSettings, path, env)

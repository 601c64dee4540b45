"""Voice guidance keeps up with the screen: phrases overtaken while another plays are never spoken."""
from __future__ import annotations

import threading
from dataclasses import dataclass, field

from kiosk.runtime.guidance import CurrentSpeaker
from tests.waiting import eventually


@dataclass
class SlowVoice:
    """A speech service whose phrases take until ``release`` is set (one at a time, like the real one)."""

    started: list[str] = field(default_factory=list)
    release: threading.Event = field(default_factory=threading.Event)

    def say(self, text: str) -> SlowVoice:
        self.started.append(text)
        return self

    def wait(self, timeout: float | None = None) -> bool:
        done = self.release.wait(timeout)
        self.release.clear()
        return done


def test_a_phrase_overtaken_while_another_plays_is_dropped() -> None:
    voice = SlowVoice()
    speaker = CurrentSpeaker(voice, wait_s=5)
    try:
        speaker.say("请插入社会保障卡，或把身份证放在读卡区")
        eventually(lambda: voice.started == ["请插入社会保障卡，或把身份证放在读卡区"], 2, "the first phrase plays")
        speaker.say("正在读卡，请不要拔卡")  # overtaken before its turn
        speaker.say("请选择自助服务项目")
        voice.release.set()
        eventually(lambda: len(voice.started) == 2, 2, "the newest phrase plays next")
        assert voice.started[-1] == "请选择自助服务项目"
        voice.release.set()
    finally:
        speaker.stop()

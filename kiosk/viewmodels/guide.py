"""Voice guidance: in elderly mode each step is also spoken, in Mandarin (the speech engine's language)."""
from __future__ import annotations

from kiosk.i18n import t
from kiosk.ports import Speaker
from kiosk.viewmodels.session import Session


class VoiceGuide:
    def __init__(self, speaker: Speaker, session: Session, enabled: bool = True) -> None:
        self.speaker, self.session, self.enabled = speaker, session, enabled

    def say(self, key: str, **values: object) -> None:
        """Speak the text of ``key`` when the session is in elderly mode (and the key has a text)."""
        if self.session.elderly and self.enabled and t(key, "zh_CN") != key:
            self.speaker.say(t(key, "zh_CN", **values))

    def announce(self, key: str, **values: object) -> None:
        """Speak ``key`` whatever the mode (a ticket that could not be printed: its number, for everyone)."""
        if self.enabled and t(key, "zh_CN") != key:
            self.speaker.say(t(key, "zh_CN", **values))

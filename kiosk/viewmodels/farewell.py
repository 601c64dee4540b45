"""The end of every flow: take your cards back (请取回社保卡 / 请取回身份证), and a card left behind.

When a flow is done (a ticket taken, a printout made, a loss reported) and a card is still in the
reader or an ID card still lies on its reader, the kiosk shows the take-your-card screen and says
so aloud, whatever the mode. While the social security card is still in, the citizen may go on to
another item in the same session. The screen goes once every card is out. A card still there
``card_left_s`` after the screen came up was left behind: its holder is forgotten at once (nobody
is there), the reminder is spoken again every ``card_left_s``, and the device status carries the
fault ``card_left`` (``idcard_left`` for an ID card) until it is taken.
"""
from __future__ import annotations

from kiosk.viewmodels.config import ModelConfig
from kiosk.viewmodels.guide import VoiceGuide
from kiosk.viewmodels.session import Session
from kiosk.viewmodels.shell import Shell

CARD_LEFT_FAULT = "card_left"
IDCARD_LEFT_FAULT = "idcard_left"


class Farewell:
    def __init__(self, shell: Shell, session: Session, guide: VoiceGuide, cfg: ModelConfig) -> None:
        self.shell, self.session, self.guide, self.cfg = shell, session, guide, cfg
        self.note: str | None = None  # what was just done (e.g. "printed_take"), shown above the prompt
        self.since = 0.0
        self.left = False  # a card was left behind (and is still there)
        self.reminded = 0.0

    @property
    def showing(self) -> bool:
        return self.since > 0.0

    @property
    def cards_there(self) -> bool:
        return self.session.card_in or self.session.idcard_on

    def clear(self) -> None:
        """The session ended: the screen goes (a card left behind stays noted until it is taken)."""
        self.note, self.since = None, 0.0

    def start(self, now: float, note: str | None = None) -> None:
        """A flow is done: ask for the card(s) back, or end the session when none is there."""
        s = self.session
        if not self.cards_there:
            self.shell.end_session(now, note if s.personal else None)
            return
        self.note, self.since, self.left = note, now, False
        self.shell.go("take_card", now, voice="")
        self.guide.announce(self.which("voice_take"))

    def which(self, prefix: str) -> str:
        """``{prefix}_both``, ``{prefix}_card`` or ``{prefix}_idcard``: after what is still there."""
        s = self.session
        if s.card_in and s.idcard_on:
            return f"{prefix}_both"
        return f"{prefix}_card" if s.card_in else f"{prefix}_idcard"

    def faults(self) -> list[str]:
        """The faults a card left behind adds to the device status."""
        if not self.left:
            return []
        s = self.session
        return [f for f, there in ((CARD_LEFT_FAULT, s.card_in), (IDCARD_LEFT_FAULT, s.idcard_on)) if there]

    @property
    def can_continue(self) -> bool:
        """Whether 继续办理 is offered: the card is in and its holder still known."""
        return self.session.card_in and self.session.citizen is not None and not self.left

    def tick(self, now: float, screen: str) -> bool:
        """Timers of the screen; answers whether the published faults may have changed."""
        if screen != "take_card" or not self.showing:
            return False
        limit = self.cfg.kiosk.card_left_s
        if not self.cards_there:
            self.shell.end_session(now)
        elif not self.left and now - self.since >= limit:
            self.left_behind(now)
            return True
        elif self.left and now - self.reminded >= limit:
            self.reminded = now
            self.guide.announce(self.which("voice_left"))
        return False

    def left_behind(self, now: float) -> None:
        """A card stayed with nobody at the kiosk: forget its holder, remind aloud, report it."""
        self.session.wipe_personal()
        self.left, self.reminded = True, now
        if not self.showing:
            self.since = now
        self.shell.go("take_card", now, voice="")
        self.guide.announce(self.which("voice_left"))

    def taken(self, now: float, screen: str) -> bool:
        """A card came out (or an ID card was lifted); answers whether the published faults may have changed."""
        was = self.left
        if not self.cards_there:
            self.left = False
            if screen == "take_card":
                self.shell.end_session(now)
        elif screen == "take_card":
            self.shell.changed()  # the prompt now names what is still there
        return was

    def go_on(self, now: float) -> None:
        """继续办理: back to the start screen of the same session (the holder stays known)."""
        if not self.can_continue:
            self.shell.end_session(now)
            return
        self.clear()
        self.session.touch(now)
        self.shell.go("home", now)

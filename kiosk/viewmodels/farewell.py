"""The end of every flow: take your card back (请取回社保卡 / 请取回身份证), and a card left behind.

When a flow is done (a ticket taken, a printout made, a loss reported) and a card was used, the
kiosk shows the take-your-card screen and says so aloud, whatever the mode. While the social
security card is still in, the citizen may go on to another item in the same session. A card
still in the reader ``card_left_s`` after that screen came up was left behind: its holder is
forgotten at once (nobody is there), the reminder is spoken again every ``card_left_s``, and
the device status carries the fault ``card_left`` until the card is taken out. With only an ID
card used (its reader does not tell when it is lifted) the screen goes home after
``take_card_s``.
"""
from __future__ import annotations

from kiosk.viewmodels.config import ModelConfig
from kiosk.viewmodels.guide import VoiceGuide
from kiosk.viewmodels.session import Session
from kiosk.viewmodels.shell import Shell

CARD_LEFT_FAULT = "card_left"


class Farewell:
    def __init__(self, shell: Shell, session: Session, guide: VoiceGuide, cfg: ModelConfig) -> None:
        self.shell, self.session, self.guide, self.cfg = shell, session, guide, cfg
        self.note: str | None = None  # what was just done (e.g. "ticket_done_note"), shown above the prompt
        self.since = 0.0
        self.left = False  # the card was left behind
        self.reminded = 0.0

    @property
    def showing(self) -> bool:
        return self.since > 0.0

    def clear(self) -> None:
        """The session ended: the screen goes (a card left behind stays noted until it is taken out)."""
        self.note, self.since = None, 0.0

    def start(self, now: float, note: str | None = None) -> None:
        """A flow is done: ask for the card(s) back, or end the session when none was used."""
        s = self.session
        if not (s.card_in or s.idcard_used):
            self.shell.end_session(now, note if s.personal else None)
            return
        self.note, self.since, self.left = note, now, False
        self.shell.go("take_card", now, voice="")
        self.guide.announce(self.prompt_key)

    @property
    def prompt_key(self) -> str:
        s = self.session
        if s.card_in and s.idcard_used:
            return "voice_take_both"
        return "voice_take_card" if s.card_in else "voice_take_idcard"

    @property
    def can_continue(self) -> bool:
        """Whether 继续办理 is offered: the card is in and its holder still known."""
        return self.session.card_in and self.session.citizen is not None and not self.left

    def tick(self, now: float, screen: str) -> bool:
        """Timers of the screen; answers whether the published faults may have changed."""
        if screen != "take_card" or not self.showing:
            return False
        s, limit = self.session, self.cfg.kiosk.card_left_s
        if s.card_in:
            if not self.left and now - self.since >= limit:
                self.left_behind(now)
                return True
            if self.left and now - self.reminded >= limit:
                self.reminded = now
                self.guide.announce("voice_card_left")
        elif now - self.since >= self.cfg.kiosk.take_card_s:
            self.shell.end_session(now)
        return False

    def left_behind(self, now: float) -> None:
        """The card stayed in with nobody at the kiosk: forget its holder, remind aloud, report it."""
        self.session.wipe_personal()
        self.left, self.reminded = True, now
        if not self.showing:
            self.since = now
        self.shell.go("take_card", now, voice="")
        self.guide.announce("voice_card_left")

    def card_pulled(self) -> bool:
        """The card came out; answers whether a left-behind fault was cleared."""
        was, self.left = self.left, False
        return was

    def go_on(self, now: float) -> None:
        """继续办理: back to the start screen of the same session (the holder stays known)."""
        if not self.can_continue:
            self.shell.end_session(now)
            return
        self.clear()
        self.session.touch(now)
        self.shell.go("home", now)

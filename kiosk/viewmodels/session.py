"""One citizen's visit at the kiosk: who (if known), elderly mode, language, and when it ends.

The session follows the card: a social security card read without its PIN already says who
the holder is (enough for a ticket and its elderly priority); the PIN is asked once, the first
time a personal record or a card service needs it (``pin_verified``). While the card stays in
the reader (``card_in``) the citizen may do one item after another. A session ends (and
:meth:`Session.wipe` drops every personal datum) when the card is taken out, on 退出, or after
``idle_timeout_s`` without a touch (``elderly_idle_timeout_s`` in elderly mode); the last
``countdown_s`` seconds show a countdown. Times are monotonic seconds passed in by the caller,
so tests control the clock.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from kiosk.citizen import Citizen


@dataclass
class Timeouts:
    idle_s: float = 60.0
    elderly_idle_s: float = 120.0
    countdown_s: float = 20.0
    elderly_age: int = 70


class Session:
    def __init__(self, timeouts: Timeouts, default_language: str = "zh_CN") -> None:
        self.timeouts = timeouts
        self.default_language = default_language
        self.language = default_language
        self.citizen: Citizen | None = None
        self.pending: Citizen | None = None  # read from the card, PIN not yet verified
        self.authenticated = False
        self.pin_verified = False  # the card's PIN (or a platform login) was checked in this session
        self.card_in = False  # a social security card sits in the reader
        self.idcard_on = False  # an ID card lies on its reader
        self.personal = False  # the session knew someone (its end says the data were cleared)
        self.elderly = False
        self.elderly_auto = False
        self.active = False
        self.last_touch = 0.0

    def __repr__(self) -> str:
        return (f"Session(active={self.active}, authenticated={self.authenticated}, elderly={self.elderly}, "
                f"citizen={self.citizen!r})")

    # -- the clock ------------------------------------------------------------------------
    def touch(self, now: float) -> None:
        """A touch (or a card event): the session goes on."""
        self.active = True
        self.last_touch = now

    @property
    def idle_limit_s(self) -> float:
        return self.timeouts.elderly_idle_s if self.elderly else self.timeouts.idle_s

    def remaining_s(self, now: float) -> float:
        return max(0.0, self.idle_limit_s - (now - self.last_touch)) if self.active else self.idle_limit_s

    def countdown(self, now: float) -> int | None:
        """Whole seconds left, when the countdown shows (else None)."""
        if not self.active:
            return None
        left = self.remaining_s(now)
        return int(left + 0.999) if left <= self.timeouts.countdown_s else None

    def timed_out(self, now: float) -> bool:
        return self.active and now - self.last_touch >= self.idle_limit_s

    # -- who ------------------------------------------------------------------------------
    def hold(self, citizen: Citizen | None, now: float) -> None:
        """A card was read; its holder waits for the PIN."""
        self.pending = citizen
        self.personal = self.personal or citizen is not None
        self.touch(now)

    def authenticate(self, citizen: Citizen, today: date, now: float) -> bool:
        """The holder is known (PIN verified, or an ID card read). Answers whether elderly mode came on by age."""
        self.citizen, self.pending, self.authenticated = citizen, None, True
        self.personal = True
        self.touch(now)
        if self.is_elderly(today) and not self.elderly:
            self.elderly = self.elderly_auto = True
            return True
        return False

    def is_elderly(self, today: date) -> bool:
        """Whether the holder is old enough for elderly priority (70+)."""
        return self.citizen is not None and self.citizen.age(today) >= self.timeouts.elderly_age

    def set_elderly(self, on: bool, now: float) -> None:
        self.elderly = on
        self.elderly_auto = False
        self.touch(now)

    def set_language(self, language: str, now: float) -> None:
        self.language = language
        self.touch(now)

    @property
    def holder_masked(self) -> str | None:
        who = self.citizen or self.pending
        return who.masked_name() if who else None

    @property
    def id_masked(self) -> str | None:
        who = self.citizen or self.pending
        return who.masked_id() if who else None

    @property
    def needs_pin(self) -> bool:
        """Whether a personal record or card service must first ask the card's PIN (once per session)."""
        return self.citizen is not None and self.citizen.source == "card" and not self.pin_verified

    def wipe_personal(self) -> None:
        """Forget the holder; the screen keeps its mode until the session ends."""
        self.citizen = None
        self.pending = None
        self.authenticated = False
        self.pin_verified = False

    def wipe(self) -> None:
        """End the session: forget the holder and every choice made; back to the defaults."""
        self.wipe_personal()
        self.personal = False
        self.elderly = False
        self.elderly_auto = False
        self.active = False
        self.language = self.default_language

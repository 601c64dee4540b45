"""The demo hall's people: its floating back-office clerk is someone the advisor can send to an elastic window,
and the demo prints who logs in where."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from hallctl.demo_staff import DEMO_PASSWORD, FLOATING, add_demo_staff, logins_text, with_floating_staff
from queue_server.engine import Role
from queue_server.service.advisor_roster import roster
from queue_server.settings import load_settings
from queue_server.store import StaffAccount
from tests.engine._small_hall import small_hall

HALL_TOML = Path(__file__).resolve().parents[2] / "config" / "hall.toml"


class Accounts:
    def __init__(self) -> None:
        self.made: dict[str, StaffAccount] = {}

    def get(self, username: str) -> Any:
        return self.made.get(username)

    def add(self, username: str, password: str, role: str, window: int | None = None, replace: bool = False) -> Any:
        assert password == DEMO_PASSWORD
        self.made[username] = StaffAccount(len(self.made) + 1, username, "-", role, window, True)
        return self.made[username]


def test_the_demo_floating_clerk_is_in_the_advisors_roster_and_the_logins_are_printed() -> None:
    s = with_floating_staff(load_settings(HALL_TOML, env={}))
    assert s.advisor.floating_staff.count(FLOATING) == 1
    assert with_floating_staff(s).advisor.floating_staff.count(FLOATING) == 1  # a rerun does not add it twice
    staff = Accounts()
    add_demo_staff(staff, s)
    add_demo_staff(staff, s)
    assert staff.made[FLOATING].role == "clerk" and staff.made[FLOATING].window is None
    assert staff.made["manager"].role == "manager" and staff.made["clerk1"].window == 1
    assert not any(a.window and a.window >= 10 for a in staff.made.values())  # nobody tied to an elastic window
    people = roster(small_hall(), s.advisor, staff.made)
    assert [(p.id, p.role) for p in people] == [(FLOATING, Role.FLOATING)]
    text = logins_text("http://hall", s)
    assert f"password {DEMO_PASSWORD}" in text and "manager → http://hall/console" in text
    assert f"{FLOATING} (back office, no fixed window" in text and "http://hall/window/10" in text

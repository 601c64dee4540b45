"""The demo hall's people: a manager, a clerk at every fixed window, and one floating back-office clerk.

The floating clerk (``[advisor] floating_staff``) has a clerk account without a fixed window, which is
what the advisor needs to name someone for an elastic window: when the console's advice says
"请 backoffice1 到 N 号窗口" and the manager accepts it, that clerk's page shows the notice and the
elastic window opens when they log in at ``/window/N``. The logins are printed when the demo starts.
"""
from __future__ import annotations

from typing import Any, Protocol, TypeVar

from queue_server.settings import Settings

DEMO_PASSWORD = "demo-pass-123"
MANAGER = "manager"
FLOATING = "backoffice1"
S = TypeVar("S", bound=Settings)


class Accounts(Protocol):
    def get(self, username: str) -> Any: ...

    def add(self, username: str, password: str, role: str, window: int | None = None,
            replace: bool = False) -> Any: ...


def with_floating_staff(s: S) -> S:
    """The settings with the demo's floating back-office clerk listed in ``[advisor] floating_staff``."""
    listed = list(dict.fromkeys([*s.advisor.floating_staff, FLOATING]))
    return s.model_copy(update={"advisor": s.advisor.model_copy(update={"floating_staff": listed})})


def window_clerks(s: Settings) -> list[tuple[str, int]]:
    """A clerk for every window that is not elastic: (username, window)."""
    return [(f"clerk{w.number}", w.number) for w in s.windows if w.kind.value != "elastic"]


def add_demo_staff(staff: Accounts, s: Settings) -> None:
    """The demo's accounts, made once (a rerun keeps those already there)."""
    wanted: list[tuple[str, str, int | None]] = [(MANAGER, "manager", None), (FLOATING, "clerk", None)]
    wanted += [(name, "clerk", window) for name, window in window_clerks(s)]
    for name, role, window in wanted:
        if staff.get(name) is None:
            staff.add(name, DEMO_PASSWORD, role, window)


def logins_text(base: str, s: Settings) -> str:
    """What the demo prints about who can log in where."""
    clerks = window_clerks(s)
    elastic = [w.number for w in s.windows if w.kind.value == "elastic"]
    at = (f"{clerks[0][0]} … {clerks[-1][0]}, each at its own window ({base}/window/N)" if len(clerks) > 1
          else ", ".join(f"{name} → {base}/window/{n}" for name, n in clerks))
    lines = [f"  logins  password {DEMO_PASSWORD} for all",
             f"          manager     {MANAGER} → {base}/console (advice, 采纳)",
             f"          clerks      {at}  (simulated: they call on their own)"]
    if elastic:
        windows = ", ".join(f"{base}/window/{n}" for n in elastic)
        lines.append(f"          floating    {FLOATING} (back office, no fixed window; [advisor] floating_staff): "
                     f"when the advice names them and it is accepted, log in at {windows}")
    else:
        lines.append(f"          floating    {FLOATING} (back office, no fixed window; the hall has no elastic window)")
    return "\n".join(lines)


__all__ = ["DEMO_PASSWORD", "FLOATING", "MANAGER", "add_demo_staff", "logins_text", "with_floating_staff"]

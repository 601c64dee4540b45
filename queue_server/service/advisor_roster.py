"""Who could go to an elastic window now: the roster the advisor names people from.

* **floating**: back-office staff listed in ``[advisor] floating_staff`` (usernames), not at a
  window;
* **clerk**: a clerk on duty and idle: at an open dedicated window with no ticket called and
  nobody waiting in its queues, and free to work at any window (an account without a fixed
  window; a clerk tied to a window stays there);
* **guide**: the hall's guides, ``[advisor] guides``, not at a window; named last.

Everyone named has an active clerk account without a fixed window, since that is who may call
at any window; anyone else on the lists is left out.

People already on their way to a window are left out by the advisor itself.
"""
from __future__ import annotations

from queue_server.engine import Hall, Person, Role, WindowKind, WindowStatus
from queue_server.settings import AdvisorConfig
from queue_server.store import StaffAccount


def at_windows(hall: Hall) -> set[str]:
    """Usernames of the clerks at a window that is open or paused."""
    return {w.clerk for w in hall.windows.values() if w.clerk and w.status is not WindowStatus.CLOSED}


def idle_clerks(hall: Hall) -> list[str]:
    """Clerks at an open dedicated window with nothing to do: no ticket, nobody waiting for it."""
    out = []
    for w in sorted(hall.windows.values(), key=lambda w: w.number):
        if (w.spec.kind is not WindowKind.ELASTIC and w.status is WindowStatus.OPEN and w.clerk
                and w.current is None and not any(len(hall.lines[q]) for q in w.queues if q in hall.lines)):
            out.append(w.clerk)
    return out


def roster(hall: Hall, cfg: AdvisorConfig, accounts: dict[str, StaffAccount]) -> list[Person]:
    """The people available now, in the order the configuration lists them."""
    busy = at_windows(hall)

    def may_go(username: str) -> bool:
        acc = accounts.get(username)
        return acc is not None and acc.active and acc.role == "clerk" and acc.window is None

    def free(username: str) -> bool:
        return may_go(username) and username not in busy

    listed = set(cfg.floating_staff) | set(cfg.guides)
    people = [Person(u, u, Role.FLOATING) for u in dict.fromkeys(cfg.floating_staff) if free(u)]
    people += [Person(u, u, Role.CLERK) for u in idle_clerks(hall) if u not in listed and may_go(u)]
    people += [Person(u, u, Role.GUIDE) for u in dict.fromkeys(cfg.guides) if free(u) and u not in cfg.floating_staff]
    return people


__all__ = ["at_windows", "idle_clerks", "roster"]

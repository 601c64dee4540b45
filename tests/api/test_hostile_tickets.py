"""Who may set a ticket's priority, holder and source, how many tickets one address may take, and
which tickets a clerk may act on (findings 3 and 7 of the hostile-network review)."""
from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.hall_app import HallApp


@pytest.mark.parametrize("extra", [{"priority": "disabled"}, {"priority": "elderly"}, {"priority": "appointment"},
                                   {"holder": "张*"}, {"holder_ref": "f00d"}, {"source": "kiosk-1"}])
def test_a_stranger_gets_a_normal_ticket_or_a_clear_403(open_hall: Callable[..., HallApp],
                                                         extra: dict[str, str]) -> None:
    hall = open_hall()
    hall.api("POST", "/api/tickets", {"queue": "A"})
    st, err = hall.api("POST", "/api/tickets", {"queue": "A", **extra})
    assert st == 403 and err["error"]["code"] == "priority_not_allowed"
    assert "优先号" in err["error"]["message"] and "normal" in err["error"]["message"]
    # nothing was issued: the one waiting ticket is still first, nobody jumped ahead
    assert hall.api("GET", "/api/hall")[1]["queues"][0]["waiting"] == 1
    st, plain = hall.api("POST", "/api/tickets", {"queue": "A", "priority": "normal"})
    assert st == 201 and plain["priority"] == "normal" and plain["ahead"] == 1


def test_the_guide_desk_vouches_for_a_priority_with_its_token(open_hall: Callable[..., HallApp]) -> None:
    hall = open_hall()
    desk = hall.staff("desk", "manager")
    hall.api("POST", "/api/tickets", {"queue": "A"})
    st, t = hall.api("POST", "/api/tickets", {"queue": "A", "priority": "disabled", "source": "guide-desk"},
                     token=desk)
    assert st == 201 and t["priority"] == "disabled" and t["ahead"] == 0
    st, err = hall.api("POST", "/api/tickets", {"queue": "A", "priority": "disabled"}, token=desk + "x")
    assert st == 401 and err["error"]["code"] == "invalid_token"  # a broken token is no stranger's pass


def test_one_address_takes_a_few_tickets_then_waits(open_hall: Callable[..., HallApp]) -> None:
    hall = open_hall(HALL_SERVER__ANONYMOUS_ISSUE_BURST="3", HALL_SERVER__ANONYMOUS_ISSUE_PER_MINUTE="1")
    answers = [hall.api("POST", "/api/tickets", {"queue": "C"}) for _ in range(6)]
    assert [st for st, _ in answers] == [201, 201, 201, 429, 429, 429]
    err = answers[-1][1]["error"]
    assert err["code"] == "rate_limited" and "取号过于频繁" in err["message"]
    assert hall.api("GET", "/api/hall")[1]["queues"][2]["waiting"] == 3
    desk = hall.staff("desk", "manager")  # the guide desk is not held up by strangers
    assert hall.api("POST", "/api/tickets", {"queue": "C"}, token=desk)[0] == 201


def test_a_clerk_acts_only_on_the_ticket_at_their_own_window(open_hall: Callable[..., HallApp]) -> None:
    hall = open_hall()
    one, two = hall.staff("c1", "clerk", window=1), hall.staff("c2", "clerk", window=2)
    manager = hall.staff("boss", "manager")
    for _ in range(3):
        hall.api("POST", "/api/tickets", {"queue": "A"})
    hall.api("POST", "/api/windows/2/open", token=two)
    assert hall.api("POST", "/api/windows/2/call-next", token=two)[1]["number"] == "A001"
    hall.api("POST", "/api/windows/2/start", token=two)

    st, err = hall.api("POST", "/api/tickets/A001/cancel", token=one)  # served at window 2
    assert st == 403 and err["error"]["code"] == "not_your_ticket"
    st, err = hall.api("POST", "/api/tickets/A002/cancel", token=one)  # still waiting, at no window
    assert st == 403 and err["error"]["code"] == "not_your_ticket"
    assert hall.api("POST", "/api/windows/2/finish", token=one)[1]["error"]["code"] == "wrong_window"
    assert hall.api("POST", "/api/windows/2/transfer", {"queue": "B"}, token=one)[0] == 403
    assert hall.api("GET", "/api/tickets/A001")[1]["state"] == "serving"

    st, t = hall.api("POST", "/api/tickets/A001/cancel", token=two)
    assert st == 200 and t["state"] == "cancelled"
    st, t = hall.api("POST", "/api/tickets/A002/cancel", token=manager)  # a manager acts anywhere
    assert st == 200 and t["state"] == "cancelled"

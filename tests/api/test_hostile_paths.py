"""Every route with a path parameter, given a huge integer (or worse) there: a 4xx with the JSON error,
never a 500 (finding 12: ``/api/ratings/99999999999999999999999/follow-up`` used to give a 500)."""
from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from tests.hall_app import HallApp

HOSTILE = ["99999999999999999999999", "9223372036854775808", "-9223372036854775809", "2147483648", "0", "-1",
           "1e309", "NaN", "%00", "%E2%80%AE1"]


PAGES = ["/window/{n}", "/rate/{n}", "/t/{number}"]
#: a body the operation would take, so that the path value itself is what reaches the handler
BODIES = {"follow-up": {"state": "done", "note": "已回访"}, "transfer": {"queue": "B"}, "queues": {"queues": ["A"]},
          "result": {"rating": 5}, "pair": {"code": "123456"}, "notice": {"text": "x"}, "issuing": {"issuing": True}}


def routes_with_params(hall: HallApp) -> list[tuple[str, str]]:
    """Every API operation with a path parameter, from the app's own OpenAPI document."""
    assert hall.client is not None
    paths = hall.client.app.openapi()["paths"]  # type: ignore[attr-defined]
    return [(m.upper(), p) for p, ops in paths.items() if "{" in p for m in ops]


def test_the_sweep_covers_the_routes(open_hall: Callable[..., HallApp]) -> None:
    paths = {p for _, p in routes_with_params(open_hall())}
    assert {"/api/ratings/{rid}/follow-up", "/api/windows/{n}/call-next", "/api/tickets/{number}",
            "/api/evaluations/{n}/result", "/api/advice/{rec_id}/accept"} <= paths


@pytest.mark.parametrize("as_manager", [True, False], ids=["manager", "stranger"])
def test_hostile_path_values_get_a_4xx(open_hall: Callable[..., HallApp], as_manager: bool) -> None:
    hall = open_hall()
    token = hall.staff("boss", "manager") if as_manager else None
    bad = []
    for method, template in routes_with_params(hall):
        for value in HOSTILE:
            path = re.sub(r"\{[^}]+\}", value, template)
            for sent in ({}, BODIES.get(template.rsplit("/", 1)[-1], {})):
                st, body = hall.api(method, path, sent, token=token)
                if not (400 <= st < 500 and isinstance(body, dict) and "error" in body):
                    bad.append((method, path, sent, st, body))
    for template in PAGES:  # the pages answer a 4xx page
        for value in HOSTILE:
            st, _ = hall.api("GET", re.sub(r"\{[^}]+\}", value, template))
            if not 400 <= st < 500:
                bad.append(("GET", template, value, st))
    assert bad == []


def test_the_follow_up_of_a_huge_rating_id_is_a_4xx(open_hall: Callable[..., HallApp]) -> None:
    hall = open_hall()
    st, err = hall.api("PUT", "/api/ratings/99999999999999999999999/follow-up", {"state": "done", "note": "x"},
                       token=hall.staff("boss", "manager"))
    assert st == 422 and err["error"]["code"] == "validation_error"

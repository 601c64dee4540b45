"""The guide desk issues tickets for citizens: a priority, a 代办, a lost ticket shown again; feedback and
complaints; nobody without a staff token sets a priority."""
from __future__ import annotations

import sqlalchemy as sa

from tests.frontdesk._clocked import OLD_ID, PROXY_ID, YOUNG_ID, ClockedHall


def _dump(hall: ClockedHall) -> str:
    """Every row of every table, as text (to look for a full ID number)."""
    assert hall.runtime is not None and hall.runtime.store is not None
    engine = hall.runtime.store.engine
    out = []
    with engine.connect() as conn:
        for table in sa.inspect(engine).get_table_names():
            out += [repr(tuple(r)) for r in conn.execute(sa.text(f'SELECT * FROM "{table}"'))]
    return "\n".join(out)


def test_the_guide_issues_a_disabled_and_a_proxy_ticket_and_a_stranger_cannot(desk_hall: ClockedHall) -> None:
    hall = desk_hall
    guide = hall.staff("guide1", "guide")
    st, out = hall.api("POST", "/api/desk/tickets", {"queue": "A", "priority": "disabled", "id_number": YOUNG_ID,
                                                     "name": "李四", "request_id": "desk-1"}, token=guide)
    assert st == 201, out
    assert out["ticket"]["priority"] == "disabled" and out["ticket"]["number"] == "A001"
    assert out["holder_id"] == "1101**********0033" and out["ticket"]["holder"] == "李*"
    # the same request again (a double click) issues nothing new
    assert hall.api("POST", "/api/desk/tickets", {"queue": "A", "priority": "disabled", "request_id": "desk-1"},
                    token=guide)[1]["ticket"]["number"] == "A001"

    st, out = hall.api("POST", "/api/desk/tickets", {
        "queue": "A", "id_number": OLD_ID, "name": "张三",
        "proxy": {"name": "王五", "id_number": PROXY_ID, "relation": "child"}}, token=guide)
    assert st == 201, out
    assert out["ticket"]["number"] == "A002" and out["ticket"]["priority"] == "elderly"  # 84 years old
    assert out["proxy"] == {"name": "王*", "id": "1301**********1232", "relation": "child", "relation_zh": "子女"}
    # a lost ticket shown again, with its 代办
    st, again = hall.api("GET", "/api/desk/tickets/A002", token=guide)
    assert st == 200 and again["ticket"]["ahead"] == 1 and again["proxy"]["relation_zh"] == "子女"

    # nobody else sets a priority: no token, a clerk's token on the desk, a bad ID number
    st, err = hall.api("POST", "/api/tickets", {"queue": "A", "priority": "disabled"})
    assert (st, err["error"]["code"]) == (403, "priority_not_allowed")
    assert hall.api("POST", "/api/tickets", {"queue": "A", "holder": "张*"})[0] == 403
    assert hall.api("POST", "/api/desk/tickets", {"queue": "A", "priority": "disabled"})[0] == 401
    clerk = hall.staff("c1", "clerk", 1)
    assert hall.api("POST", "/api/desk/tickets", {"queue": "A", "priority": "disabled"}, token=clerk)[0] == 403
    st, err = hall.api("POST", "/api/desk/tickets", {"queue": "A", "id_number": "110101194103120010"}, token=guide)
    assert (st, err["error"]["code"]) == (409, "invalid_citizen")  # the check digit does not match
    st, err = hall.api("POST", "/api/desk/tickets", {"queue": "A", "id_number": "1101011941"}, token=guide)
    assert (st, err["error"]["code"]) == (422, "validation_error")  # not 18 characters: the schema says so
    assert hall.api("POST", "/api/tickets", {"queue": "A"})[1]["priority"] == "normal"  # a stranger's normal one

    text = _dump(hall)
    for full in (YOUNG_ID, OLD_ID, PROXY_ID, "李四", "张三", "王五"):
        assert full not in text


def test_a_complaint_is_kept_with_its_category_and_a_masked_contact_and_becomes_a_case(desk_hall: ClockedHall) -> None:
    hall = desk_hall
    guide, boss = hall.staff("guide1", "guide"), hall.staff("boss", "manager")
    st, c = hall.api("POST", "/api/desk/feedback", {"kind": "complaint", "category": "attitude", "window": 2,
                                                    "text": "窗口人员态度生硬", "contact": "13812345678"},
                     token=guide)
    assert st == 201, c
    assert c["contact"] == "138****5678" and c["category_zh"] == "服务态度" and c["case_id"] is not None
    # 第五十三/五十四条: the complaint goes the 整改 way, with a due date and the contact for the call back
    cases = hall.api("GET", "/api/rectifications?open=true", token=boss)[1]
    case = next(k for k in cases["cases"] if k["id"] == c["case_id"])
    assert case["kind"] == "complaint" and case["window"] == 2 and "态度生硬" in case["summary"]
    assert case["contact"] == "138****5678" and case["due"]
    hall.api("POST", "/api/desk/feedback", {"kind": "feedback", "category": "facilities", "text": "希望多放几把椅子"},
             token=guide)
    st, day = hall.api("GET", "/api/desk/feedback", token=guide)
    assert [(i["kind"], i["category"]) for i in day["items"]] == [("complaint", "attitude"), ("feedback", "facilities")]
    assert "13812345678" not in str(day)
    st, _ = hall.api("POST", "/api/desk/feedback", {"kind": "complaint", "category": "mood", "text": "x"},
                       token=guide)
    assert st == 422
    for body, answer in (({"text": "x", "extra": "?"}, (422, "validation_error")),
                         ({"text": "   "}, (422, "validation_error")),
                         ({"text": "x", "window": 99}, (409, "unknown_window"))):
        st, err = hall.api("POST", "/api/desk/feedback", {"kind": "feedback", "category": "other", **body},
                           token=guide)
        assert (st, err["error"]["code"]) == answer, err
    assert hall.api("POST", "/api/desk/feedback", {"kind": "complaint", "category": "other", "text": "x"})[0] == 401

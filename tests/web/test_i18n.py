"""Every word a page asks for exists in both languages (no key shows up raw on a screen)."""
from __future__ import annotations

import re

from queue_server.settings import RATING_REASONS
from queue_server.web.i18n import MESSAGES, pick
from queue_server.web.pages import HERE

TEMPLATE_KEY = re.compile(r"""\bt\(\s*['"]([a-z0-9_]+)['"](?!\s*[~+])""")
SCRIPT_KEY = re.compile(r"""(?:Hall\.t|\bt)\(\s*["']([a-z0-9_]+)["'](?!\s*\+)""")
#: keys built at run time from a prefix (state_, prio_, r1..r5, …) are checked through their values
DYNAMIC = {"state_": ["waiting", "called", "serving", "done", "no_show", "not_started", "transferred", "cancelled",
                      "expired"], "line_window_": ["paused", "closed"],
           "prio_": ["normal", "elderly", "disabled", "appointment"], "status_": ["open", "paused", "closed"],
           "kind_": ["accept", "query", "bulk", "elastic"], "r": ["1", "2", "3", "4", "5"],
           "role_": ["clerk", "manager", "admin", "auditor"], "fault_": ["raised", "cleared", "paper_low"],
           "reason_": list(RATING_REASONS), "outcome_": ["no_rating", "pending"]}


def test_every_key_the_pages_use_is_translated() -> None:
    used: set[str] = set()
    for f in (HERE / "templates").glob("*.html"):
        used |= set(TEMPLATE_KEY.findall(f.read_text(encoding="utf-8")))
    for f in (HERE / "static").glob("*.js"):
        used |= set(SCRIPT_KEY.findall(f.read_text(encoding="utf-8")))
    used |= {prefix + v for prefix, values in DYNAMIC.items() for v in values}
    known = set(pick("zh")) | set(pick("en"))  # the pages' words and every fault code's (the contract's catalog)
    missing = sorted(k for k in used if k not in known)
    assert not missing, f"untranslated keys: {missing}"
    assert len(used) > 100


def test_both_languages_have_the_same_placeholders() -> None:
    for key, (zh, en) in MESSAGES.items():
        assert zh and en, key
        assert set(re.findall(r"{(\w+)}", zh)) == set(re.findall(r"{(\w+)}", en)), key


def test_every_fault_code_a_device_reports_reads_in_words() -> None:
    from hall_contract.faults import fault_text

    assert fault_text("no_audio_output") == "无音频输出（喇叭未接或未识别）"
    assert fault_text("no_audio_output", "en") == "No audio output (speaker missing or not found)"
    assert fault_text("screen_3_no_answer") == "3号窗口屏无应答"
    assert fault_text("keypad_12_garbled", "en") == "window 12 caller keypad garbled replies"
    assert fault_text("something_new") == "something_new"  # an unknown code is shown as it is
    for code in ("paper_low", "paper_out", "printer_offline", "printer_fault", "printer_no_answer", "cover_open",
                 "no_printer", "reader_fault", "speech_unavailable", "rs485_line_unavailable"):
        assert fault_text(code) != code and fault_text(code, "en") != code
        assert pick("zh")["fault_" + code] == fault_text(code)

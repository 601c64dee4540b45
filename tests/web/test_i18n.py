"""Every word a page asks for exists in both languages (no key shows up raw on a screen)."""
from __future__ import annotations

import re

from queue_server.settings import RATING_REASONS
from queue_server.web.i18n import MESSAGES
from queue_server.web.pages import HERE

TEMPLATE_KEY = re.compile(r"""\bt\(\s*['"]([a-z0-9_]+)['"](?!\s*[~+])""")
SCRIPT_KEY = re.compile(r"""(?:Hall\.t|\bt)\(\s*["']([a-z0-9_]+)["'](?!\s*\+)""")
#: keys built at run time from a prefix (state_, prio_, r1..r5, …) are checked through their values
DYNAMIC = {"state_": ["waiting", "called", "serving", "done", "no_show", "transferred", "cancelled", "expired"],
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
    missing = sorted(k for k in used if k not in MESSAGES)
    assert not missing, f"untranslated keys: {missing}"
    assert len(used) > 100


def test_both_languages_have_the_same_placeholders() -> None:
    for key, (zh, en) in MESSAGES.items():
        assert zh and en, key
        assert set(re.findall(r"{(\w+)}", zh)) == set(re.findall(r"{(\w+)}", en)), key

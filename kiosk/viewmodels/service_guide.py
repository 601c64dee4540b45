"""办事指南 before the ticket (一次性告知): what to bring, how long, what it costs, where, whether here.

Choosing an item shows its guide first; 取号 takes the ticket, and an item that can be done at
this kiosk says so and offers 在本机办理 (its self-service action). The same guide, shortened,
is printed on the ticket (:func:`ticket_lines`).
"""
from __future__ import annotations

from dataclasses import dataclass

from hall_contract.guide import ItemGuide
from kiosk.i18n import t
from kiosk.viewmodels.config import ModelConfig
from kiosk.viewmodels.items import Item

#: self-service actions by item code (kiosk.viewmodels.selfservice.ACTIONS, the other way round)
SELF_ACTIONS = {"SB-001": "record", "SB-002": "certificate", "KA-002": "card_loss", "GG-002": "progress",
                "RC-003": "qualification"}
TICKET_MATERIALS = 4  # materials listed on a ticket; more are "等"


@dataclass(frozen=True)
class GuideView:
    title: str
    item: str
    rows: list[tuple[str, str]]  # (label, text)
    materials: list[str]
    self_line: str
    can_do_here: bool
    ticket_label: str
    here_label: str


class ServiceGuide:
    def __init__(self, cfg: ModelConfig) -> None:
        self.cfg = cfg
        self.item: Item | None = None

    def clear(self) -> None:
        self.item = None

    def show(self, item: Item) -> bool:
        """Show ``item``'s guide; False when it has none (the ticket is then taken at once)."""
        self.item = item if item.code in self.cfg.guides else None
        return self.item is not None

    def action(self) -> str | None:
        """The self-service action of the item shown, when this kiosk does it."""
        item = self.item
        if item is None or not item.self_service:
            return None
        return SELF_ACTIONS.get(item.code)

    def view(self, language: str) -> GuideView | None:
        item = self.item
        if item is None:
            return None
        g: ItemGuide = self.cfg.guides[item.code]
        here = self.action() is not None
        rows = [(t("guide_time_limit", language), g.time_limit), (t("guide_fee", language), g.fee),
                (t("guide_place", language), g.place)]
        name = item.name_en if language == "en" and item.name_en else item.name
        return GuideView(title=t("guide_title", language), item=name, rows=[r for r in rows if r[1]],
                         materials=list(g.materials),
                         self_line=t("guide_self_yes" if here else "guide_self_no", language), can_do_here=here,
                         ticket_label=t("guide_take_ticket", language), here_label=t("guide_do_here", language))


def ticket_lines(cfg: ModelConfig, item_code: str | None) -> list[str]:
    """The guide as printed on a ticket (Chinese): the materials as a short list, and the time limit."""
    g = cfg.guides.get(item_code or "")
    if g is None:
        return []
    lines = ["请备齐以下材料："] if g.materials else []
    shown = g.materials[:TICKET_MATERIALS]
    lines += [f"{i}. {m}" for i, m in enumerate(shown, 1)]
    if len(g.materials) > len(shown):
        lines.append(f"（共{len(g.materials)}项，详见扫码页面）")
    if g.time_limit:
        lines.append(f"办理时限：{g.time_limit}")
    return lines

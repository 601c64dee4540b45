"""The kiosk's A4 documents, 办事指南, search and ticket printout, as the view-models decide them.

The A4 printer is a fake of the kiosk's own document port (the real one, through CUPS, is in
``test_documents_peers.py``); the platform is the real local gateway.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from hall_contract.protocol import RpcError, RpcReply
from hardware.document.model import InsuranceDocument
from hardware.document.verification import normalize
from hardware.printer.ticket import ticket_bytes
from kiosk import events as ev
from kiosk.gateway.local import LocalGateway
from kiosk.settings import load_kiosk_settings
from kiosk.viewmodels import KioskModel, from_settings, views
from kiosk.viewmodels.items import Item, ItemPicker
from tests.kiosk.fakes import (
    CN,
    HALL_TOML,
    TODAY,
    WANG,
    ZHOU,
    FakeCard,
    FakeLink,
    FakePrinter,
    FakeSpeaker,
    InlineGateway,
    Rig,
    platform_db,
)

PUBLIC = "http://hall.example.cn:8080"


@dataclass
class FakeDocuments:
    previews: list[tuple[str, InsuranceDocument]] = field(default_factory=list)
    prints: list[tuple[str, InsuranceDocument]] = field(default_factory=list)

    def preview(self, job: str, document: InsuranceDocument) -> None:
        self.previews.append((job, document))

    def print_document(self, job: str, document: InsuranceDocument) -> None:
        self.prints.append((job, document))

    def check(self) -> None:
        pass


@dataclass
class DocRig(Rig):
    docs: FakeDocuments = field(default_factory=FakeDocuments)

    def previewed(self, pages: int = 7) -> None:
        job, _ = self.docs.previews[-1]
        self.post(ev.DocumentPreviewed(job, b"\x89PNG", pages))

    def registered(self, ok: bool = True) -> None:
        """The server's answer to the last ``register_document``."""
        method, req = self.link.requests[-1]
        assert method == "register_document"
        error = None if ok else RpcError(code="not_allowed", message="只有本厅自助终端可以登记打印的证明")
        self.post(ev.ReplyReceived(RpcReply(request_id=req["request_id"], ok=ok,
                                            result={"code": req["code"]} if ok else None, error=error)))


def doc_rig(tmp: Path, **env: str) -> DocRig:
    settings = load_kiosk_settings(HALL_TOML, env={"HALL_KIOSK__GATEWAY_DB": str(tmp / "platform.db"),
                                                   "HALL_DEVICES__A4_PRINTER_URL": "cups://HallA4",
                                                   "HALL_PUBLIC_URL": PUBLIC, **env})
    local = LocalGateway(platform_db(tmp), as_of=TODAY)
    local.open()
    link, printer, card, speaker, docs = FakeLink(), FakePrinter(), FakeCard(), FakeSpeaker(), FakeDocuments()
    gateway = InlineGateway(local)
    model = KioskModel(from_settings(settings), link, printer, card, gateway, speaker, today=lambda: TODAY,
                       wall=lambda: datetime(2025, 5, 6, 9, 30, tzinfo=CN), documents=docs)
    gateway.model = model
    rig = DocRig(model, link, printer, card, speaker, local, settings, docs=docs)
    rig.online()
    return rig


@pytest.fixture
def rig(tmp_path: Path) -> DocRig:
    return doc_rig(tmp_path)


def signed_in(rig: DocRig) -> None:
    rig.post(ev.IdCardRead(ZHOU))
    rig.model.tap_self_service(rig.now)
    assert rig.model.screen == "services"


def certificate_previewed(rig: DocRig) -> None:
    """Signed in, the certificate chosen and its preview shown."""
    signed_in(rig)
    rig.model.tap_service("certificate", rig.now)
    rig.at(0)
    rig.previewed()


def test_a_certificate_is_chosen_previewed_printed_on_a4_and_registered(rig: DocRig) -> None:
    m = rig.model
    signed_in(rig)
    m.tap_service("certificate", rig.now)  # tap 2
    rig.at(0)  # the platform's answer
    assert m.screen == "document"
    job, doc = rig.docs.previews[-1]
    assert doc.kind == "certificate" and doc.insurances == ("pension", "medical", "unemployment", "injury")
    assert doc.holder.name == "周丽娜" and doc.holder.ssn == ZHOU.id_number  # in full on the paper only
    record = rig.gateway.contribution_record(ZHOU.id_number)
    assert len({r.month for r in doc.selected()}) == record.total_months  # every month, not 36
    assert doc.verify_url == f"{PUBLIC}/verify/{doc.verification_code}" and normalize(doc.verification_code)
    assert doc.hall_name == "石家庄市桥西区人力资源和社会保障服务大厅"
    v = views_document(m)
    assert not v.can_print and v.status == "正在生成预览…"
    rig.previewed(pages=3)
    v = views_document(m)
    assert v.can_print and "A4 纸共 3 页" in v.summary and v.preview == b"\x89PNG"
    assert v.holder == "身份证：周*　1301**********1810"  # she placed her ID card
    # choose: no work injury, the last 3 years
    m.tap_document_type("injury", rig.now)
    m.tap_document_period("y3", rig.now)
    _, doc = rig.docs.previews[-1]
    assert doc.insurances == ("pension", "medical", "unemployment")
    assert len({r.month for r in doc.selected()}) == 36 and f"{doc.last_month:%Y-%m}" == "2025-04"
    assert not views_document(m).can_print  # the new choice's preview is not there yet
    rig.previewed(pages=2)
    m.tap_document_print(rig.now)  # tap 3
    assert rig.docs.prints == []  # the server learns the code first
    method, reg = rig.link.requests[-1]
    assert method == "register_document" and reg["code"] == doc.verification_code
    assert reg["holder"] == "周*" and reg["id_masked"] == "1301**********1810" and reg["kind"] == "certificate"
    assert ZHOU.id_number not in str(reg) and "周丽娜" not in str(reg)
    assert reg["first_month"] == "2022-05" and reg["last_month"] == "2025-04" and reg["pages"] == 2
    assert views_document(m).status == "正在打印，请稍候…"
    rig.registered()
    job, printed = rig.docs.prints[-1]
    assert printed is doc
    rig.post(ev.DocumentPrinted(job, 2))
    assert m.screen == "message" and views.message(m).lines == [
        "打印完成，共 2 页，请在A4打印机出纸口取走证明和您的卡片"]
    assert m.session.citizen is None and m.documents.document is None


def test_the_record_is_a_document_of_every_month_too(rig: DocRig) -> None:
    signed_in(rig)
    rig.model.tap_service("record", rig.now)
    rig.at(0)
    _, doc = rig.docs.previews[-1]
    assert doc.kind == "record" and doc.insurances == ("pension",)
    assert len(doc.selected()) == rig.gateway.contribution_record(ZHOU.id_number).total_months
    rig.model.tap_document_type("pension", rig.now)  # the last type stays chosen
    assert rig.docs.previews[-1][1].insurances == ("pension",)


def test_an_a4_printer_without_paper_refuses_before_printing_and_is_reported(rig: DocRig) -> None:
    m = rig.model
    rig.post(ev.A4Checked(("a4_paper_out",)))
    assert rig.link.statuses[-1] == ["a4_paper_out"]  # devices/{id}/status
    certificate_previewed(rig)
    assert not views_document(m).can_print
    m.tap_document_print(rig.now)
    assert rig.docs.prints == [] and not any(r[0] == "register_document" for r in rig.link.requests)
    assert views_document(m).status == "文件打印机缺纸，暂不能打印，请到窗口办理"
    rig.post(ev.A4Checked(()))
    assert rig.link.statuses[-1] == [] and views_document(m).can_print


def test_a_failed_print_says_why_and_can_be_tried_again(rig: DocRig) -> None:
    m = rig.model
    certificate_previewed(rig)
    m.tap_document_print(rig.now)
    rig.registered()
    job, _ = rig.docs.prints[-1]
    rig.post(ev.DocumentFailed(job, "a4_jobs_stuck", "文件打印超时，请联系工作人员", "stuck"))
    assert views_document(m).status == "文件打印超时，暂不能打印，请到窗口办理"
    assert m.screen == "document" and m.session.citizen is not None


def test_a_document_the_server_cannot_register_is_not_printed(rig: DocRig) -> None:
    m = rig.model
    certificate_previewed(rig)
    m.tap_document_print(rig.now)
    first = rig.link.requests[-1][1]
    rig.at(m.cfg.kiosk.rpc_timeout_s + 0.1)  # no answer: the same request again
    assert rig.link.requests[-1] == ("register_document", first)
    rig.at(m.cfg.kiosk.rpc_give_up_s)  # still none: refused, nothing printed
    assert rig.docs.prints == []
    assert views_document(m).status == "核验服务暂不可用，暂不能打印，请到窗口办理"
    m.tap_document_print(rig.now)  # tried again later: the server refuses
    rig.registered(ok=False)
    assert rig.docs.prints == [] and views_document(m).can_print


def test_without_an_a4_printer_the_thermal_slip_stays_short(tmp_path: Path) -> None:
    rig = doc_rig(tmp_path, HALL_DEVICES__A4_PRINTER_URL="")
    signed_in(rig)
    rig.model.tap_service("record", rig.now)
    rig.at(0)
    assert rig.model.screen == "record" and rig.docs.previews == []
    rig.model.tap_print(rig.now)
    _, slip = rig.printer.records[-1]
    assert sum(1 for line in slip.lines if line[:4].isdigit()) == 36  # a receipt, not 20 pages of thermal paper


# -- 办事指南 before the ticket --------------------------------------------------------------------

def test_the_guide_is_shown_before_the_ticket_and_printed_on_it(rig: DocRig) -> None:
    m = rig.model
    m.tap_take_ticket(rig.now)
    m.tap_item("SB-004", rig.now)
    assert m.screen == "guide" and rig.link.requests == []  # nothing issued yet
    g = m.service_guide.view("zh_CN")
    assert g is not None and g.item == "企业职工基本养老保险关系转移接续"
    assert g.materials == ["居民身份证", "参保缴费凭证（原参保地开具）", "基本养老保险关系转移接续申请表"]
    assert g.rows == [("办理时限", "15个工作日"), ("收费", "不收费"), ("办理地点", "综合受理窗口")]
    assert not g.can_do_here and g.self_line == "需到窗口办理"
    m.tap_guide_ticket(rig.now)
    assert m.screen == "issuing" and rig.link.requests[-1][1]["item"] == "SB-004"
    rig.reply_ok("A001")  # the server answers for SB-005 (tests.kiosk.fakes)
    _, slip = rig.printer.tickets[-1]
    assert slip.guide_lines == ("请备齐以下材料：", "1. 社会保障卡", "2. 居民身份证",
                                "3. 本人银行账户（社会保障卡金融账户）", "办理时限：10个工作日")
    printed = ticket_bytes(slip)
    assert "2. 居民身份证".encode("gb18030") in printed


def test_every_item_of_the_hall_has_its_guide(rig: DocRig) -> None:
    cfg = rig.model.cfg
    assert {i.code for i in cfg.items} == set(cfg.guides)
    for code, g in cfg.guides.items():
        assert g.materials and g.time_limit and g.fee and g.place, code


def test_an_item_the_kiosk_does_says_so_and_does_it(rig: DocRig) -> None:
    m = rig.model
    m.tap_take_ticket(rig.now)
    m.tap_board("社会保障", rig.now)
    lines = {code: line for code, _, line in views.items(m).items}
    assert lines["SB-002"].endswith("本机可办") and "本机可办" not in lines["SB-004"]  # said on the list too
    m.tap_item("SB-002", rig.now)
    g = m.service_guide.view("zh_CN")
    assert g is not None and g.can_do_here and g.self_line == "本机可自助办理，无需排队"
    m.tap_guide_here(rig.now)
    assert m.screen == "auth"  # who is it for: a card first
    rig.post(ev.IdCardRead(ZHOU))  # then straight on to the certificate
    rig.at(0)
    assert m.screen == "document" and rig.docs.previews[-1][1].kind == "certificate"
    # signed in already: 在本机办理 goes straight to the document
    m.tap_home(rig.now)
    rig.post(ev.IdCardRead(ZHOU))
    m.tap_take_ticket(rig.now)
    m.tap_item("SB-001", rig.now)
    m.tap_guide_here(rig.now)
    rig.at(0)
    assert m.screen == "document" and rig.docs.previews[-1][1].kind == "record"


# -- search ----------------------------------------------------------------------------------

def names(picker: ItemPicker, query: str) -> list[str]:
    picker.start_search()
    for key in query:
        picker.type(key)
    return [i.name for i in picker.matching()]


def test_search_by_initials_and_everyday_names(rig: DocRig) -> None:
    picker = ItemPicker(rig.model.cfg.items, 8, 4)
    sbk = names(picker, "SBK")  # the hint's own example: 社保卡
    cards = {"社会保障卡申领", "社会保障卡临时挂失", "社会保障卡补换", "社会保障卡领取", "社会保障卡启用与密码重置"}
    assert cards <= set(sbk)
    assert names(picker, "YLJ") == ["基本养老保险待遇申领"]  # 养老金
    assert "社会保障卡临时挂失" in names(picker, "GS")  # 挂失
    assert names(picker, "SHBZK")[0].startswith("社会保障卡")
    assert names(picker, "CBZM")[0] == "参保证明查询打印"
    # a match on the name comes before one on an everyday name
    item_a = Item("X-1", "测试事项", "社会保障", "A", aliases=("社保卡",))
    item_b = Item("X-2", "社保卡补办", "社会保障", "A")
    p = ItemPicker([item_a, item_b])
    assert names(p, "SBK") == ["社保卡补办", "测试事项"]


# -- the ticket: priority, the holder, no paper ------------------------------------------------

def test_an_elderly_ticket_prints_its_priority_and_an_id_card_is_labelled_as_such(rig: DocRig) -> None:
    m = rig.model
    rig.post(ev.IdCardRead(WANG.__class__(WANG.id_number, WANG.name, WANG.birth, "idcard")))
    m.tap_take_ticket(rig.now)
    m.tap_item("GG-001", rig.now)
    m.tap_guide_ticket(rig.now)
    req = rig.link.requests[-1][1]
    assert req["priority"] == "elderly" and req["holder"] == "王*"
    rig.reply_ok("B001", priority="elderly", holder="王*")
    _, slip = rig.printer.tickets[-1]
    printed = ticket_bytes(slip)
    assert "长者优先".encode("gb18030") in printed
    assert "身份证：王*".encode("gb18030") in printed and "持卡人".encode("gb18030") not in printed


def test_no_paper_shows_the_number_large_reads_it_out_and_says_where_to_ask(rig: DocRig) -> None:
    m = rig.model
    rig.post(ev.PrinterChecked(("paper_out",)))
    m.tap_take_ticket(rig.now)
    m.tap_item("GG-001", rig.now)
    m.tap_guide_ticket(rig.now)
    rig.reply_ok("B004")
    assert m.screen == "ticket" and m.ticket is not None and m.ticket.state == "qr" and rig.printer.tickets == []
    v = views.ticket(m)
    assert v is not None and v.number == "B004" and "服务台" in v.status and "B004" in v.status
    assert v.qr_url == "http://hall.test/t/B004"
    assert rig.speaker.said[-1] == "打印机暂时不能出票。您的号码是bi4 零零四，请记住号码，留意叫号。如需帮助请到服务台"
    assert not m.session.elderly  # read out for everyone, not only in elderly mode (the letter as the display reads it)


def views_document(m: KioskModel) -> Any:
    v = m.documents.view()
    assert v is not None
    return v


def test_a_wrong_guide_file_is_a_configuration_error(tmp_path: Path) -> None:
    from hall_contract.config import ConfigError

    (tmp_path / "hall.toml").write_text(HALL_TOML.read_text(encoding="utf-8"), encoding="utf-8")
    guide = tmp_path / "guide.toml"
    guide.write_text('[guide.XX-999]\nmaterials = ["居民身份证"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="XX-999"):
        load_kiosk_settings(tmp_path / "hall.toml", env={})
    guide.write_text('[guide.SB-001\nmaterials = [', encoding="utf-8")
    with pytest.raises(ConfigError, match="guide"):
        load_kiosk_settings(tmp_path / "hall.toml", env={})
    guide.unlink()  # no guide: the items go straight to the ticket
    assert load_kiosk_settings(tmp_path / "hall.toml", env={}).guide == {}

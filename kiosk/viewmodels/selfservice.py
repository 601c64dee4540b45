"""自助办: the self-service items for an identified holder, through the platform gateway.

个人权益记录 is shown and can be printed; 参保证明 is printed at once; 业务办理进度 asks a receipt
number; 职业资格证书查询 lists certificates. A card holder is asked the card's PIN before the first
of these in a session (never twice). 社保卡临时挂失 is for a card that is not here: by ID card or
e-card, it shows what will happen and asks for a confirmation, then the service PIN (checked by
the platform, with tries left), and prints a receipt with the reference; with a card in the
reader it is not offered (that card is here: its own services are). A printout ends the flow
with the take-your-card screen. Only a known holder reaches this flow: the model asks for a card
first (:meth:`SelfService.tap`).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from hardware.printer import RecordSlip
from kiosk import events as ev
from kiosk.gateway import (
    AlreadyLost,
    ApplicationProgress,
    CardLossReceipt,
    ContributionRecord,
    Gateway,
    InsuranceCertificate,
    NotFound,
    Qualifications,
    ServicePinBlocked,
    ServicePinWrong,
)
from kiosk.i18n import t
from kiosk.ports import GatewayPort, PrinterPort
from kiosk.viewmodels.config import ModelConfig
from kiosk.viewmodels.guide import VoiceGuide
from kiosk.viewmodels.hall import HallStatus
from kiosk.viewmodels.session import Session
from kiosk.viewmodels.shell import GatewayOutcome, Line, PrintOutcome, Shell, error_text, pin_blocked

SLIP_MONTHS = 36  # months on a thermal slip; the full record is the A4 document (kiosk.viewmodels.documents)
ACTIONS: dict[str, str] = {"record": "SB-001", "certificate": "SB-002", "card_loss": "KA-002",
                           "progress": "GG-002", "qualification": "RC-003"}


@dataclass
class ResultShown:
    action: str
    title: str
    lines: list[Line] = field(default_factory=list)
    rows: list[tuple[str, str, str, str]] = field(default_factory=list)  # the record's months
    slip: RecordSlip | None = field(default=None, repr=False)
    print_state: str | None = None  # printing | refused
    print_reason: str | None = None


class SelfService:
    def __init__(self, shell: Shell, session: Session, hall: HallStatus, gateway: GatewayPort, printer: PrinterPort,
                 guide: VoiceGuide, cfg: ModelConfig, wall: Callable[[], datetime]) -> None:
        self.shell, self.session, self.hall, self.gateway, self.printer = shell, session, hall, gateway, printer
        self.guide, self.cfg, self.wall = guide, cfg, wall
        self.action: str | None = None
        self.result: ResultShown | None = None
        self.job: str | None = None
        self.print_job: str | None = None

    def clear(self) -> None:
        self.action = self.result = self.job = self.print_job = None

    def available(self) -> list[str]:
        """The actions this hall offers (its self-service items), in menu order."""
        offered = {i.code for i in self.cfg.items if i.self_service}
        actions = [a for a, code in ACTIONS.items() if not self.cfg.items or code in offered]
        return [a for a in actions if a != "card_loss" or not self.session.card_in]

    # -- taps -------------------------------------------------------------------------------
    def tap(self, action: str, now: float) -> None:
        """One of the actions, for the known holder."""
        citizen = self.session.citizen
        if citizen is None:
            return  # the model asks for a card first
        self.action, self.result = action, None
        if action == "card_loss":
            self._loss_confirmation(now)
        else:
            self.shell.with_pin(lambda at: self._run(action, at), now)

    def _loss_confirmation(self, now: float) -> None:
        """临时挂失: say what will happen and ask to confirm (the card in the reader is not lost)."""
        s = self.session
        if s.card_in:
            self.shell.message("svc_card_loss", [("loss_card_in", {})], now, action="card_services", seconds=None)
            return
        self.shell.message("loss_confirm_title", [("loss_confirm", {"name": s.holder_masked, "id": s.id_masked}),
                                                  ("loss_rules", {})], now, action="confirm_loss", seconds=None)

    def confirm_loss(self, now: float) -> None:
        """确认挂失: the service PIN, once; the platform checks it and reports the loss in one call."""
        if self.session.citizen is None or self.action != "card_loss":
            self.shell.end_session(now)
            return
        self.shell.ask_pin("loss", now, self._pin_entered)

    def _run(self, action: str, now: float) -> None:
        citizen = self.session.citizen
        if citizen is None:
            self.shell.end_session(now)
            return
        self.action = action
        number = citizen.id_number
        if action == "progress":
            self.shell.ask_pin("receipt", now, self._receipt_entered)
        elif action == "record":
            self._submit(lambda g: g.contribution_record(number), now)
        elif action == "certificate":
            self._submit(lambda g: g.insurance_certificate(number), now)
        elif action == "qualification":
            self._submit(lambda g: g.qualifications(number), now)

    def _pin_entered(self, pin: str, now: float) -> None:
        """The card's PIN for the loss report: it goes to the platform, which checks it."""
        self._for_holder(lambda g, number: g.report_card_loss(number, pin), now)

    def _receipt_entered(self, receipt: str, now: float) -> None:
        self._for_holder(lambda g, number: g.application_progress(number, receipt), now)

    def _for_holder(self, call: Callable[[Gateway, str], Any], now: float) -> None:
        citizen = self.session.citizen
        if citizen is None:
            self.shell.end_session(now)
            return
        number = citizen.id_number
        self._submit(lambda g: call(g, number), now)

    def print_result(self, now: float) -> None:
        """Print what is shown (when it is printable and the printer can)."""
        shown = self.result
        self.session.touch(now)
        self.shell.changed()
        if shown is None or shown.slip is None or shown.print_state == "printing":
            return
        if not self.hall.can_print():
            shown.print_state, shown.print_reason = "refused", self.hall.printer_problem()
            return
        self.print_job = self.shell.job("record", self.printed)
        shown.print_state, shown.print_reason = "printing", None
        self.printer.print_record(self.print_job, shown.slip)

    def _submit(self, call: Callable[[Gateway], Any], now: float) -> None:
        self.job = self.shell.job("gateway", self.answered)
        self.gateway.submit(self.job, call)
        self.shell.go("loading", now)

    # -- answers ----------------------------------------------------------------------------
    def answered(self, event: GatewayOutcome, now: float) -> None:
        go = self.shell.go
        if event.job != self.job or self.action is None:
            return  # an answer for a session that has ended
        self.job = None
        if isinstance(event, ev.GatewayFailed):
            self._failed(event.error, now)
            return
        result = event.result
        if isinstance(result, ContributionRecord):
            self.result = self._record(result)
            go("record", now)
        elif isinstance(result, InsuranceCertificate):
            self.result = self._certificate(result)
            go("result", now)
            self.print_result(now)
        elif isinstance(result, CardLossReceipt):
            self.result = self._loss_receipt(result)
            go("result", now)
            self.print_result(now)
        elif isinstance(result, ApplicationProgress):
            self.result = ResultShown("progress", "svc_progress", [
                ("progress_receipt", {"receipt": result.receipt}), ("progress_item", {"item": result.item_name}),
                ("progress_dates", {"accepted": result.accepted_on, "days": result.limit_days, "due": result.due_on}),
                ("progress_state", {"state": result.state_text})])
            go("result", now)
        elif isinstance(result, Qualifications):
            lines: list[Line] = [("qual_line", {"title": q.title, "level": q.level, "no": q.certificate_no,
                                                "issued": q.issued_on}) for q in result.items]
            self.result = ResultShown("qualification", "svc_qualification", lines or [("qual_none", {})])
            go("result", now)

    def _failed(self, error: Exception, now: float) -> None:
        shell, text = self.shell, error_text(error, self.session.language)
        if isinstance(error, ServicePinWrong):
            shell.ask_pin("loss", now, self._pin_entered, ("pin_wrong", {"text": text}))
        elif isinstance(error, ServicePinBlocked):
            pin_blocked(shell, self.session, self.cfg, now)
        elif isinstance(error, NotFound) and self.action == "progress":
            shell.ask_pin("receipt", now, self._receipt_entered, ("error_text", {"text": text}))
        elif isinstance(error, NotFound | AlreadyLost):
            self.result = ResultShown(self.action or "", f"svc_{self.action}", [("error_text", {"text": text})])
            shell.go("result", now)
        else:
            shell.message("services_title", [("error_text", {"text": text})], now)

    def printed(self, event: PrintOutcome, now: float) -> None:
        shown = self.result
        if shown is None or event.job != self.print_job:
            return  # the session ended meanwhile
        self.print_job = None
        if isinstance(event, ev.PrintFailed):
            shown.print_state, shown.print_reason = "refused", event.fault
            self.shell.changed()
            return
        note = "loss_printed" if shown.action == "card_loss" else "printed_take"
        if not self.session.card_in:
            self.session.wipe_personal()
        self.clear()
        self.shell.take_back(now, note)

    # -- what is shown and printed ------------------------------------------------------------
    def _record(self, r: ContributionRecord) -> ResultShown:
        lines: list[Line] = [("pin_holder", {"name": r.holder, "id": r.id_masked}),
                             ("record_since", {"since": r.insured_since, "months": r.total_months}),
                             ("record_balance", {"balance": f"{r.account_balance:.2f}"}),
                             ("record_employer", {"employer": r.employer})]
        rows = [(m.month, f"{m.base:.2f}", f"{m.pension_personal:.2f}", f"{m.pension_unit:.2f}") for m in r.months]
        printed = [t(k, "zh_CN", **v) for k, v in lines] + [t("record_header", "zh_CN")]
        printed += [f"{a}  {b:>9}  {c:>8}  {d:>8}" for a, b, c, d in rows[:SLIP_MONTHS]]  # a receipt stays short
        slip = RecordSlip(title="个人权益记录", lines=printed, hall_name=self.cfg.hall_name,
                          printed_at=self.wall())
        return ResultShown("record", "svc_record", lines, rows, slip)

    def _loss_receipt(self, r: CardLossReceipt) -> ResultShown:
        s = self.session
        lines: list[Line] = [("loss_holder", {"name": s.holder_masked}), ("loss_id", {"id": s.id_masked}),
                             ("loss_card", {"card": r.card_masked}), ("loss_ref", {"ref": r.reference}),
                             ("loss_at", {"at": r.reported_at.replace("T", " ")[:16]}),
                             ("loss_until", {"until": r.valid_until}), ("loss_next", {})]
        printed = [t(k, "zh_CN", **v) for k, v in lines]
        slip = RecordSlip(title="社会保障卡临时挂失回执", lines=printed, hall_name=self.cfg.hall_name,
                          printed_at=self.wall())
        return ResultShown("card_loss", "svc_card_loss", lines, slip=slip)

    def _certificate(self, c: InsuranceCertificate) -> ResultShown:
        lines: list[Line] = [("pin_holder", {"name": c.holder, "id": c.id_masked})]
        lines += [("certificate_lines", {"insurance": x.insurance, "status": x.status, "since": x.since,
                                         "months": x.months}) for x in c.lines]
        lines.append(("certificate_code", {"code": c.verification_code}))
        printed = [f"兹证明 {c.holder}（{c.id_masked}）参保情况如下："]
        printed += [t(k, "zh_CN", **v) for k, v in lines[1:]]
        printed.append(f"出具日期：{c.issued_on}")
        slip = RecordSlip(title="参保证明", lines=printed, hall_name=self.cfg.hall_name, printed_at=self.wall())
        return ResultShown("certificate", "svc_certificate", lines, slip=slip)

"""自助办: the self-service items for an identified holder, through the platform gateway.

个人权益记录 is shown and can be printed; 参保证明 is printed at once; 社保卡临时挂失 asks the
card's PIN (checked by the platform, with tries left); 业务办理进度 asks a receipt number;
职业资格证书查询 lists certificates. A printout ends the session (every personal datum is wiped).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

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

if TYPE_CHECKING:
    from kiosk.viewmodels.kiosk import KioskModel

Line = tuple[str, dict[str, Any]]
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
    def __init__(self, model: KioskModel) -> None:
        self.m = model
        self.action: str | None = None
        self.result: ResultShown | None = None
        self.job: str | None = None
        self.print_job: str | None = None

    def clear(self) -> None:
        self.action = self.result = self.job = self.print_job = None

    def available(self) -> list[str]:
        """The actions this hall offers (its self-service items), in menu order."""
        offered = {i.code for i in self.m.cfg.items if i.self_service}
        return [a for a, code in ACTIONS.items() if not self.m.cfg.items or code in offered]

    # -- taps -------------------------------------------------------------------------------
    def tap(self, action: str, now: float) -> None:
        m = self.m
        m.touch(now)
        citizen = m.session.citizen
        if not m.session.authenticated or citizen is None:
            m.after_auth = "services"
            m.go("auth", now)
            return
        self.action, self.result = action, None
        number = citizen.id_number
        if action == "card_loss":
            m.ask_pin("loss", now)
        elif action == "progress":
            m.ask_pin("receipt", now)
        elif action == "record":
            self._submit(lambda g: g.contribution_record(number), now)
        elif action == "certificate":
            self._submit(lambda g: g.insurance_certificate(number), now)
        elif action == "qualification":
            self._submit(lambda g: g.qualifications(number), now)

    def entered(self, purpose: str, value: str, now: float) -> None:
        """The keypad's value for a PIN (``loss``) or a receipt number (``receipt``)."""
        citizen = self.m.session.citizen
        if citizen is None:
            self.m.end_session(now)
            return
        number = citizen.id_number
        if purpose == "loss":
            self._submit(lambda g: g.report_card_loss(number, value), now)
        else:
            self._submit(lambda g: g.application_progress(number, value), now)

    def tap_print(self, now: float) -> None:
        m, shown = self.m, self.result
        m.touch(now)
        if shown is None or shown.slip is None or shown.print_state == "printing":
            return
        if not m.hall.can_print():
            shown.print_state, shown.print_reason = "refused", m.hall.printer_problem()
            m.changed()
            return
        self.print_job = m.job("record")
        shown.print_state, shown.print_reason = "printing", None
        m.printer.print_record(self.print_job, shown.slip)
        m.changed()

    def _submit(self, call: Callable[[Gateway], Any], now: float) -> None:
        self.job = self.m.job("gateway")
        self.m.gateway.submit(self.job, call)
        self.m.go("loading", now)

    # -- answers ----------------------------------------------------------------------------
    def answered(self, event: ev.GatewayAnswered | ev.GatewayFailed, now: float) -> None:
        m = self.m
        if event.job != self.job or self.action is None:
            return  # an answer for a session that has ended
        self.job = None
        if isinstance(event, ev.GatewayFailed):
            self._failed(event.error, now)
            return
        result = event.result
        if isinstance(result, ContributionRecord):
            self.result = self._record(result)
            m.go("record", now)
        elif isinstance(result, InsuranceCertificate):
            self.result = self._certificate(result)
            m.go("result", now)
            self.tap_print(now)
        elif isinstance(result, CardLossReceipt):
            self.result = ResultShown("card_loss", "svc_card_loss", [
                ("loss_done", {"card": result.card_masked, "until": result.valid_until, "ref": result.reference}),
                ("loss_next", {})])
            m.go("result", now)
        elif isinstance(result, ApplicationProgress):
            self.result = ResultShown("progress", "svc_progress", [
                ("progress_receipt", {"receipt": result.receipt}), ("progress_item", {"item": result.item_name}),
                ("progress_dates", {"accepted": result.accepted_on, "days": result.limit_days, "due": result.due_on}),
                ("progress_state", {"state": result.state_text})])
            m.go("result", now)
        elif isinstance(result, Qualifications):
            lines: list[Line] = [("qual_line", {"title": q.title, "level": q.level, "no": q.certificate_no,
                                                "issued": q.issued_on}) for q in result.items]
            self.result = ResultShown("qualification", "svc_qualification", lines or [("qual_none", {})])
            m.go("result", now)

    def _failed(self, error: Exception, now: float) -> None:
        m = self.m
        if isinstance(error, ServicePinWrong):
            m.ask_pin("loss", now, ("pin_wrong", {"text": m.tr_error(error)}))
        elif isinstance(error, ServicePinBlocked):
            m.pin_blocked(now)
        elif isinstance(error, NotFound) and self.action == "progress":
            m.ask_pin("receipt", now, ("error_text", {"text": m.tr_error(error)}))
        elif isinstance(error, NotFound | AlreadyLost):
            self.result = ResultShown(self.action or "", f"svc_{self.action}", [("error_text",
                                                                                 {"text": m.tr_error(error)})])
            m.go("result", now)
        else:
            m.show_message("services_title", [("error_text", {"text": m.tr_error(error)})], now)

    def printed(self, event: ev.PrintFinished | ev.PrintFailed, now: float) -> None:
        m, shown = self.m, self.result
        if shown is None or event.job != self.print_job:
            return
        self.print_job = None
        if isinstance(event, ev.PrintFailed):
            shown.print_state, shown.print_reason = "refused", event.fault
            m.changed()
            return
        m.session.wipe_personal()
        self.clear()
        m.show_message("print", [("printed_take", {})], now, seconds=m.cfg.kiosk.ticket_screen_s)
        m.guide("voice_printed")

    # -- what is shown and printed ------------------------------------------------------------
    def _record(self, r: ContributionRecord) -> ResultShown:
        lines: list[Line] = [("pin_holder", {"name": r.holder, "id": r.id_masked}),
                             ("record_since", {"since": r.insured_since, "months": r.total_months}),
                             ("record_balance", {"balance": f"{r.account_balance:.2f}"}),
                             ("record_employer", {"employer": r.employer})]
        rows = [(m.month, f"{m.base:.2f}", f"{m.pension_personal:.2f}", f"{m.pension_unit:.2f}") for m in r.months]
        printed = [t(k, "zh_CN", **v) for k, v in lines] + [t("record_header", "zh_CN")]
        printed += [f"{a}  {b:>9}  {c:>8}  {d:>8}" for a, b, c, d in rows]
        slip = RecordSlip(title="个人权益记录", lines=printed, hall_name=self.m.cfg.hall_name,
                          printed_at=self.m.wall())
        return ResultShown("record", "svc_record", lines, rows, slip)

    def _certificate(self, c: InsuranceCertificate) -> ResultShown:
        lines: list[Line] = [("pin_holder", {"name": c.holder, "id": c.id_masked})]
        lines += [("certificate_lines", {"insurance": x.insurance, "status": x.status, "since": x.since,
                                         "months": x.months}) for x in c.lines]
        lines.append(("certificate_code", {"code": c.verification_code}))
        printed = [f"兹证明 {c.holder}（{c.id_masked}）参保情况如下："]
        printed += [t(k, "zh_CN", **v) for k, v in lines[1:]]
        printed.append(f"出具日期：{c.issued_on}")
        slip = RecordSlip(title="参保证明", lines=printed, hall_name=self.m.cfg.hall_name, printed_at=self.m.wall())
        return ResultShown("certificate", "svc_certificate", lines, slip=slip)

"""参保证明 and 个人权益记录 as A4 documents: choose the types and period, see a preview, print.

Reached from 自助办 when the kiosk has an A4 printer (``devices.a4_printer_url``). The holder's
record comes from the platform once; every choice makes a new document (with a new
verification code) and its preview; 打印 sends the very pages shown to the CUPS queue, and
registers the code with the hall server (``register_document``) so that ``/verify/{code}``
answers for it. The full name and 社会保障号码 go onto the paper only; the server gets them
masked. The thermal printer keeps tickets and short receipts.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from hall_contract.protocol import RpcReply, Topics
from hardware.document.model import INSURANCES, KINDS, ContributionMonth, DocumentHolder, InsuranceDocument
from hardware.document.verification import grouped, new_code, verify_url
from kiosk import events as ev
from kiosk.gateway import ContributionRecord, Gateway
from kiosk.i18n import t
from kiosk.ports import DocumentPort, GatewayPort, QueueLink
from kiosk.viewmodels.config import ModelConfig
from kiosk.viewmodels.guide import VoiceGuide
from kiosk.viewmodels.hall import HallStatus
from kiosk.viewmodels.session import Session
from kiosk.viewmodels.shell import Shell, error_text

PERIODS = {"all": None, "y1": 12, "y3": 36, "y5": 60}  # months back from the last one
DEFAULT_TYPES = {"certificate": tuple(INSURANCES), "record": ("pension",)}
LABELS = {"pension": ("养老", "Pension"), "medical": ("医疗", "Medical"), "unemployment": ("失业", "Unemployment"),
          "injury": ("工伤", "Work injury")}
PERIOD_LABELS = {"all": ("全部", "All"), "y1": ("近1年", "1 year"), "y3": ("近3年", "3 years"),
                 "y5": ("近5年", "5 years")}
A4_BLOCKING = ("a4_not_fitted", "a4_unreachable", "a4_queue_missing", "a4_stopped", "a4_not_accepting",
               "a4_paper_out", "a4_paper_jam", "a4_cover_open", "a4_toner_out", "a4_offline", "a4_jobs_stuck")


@dataclass
class Registration:
    """A ``register_document`` request waiting for the server's answer."""

    request_id: str
    payload: dict[str, Any]
    started: float
    sent: float


@dataclass(frozen=True)
class DocumentView:
    title: str
    holder: str
    types: list[tuple[str, str, bool]]  # (code, label, chosen)
    periods: list[tuple[str, str, bool]]  # (choice, label, chosen)
    summary: list[str]
    preview: bytes | None
    status: str
    can_print: bool


def months_from(record: ContributionRecord) -> list[ContributionMonth]:
    """The platform's months as the document's rows: one per month and type the platform reports."""
    rows: list[ContributionMonth] = []
    for m in record.months:
        day = date(int(m.month[:4]), int(m.month[5:7]), 1)
        base = Decimal(str(m.base))
        shares = {"pension": (m.pension_personal, m.pension_unit), "medical": (m.medical_personal, m.medical_unit),
                  "unemployment": (m.unemployment_personal, m.unemployment_unit), "injury": (0.0, m.injury_unit)}
        for code, (own, unit) in shares.items():
            if unit is not None:
                rows.append(ContributionMonth(day, code, m.employer, base, Decimal(str(own)).quantize(Decimal("0.01")),
                                              Decimal(str(unit)).quantize(Decimal("0.01")), m.paid))
    return rows


def back_months(last: date, months: int) -> date:
    index = last.year * 12 + last.month - 1 - (months - 1)
    return date(index // 12, index % 12 + 1, 1)


class DocumentDesk:
    def __init__(self, shell: Shell, session: Session, hall: HallStatus, gateway: GatewayPort, a4: DocumentPort,
                 link: QueueLink, guide: VoiceGuide, cfg: ModelConfig, wall: Callable[[], datetime]) -> None:
        self.shell, self.session, self.hall, self.gateway, self.a4, self.link = shell, session, hall, gateway, a4, link
        self.guide, self.cfg, self.wall = guide, cfg, wall
        self.clear()

    def clear(self) -> None:
        self.kind: str | None = None
        self.record: ContributionRecord | None = None
        self.rows: list[ContributionMonth] = []
        self.types: tuple[str, ...] = ()
        self.period = "all"
        self.document: InsuranceDocument | None = None
        self.preview: bytes | None = None
        self.pages = 0
        self.state: str | None = None  # loading | rendering | ready | printing | refused
        self.reason: str | None = None
        self.held = False  # refused by the printer's state (not by a failed job): cleared when it is ready
        self.registration: Registration | None = None
        self.job: str | None = None

    @property
    def can_print_now(self) -> bool:
        return not any(f in A4_BLOCKING for f in self.hall.a4_faults)

    def available(self) -> bool:
        """Whether documents go to an A4 printer here (one is configured)."""
        return bool(self.cfg.a4_printer_url)

    # -- taps -------------------------------------------------------------------------------
    def start(self, kind: str, now: float) -> None:
        citizen = self.session.citizen
        if citizen is None or kind not in KINDS:
            return
        self.clear()
        self.kind, self.state = kind, "loading"
        self.types = DEFAULT_TYPES[kind]
        number = citizen.id_number
        self.job = self.shell.job("gateway", self._answered)
        self.gateway.submit(self.job, lambda g: _record(g, number))
        self.shell.go("loading", now)

    def toggle(self, code: str, now: float) -> None:
        if code not in self.offered() or self.state in ("printing", "registering", "loading"):
            return
        chosen = set(self.types) ^ {code}
        if chosen:  # at least one type stays chosen
            self.types = tuple(c for c in INSURANCES if c in chosen)
            self._rebuild(now)

    def choose_period(self, choice: str, now: float) -> None:
        if choice in PERIODS and self.state not in ("printing", "registering", "loading"):
            self.period = choice
            self._rebuild(now)

    def print_now(self, now: float) -> None:
        doc = self.document
        if doc is None or self.preview is None or self.state in ("printing", "registering", "loading", "rendering"):
            return
        if not self.can_print_now:
            self.state, self.reason, self.held = "refused", self._fault(), True
            self.shell.changed()
            return
        # first the hall server learns the code (so the paper can be checked the moment it is out), then it prints
        self.state, self.reason, self.held = "registering", None, False
        self.registration = self._register(doc, now)
        self.guide.say("voice_document_printing")
        self.shell.changed()

    def reply(self, reply: RpcReply, now: float) -> None:
        """The server's answer to ``register_document``: print now, or say why not."""
        pending = self.registration
        if pending is None or reply.request_id != pending.request_id or self.document is None:
            return
        self.registration = None
        if not reply.ok:
            self.state, self.reason = "refused", "document_not_registered"
            self.shell.changed()
            return
        self.state = "printing"
        self.job = self.shell.job("document", self._printed)
        self.a4.print_document(self.job, self.document)
        self.shell.changed()

    def tick(self, now: float, connected: bool) -> None:
        """Send an unanswered registration again (same ``request_id``); give up after ``rpc_give_up_s``."""
        pending = self.registration
        if pending is None:
            return
        k = self.cfg.kiosk
        if now - pending.started >= k.rpc_give_up_s:
            self.registration, self.state, self.reason = None, "refused", "document_not_registered"
            self.shell.changed()
        elif connected and now - pending.sent >= k.rpc_timeout_s:
            pending.sent = now
            self.link.request("register_document", pending.payload)

    # -- what the platform and the printer answer -------------------------------------------------
    def _answered(self, event: ev.GatewayAnswered | ev.GatewayFailed, now: float) -> None:
        if event.job != self.job or self.kind is None:
            return
        if isinstance(event, ev.GatewayFailed):
            text = error_text(event.error, self.session.language)
            self.shell.message("services_title", [("error_text", {"text": text})], now)
            return
        self.record = event.result
        self.rows = months_from(event.result)
        self.types = tuple(c for c in self.types if c in self.offered()) or self.offered()[:1]
        self._rebuild(now)
        self.shell.go("document", now)

    def offered(self) -> tuple[str, ...]:
        """The types the platform reported months for."""
        have = {r.insurance for r in self.rows}
        return tuple(c for c in INSURANCES if c in have)

    def _rebuild(self, now: float) -> None:
        citizen = self.session.citizen
        if citizen is None or not self.rows or self.kind is None:
            return
        last = max(r.month for r in self.rows)
        first = min(r.month for r in self.rows)
        back = PERIODS[self.period]
        if back is not None:
            first = max(first, back_months(last, back))
        code = new_code()
        self.document = InsuranceDocument(
            kind=self.kind, hall_name=self.cfg.hall_name, issuer=self.cfg.document_issuer or self.cfg.hall_name,
            holder=DocumentHolder(name=citizen.name, ssn=citizen.id_number), insurances=self.types,
            first_month=first, last_month=last, months=self.rows, verification_code=code,
            verify_url=verify_url(self.cfg.public_url, code), issued_at=self.wall())
        self.preview, self.pages, self.state, self.reason = None, 0, "rendering", None
        self.job = self.shell.job("document", self._previewed)
        self.a4.preview(self.job, self.document)
        self.shell.changed()

    def _previewed(self, event: ev.DocumentPreviewed | ev.DocumentFailed, now: float) -> None:
        if event.job != self.job:
            return  # an older choice's preview
        if isinstance(event, ev.DocumentFailed):
            self.state, self.reason = "refused", event.fault
        else:
            self.preview, self.pages, self.state = event.png, event.pages, "ready"
        self.shell.changed()

    def _printed(self, event: ev.DocumentPrinted | ev.DocumentFailed, now: float) -> None:
        if event.job != self.job:
            return
        if isinstance(event, ev.DocumentFailed):
            self.state, self.reason = "refused", event.fault
            self.shell.changed()
            return
        pages = event.pages
        self.clear()
        self.session.wipe_personal()
        self.shell.message("print", [("document_take", {"pages": pages})], now,
                           seconds=self.cfg.kiosk.ticket_screen_s)
        self.guide.say("voice_printed")

    def _register(self, doc: InsuranceDocument, now: float) -> Registration:
        citizen = self.session.citizen
        assert citizen is not None
        payload: dict[str, Any] = {
            "v": 1, "request_id": str(uuid.uuid4()), "source": self.cfg.device_id,
            "reply_to": Topics(self.cfg.hall_id).reply(self.cfg.device_id), "code": doc.verification_code,
            "kind": doc.kind, "holder": citizen.masked_name(), "id_masked": citizen.masked_id(),
            "insurances": list(doc.insurances), "first_month": f"{doc.first_month:%Y-%m}",
            "last_month": f"{doc.last_month:%Y-%m}", "pages": max(self.pages, 1),
            "issued_at": doc.issued_at.isoformat(timespec="seconds")}
        self.link.request("register_document", payload)
        return Registration(payload["request_id"], payload, started=now, sent=now)

    def _fault(self) -> str:
        return next((f for f in self.hall.a4_faults if f in A4_BLOCKING), "a4_fault")

    # -- what the screen shows ----------------------------------------------------------------------
    def view(self) -> DocumentView | None:
        doc, lang = self.document, self.session.language
        if self.kind is None or doc is None:
            return None
        en = lang == "en"
        types = [(c, LABELS[c][en], c in self.types) for c in self.offered()]
        periods = [(p, PERIOD_LABELS[p][en], p == self.period) for p in PERIODS]
        selected = doc.selected()
        months = len({(r.month.year, r.month.month) for r in selected})
        summary = [t("document_period", lang, first=f"{doc.first_month:%Y-%m}", last=f"{doc.last_month:%Y-%m}",
                     months=months),
                   t("document_types", lang, types="、".join(LABELS[c][en] for c in doc.insurances)),
                   t("document_code", lang, code=grouped(doc.verification_code))]
        if self.pages:
            summary.append(t("document_pages", lang, pages=self.pages))
        refused = t("print_refused", lang, reason=t(self.reason or "a4_fault", lang))
        if self.held and self.can_print_now:
            refused = ""  # the printer that refused is ready again
        status = {"rendering": t("document_rendering", lang), "printing": t("document_printing", lang),
                  "registering": t("document_printing", lang),
                  "refused": refused}.get(self.state or "", "")
        citizen = self.session.citizen
        holder = ""
        if citizen is not None:  # labelled by what identified the holder: 持卡人 or 身份证
            key = "holder_idcard" if citizen.source == "idcard" else "holder_card"
            label = t(key, lang, name=citizen.masked_name())
            holder = f"{label}　{citizen.masked_id()}"
        return DocumentView(title=t(f"document_{self.kind}", lang), holder=holder, types=types, periods=periods,
                            summary=summary, preview=self.preview, status=status,
                            can_print=self.preview is not None and self.state in ("ready", "refused")
                            and self.can_print_now)


def _record(g: Gateway, number: str) -> ContributionRecord:
    return g.contribution_record(number)


class NoDocuments:
    """The document port of a kiosk without an A4 printer: every job fails at once."""

    def __init__(self, inbox: Callable[[ev.Event], None]) -> None:
        self.post = inbox

    def preview(self, job: str, document: InsuranceDocument) -> None:
        self.post(ev.DocumentFailed(job, "a4_not_fitted", "本机未配置A4打印机", "no A4 printer fitted"))

    def print_document(self, job: str, document: InsuranceDocument) -> None:
        self.preview(job, document)

    def check(self) -> None:
        self.post(ev.A4Checked(("a4_not_fitted",)))

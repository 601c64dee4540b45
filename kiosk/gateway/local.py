"""The local backend: the platform's answers from a SQLite file of its own.

:meth:`LocalGateway.open` creates the file and fills it (once) with the holders of
``persons.csv`` and their generated records (:mod:`kiosk.gateway._records`). The card PIN is
kept only as a salted PBKDF2 hash with a try counter, as a platform keeps a service password.
Each call opens its own connection, so any thread may call.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

from hall_contract.citizen import mask_card_number, mask_id, mask_name
from kiosk.gateway import _records as rec
from kiosk.gateway import ecard
from kiosk.gateway.models import (
    AlreadyLost,
    ApplicationProgress,
    CardLossReceipt,
    ContributionMonth,
    ContributionRecord,
    ECardHolder,
    ECardInvalid,
    InsuranceCertificate,
    InsuranceLine,
    NotFound,
    Qualification,
    Qualifications,
    ServicePinBlocked,
    ServicePinWrong,
)

PIN_TRIES = 3
PIN_ITERATIONS = 2_000
LOSS_VALID_DAYS = 5
CN = timezone(timedelta(hours=8))

SCHEMA = """
CREATE TABLE IF NOT EXISTS persons (id_number TEXT PRIMARY KEY, name TEXT, birth TEXT, card_number TEXT,
    card_status TEXT, pin_salt BLOB, pin_hash BLOB, pin_tries INTEGER, retired_on TEXT);
CREATE TABLE IF NOT EXISTS contributions (id_number TEXT, month TEXT, employer TEXT, base REAL,
    pension_personal REAL, pension_unit REAL, medical_personal REAL, unemployment_personal REAL,
    PRIMARY KEY (id_number, month));
CREATE TABLE IF NOT EXISTS applications (receipt TEXT PRIMARY KEY, id_number TEXT, item_code TEXT, item_name TEXT,
    accepted_on TEXT, limit_days INTEGER, state TEXT);
CREATE TABLE IF NOT EXISTS qualifications (id_number TEXT, title TEXT, level TEXT, certificate_no TEXT,
    issued_on TEXT);
CREATE TABLE IF NOT EXISTS loss_reports (reference TEXT PRIMARY KEY, id_number TEXT, reported_at TEXT,
    valid_until TEXT);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
"""


def _pin_hash(pin: str, salt: bytes) -> bytes:
    return hashlib.pbkdf2_hmac("sha256", pin.encode("ascii"), salt, PIN_ITERATIONS)


class LocalGateway:
    """The :class:`~kiosk.gateway.Gateway` on a SQLite file (``path``); ``as_of`` fixes "today"."""

    def __init__(self, path: str | os.PathLike[str], persons_csv: Path = rec.PERSONS_CSV,
                 as_of: date | None = None) -> None:
        self.path = Path(path)
        self.persons_csv = persons_csv
        self.as_of = as_of

    def today(self) -> date:
        return self.as_of or datetime.now(CN).date()

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        conn = sqlite3.connect(self.path, timeout=5)
        try:
            with conn:
                yield conn
        finally:
            conn.close()

    def open(self) -> None:
        """Create and fill the database unless it already is."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._db() as db:
            db.executescript(SCHEMA)
            if db.execute("SELECT value FROM meta WHERE key = 'built'").fetchone():
                return
            for p in rec.load_persons(self.persons_csv):
                self._add_person(db, p)
            db.execute("INSERT INTO meta VALUES ('built', ?)", (self.today().isoformat(),))

    def close(self) -> None:
        """Nothing stays open between calls; here for symmetry with other backends."""

    def _add_person(self, db: sqlite3.Connection, p: rec.Person) -> None:
        salt = os.urandom(16)
        retired = rec.retirement(p)
        db.execute("INSERT INTO persons VALUES (?,?,?,?,?,?,?,?,?)",
                   (p.id_number, p.name, p.birth.isoformat(), p.card_number, p.card_status, salt,
                    _pin_hash(p.pin, salt), PIN_TRIES, retired.isoformat() if retired <= self.today() else None))
        months = rec.contribution_months(p, self.today())
        db.executemany("INSERT INTO contributions VALUES (?,?,?,?,?,?,?,?)",
                       [(p.id_number, m.month, m.employer, m.base, m.pension_personal, m.pension_unit,
                         m.medical_personal, m.unemployment_personal) for m in months])
        db.executemany("INSERT INTO applications VALUES (?,?,?,?,?,?,?)",
                       [(r, p.id_number, c, n, a, d, s) for r, c, n, a, d, s in rec.applications(p, self.today())])
        db.executemany("INSERT INTO qualifications VALUES (?,?,?,?,?)",
                       [(p.id_number, *q) for q in rec.qualifications(p)])

    def _person(self, db: sqlite3.Connection, id_number: str) -> sqlite3.Row:
        db.row_factory = sqlite3.Row
        row = db.execute("SELECT * FROM persons WHERE id_number = ?", (id_number.upper(),)).fetchone()
        if row is None:
            raise NotFound("no such holder")
        return row

    def contribution_record(self, id_number: str) -> ContributionRecord:
        with self._db() as db:
            person = self._person(db, id_number)
            rows = db.execute("SELECT * FROM contributions WHERE id_number = ? ORDER BY month DESC",
                              (person["id_number"],)).fetchall()
        if not rows:
            raise NotFound("no contributions")
        balance = round(sum(r["pension_personal"] for r in rows) * 1.03, 2)
        months = [ContributionMonth(month=r["month"], employer=r["employer"], base=r["base"],
                                    pension_personal=r["pension_personal"], pension_unit=r["pension_unit"],
                                    medical_personal=r["medical_personal"],
                                    unemployment_personal=r["unemployment_personal"],
                                    medical_unit=round(r["base"] * 0.08, 2),
                                    unemployment_unit=round(r["base"] * 0.005, 2),
                                    injury_unit=round(r["base"] * 0.004, 2)) for r in rows]  # every month
        return ContributionRecord(holder=mask_name(person["name"]), id_masked=mask_id(person["id_number"]),
                                  insured_since=rows[-1]["month"], total_months=len(rows), account_balance=balance,
                                  employer=rows[0]["employer"], months=months)

    def insurance_certificate(self, id_number: str) -> InsuranceCertificate:
        record = self.contribution_record(id_number)
        with self._db() as db:
            retired = self._person(db, id_number)["retired_on"]
        pension_status = "待遇领取" if retired else "正常参保"
        other_status = "终止参保" if retired else "正常参保"
        lines = [InsuranceLine(insurance=name, status=pension_status if i == 0 else other_status,
                               since=record.insured_since, months=record.total_months, employer=record.employer)
                 for i, name in enumerate(("企业职工基本养老保险", "职工基本医疗保险", "失业保险", "工伤保险"))]
        code = hashlib.sha256(f"{id_number}:{self.today()}".encode()).hexdigest()[:12].upper()
        return InsuranceCertificate(holder=record.holder, id_masked=record.id_masked,
                                    issued_on=self.today().isoformat(), verification_code=code, lines=lines)

    def report_card_loss(self, id_number: str, pin: str) -> CardLossReceipt:
        with self._db() as db:
            person = self._person(db, id_number)
            if person["pin_tries"] <= 0:
                raise ServicePinBlocked()
            if not hmac.compare_digest(_pin_hash(pin, person["pin_salt"]), person["pin_hash"]):
                tries = person["pin_tries"] - 1
                db.execute("UPDATE persons SET pin_tries = ? WHERE id_number = ?", (tries, person["id_number"]))
                db.commit()
                raise ServicePinWrong(tries) if tries else ServicePinBlocked()
            db.execute("UPDATE persons SET pin_tries = ? WHERE id_number = ?", (PIN_TRIES, person["id_number"]))
            if person["card_status"] == "lost":
                db.commit()
                raise AlreadyLost()
            now = datetime.now(CN)
            reference = f"GS{now:%Y%m%d%H%M%S}{person['id_number'][-4:]}"
            valid_until = rec.add_working_days(self.today(), LOSS_VALID_DAYS).isoformat()
            db.execute("UPDATE persons SET card_status = 'lost' WHERE id_number = ?", (person["id_number"],))
            db.execute("INSERT OR REPLACE INTO loss_reports VALUES (?,?,?,?)",
                       (reference, person["id_number"], now.isoformat(timespec="seconds"), valid_until))
        return CardLossReceipt(reference=reference, card_masked=mask_card_number(person["card_number"]),
                               reported_at=now.isoformat(timespec="seconds"), valid_until=valid_until)

    def application_progress(self, id_number: str, receipt: str) -> ApplicationProgress:
        with self._db() as db:
            db.row_factory = sqlite3.Row
            row = db.execute("SELECT * FROM applications WHERE receipt = ? AND id_number = ?",
                             (receipt.strip(), id_number.upper())).fetchone()
        if row is None:
            raise NotFound("no such receipt for this holder")
        due = rec.add_working_days(date.fromisoformat(row["accepted_on"]), row["limit_days"])
        return ApplicationProgress(receipt=row["receipt"], item_code=row["item_code"], item_name=row["item_name"],
                                   accepted_on=row["accepted_on"], limit_days=row["limit_days"],
                                   due_on=due.isoformat(), state=row["state"], state_text=rec.state_text(row["state"]))

    def qualifications(self, id_number: str) -> Qualifications:
        with self._db() as db:
            person = self._person(db, id_number)
            rows = db.execute("SELECT * FROM qualifications WHERE id_number = ? ORDER BY issued_on DESC",
                              (person["id_number"],)).fetchall()
        return Qualifications(holder=mask_name(person["name"]), items=[
            Qualification(title=r["title"], level=r["level"], certificate_no=r["certificate_no"],
                          issued_on=r["issued_on"], authority=rec.AUTHORITY) for r in rows])

    def _ecard_key(self, db: sqlite3.Connection) -> bytes:
        db.execute("INSERT OR IGNORE INTO meta VALUES ('ecard_key', ?)", (os.urandom(32).hex(),))
        return bytes.fromhex(db.execute("SELECT value FROM meta WHERE key = 'ecard_key'").fetchone()[0])

    def verify_ecard(self, code: str) -> ECardHolder:
        """Whose 电子社保卡 login code this is (fresh and made by this platform), per :mod:`kiosk.gateway.ecard`."""
        with self._db() as db:
            key = self._ecard_key(db)
            parsed = ecard.parse_code(key, code, datetime.now(CN))
            db.row_factory = sqlite3.Row
            for person in db.execute("SELECT id_number, name, birth FROM persons"):
                if hmac.compare_digest(ecard.holder_token(key, person["id_number"]), parsed.token):
                    return ECardHolder(id_number=person["id_number"], name=person["name"],
                                       birth=date.fromisoformat(person["birth"]), holder=mask_name(person["name"]),
                                       id_masked=mask_id(person["id_number"]))
        raise ECardInvalid("no holder for this code")

    def ecard_code(self, id_number: str, at: datetime | None = None) -> str:
        """The login code the holder's app shows now (the simulator's side: for tests and the demo)."""
        with self._db() as db:
            key = self._ecard_key(db)
        return ecard.make_code(key, id_number, at or datetime.now(CN))

    def receipts_of(self, id_number: str) -> list[str]:
        """The holder's receipt numbers (for tests and the demo's hints)."""
        with self._db() as db:
            return [r[0] for r in db.execute("SELECT receipt FROM applications WHERE id_number = ? ORDER BY receipt",
                                              (id_number.upper(),))]

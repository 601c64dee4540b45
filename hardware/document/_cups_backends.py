"""Two ways to talk to CUPS: pycups (IPP through libcups) and the ``lp``/``lpstat`` commands.

Both answer the same small questions: the queue's state, its unfinished jobs, submit a PDF,
a job's state. Every failure becomes an :class:`A4PrinterError`. The ``lp`` way knows less:
lpstat shows neither IPP state reasons (paper, toner) nor job ages, and a finished job only
as "not in the queue any more".
"""
from __future__ import annotations

import os
import re
import subprocess
from dataclasses import dataclass
from typing import Any, Protocol

from hardware.document.errors import A4NotAccepting, A4PrinterError, A4QueueMissing, A4ServiceUnavailable

JOB_STATES = {3: "pending", 4: "held", 5: "processing", 6: "stopped", 7: "canceled", 8: "aborted", 9: "completed"}
PRINTER_STATES = {3: "idle", 4: "printing", 5: "stopped"}
PRINTER_ATTRIBUTES = ["printer-state", "printer-state-reasons", "printer-state-message", "printer-is-accepting-jobs"]
JOB_ATTRIBUTES = ["job-id", "job-state", "time-at-creation", "job-printer-uri"]
JOB_OPTIONS = {"media": "A4", "print-scaling": "none"}  # on A4 at true size, whatever the queue defaults to


@dataclass(frozen=True)
class JobInfo:
    id: int
    state: str
    created: float | None  # seconds since the epoch, on the CUPS server's clock


@dataclass(frozen=True)
class QueueInfo:
    state: str  # idle, printing, stopped
    accepting: bool
    reasons: tuple[str, ...]  # IPP printer-state-reasons, "none" left out
    message: str
    jobs: tuple[JobInfo, ...]  # not completed


class Backend(Protocol):
    name: str

    def queue(self, name: str) -> QueueInfo | None: ...

    def submit(self, queue: str, pdf: bytes, title: str) -> int: ...

    def job_state(self, job: int) -> str: ...


class PycupsBackend:
    name = "pycups"

    def __init__(self, server: str | None) -> None:
        self.server = server

    def _connect(self) -> Any:
        import cups

        options: dict[str, Any] = {}
        if self.server:
            host, _, port = self.server.rpartition(":")
            if self.server.startswith("/") or not port.isdigit():
                options["host"] = self.server
            else:
                options.update(host=host, port=int(port))
        try:
            return cups.Connection(**options)
        except RuntimeError as err:
            raise A4ServiceUnavailable(f"{self.server or 'default CUPS server'}: {err}") from err

    def queue(self, name: str) -> QueueInfo | None:
        import cups

        connection = self._connect()
        try:
            attributes = connection.getPrinterAttributes(name, requested_attributes=PRINTER_ATTRIBUTES)
            jobs = connection.getJobs(which_jobs="not-completed", requested_attributes=JOB_ATTRIBUTES)
        except cups.IPPError as err:
            if err.args and err.args[0] == cups.IPP_NOT_FOUND:
                return None
            raise _ipp_error(err) from err
        except cups.HTTPError as err:
            raise A4ServiceUnavailable(f"HTTP {err.args}") from err
        mine = tuple(
            JobInfo(job_id, JOB_STATES.get(job.get("job-state", 0), "unknown"), job.get("time-at-creation"))
            for job_id, job in sorted(jobs.items())
            if str(job.get("job-printer-uri", "")).endswith(f"/printers/{name}")
        )
        reasons = attributes.get("printer-state-reasons", [])
        return QueueInfo(
            state=PRINTER_STATES.get(attributes.get("printer-state", 0), "unknown"),
            accepting=bool(attributes.get("printer-is-accepting-jobs", False)),
            reasons=tuple(r for r in ([reasons] if isinstance(reasons, str) else reasons) if r != "none"),
            message=str(attributes.get("printer-state-message", "")),
            jobs=mine,
        )

    def submit(self, queue: str, pdf: bytes, title: str) -> int:
        """One job, the PDF streamed to the scheduler (no file left on this machine)."""
        import cups

        connection = self._connect()
        try:
            job = connection.createJob(queue, title, dict(JOB_OPTIONS))
            connection.startDocument(queue, job, title, "application/pdf", 1)
            connection.writeRequestData(pdf, len(pdf))
            status = connection.finishDocument(queue)
        except cups.IPPError as err:
            raise _ipp_error(err) from err
        except cups.HTTPError as err:
            raise A4ServiceUnavailable(f"HTTP {err.args}") from err
        if status != cups.IPP_OK:
            raise A4PrinterError(f"job {queue}-{job}: IPP status 0x{status:04X}")
        return int(job)

    def job_state(self, job: int) -> str:
        import cups

        try:
            attributes = self._connect().getJobAttributes(job, requested_attributes=["job-state"])
        except cups.IPPError as err:
            raise _ipp_error(err) from err
        return JOB_STATES.get(attributes.get("job-state", 0), "unknown")


def _ipp_error(err: Any) -> A4PrinterError:
    import cups

    status, text = (*err.args, None, "")[:2]
    text = text or ""
    if status == cups.IPP_NOT_FOUND:
        return A4QueueMissing(str(text))
    if status == cups.IPP_NOT_ACCEPTING:
        return A4NotAccepting(str(text))
    if status in (-1, None) or "connect" in str(text).lower():
        return A4ServiceUnavailable(str(text))
    return A4PrinterError(f"IPP 0x{status:04X}: {text}")


class LpBackend:
    name = "lp"

    def __init__(self, server: str | None) -> None:
        self.server = server
        self._queues: dict[int, str] = {}  # job id → queue, for job_state

    def _run(self, command: str, *args: str, data: bytes | None = None) -> subprocess.CompletedProcess[str]:
        server = ["-h", self.server] if self.server else []
        try:
            result = subprocess.run(
                [command, *server, *args], input=data, capture_output=True, timeout=30,
                env={**os.environ, "LC_ALL": "C", "LANG": "C"},  # the messages parsed here are English
            )
        except (OSError, subprocess.SubprocessError) as err:
            raise A4ServiceUnavailable(f"{command}: {err}") from err
        return subprocess.CompletedProcess(result.args, result.returncode, result.stdout.decode(errors="replace"),
                                           result.stderr.decode(errors="replace"))

    def queue(self, name: str) -> QueueInfo | None:
        scheduler = self._run("lpstat", "-r")
        if "scheduler is running" not in scheduler.stdout:
            raise A4ServiceUnavailable(f"{self.server or 'default CUPS server'}: {scheduler.stdout.strip()}")
        printer = self._run("lpstat", "-p", name)
        if printer.returncode != 0:
            if "destination" in printer.stderr.lower() or "does not exist" in printer.stderr:
                return None
            raise A4ServiceUnavailable(printer.stderr.strip())
        first, *rest = printer.stdout.splitlines() or [""]
        state = "stopped" if " disabled " in first else "printing" if "now printing" in first else "idle"
        accepting = self._run("lpstat", "-a", name).stdout
        jobs = self._run("lpstat", "-o", name).stdout.split()
        ids = [int(word.rsplit("-", 1)[1]) for word in jobs if re.fullmatch(rf"{re.escape(name)}-\d+", word)]
        return QueueInfo(
            state=state,
            accepting=" accepting requests" in accepting and "not accepting" not in accepting,
            reasons=(),
            message=" ".join(line.strip() for line in rest).strip(),
            jobs=tuple(JobInfo(job, "pending", None) for job in ids),
        )

    def submit(self, queue: str, pdf: bytes, title: str) -> int:
        options = [arg for key, value in JOB_OPTIONS.items() for arg in ("-o", f"{key}={value}")]
        result = self._run("lp", "-d", queue, "-t", title, *options, "-", data=pdf)
        match = re.search(rf"request id is {re.escape(queue)}-(\d+)", result.stdout)
        if result.returncode != 0 or match is None:
            message = result.stderr.strip()
            if "does not exist" in message:
                raise A4QueueMissing(message)
            if "not accepting" in message:
                raise A4NotAccepting(message)
            raise A4PrinterError(message or result.stdout.strip())
        job = int(match.group(1))
        self._queues[job] = queue
        return job

    def job_state(self, job: int) -> str:
        queue = self._queues.get(job, "")
        pending = self._run("lpstat", "-W", "not-completed", "-o", *([queue] if queue else [])).stdout
        if re.search(rf"-{job}\b", pending):
            return "pending"
        return "completed"  # lpstat cannot tell a printed job from an aborted one

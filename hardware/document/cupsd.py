"""A private CUPS scheduler for tests and the demo: its own config, spool and socket, no TCP port.

It runs Debian's real ``cupsd`` (as root, ``cupsd -f``) with every path under one folder, so
it neither reads nor changes the machine's ``/etc/cups`` or ``/var/spool/cups`` and can run
beside a system CUPS. :meth:`PrivateCups.add_pdf_queue` adds a real queue with Debian's
``printer-driver-cups-pdf``: jobs go through the normal filter chain (pdftopdf, pdftops) to
the cups-pdf backend, which writes each job as a PDF into ``~/PDF`` of the job's user
(``Out`` in ``/etc/cups/cups-pdf.conf``), the file named after the job title.

cups-pdf is a PostScript printer: CUPS turns the PDF into PostScript and Ghostscript turns it
back, and on the way CJK glyphs become Type 3 fonts without a Unicode map (with every
``pdftops-renderer``). The output looks exactly like the document, but its Chinese text
cannot be extracted. :meth:`PrivateCups.add_office_printer` adds the other common kind, a
network printer that takes PDF (cups-filters' Generic PDF Printer PPD over
``socket://``, see :mod:`hardware.document.emulator`): there only pdftopdf runs and the PDF
arrives with its text.
"""
from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

PDF_PPD = "lsb/usr/cups-pdf/CUPS-PDF_opt.ppd"
OFFICE_PPD = "/usr/share/ppd/cupsfilters/Generic-PDF_Printer-PDF.ppd"  # cups-filters: a printer that takes PDF


class PrivateCups:
    """``cupsd -f`` with everything under ``root``; :attr:`socket` is its address (``server=``).

    Without ``root`` a fresh folder under the system temp folder is used and removed at
    :meth:`stop`. CUPS filters run as user ``lp``: every folder above ``root`` must let others
    through (pytest's ``tmp_path`` does not).
    """

    def __init__(self, root: Path | None = None) -> None:
        self._own_root = root is None
        self.root = root or Path(tempfile.mkdtemp(prefix="hall-cups-"))
        self.socket = self.root / "cups.sock"
        self._process: subprocess.Popen[bytes] | None = None

    @staticmethod
    def available() -> str | None:
        """Why a private cupsd cannot run here, or None when it can."""
        if shutil.which("cupsd") is None or shutil.which("lpadmin") is None:
            return "CUPS is not installed (Debian: cups printer-driver-cups-pdf)"
        if not Path("/usr/lib/cups/backend/cups-pdf").exists():
            return "printer-driver-cups-pdf is not installed"
        if os.geteuid() != 0:
            return "cupsd and the cups-pdf backend need root"
        return None

    def start(self, timeout_s: float = 15.0) -> None:
        for name in ("etc", "spool", "cache", "state", "log", "tmp"):
            (self.root / name).mkdir(parents=True, exist_ok=True)
            (self.root / name).chmod(0o1777 if name == "tmp" else 0o755)
        self.root.chmod(0o755)  # filters run as user lp and must reach the spool and temp folders
        files, conf = self.root / "etc" / "cups-files.conf", self.root / "etc" / "cupsd.conf"
        files.write_text(self._files_conf())
        conf.write_text(self._cupsd_conf())
        log = (self.root / "log" / "cupsd.out").open("wb")
        self._process = subprocess.Popen(
            ["cupsd", "-f", "-c", str(conf), "-s", str(files)], stdout=log, stderr=subprocess.STDOUT
        )
        log.close()
        deadline = time.monotonic() + timeout_s
        while not self._answers():
            if self._process.poll() is not None:
                raise RuntimeError(f"cupsd exited at start: {self.error_log()[-2000:]}")
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError("cupsd did not open its socket in time")
            time.sleep(0.05)

    def _answers(self) -> bool:
        with socket.socket(socket.AF_UNIX) as probe:
            try:
                probe.connect(str(self.socket))
            except OSError:
                return False
        return True

    def _files_conf(self) -> str:
        r = self.root
        return (
            f"ServerRoot {r}/etc\nRequestRoot {r}/spool\nCacheDir {r}/cache\nStateDir {r}/state\n"
            f"TempDir {r}/tmp\nAccessLog {r}/log/access_log\nErrorLog {r}/log/error_log\n"
            f"PageLog {r}/log/page_log\nPrintcap {r}/etc/printcap\nSystemGroup root\nSandboxing relaxed\n"
        )

    def _cupsd_conf(self) -> str:
        return (
            f"LogLevel info\nListen {self.socket}\nBrowsing No\nDefaultAuthType None\nWebInterface No\n"
            "MaxJobs 500\nPreserveJobFiles No\nErrorPolicy stop-printer\n"
            "<Location />\n  Order allow,deny\n  Allow from @LOCAL\n</Location>\n"
            "<Policy default>\n  <Limit All>\n    Order deny,allow\n  </Limit>\n</Policy>\n"
        )

    def lpadmin(self, *args: str) -> None:
        """Run ``lpadmin`` against this scheduler."""
        result = subprocess.run(["lpadmin", "-h", str(self.socket), *args], capture_output=True, timeout=30)
        if result.returncode != 0:
            raise RuntimeError(f"lpadmin {' '.join(args)}: {result.stderr.decode(errors='replace').strip()}")

    def add_pdf_queue(self, name: str = "HallA4") -> str:
        """A cups-pdf queue named ``name``, enabled and accepting; answers its ``cups://`` URL."""
        self.lpadmin("-p", name, "-E", "-v", "cups-pdf:/", "-m", PDF_PPD)
        return self.url(name)

    def add_office_printer(self, name: str, device_uri: str) -> str:
        """A queue for a network printer that takes PDF (``socket://host:port``); answers its URL."""
        self.lpadmin("-p", name, "-E", "-v", device_uri, "-P", OFFICE_PPD)
        return self.url(name)

    def url(self, queue: str) -> str:
        return f"cups://{queue}?server={self.socket}"

    def error_log(self) -> str:
        path = self.root / "log" / "error_log"
        return path.read_text(errors="replace") if path.exists() else ""

    def stop(self) -> None:
        process, self._process = self._process, None
        if process is not None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        if self._own_root:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> PrivateCups:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def cups_pdf_folder(user: str | None = None) -> Path:
    """Where the cups-pdf backend puts a job of ``user`` (default: this process's user): ``~/PDF``."""
    entry = pwd.getpwnam(user) if user else pwd.getpwuid(os.getuid())
    return Path(entry.pw_dir) / "PDF"

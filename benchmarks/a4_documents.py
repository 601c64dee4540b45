"""How long an A4 document takes: rendering the PDF, the preview, and CUPS from submit to printed.

Run (as root, CUPS installed): ``.venv/bin/python benchmarks/a4_documents.py [--runs 3]``.
CUPS runs privately (its own cupsd and socket); the printers are the PDF printer emulator
(network printer taking PDF) and the stock cups-pdf queue.
"""
from __future__ import annotations

import argparse
import time
from datetime import date
from statistics import median

from hardware.document import A4Printer, preview_png, render_pdf
from hardware.document.cupsd import PrivateCups, cups_pdf_folder
from hardware.document.emulator import PdfPrinterEmulator
from hardware.document.render import now_in_hall
from hardware.document.sample import sample_document
from hardware.document.verification import new_code

URL = "http://127.0.0.1:8080"


def timed(runs: int, action: object) -> tuple[float, object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = action()  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    return median(times), result


def render_figures(runs: int) -> None:
    cases = {
        "certificate, 276 months x 4 types": {},
        "certificate, 12 months x 1 type": {"first": date(2025, 1, 1), "insurances": ("pension",)},
        "record, 276 months x 1 type": {"kind": "record", "insurances": ("pension",)},
        "record, 276 months x 4 types": {"kind": "record"},
    }
    print(f"{'document':<36}{'render s':>10}{'pages':>7}{'KB':>7}")
    for name, options in cases.items():
        document = sample_document(new_code(), URL, now_in_hall(), **options)  # type: ignore[arg-type]
        seconds, pdf = timed(runs, lambda document=document: render_pdf(document))
        pages = bytes(pdf).count(b"/Type /Page\n")  # type: ignore[arg-type]
        print(f"{name:<36}{seconds:>10.2f}{pages:>7}{len(pdf) / 1024:>7.0f}")  # type: ignore[arg-type]
        if name.startswith("certificate, 276"):
            preview_s, _ = timed(runs, lambda pdf=pdf: preview_png(pdf))  # type: ignore[misc]
            print(f"{'  preview PNG of page 1 (96 dpi)':<36}{preview_s:>10.2f}")


def cups_figures(runs: int) -> None:
    reason = PrivateCups.available()
    if reason:
        print(f"CUPS figures skipped: {reason}")
        return
    with PdfPrinterEmulator() as office, PrivateCups() as cups:
        queues = {"PDF network printer (Office)": cups.add_office_printer("Office", office.url),
                  "cups-pdf (HallA4)": cups.add_pdf_queue("HallA4")}
        print(f"\n{'queue':<32}{'submit s':>10}{'to printed s':>14}")
        for name, url in queues.items():
            printer = A4Printer(url)
            submit, done = [], []
            for _ in range(runs):
                document = sample_document(new_code(), URL, now_in_hall())
                pdf = render_pdf(document)
                started = time.perf_counter()
                job = printer.print_pdf(pdf, f"bench-{document.verification_code}")
                submit.append(time.perf_counter() - started)
                printer.wait(job, timeout_s=120, poll_s=0.05)
                done.append(time.perf_counter() - started)
                for leftover in cups_pdf_folder().glob(f"*{document.verification_code}*"):
                    leftover.unlink()
            print(f"{name:<32}{median(submit):>10.2f}{median(done):>14.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    render_figures(args.runs)
    cups_figures(args.runs)


if __name__ == "__main__":
    main()

"""What the kiosk knows about the hall and itself: the board, the links, commands, device faults.

:meth:`HallStatus.apply` takes in every event that tells of them (a print job's answer included).

It decides whether tickets may be issued (:meth:`HallStatus.pause_reason`) and what the home
screen lists per queue, and it keeps the fault list the kiosk publishes on
``devices/{id}/status``.
"""
from __future__ import annotations

from dataclasses import dataclass

from hall_contract.protocol import Board
from kiosk import events as ev

PRINTER_FAULTS = ("paper_low", "paper_out", "printer_offline", "cover_open", "printer_no_answer", "no_printer")
PRINT_BLOCKING = ("paper_out", "printer_offline", "cover_open", "printer_no_answer", "no_printer")


@dataclass(frozen=True)
class QueueRow:
    code: str
    name: str
    waiting: int
    wait_min: int


class HallStatus:
    def __init__(self, queue_names: dict[str, str], queue_names_en: dict[str, str] | None = None) -> None:
        self.queue_names = queue_names
        self.queue_names_en = queue_names_en or {}
        self.board: Board | None = None
        self.connected = False
        self.server_online: bool | None = None  # None until the server's status topic was seen
        self.server_silent = False  # a ticket request went unanswered
        self.stopped_by_command = False
        self.command_text: str | None = None
        self.notice: str | None = None
        self.printer_faults: tuple[str, ...] = ()
        self.reader_faults: dict[str, str] = {}
        self.a4_faults: tuple[str, ...] = ()  # the A4 document printer's (a4_paper_out, a4_unreachable, ...)

    # -- inputs ---------------------------------------------------------------------------
    def apply(self, event: ev.Event) -> bool:
        """Take in what ``event`` tells of the hall, the links or the devices (a print job's answer
        tells how the printer is); answers whether the faults to publish may have changed."""
        match event:
            case ev.LinkChanged(connected=up):
                self.link(up)
            case ev.BoardReceived(board=board):
                self.board_received(board)
            case ev.ServerStatusChanged(online=online):
                self.server_status(online)
            case ev.CommandReceived(command=cmd):
                self.command(cmd.cmd, cmd.text)
            case ev.ReaderFault(device=device, fault=fault):
                if fault is None:
                    self.reader_faults.pop(device, None)
                else:
                    self.reader_faults[device] = fault
                return True
            case ev.A4Checked(faults=faults):
                self.a4_faults = tuple(f for f in faults if f != "a4_not_fitted")
                return True
            case ev.PrinterChecked(faults=faults):
                self.printer_faults = faults
                return True
            case ev.PrintFailed(fault=fault):
                self.printer_faults = tuple(sorted(set(self.printer_faults) | {fault}))
                return True
            case ev.PrintFinished(faults=faults) if faults != self.printer_faults:
                self.printer_faults = faults
                return True
        return False

    def link(self, connected: bool) -> None:
        self.connected = connected

    def board_received(self, board: Board) -> None:
        self.board = board
        self.server_silent = False

    def server_status(self, online: bool) -> None:
        self.server_online = online
        if online:
            self.server_silent = False

    def command(self, cmd: str, text: str | None) -> None:
        """``devices/{id}/cmd``: stop/resume issuing, a notice; ``reload`` needs nothing here (the
        retained board and status arrive again on every reconnect)."""
        if cmd == "stop_issuing":
            self.stopped_by_command, self.command_text = True, text
        elif cmd == "resume_issuing":
            self.stopped_by_command, self.command_text = False, None
        elif cmd == "notice":
            self.notice = text or None

    # -- decisions ------------------------------------------------------------------------
    def pause_reason(self) -> str | None:
        """Why no ticket may be issued now (a key of :mod:`kiosk.i18n`), or None when it may."""
        if not self.connected:
            return "pause_broker"
        if self.server_online is False:
            return "pause_server_offline"
        if self.server_silent:
            return "pause_server_silent"
        if self.board is None:
            return "pause_connecting"
        if not self.board.issuing:
            return "pause_hall"
        if self.stopped_by_command:
            return "pause_command"
        return None

    @property
    def issuing(self) -> bool:
        return self.pause_reason() is None

    @property
    def pause_detail(self) -> str | None:
        """Free text that goes with the pause (the hall's or the command's notice)."""
        if self.stopped_by_command and self.command_text:
            return self.command_text
        if self.board is not None and not self.board.issuing and self.board.notice:
            return self.board.notice
        return None

    @property
    def banner(self) -> str | None:
        """A notice for the home screen: the last ``notice`` command, else the board's notice."""
        return self.notice or (self.board.notice if self.board else None)

    def can_print(self) -> bool:
        return not any(f in PRINT_BLOCKING for f in self.printer_faults)

    def printer_problem(self) -> str | None:
        """The printer fault that matters most (a fault code), or None."""
        for fault in (*PRINT_BLOCKING, "paper_low"):
            if fault in self.printer_faults:
                return fault
        return None

    def faults(self) -> list[str]:
        """Everything to publish on ``devices/{id}/status``."""
        return sorted(set(self.printer_faults) | set(self.reader_faults.values()) | set(self.a4_faults))

    def queues(self, language: str = "zh_CN") -> list[QueueRow]:
        if self.board is None:
            return []
        names = self.queue_names_en if language == "en" else self.queue_names
        return [QueueRow(q.code, names.get(q.code) or q.name, q.waiting, (q.predicted_wait_s + 59) // 60)
                for q in self.board.queues]

    def waiting_in(self, queue: str) -> QueueRow | None:
        return next((row for row in self.queues() if row.code == queue), None)

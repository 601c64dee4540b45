"""Simulated window devices on a simulated RS-485 line: a pymodbus RTU server on a pty.

Several units share the line, as on the real bus. Fault switches: a unit goes
silent (:meth:`Rs485Simulator.set_silent`), answers turn to garbage
(:attr:`Rs485Simulator.garble`), or noise appears on the line (:meth:`inject_noise`)::

    python -m hardware.rs485.simulator --units screen:1,keypad:2,evaluator:3
"""
from __future__ import annotations

import argparse
import asyncio
import threading
import time
from types import TracebackType
from typing import Any

from hardware.rs485 import register_map as rm
from hardware.rs485._pty_line import PtyLine
from hardware.rs485.sim_devices import MODELS, DeviceModel, EvaluatorModel, KeypadModel, ScreenModel


class Rs485Simulator:
    """Devices ``{unit: model}`` served on a pty; the host opens :attr:`port`."""

    def __init__(self, devices: list[DeviceModel]) -> None:
        self.devices = {d.unit: d for d in devices}
        self.line = PtyLine()
        self.silent: set[int] = set()
        self.garble = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._server: Any = None

    @property
    def port(self) -> str:
        """The pty path the host's :class:`~hardware.rs485.bus.Rs485Bus` opens."""
        return self.line.host_port

    def set_silent(self, unit: int, silent: bool = True) -> None:
        """Make one unit stop (or resume) answering, as if unplugged."""
        (self.silent.add if silent else self.silent.discard)(unit)

    def inject_noise(self, data: bytes = b"\xff\x00\x13\x37\xfe\x55") -> None:
        """Put bytes on the line towards the host now."""
        self.line.inject_to_host(data)

    def start(self) -> Rs485Simulator:
        """Open the line and start the Modbus server thread."""
        self.line.open()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="rs485-sim", daemon=True)
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(self._serve(), self._loop).result(timeout=10)
        return self

    async def _serve(self) -> Any:
        from pymodbus import FramerType
        from pymodbus.server import ModbusSerialServer
        from pymodbus.simulator import DataType, SimData, SimDevice

        sim_devices = []
        for unit, model in self.devices.items():
            data = [SimData(address, count=count, datatype=DataType.REGISTERS, readonly=ro)
                    for address, count, ro in model.regions]

            async def action(fc: int, start: int, address: int, count: int, registers: list[int],
                             values: Any, model: DeviceModel = model) -> Any:
                return self._action(model, fc, start, address, registers, values)

            sim_devices.append(SimDevice(unit, simdata=data, action=action))
        server = ModbusSerialServer(sim_devices, port=self.line.device_port, framer=FramerType.RTU,
                                    trace_pdu=self._filter, trace_packet=self._garble)
        await server.serve_forever(background=True)
        return server

    def _action(self, model: DeviceModel, fc: int, start: int, address: int,
                registers: list[int], values: Any) -> Any:
        """Apply a write to the model, then present the model's registers to pymodbus."""
        from pymodbus.constants import ExcCodes

        with model.lock:
            written = [int(v) for v in values] if values is not None and fc in (6, 16) else None
            if written is not None and (code := model.write(address, written)) is not None:
                return ExcCodes(code)
            for addr, value in model.registers().items():
                if 0 <= addr - start < len(registers):
                    registers[addr - start] = value
        return None

    def _filter(self, sending: bool, pdu: Any) -> Any:
        """Requests for silent or absent units get no answer, as on a real bus."""
        if not sending and (pdu.dev_id in self.silent or pdu.dev_id not in self.devices):
            return None
        return pdu

    def _garble(self, sending: bool, packet: bytes) -> bytes:
        if sending and self.garble:
            return bytes(b ^ 0xA5 for b in packet)
        return packet

    def stop(self) -> None:
        """Stop the server and close the line."""
        if self._loop is not None:
            if self._server is not None:
                asyncio.run_coroutine_threadsafe(self._server.shutdown(), self._loop).result(timeout=5)
                self._server = None
            self._loop.call_soon_threadsafe(self._loop.stop)
            if self._thread is not None:
                self._thread.join(timeout=5)
            self._loop.close()
            self._loop = self._thread = None
        self.line.close()

    def __enter__(self) -> Rs485Simulator:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def parse_units(spec: str, auto_rate: int | None = None) -> list[DeviceModel]:
    """``screen:1,keypad:2,evaluator:3`` → device models."""
    models: list[DeviceModel] = []
    for item in filter(None, (s.strip() for s in spec.split(","))):
        kind, _, unit = item.partition(":")
        if kind not in MODELS or not unit.isdigit() or not 1 <= int(unit) <= 247:
            raise ValueError(f"bad unit {item!r}: expected screen|keypad|evaluator:1..247")
        if kind == "evaluator":
            models.append(EvaluatorModel(int(unit), auto_rate=auto_rate))
        else:
            models.append(MODELS[kind](int(unit)))
    return models


def _console(sim: Rs485Simulator) -> None:
    """Read ``UNIT KEY`` (call_next, recall, no_show, pause, transfer B) or ``UNIT SCORE`` lines."""
    import sys

    for line in sys.stdin:
        words = line.split()
        if len(words) < 2 or not words[0].isdigit() or int(words[0]) not in sim.devices:
            print("usage: UNIT call_next|recall|no_show|pause|transfer Q   or   UNIT 1..5", flush=True)
            continue
        model = sim.devices[int(words[0])]
        if isinstance(model, KeypadModel) and words[1].upper() in rm.Key.__members__:
            target = words[2].upper() if len(words) > 2 else None
            print("pressed" if model.press(rm.Key[words[1].upper()], target) else "FIFO full", flush=True)
        elif isinstance(model, EvaluatorModel) and words[1] in "12345":
            print("rated" if model.rate(int(words[1])) else "nothing to rate", flush=True)


def main(argv: list[str] | None = None) -> None:
    """Run simulated devices until Ctrl-C; print the pty path and every screen change."""
    parser = argparse.ArgumentParser(description="simulated RS-485 window devices (Modbus RTU on a pty)")
    parser.add_argument("--units", default="screen:1,keypad:2,evaluator:3")
    parser.add_argument("--auto-rate", type=int, choices=range(1, 6), default=None,
                        help="evaluators rate every request with this score after 0.5 s")
    args = parser.parse_args(argv)
    with Rs485Simulator(parse_units(args.units, args.auto_rate)) as sim:
        print(sim.port, flush=True)
        threading.Thread(target=_console, args=(sim,), daemon=True).start()
        screens = [m for m in sim.devices.values() if isinstance(m, ScreenModel)]
        seen = {m.unit: 0 for m in screens}
        try:
            while True:
                for screen in screens:
                    for text in screen.history[seen[screen.unit]:]:
                        print(f"screen {screen.unit}: {text}", flush=True)
                    seen[screen.unit] = len(screen.history)
                time.sleep(0.2)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()

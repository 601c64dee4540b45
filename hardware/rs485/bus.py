"""``Rs485Bus``: the host's Modbus RTU master on one RS-485 line (pymodbus serial client).

The URL is anything ``serial.serial_for_url`` opens: ``/dev/ttyUSB0``, a pty path,
``serial:///dev/ttyUSB0`` (prefix stripped), ``rfc2217://host:port`` or
``socket://host:port`` (RTU frames over a raw TCP serial server).
"""
from __future__ import annotations

import logging
import threading
from types import TracebackType
from typing import Any

from hardware.rs485.errors import DeviceGarbled, DeviceNoAnswer, DeviceRejected, LineUnavailable


class Rs485Bus:
    """One master on one line; every request waits at most ``timeout_s`` for its unit."""

    def __init__(self, port: str, baudrate: int = 9600, timeout_s: float = 0.3) -> None:
        self.port, self.baudrate, self.timeout_s = port, baudrate, timeout_s
        self._client: Any = None
        self._lock = threading.Lock()
        self._received = b""

    @classmethod
    def from_url(cls, url: str, baudrate: int = 9600, timeout_s: float = 0.3) -> Rs485Bus:
        """A bus on the line a configuration URL names (not yet opened)."""
        port = url[len("serial://") :] if url.startswith("serial://") else url
        if "?" in port and port.startswith("/"):
            port, _, query = port.partition("?")
            for item in query.split("&"):
                key, _, value = item.partition("=")
                if key == "baudrate":
                    baudrate = int(value)
        return cls(port, baudrate, timeout_s)

    def open(self) -> None:
        """Open the serial port."""
        from pymodbus import FramerType
        from pymodbus.client import ModbusSerialClient

        quiet = logging.getLogger("pymodbus")
        if quiet.level == logging.NOTSET:  # it logs every timeout at ERROR; we raise instead
            quiet.setLevel(logging.CRITICAL)
        client = ModbusSerialClient(
            port=self.port, framer=FramerType.RTU, baudrate=self.baudrate,
            timeout=self.timeout_s, retries=0, trace_packet=self._trace,
        )
        if not client.connect():
            raise LineUnavailable(self.port)
        self._client = client

    def close(self) -> None:
        """Close the serial port."""
        if self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> Rs485Bus:
        self.open()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def read(self, unit: int, address: int, count: int) -> list[int]:
        """Read ``count`` holding registers (function 03)."""
        response = self._call(unit, "read_holding_registers", address, count=count)
        return list(response.registers)

    def write(self, unit: int, address: int, values: list[int]) -> None:
        """Write registers: function 06 for one, 16 for several (one frame, applied in order)."""
        if len(values) == 1:
            self._call(unit, "write_register", address, values[0])
        else:
            self._call(unit, "write_registers", address, values)

    def _call(self, unit: int, method: str, *args: Any, **kwargs: Any) -> Any:
        from pymodbus.exceptions import ModbusException

        if self._client is None:
            raise LineUnavailable(self.port, "not open")
        with self._lock:
            self._received = b""
            try:
                response = getattr(self._client, method)(*args, device_id=unit, **kwargs)
            except ModbusException as err:
                if not self._client.connected:
                    raise LineUnavailable(self.port, str(err)) from err
                if self._received:
                    raise DeviceGarbled(unit, self._received) from err
                raise DeviceNoAnswer(unit, self.timeout_s) from err
        if response.isError():
            raise DeviceRejected(unit, int(getattr(response, "exception_code", 0)))
        return response

    def _trace(self, sending: bool, data: bytes) -> bytes:
        """Remember what arrived for the request in flight, to tell silence from garbage."""
        if not sending:
            self._received = data
        return data

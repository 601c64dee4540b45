"""Window-device errors on the RS-485 line, with Chinese and English messages."""
from __future__ import annotations


class Rs485Error(Exception):
    """Base class for RS-485 problems."""


class LineUnavailable(Rs485Error):
    """The serial port could not be opened or failed."""

    def __init__(self, url: str, detail: str = "") -> None:
        self.url = url
        message = f"无法打开RS-485线路 / cannot open the RS-485 line {url}"
        super().__init__(f"{message}: {detail}" if detail else message)


class DeviceError(Rs485Error):
    """A problem with one addressed device (``unit`` is its Modbus unit id)."""

    def __init__(self, unit: int, message: str) -> None:
        self.unit = unit
        super().__init__(message)


class DeviceNoAnswer(DeviceError):
    """Nothing came back from the unit within the timeout."""

    def __init__(self, unit: int, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        super().__init__(unit, f"设备{unit}无响应 / device {unit} did not answer within {timeout_s:g} s")


class DeviceGarbled(DeviceError):
    """Bytes came back but no valid frame (CRC error, noise, wrong length)."""

    def __init__(self, unit: int, received: bytes) -> None:
        self.received = received
        super().__init__(
            unit,
            f"设备{unit}应答数据错误（校验失败或线路干扰）/ device {unit}: garbled answer "
            f"({len(received)} bytes, no valid frame)",
        )


class DeviceRejected(DeviceError):
    """The unit answered with a Modbus exception (bad address, bad value, busy)."""

    def __init__(self, unit: int, exception_code: int) -> None:
        self.exception_code = exception_code
        super().__init__(unit, f"设备{unit}拒绝请求 / device {unit} rejected the request "
                               f"(Modbus exception {exception_code})")


class DeviceMismatch(DeviceError):
    """The unit answers but is not the kind of device configured there."""

    def __init__(self, unit: int, expected: str, found: int) -> None:
        super().__init__(unit, f"设备{unit}类型不符 / device {unit} is type {found}, expected {expected}")

"""Window-device errors on the RS-485 line, with Chinese and English messages."""
from __future__ import annotations

from hall_contract.errors import HallError


class Rs485Error(HallError):
    """Base class for RS-485 problems."""

    code = "rs485_error"
    message_zh = "窗口设备线路故障"
    message_en = "RS-485 line fault"


class LineUnavailable(Rs485Error):
    """The serial port could not be opened or failed."""

    code = "rs485_line_unavailable"

    def __init__(self, url: str, detail: str = "") -> None:
        self.url = url
        super().__init__(detail, zh="无法打开RS-485线路", en=f"cannot open the RS-485 line {url}")


class DeviceError(Rs485Error):
    """A problem with one addressed device (``unit`` is its Modbus unit id)."""

    code = "rs485_device_error"

    def __init__(self, unit: int, zh: str, en: str) -> None:
        self.unit = unit
        super().__init__(zh=zh, en=en, unit=unit)


class DeviceNoAnswer(DeviceError):
    """Nothing came back from the unit within the timeout."""

    code = "rs485_no_answer"

    def __init__(self, unit: int, timeout_s: float) -> None:
        self.timeout_s = timeout_s
        super().__init__(unit, f"设备{unit}无响应", f"device {unit} did not answer within {timeout_s:g} s")


class DeviceGarbled(DeviceError):
    """Bytes came back but no valid frame (CRC error, noise, wrong length)."""

    code = "rs485_garbled"

    def __init__(self, unit: int, received: bytes) -> None:
        self.received = received
        super().__init__(unit, f"设备{unit}应答数据错误（校验失败或线路干扰）",
                         f"device {unit}: garbled answer ({len(received)} bytes, no valid frame)")


class DeviceRejected(DeviceError):
    """The unit answered with a Modbus exception (bad address, bad value, busy)."""

    code = "rs485_rejected"

    def __init__(self, unit: int, exception_code: int) -> None:
        self.exception_code = exception_code
        super().__init__(unit, f"设备{unit}拒绝请求",
                         f"device {unit} rejected the request (Modbus exception {exception_code})")


class DeviceMismatch(DeviceError):
    """The unit answers but is not the kind of device configured there."""

    code = "rs485_mismatch"

    def __init__(self, unit: int, expected: str, found: int) -> None:
        super().__init__(unit, f"设备{unit}类型不符", f"device {unit} is type {found}, expected {expected}")

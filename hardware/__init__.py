"""Every device of the hall behind a small interface, each with a simulator that is a real peer.

Sub-packages: ``card`` (social security card over PC/SC), ``idcard`` (resident ID card through a
serial SAM reader), ``printer`` (ESC/POS ticket printer), ``document`` (A4 documents through
CUPS), ``scanner`` (QR/barcode scanner for the 电子社保卡), ``rs485`` (window LED screens, caller
keypads and evaluators on Modbus RTU), ``speech`` (the one Mandarin speech service, pyttsx3 with
espeak-ng, used by the wall display and the kiosk). Each device has a pure codec, a transport chosen by
configuration and a simulator speaking the same protocol over the same kind of link.
"""

"""``hallctl``: one command for every app of the hall appliance.

Sub-commands import their app lazily, so ``hallctl --help`` works on a kiosk that has no
server packages installed and a server that has no Kivy.
"""
from __future__ import annotations

from queue_server.cli.main import app


def main() -> None:
    app()


__all__ = ["app", "main"]

"""``hallctl``: one command for every app of the hall appliance.

The composition root: the only package that knows every app. It registers each app's
commands (imported lazily), checks the whole configuration, and runs what spans apps
(``demo``, ``doctor``, ``install``, ``devices provision``).
"""
from __future__ import annotations


def main() -> None:
    from hallctl.main import app

    app()


__all__ = ["main"]

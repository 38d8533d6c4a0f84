"""The ``selectie`` command line: a thin shell over the library.

Each command lives in a module of this package and registers itself with the typer
application in :mod:`selectie.cli._app`; importing this package registers them all.
"""

from __future__ import annotations

import sys

from . import app as _app_cmd  # noqa: F401  (registers app)
from . import diagnose as _diagnose  # noqa: F401  (registers explain, alternatives, ...)
from . import fidelity as _fidelity  # noqa: F401  (registers freedom, sensitivity)
from . import init as _init  # noqa: F401  (registers init)
from . import lottery as _lottery  # noqa: F401  (registers lottery)
from . import scenario as _scenario  # noqa: F401  (registers `scenario show|init`)
from . import select as _select  # noqa: F401  (registers select, check, tables, validate)
from . import sweep as _sweep  # noqa: F401  (registers sweep)
from ._app import app

__all__ = ["app", "main"]


def main() -> None:
    """Entry point of the ``selectie`` console script and ``python -m selectie``."""
    try:
        app(prog_name="selectie")
    finally:
        try:
            sys.stdout.flush()
        except BrokenPipeError:  # the reader went away after the last write: stop quietly
            from ._common import _quiet_stdout

            _quiet_stdout()

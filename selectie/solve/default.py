"""The default solver backend: the one home of the ``solver=`` default of every public
function, of the command line's ``--solver`` and of the app's solver choice.

HiGHS is the default (docs/design.md, "Which backend is the default, and why", has the
measurements). highspy is a core dependency, but a Python without it (a wheel for a platform
highspy lacks, an environment where it was removed) still runs selectie on CBC, which PuLP
bundles: the default then falls back to ``"cbc"``. Which backend ran is always recorded
(``Selection.solver.name``, the run manifest's ``solver.name``), so a fallback is never
silent in the output files. Asking for HiGHS by name when it is missing is an error with the
install hint (:func:`selectie.solve.backend.get_backend`).

This module imports nothing heavy: it only asks whether highspy can be found.

>>> DEFAULT in ("highs", "cbc")
True
>>> DEFAULT == ("highs" if highs_installed() else "cbc")
True
"""

from __future__ import annotations

from importlib.util import find_spec

__all__ = ["DEFAULT", "PREFERRED", "highs_installed"]

#: The backend chosen by measurement (docs/design.md).
PREFERRED = "highs"


def highs_installed() -> bool:
    """True if the highspy package can be imported (it is looked up, not imported)."""
    return find_spec("highspy") is not None


#: The default backend: HiGHS, or CBC when highspy is not installed.
DEFAULT: str = PREFERRED if highs_installed() else "cbc"
